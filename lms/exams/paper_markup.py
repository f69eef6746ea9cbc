"""The questions of a paper as HTML.

Built here rather than in the template because of how often it is built: a
hundred questions a page, a thousand pages in the minute an exam opens. As a
template loop it yielded some six thousand fragments through three generator
levels (~8 ms a page); joining escaped strings takes a fraction of that. The
markup is what any other form has: fieldsets and labelled inputs, every text
escaped.
"""

from html import escape

from flask_babel import gettext as _
from markupsafe import Markup

from lms.core.content_files import LETTERS


def _points_labels(questions) -> dict[tuple[str, int], str]:
    """"(2 points)" per kind and points on the paper, escaped: translated once
    each, not once per question (a hundred lookups cost a page ~20 ms)."""
    labels = {}
    for q in questions:
        if (q.kind, q.points) not in labels:
            labels[(q.kind, q.points)] = escape(_("(%(n)s points, choose all that apply)", n=q.points)
                                                if q.kind == "multiple" else _("(%(n)s points)", n=q.points))
    return labels


def questions_markup(questions) -> Markup:
    """The paper's questions (``PaperQuestion``s) as fieldsets: options in the
    candidate's order, lettered A, B, … as shown, their saved answer checked,
    each with its points."""
    points_labels = _points_labels(questions)
    true_false = [("true", escape(_("True"))), ("false", escape(_("False")))]
    parts = []
    for q in questions:
        parts.append(f'<fieldset class="question card" id="question-{q.position}" data-position="{q.position}">\n'
                     f'<legend>{q.position}. {escape(q.stem)} '
                     f'<span class="muted">{points_labels[(q.kind, q.points)]}</span></legend>')
        if q.kind == "true_false":
            input_type, choices = "radio", true_false
        else:
            input_type = "checkbox" if q.kind == "multiple" else "radio"
            choices = [(letter, f"{letter}. {escape(option)}") for letter, option in zip(LETTERS, q.options, strict=False)]
        for value, label in choices:
            checked = " checked" if value in q.chosen else ""
            parts.append(f'<label class="choice"><input type="{input_type}" name="q{q.position}" '
                         f'value="{value}"{checked}> {label}</label>')
        if q.chosen:
            # What this page showed as saved: lets a submit without scripts
            # tell "un-ticked here" from "never touched here" (see attempts.save_answers).
            parts.append(f'<input type="hidden" name="saved{q.position}" value="{escape(" ".join(sorted(q.chosen)))}">')
        parts.append("</fieldset>")
    return Markup("\n".join(parts))

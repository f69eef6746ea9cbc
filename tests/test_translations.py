"""Every string the UI shows has a Simplified Chinese translation."""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "lms/translations/zh/LC_MESSAGES/messages.po"


def test_every_message_in_the_source_is_translated():
    # The same extraction as `make translations` (babel.cfg).
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    wanted = {message[2] for message in extract_from_dir(ROOT / "lms", method_map, keywords=keywords)}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert len(wanted) > 100  # the extraction really read the sources
    missing = sorted(wanted - translated)
    assert missing == [], f"run `make translations` and translate: {missing[:10]}"


def test_placeholders_survive_translation():
    with CATALOGUE.open("rb") as handle:
        for message in read_po(handle):
            if message.id and "%(" in message.id:
                for name in ("%(n)s", "%(name)s", "%(pw)s", "%(phone)s", "%(id)s", "%(link)s"):
                    assert (name in message.id) == (name in message.string), message.id


# A %-conversion as Python's `str % mapping` reads it; "%%" is a literal percent sign.
_CONVERSION = re.compile(r"%(?:\((\w*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _placeholders(text: str) -> set[tuple[str, str]]:
    return {(name, kind) for name, kind in _CONVERSION.findall(text) if kind != "%"}


def _formatting_problem(msgid: str, msgstr: str, *, in_template: bool) -> str | None:
    """What goes wrong when Flask-Babel shows ``msgstr`` for ``msgid``, or None.

    Jinja's newstyle gettext (which Flask-Babel installs) always applies
    ``%`` to a template's message, with or without variables; Python's
    ``gettext(msgid, **variables)`` applies it only when given variables,
    which a msgid naming a placeholder always is. A message that is never
    formatted shows "%%" as two percent signs."""
    wanted = _placeholders(msgid)
    if not (in_template or wanted):
        if "%%" in msgstr and "%%" not in msgid:
            return "'%%' in a message that is never formatted"
        return "a placeholder in a message that is never formatted" if "%(" in msgstr else None
    if _placeholders(msgstr) != wanted:
        return f"placeholders {sorted(_placeholders(msgstr))} instead of {sorted(wanted)}"
    values = {name: 7 for name, _kind in wanted}
    for text in (msgid, msgstr):
        try:
            text % values
        except (ValueError, TypeError, KeyError) as error:
            return f"{text!r} cannot be formatted: {error}"
    return None


@pytest.mark.parametrize("msgid, msgstr, in_template", [
    ("Pass rate", "合格率%", True),  # a stray % in a template: ValueError when rendered
    ("At least 95%% done", "完成95%以上", True),  # "%以" is not a conversion
    ("%(n)s of %(total)s", "共 %(total)s 题", False),  # a placeholder dropped
    ("%(n)s points", "%(n)d 分", False),  # another conversion
    ("%(n)s points", "%(m)s 分", False),  # a misspelt name
    ("Saved", "已保存 100%%", False),  # never formatted: shows "%%"
    ("Saved", "已保存 %(n)s", False),  # never formatted: shows "%(n)s"
])
def test_the_format_check_catches_a_broken_translation(msgid, msgstr, in_template):
    assert _formatting_problem(msgid, msgstr, in_template=in_template)


@pytest.mark.parametrize("msgid, msgstr, in_template", [
    ("At least 95%% done", "完成95%%以上", True),
    ("%(n)s of %(total)s", "共 %(total)s 题，第 %(n)s 题", False),
    ("Pass rate (percent)", "合格率（%）", False),
])
def test_the_format_check_accepts_a_good_translation(msgid, msgstr, in_template):
    assert _formatting_problem(msgid, msgstr, in_template=in_template) is None


def test_every_chinese_message_formats_as_flask_babel_formats_it():
    """The compiled catalogue, looked up as Flask-Babel looks it up (fuzzy
    entries left out), formatted as it would be: a stray % in the Chinese
    would otherwise break the page only when someone opens it in Chinese."""
    in_templates = {message[2] for message in extract_from_dir(
        ROOT / "lms", [("templates/**.html", "jinja2")], keywords=DEFAULT_KEYWORDS)}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    translations = Translations(compiled)
    problems, checked = [], 0
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple):
            continue  # the catalogue has no plural messages; ngettext would need its own check
        shown = translations.ugettext(message.id)
        if shown == message.id:
            continue  # untranslated or fuzzy: the English is shown (the test above reports it)
        checked += 1
        problem = _formatting_problem(message.id, shown, in_template=message.id in in_templates)
        if problem:
            problems.append(f"{message.id!r}: {problem}")
    assert checked > 100
    assert problems == []


# An ideograph (the rare-name planes included) directly followed by ASCII punctuation:
# in Chinese text that is the full-width form (：，。？！；). ASCII punctuation between
# Latin letters or digits ("Moodle XML (.xml)", "2.0") is left alone.
_ASCII_AFTER_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003ffff][:,.?!;]")

# A translated message followed in a template by ASCII punctuation, e.g.
# `{{ _("Number") }}: ` or `<a>{{ _("register here") }}</a>.`: in Chinese the page shows
# "编号: " and "在此注册." — the punctuation belongs inside the message.
_PUNCTUATION_AFTER_MESSAGE = re.compile(
    r"""\b_\((["'])(?:(?!\1).)*\1[^()]*\)\s*\}\}(?:\s*</\w+>)*[:,.?!;]""")


@pytest.mark.parametrize("text", ["编号: ", "在此注册.", "确定要删除吗?", "已保存!", "姓名,电话"])
def test_the_punctuation_check_catches_ascii_after_chinese(text):
    assert _ASCII_AFTER_CJK.search(text)


@pytest.mark.parametrize("text", ["只能使用字母、数字和 . _ @ -。", "GIFT（.gift、.txt）",
                                  "编号：", "第 %(n)s 题", "版本 2.0", "合格率（%）"])
def test_the_punctuation_check_leaves_latin_and_full_width_alone(text):
    assert not _ASCII_AFTER_CJK.search(text)


def test_chinese_messages_use_full_width_punctuation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    strings = [m.string for m in catalogue if m.id and not m.fuzzy]
    strings = [s for value in strings for s in (value if isinstance(value, tuple) else (value,))]
    bad = [s for s in strings if _ASCII_AFTER_CJK.search(s)]
    assert bad == [], f"use ：，。？！； after Chinese characters: {bad[:10]}"


def test_templates_keep_punctuation_inside_the_message():
    bad = [f"{path.relative_to(ROOT)}: {match.group(0)}"
           for path in sorted((ROOT / "lms/templates").rglob("*.html"))
           for match in _PUNCTUATION_AFTER_MESSAGE.finditer(path.read_text(encoding="utf-8"))]
    assert bad == [], f"move the punctuation into the message: {bad[:10]}"


def test_pages_in_chinese_end_sentences_with_chinese_punctuation(client):
    page = client.get("/login").get_data(as_text=True)
    assert "还没有账号的家庭照护者可以<a" in page and "在此注册</a>。" in page

"""What other features show on a person's staff page.

A person's page must lead to everything about the person — study, exams,
certificates — yet ``people`` sits below those features and may not import
them. So they register a section here when their views load, and the page
renders whatever is registered: the dependencies keep pointing one way.
"""

from collections.abc import Callable

from markupsafe import Markup

from lms.people.models import Person

PersonSection = Callable[[Person], str | None]
_SECTIONS: list[tuple[int, str, PersonSection]] = []


def person_section(order: int) -> Callable[[PersonSection], PersonSection]:
    """Register ``render(person) -> HTML | None`` as a section of the person
    page; sections show by ``order``. Registering the same function again
    (a module imported twice) replaces it."""

    def register(render: PersonSection) -> PersonSection:
        name = f"{render.__module__}.{render.__qualname__}"
        _SECTIONS[:] = [entry for entry in _SECTIONS if entry[1] != name]
        _SECTIONS.append((order, name, render))
        _SECTIONS.sort(key=lambda entry: (entry[0], entry[1]))
        return render

    return register


def person_sections(person: Person) -> list[Markup]:
    """The rendered sections for ``person`` (the caller has checked scope).
    Each is the output of an autoescaping template, hence safe to insert."""
    return [Markup(html) for _order, _name, render in _SECTIONS if (html := render(person)) is not None]

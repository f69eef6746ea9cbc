"""Every string the UI shows has a Simplified Chinese translation."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

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

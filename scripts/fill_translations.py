"""Fill Chinese translations into lms/translations/zh/LC_MESSAGES/messages.po.

    make translations                               # extract + merge new msgids first
    .venv/bin/python scripts/fill_translations.py my_strings.yaml

The YAML file maps English msgids to Simplified Chinese. Entries already
translated are overwritten only when the file gives a different text.
"""

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent.parent / "lms/translations/zh/LC_MESSAGES/messages.po"


def main(path: str) -> int:
    mapping = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    for msgid, text in mapping.items():
        message = catalogue.get(msgid)
        if message is None:
            catalogue.add(msgid, text)
        else:
            message.string = text
            message.flags.discard("fuzzy")
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, no_location=True, width=100)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    print(f"{len(mapping)} filled; {len(untranslated)} still untranslated")
    for msgid in untranslated[:20]:
        print("  ", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

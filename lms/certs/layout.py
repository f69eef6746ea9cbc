"""Where a certificate's text goes: ``content/certs/layout.yaml`` read into
drawing items for one page.

Nothing here knows about PDF: a page is a list of ``Text``, ``Paragraph``
and ``QRCode`` items with positions in millimetres, filled from the
certificate's plain data. ``lms/certs/stamping.py`` writes them.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LAYOUT_FILE = "layout.yaml"


class LayoutError(ValueError):
    """layout.yaml names a font, kind or data key that does not exist."""


@dataclass(frozen=True)
class Text:
    """One line of text; y is the baseline."""

    text: str
    x: float
    y: float
    size: float
    font: str
    align: str = "left"
    color: str | None = None
    spacing: float = 0.0
    max_width: float | None = None


@dataclass(frozen=True)
class Paragraph:
    """Text wrapped to ``width``; y is the first baseline."""

    text: str
    x: float
    y: float
    width: float
    size: float
    font: str
    leading: float
    indent: float = 0.0
    align: str = "left"
    color: str | None = None
    break_all: bool = False


@dataclass(frozen=True)
class QRCode:
    """A QR code of ``text``, ``size`` mm square with its quiet zone; (x, y) is its top-left."""

    text: str
    x: float
    y: float
    size: float


Item = Text | Paragraph | QRCode


@dataclass(frozen=True)
class FontSpec:
    """A font as the background document asks for it (CSS family and weight)."""

    family: str
    weight: int

    @property
    def is_bold(self) -> bool:
        return self.weight >= 600

    @property
    def print_family(self) -> str:
        """The family background.html declares for this font's reduced print
        font (``lms/certs/print_fonts.py``), e.g. "Noto Serif CJK SC Print"."""
        return f"{self.family} Print"

    @property
    def families(self) -> tuple[str, str]:
        """The font stack this font is set in: the print font first, then the
        system font for any character the print font lacks."""
        return self.print_family, self.family


@dataclass(frozen=True)
class Layout:
    """The parsed layout: fonts by key, item templates per certificate kind."""

    fonts: dict[str, FontSpec]
    common: tuple[dict, ...]
    kinds: dict[str, tuple[dict, ...]]

    def page_items(self, data: dict) -> list[Item]:
        """The items of one certificate's page, filled from its data."""
        try:
            templates = self.kinds[data["kind"]]
        except KeyError:
            raise LayoutError(f"layout.yaml has no certificate kind {data.get('kind')!r}") from None
        items: list[Item] = []
        for template in (*templates, *self.common):
            items.extend(_build(template, data))
        return items

    def characters(self, pages: list[list[Item]]) -> dict[str, str]:
        """Every character each font must hold to print these pages (sorted, per font key)."""
        by_font: dict[str, set[str]] = {key: set() for key in self.fonts}
        for items in pages:
            for item in items:
                if isinstance(item, (Text, Paragraph)):
                    by_font[item.font].update(item.text)
        return {key: "".join(sorted(chars - {"\n"})) for key, chars in by_font.items() if chars}


def _fill(template: str, data: dict) -> str:
    try:
        return template.format_map(data)
    except KeyError as missing:
        raise LayoutError(f"layout.yaml uses {missing}, which certificates do not have") from None


def _text(spec: dict, data: dict, **fixed) -> Text:
    return Text(text=_fill(spec.pop("text"), data), **fixed, **spec)


def _build(template: dict, data: dict) -> list[Item]:
    spec = dict(template)
    if "text" in spec:
        return [_text(spec, data)]
    if "paragraph" in spec:
        return [Paragraph(text=_fill(spec.pop("paragraph"), data), **spec)]
    if "qr" in spec:
        return [QRCode(text=_fill(spec.pop("qr"), data), **spec)]
    if "rows" in spec:
        return _rows(spec["rows"], data)
    raise LayoutError(f"layout.yaml: unknown item {sorted(spec)}")


def _rows(block: dict, data: dict) -> list[Item]:
    items: list[Item] = []
    for position, row in enumerate(block["items"]):
        y = block["top"] + position * block["step"]
        items.append(Text(text=row["label"], x=block["label_right"], y=y, size=block["size"],
                          font=block["label_font"], align="right"))
        items.append(Text(text=_fill(row["value"], data), x=block["value_left"], y=y,
                          size=block["size"], font=row.get("font", block["value_font"]),
                          spacing=row.get("spacing", 0.0), max_width=row.get("max_width")))
    return items


def _check_fonts(layout: Layout) -> None:
    def fonts_of(template: dict) -> set[str]:
        if "rows" in template:
            rows = template["rows"]
            return {rows["label_font"], rows["value_font"]} | {r["font"] for r in rows["items"] if "font" in r}
        return {template["font"]} if "font" in template else set()

    for template in (*layout.common, *(t for ts in layout.kinds.values() for t in ts)):
        unknown = fonts_of(template) - set(layout.fonts)
        if unknown:
            raise LayoutError(f"layout.yaml uses fonts it does not declare: {sorted(unknown)}")


@lru_cache(maxsize=4)
def _load(path: str, modified: float) -> Layout:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    layout = Layout(fonts={key: FontSpec(**spec) for key, spec in raw["fonts"].items()},
                    common=tuple(raw.get("common") or ()),
                    kinds={kind: tuple(items) for kind, items in raw["kinds"].items()})
    _check_fonts(layout)
    return layout


def load_layout(folder: Path) -> Layout:
    """The layout of the templates in ``folder`` (re-read when the file changes)."""
    path = Path(folder) / LAYOUT_FILE
    return _load(str(path), path.stat().st_mtime)

"""Certificates written straight into PDF, on a background WeasyPrint made.

Laying out a page in WeasyPrint costs ~60 ms; a batch of 40,000 needs a
page in a few. So WeasyPrint renders each batch once: one background page
per certificate kind (frame, title, photo box) and one "inventory" page that
sets every character the batch will print, in every font it uses. That page
makes WeasyPrint embed and subset the fonts with exactly those glyphs, and
write their widths and their ToUnicode maps (which is what lets ``pdftotext``
and screen readers give the text back). This module then reads those fonts
back, drops the inventory page, and gives each certificate a page of its own:
the shared background content stream plus a small stream of its own text and
QR code, set with the embedded fonts' glyph ids and widths.
"""

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name

from lms.certs.layout import FontSpec, Item, Layout, Paragraph, QRCode, Text
from lms.certs.qr import qr_dark_runs

logger = logging.getLogger(__name__)

POINTS_PER_MM = 72 / 25.4
NOTDEF = 0
# A space no embedded font prints (the subset may leave blanks out, e.g. the
# ideographic space of "姓　　名") is not drawn but moved over: one em for a
# full-width space, a quarter em for any other.
GAP = -1
# Never at the start of a line (Chinese line-breaking rules): they hang at the end instead.
NO_LINE_START = set("，。、；：？！）》」』”’,.;:!?)]}%")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/:_@%?=&#+]*|.", re.DOTALL)


@dataclass
class EmbeddedFont:
    """A font WeasyPrint embedded: its resource name, glyph ids by character, widths."""

    resource: str
    dictionary: Dictionary
    family: str
    is_bold: bool
    cids: dict[str, int]
    widths: dict[int, float]  # in 1/1000 em
    default_width: float = 1000.0

    @classmethod
    def read(cls, resource: str, font: Dictionary) -> "EmbeddedFont":
        descendant = font.DescendantFonts[0]
        return cls(resource=resource, dictionary=font, family=str(descendant.FontDescriptor.get("/FontFamily", "")),
                   is_bold="Bold" in str(font.BaseFont), cids=_read_to_unicode(font.ToUnicode.read_bytes()),
                   widths=_read_widths(descendant.get("/W", Array())),
                   default_width=float(descendant.get("/DW", 1000)))


def _read_to_unicode(cmap: bytes) -> dict[str, int]:
    """character → glyph id from a ToUnicode CMap (bfchar and bfrange entries)."""
    cids: dict[str, int] = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.DOTALL):
        for cid, unicode in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            cids.setdefault(bytes.fromhex(unicode).decode("utf-16-be"), int(cid, 16))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.DOTALL):
        for first, last, start in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = ord(bytes.fromhex(start).decode("utf-16-be"))
            for offset in range(int(last, 16) - int(first, 16) + 1):
                cids.setdefault(chr(base + offset), int(first, 16) + offset)
    return cids


def _read_widths(w: Array) -> dict[int, float]:
    """glyph id → width from a CID font's W array (both of its forms)."""
    widths: dict[int, float] = {}
    items, position = list(w), 0
    while position < len(items):
        first = int(items[position])
        following = items[position + 1]
        if isinstance(following, Array):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            position += 2
        else:
            for cid in range(first, int(following) + 1):
                widths[cid] = float(items[position + 2])
            position += 3
    return widths


@dataclass
class Typesetter:
    """Glyphs and widths for the layout's font keys, from the embedded fonts.

    A key's font is a stack (``FontSpec.families``): its reduced print font,
    then its system font, which WeasyPrint's font fallback embedded for the
    characters the print font lacks (a rare name character). A character is
    taken from the first embedded font that has it: fonts of the key's weight
    first (print and system font are the same design; the weight is what
    shows), and within a weight the print font, then the system font, then
    any other.
    """

    layout: Layout
    fonts: list[EmbeddedFont]
    _glyphs: dict[tuple[str, str], tuple[EmbeddedFont, int]] = field(default_factory=dict)

    def __post_init__(self):
        self._candidates = {key: self._rank(spec) for key, spec in self.layout.fonts.items()}

    def _rank(self, spec: FontSpec) -> list[EmbeddedFont]:
        """The embedded fonts in the order a key of ``spec`` looks for a glyph."""
        def place(font: EmbeddedFont) -> tuple[bool, int]:
            stack = spec.families.index(font.family) if font.family in spec.families else len(spec.families)
            return font.is_bold != spec.is_bold, stack

        return sorted(self.fonts, key=place)  # stable: otherwise in document order

    def glyph(self, key: str, char: str) -> tuple[EmbeddedFont, int]:
        """(font, glyph id) that prints ``char`` in the font of ``key``; the
        glyph id is ``GAP`` for a space no embedded font prints."""
        found = self._glyphs.get((key, char))
        if found is None:
            candidates = self._candidates[key]
            found = next(((f, f.cids[char]) for f in candidates if char in f.cids), None)
            if found is None and char.isspace():
                found = (candidates[0], GAP)
            elif found is None:
                logger.warning("no embedded font prints U+%04X; it shows as a blank box", ord(char))
                found = (candidates[0], NOTDEF)
            self._glyphs[(key, char)] = found
        return found

    def advance(self, char: str, font: EmbeddedFont, cid: int) -> float:
        """How far ``char`` moves the pen, in 1/1000 em."""
        if cid == GAP:
            return 1000.0 if unicodedata.east_asian_width(char) in "FW" else 250.0
        return font.widths.get(cid, font.default_width)

    def width(self, text: str, key: str, size: float, spacing: float = 0.0) -> float:
        """Width of ``text`` in points."""
        total = 0.0
        for char in text:
            font, cid = self.glyph(key, char)
            total += self.advance(char, font, cid) * size / 1000 + spacing
        return total - spacing if text else 0.0

    def show(self, text: str, key: str, size: float, spacing: float = 0.0) -> str:
        """Text-showing operators for ``text``, switching font where a
        character needs it and moving over the spaces no font prints (by
        their advance and the character spacing ``Tc``, which a move skips)."""
        parts, run_font, run = [], None, []

        def flush() -> None:
            if run:
                parts.append(f"{run_font.resource} {size:.2f} Tf <{''.join(run)}> Tj")
                run.clear()

        for char in text:
            font, cid = self.glyph(key, char)
            if cid == GAP:
                flush()
                move = self.advance(char, font, cid) + spacing * 1000 / size
                parts.append(f"[{-move:.1f}] TJ")  # negative: to the right
                continue
            if font is not run_font:
                flush()
            run_font = font
            run.append(f"{cid:04x}")
        flush()
        return "\n".join(parts)


def _colour(hex_colour: str | None) -> str:
    if not hex_colour:
        return "0 g"
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return f"{r:.3f} {g:.3f} {b:.3f} rg"


class PageWriter:
    """The content stream of one certificate's own items (text and QR code)."""

    def __init__(self, typesetter: Typesetter, page_height: float):
        self.typesetter = typesetter
        self.page_height = page_height

    def stream(self, items: list[Item]) -> bytes:
        """PDF operators drawing these items."""
        out = []
        for item in items:
            if isinstance(item, Text):
                out.append(self._text(item))
            elif isinstance(item, Paragraph):
                out.extend(self._paragraph(item))
            elif isinstance(item, QRCode):
                out.append(self._qr(item))
        return "\n".join(out).encode("ascii")

    def _line(self, text: str, *, x: float, y: float, size: float, font: str, align: str,
              colour: str | None, spacing: float = 0.0, max_width: float | None = None) -> str:
        """One line; x, y and max_width in mm."""
        if not text:
            return ""
        width = self.typesetter.width(text, font, size, spacing)
        if max_width and width > max_width * POINTS_PER_MM:
            scale = max_width * POINTS_PER_MM / width  # too long: smaller, never over the edge
            size, spacing, width = size * scale, spacing * scale, width * scale
        left = x * POINTS_PER_MM - {"left": 0, "center": width / 2, "right": width}[align]
        baseline = self.page_height - y * POINTS_PER_MM
        return (f"BT {_colour(colour)} {spacing:.2f} Tc 1 0 0 1 {left:.2f} {baseline:.2f} Tm\n"
                f"{self.typesetter.show(text, font, size, spacing)}\nET")

    def _text(self, item: Text) -> str:
        return self._line(item.text, x=item.x, y=item.y, size=item.size, font=item.font, align=item.align,
                          colour=item.color, spacing=item.spacing, max_width=item.max_width)

    def _paragraph(self, item: Paragraph) -> list[str]:
        lines = wrap(item, self.typesetter)
        anchor = {"left": item.x, "center": item.x + item.width / 2, "right": item.x + item.width}[item.align]
        out = []
        for number, line in enumerate(lines):
            indent = item.indent * item.size / POINTS_PER_MM if number == 0 else 0.0
            out.append(self._line(line, x=anchor + indent, y=item.y + number * item.leading,
                                  size=item.size, font=item.font, align=item.align, colour=item.color))
        return out

    def _qr(self, item: QRCode) -> str:
        rows = qr_dark_runs(item.text)
        module = item.size * POINTS_PER_MM / (len(rows) + 8)  # 4 modules of quiet zone each side
        left = item.x * POINTS_PER_MM + 4 * module
        top = self.page_height - item.y * POINTS_PER_MM - 4 * module
        rects = [f"{left + start * module:.2f} {top - (number + 1) * module:.2f} {length * module:.2f} "
                 f"{module:.2f} re" for number, runs in enumerate(rows) for start, length in runs]
        return "0 g\n" + "\n".join(rects) + "\nf"


def wrap(item: Paragraph, typesetter: Typesetter) -> list[str]:
    """The paragraph's lines: a break may come between any two Chinese characters,
    never inside a Latin word or a run of digits (unless ``break_all``), and
    closing punctuation never starts a line."""
    tokens = list(item.text) if item.break_all else WORD.findall(item.text)
    limit = item.width * POINTS_PER_MM
    lines, line, used = [], "", item.indent * item.size
    for token in tokens:
        width = typesetter.width(token, item.font, item.size)
        if line and used + width > limit and token not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
            if token.isspace():
                continue
        line += token
        used += width
    if line:
        lines.append(line)
    return lines


def _fonts(pdf: pikepdf.Pdf) -> list[EmbeddedFont]:
    seen: dict[str, EmbeddedFont] = {}
    for page in pdf.pages:
        for resource, font in page.obj.Resources.get("/Font", Dictionary()).items():
            if resource not in seen and font.get("/Subtype") == Name.Type0:
                seen[resource] = EmbeddedFont.read(resource, font)
    return list(seen.values())


def _contents(page: pikepdf.Page) -> list:
    contents = page.obj.Contents
    return list(contents) if isinstance(contents, Array) else [contents]


def _resources(pdf: pikepdf.Pdf, fonts: list[EmbeddedFont]):
    """The first page's resources with every font of the document (WeasyPrint
    usually shares one resource dictionary between pages; this does not rely on it)."""
    resources = Dictionary({key: value for key, value in pdf.pages[0].obj.Resources.items()})
    resources.Font = Dictionary({f.resource: f.dictionary for f in fonts})
    return pdf.make_indirect(resources)


def assemble(source: bytes, backgrounds: list[int], pages: list[list[Item]], layout: Layout,
             target: str | BinaryIO | None = None) -> bytes | None:
    """The final PDF: page i is page ``backgrounds[i]`` of the WeasyPrint
    ``source`` with ``pages[i]`` drawn on it. Every source page is dropped
    afterwards (the inventory pages with them); their content streams stay,
    shared by the pages that use them. Returns the bytes when ``target`` is None."""
    pdf = pikepdf.open(io.BytesIO(source))
    originals = list(pdf.pages)
    fonts = _fonts(pdf)
    writer = PageWriter(Typesetter(layout, fonts), page_height=float(originals[0].mediabox[3]))
    resources = _resources(pdf, fonts)
    save, restore = pdf.make_stream(b"q\n"), pdf.make_stream(b"\nQ\n")
    shared = [(original.obj.MediaBox, [save, *_contents(original), restore]) for original in originals]
    for background, items in zip(backgrounds, pages, strict=True):
        media_box, contents = shared[background]
        page = Dictionary(Type=Name.Page, MediaBox=media_box, Resources=resources,
                          Contents=Array([*contents, pdf.make_stream(writer.stream(items))]))
        pdf.pages.append(pikepdf.Page(page))
    del pdf.pages[:len(originals)]
    buffer = io.BytesIO() if target is None else target
    pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue() if target is None else None


"""Print fonts: the layout's system CJK fonts cut down once per machine to
the characters certificates nearly always print.

Why: WeasyPrint subsets each font it embeds once per document, keeping the
glyph ids where they were (RETAIN_GIDS), and copies the whole font file
first. On a Noto CJK face of 65,535 glyphs in a 20–26 MB collection that
costs ~50 ms a font, whatever the few dozen glyphs a certificate uses: most
of a single certificate's render. A font of ~7,700 glyphs subsets in a few
milliseconds. So each system font the layout names is reduced to
``repertoire()`` (GB 2312 with its punctuation, symbols, Latin, Greek,
Cyrillic and kana; ASCII, Latin-1 and the common punctuation blocks),
keeping its name table (copyright, licence) and its layout tables for the
glyphs kept, and cached as an OpenType file in ``instance/fonts/``.

``background.html`` declares these files with @font-face as the family
``FontSpec.print_family`` ("Noto Serif CJK SC Print") and names the system
family after it. A character outside the reduced set (a rare name character
such as 堃, 喆 or 𠀾) is then set from the system font, which WeasyPrint
embeds as well, and ``stamping.Typesetter`` takes such glyphs from it.

Never a failure: without uharfbuzz, without the system font, or when a
build fails, no print font is declared and certificates are set from the
system fonts as before, only slower.
"""

import ctypes
import ctypes.util
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lms.certs.layout import FontSpec

logger = logging.getLogger(__name__)

# Part of every cached file's name: change it when the repertoire or the way
# fonts are built changes, so that every machine builds its fonts again.
RECIPE = "gb2312-1"
_EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ° and the accented letters of foreign names
    (0x2000, 0x206F),  # General Punctuation: dashes, quotes, ‰, ※
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。「」《》〇
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms: （）：，０-９
)
_build_lock = threading.Lock()
# (spec, folder) pairs whose build failed in this process: not tried again on
# every render (a failing build still costs its ~150 ms) until a restart.
_failed: set[tuple[FontSpec, Path]] = set()


@dataclass(frozen=True)
class SourceFont:
    """A system font face: a file and the face's index in it (a .ttc holds several)."""

    path: Path
    index: int

    def cache_name(self, spec: FontSpec) -> str:
        """File name of its print font: changes whenever the source file does
        (path, size, modification time) or ``RECIPE`` does."""
        stat = self.path.stat()
        identity = f"{self.path}|{self.index}|{stat.st_size}|{stat.st_mtime_ns}|{RECIPE}"
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        slug = re.sub(r"[^a-z0-9]+", "-", spec.family.lower()).strip("-")
        return f"{slug}-{spec.weight}-{digest}.otf"


@dataclass(frozen=True)
class PrintFont:
    """A built print font, as background.html declares it with @font-face."""

    family: str
    weight: int
    path: Path


@lru_cache(maxsize=1)
def repertoire() -> frozenset[int]:
    """The code points a print font keeps: all of GB 2312 (6,763 hanzi and
    682 other characters) plus ``_EXTRA_RANGES``."""
    points = {point for first, last in _EXTRA_RANGES for point in range(first, last + 1)}
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned code
    return frozenset(points)


@lru_cache(maxsize=1)
def _fontconfig():
    """libfontconfig through ctypes (WeasyPrint's own binding lacks the face index)."""
    library = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for name, result, arguments in (
            ("FcPatternCreate", p, []), ("FcPatternDestroy", None, [p]),
            ("FcPatternAddString", i, [p, s, s]), ("FcPatternAddInteger", i, [p, s, i]),
            ("FcConfigSubstitute", i, [p, p, i]), ("FcDefaultSubstitute", None, [p]),
            ("FcFontMatch", p, [p, p, ctypes.POINTER(i)]), ("FcWeightFromOpenType", i, [i]),
            ("FcPatternGetString", i, [p, s, i, ctypes.POINTER(s)]),
            ("FcPatternGetInteger", i, [p, s, i, ctypes.POINTER(i)])):
        function = getattr(library, name)
        function.restype, function.argtypes = result, arguments
    return library


def _match(family: str, weight: int) -> tuple[str, int, set[str]] | None:
    """What fontconfig (which WeasyPrint uses too) picks for this family and
    weight: (file, face index, the face's family names)."""
    fc = _fontconfig()
    pattern = fc.FcPatternCreate()
    try:
        fc.FcPatternAddString(pattern, b"family", family.encode())
        fc.FcPatternAddInteger(pattern, b"weight", fc.FcWeightFromOpenType(weight))
        fc.FcConfigSubstitute(None, pattern, 0)  # FcMatchPattern
        fc.FcDefaultSubstitute(pattern)
        found = fc.FcFontMatch(None, pattern, ctypes.byref(ctypes.c_int()))
    finally:
        fc.FcPatternDestroy(pattern)
    if not found:
        return None
    try:
        text, number = ctypes.c_char_p(), ctypes.c_int()
        if fc.FcPatternGetString(found, b"file", 0, ctypes.byref(text)) != 0:
            return None
        path = text.value.decode()
        index = number.value if fc.FcPatternGetInteger(found, b"index", 0, ctypes.byref(number)) == 0 else 0
        families, n = set(), 0
        while fc.FcPatternGetString(found, b"family", n, ctypes.byref(text)) == 0:
            families.add(text.value.decode().casefold())
            n += 1
        return path, index, families
    finally:
        fc.FcPatternDestroy(found)


def _face_weight(face) -> int:
    """usWeightClass from the face's OS/2 table (400 regular, 700 bold; 0: none)."""
    table = face.reference_table("OS/2").data
    return int.from_bytes(table[4:6], "big") if len(table) >= 6 else 0


@lru_cache(maxsize=16)
def find_source(family: str, weight: int) -> SourceFont | None:
    """The system font of this exact family and weight, or None: fontconfig
    substitutes another family (or fakes bold from a regular face) when the
    real one is missing, and a print font must never change the look."""
    import uharfbuzz as hb

    try:
        matched = _match(family, weight)
    except (OSError, AttributeError) as error:  # no usable libfontconfig
        logger.warning("print fonts: fontconfig cannot be asked (%s)", error)
        return None
    if matched is None or family.casefold() not in matched[2]:
        return None
    path, index, _families = matched
    if index > 0xFFFF:
        return None  # a named instance of a variable font
    face = hb.Face(hb.Blob.from_file_path(path), index)
    if face.has_var_data or _face_weight(face) != weight:
        return None  # variable or of another weight: leave it to WeasyPrint
    return SourceFont(Path(path), index)


def build(source: SourceFont, target: Path) -> None:
    """Write the print font of ``source`` to ``target`` (atomically: another
    process may be reading the folder, or building the same file)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source.path)), source.index)
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(repertoire())
    # Every name record (by default only IDs 0-6 in English stay): copyright,
    # trademark, licence text and URL travel with the font.
    wanted.sets(hb.SubsetInputSets.NAME_ID).add_range(0, 0x7FFF)
    wanted.sets(hb.SubsetInputSets.NAME_LANG_ID).add_range(0, 0xFFFF)
    # Keep the layout tables, but only for the glyphs kept: the closure would
    # pull in every locl/vert alternate and nearly double the glyph count.
    wanted.flags = hb.SubsetFlags.NO_LAYOUT_CLOSURE
    reduced = hb.subset(face, wanted)
    if reduced is None:
        raise ValueError(f"HarfBuzz could not subset {source.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".building-", suffix=".otf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(reduced.blob.data)
        os.chmod(partial, 0o644)  # mkstemp's 0600 would hide it from a worker of another user
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _print_font(spec: FontSpec, folder: Path) -> PrintFont | None:
    source = find_source(spec.family, spec.weight)
    if source is None:
        return None
    target = folder / source.cache_name(spec)
    if not target.is_file():
        with _build_lock:  # one build per process; the others wait for it
            if not target.is_file():
                logger.info("print fonts: building %s from %s", target.name, source.path)
                build(source, target)
    return PrintFont(spec.print_family, spec.weight, target)


@lru_cache(maxsize=1)
def uharfbuzz_available() -> bool:
    """True when uharfbuzz can be imported (said once in the log when not)."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        logger.warning("print fonts: uharfbuzz is not installed; certificates are set in the "
                       "system fonts, ~150 ms slower each document (pip install uharfbuzz)")
        return False
    return True


def print_fonts(specs: Iterable[FontSpec], folder: Path) -> list[PrintFont]:
    """The print fonts of these font specs, built into ``folder`` when missing
    or out of date; a spec whose font cannot be had is left out (and set from
    its system font). Old files are left in place: a render in another
    process may be reading one, and there is one set per font upgrade."""
    if not uharfbuzz_available():
        return []
    fonts = []
    for spec in dict.fromkeys(specs):
        if (spec, folder) in _failed:
            continue
        try:
            font = _print_font(spec, folder)
        except Exception as error:  # a faster font is never worth a certificate that fails
            _failed.add((spec, folder))
            logger.warning("print fonts: none for %s %s until a restart: %s", spec.family, spec.weight, error)
            continue
        if font is not None:
            fonts.append(font)
    return fonts


def _css_string(text: str) -> str:
    # Anything but letters, digits and spaces as a CSS hex escape: safe in a
    # <style> element and in a style attribute.
    return '"' + re.sub(r"[^\w ]", lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def font_face_rules(fonts: Iterable[PrintFont]) -> str:
    """@font-face rules declaring the print fonts (for background.html). The
    file: URI is percent-encoded (letters, digits, "/._-~" and "%" only), so
    it needs no CSS escaping."""
    return "\n".join(
        f"@font-face {{ font-family: {_css_string(font.family)}; font-weight: {font.weight}; "
        f'src: url("{font.path.resolve().as_uri()}"); }}' for font in fonts)


def font_stack(spec: FontSpec) -> str:
    """CSS font-family value for a layout font: its print font, then its system
    font, which sets whatever the print font lacks."""
    return ", ".join(_css_string(family) for family in spec.families)

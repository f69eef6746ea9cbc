"""Print fonts: the reduced fonts a certificate is set in (fast to embed),
with the system fonts behind them for rare characters."""

import logging
import os
import re
import shutil
import subprocess
import sys
import threading

import pikepdf
import pytest

from lms.certs import pdf, print_fonts, stamping
from lms.certs.documents import print_font_folder, render_data, sample_data, template_folder
from lms.certs.layout import FontSpec, Layout, load_layout
from tests.certs.conftest import need_tool, pdf_text

SERIF = FontSpec("Noto Serif CJK SC", 400)
RARE_NAME = "王堃喆𠀾"  # none of the three is in GB 2312; Noto CJK has them all


def embedded_fonts(path) -> list[tuple[str, int]]:
    """(font name without its subset tag, highest glyph id it draws) of each
    font the PDF embeds, by name."""
    with pikepdf.open(path) as document:
        fonts = {}
        for page in document.pages:
            for font in page.obj.Resources.Font.values():
                widths = stamping._read_widths(font.DescendantFonts[0].get("/W", pikepdf.Array()))
                fonts[re.sub(r"^/[A-Z]{6}\+", "", str(font.BaseFont))] = max(widths, default=0)
        return sorted(fonts.items())


def pdffonts(path) -> list[list[str]]:
    lines = subprocess.run([need_tool("pdffonts"), str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def test_the_repertoire_is_gb2312_with_punctuation_but_not_rare_characters():
    characters = print_fonts.repertoire()
    assert 7400 < len(characters) < 8000
    for char in "王秀英欧阳淑珍，。、（）《》：0123456789ABCxyz·—":
        assert ord(char) in characters, char
    assert not {ord(c) for c in RARE_NAME[1:]} & characters


def test_a_print_font_keeps_its_names_and_only_the_repertoire(tmp_path):
    import uharfbuzz as hb

    (font,) = print_fonts.print_fonts([SERIF], tmp_path)
    assert font.family == "Noto Serif CJK SC Print" and font.path.parent == tmp_path
    face = hb.Face(hb.Blob.from_file_path(str(font.path)), 0)
    assert face.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == "Noto Serif CJK SC"
    assert "Open Font License" in face.get_name(hb.OTNameIdPredefined.LICENSE)
    assert face.glyph_count < 10_000  # the system face has 65,535
    assert ord("王") in face.unicodes and ord("，") in face.unicodes
    assert not {ord(c) for c in RARE_NAME[1:]} & set(face.unicodes)


def test_print_fonts_are_built_once_then_reused(tmp_path):
    first = print_fonts.print_fonts([SERIF, SERIF, FontSpec("Noto Sans CJK SC", 400)], tmp_path)
    assert [f.family for f in first] == ["Noto Serif CJK SC Print", "Noto Sans CJK SC Print"]
    built = {f.path: f.path.stat().st_mtime_ns for f in first}
    again = print_fonts.print_fonts([SERIF, FontSpec("Noto Sans CJK SC", 400)], tmp_path)
    assert {f.path: f.path.stat().st_mtime_ns for f in again} == built
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in built)  # no leftovers


def test_a_changed_source_font_gets_a_new_print_font(tmp_path, monkeypatch):
    system = print_fonts.find_source("Noto Sans CJK SC", 400)
    copy = tmp_path / "source" / system.path.name
    copy.parent.mkdir()
    shutil.copyfile(system.path, copy)
    monkeypatch.setattr(print_fonts, "find_source", lambda family, weight: print_fonts.SourceFont(copy, system.index))
    spec = FontSpec("Noto Sans CJK SC", 400)
    (before,) = print_fonts.print_fonts([spec], tmp_path / "fonts")
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))  # "upgraded"
    (after,) = print_fonts.print_fonts([spec], tmp_path / "fonts")
    assert after.path != before.path and after.path.is_file()


def test_no_print_font_when_the_system_lacks_that_exact_face():
    assert print_fonts.find_source("No Such Family CJK", 400) is None  # fontconfig would substitute
    bold = print_fonts.find_source("Noto Serif CJK SC", 700)
    assert bold is not None and "Bold" in bold.path.name


def test_a_certificate_is_set_in_print_fonts_only(app, tmp_path):
    path = tmp_path / "one.pdf"
    render_data(sample_data()[:1], target=str(path))
    fonts = embedded_fonts(path)
    assert [name for name, _ in fonts] == [
        "Noto-Sans-CJK-SC-Print", "Noto-Serif-CJK-SC-Print", "Noto-Serif-CJK-SC-Print-Bold"]
    # Glyph ids stay below the reduced font's size: that is what makes subsetting cheap.
    assert all(highest < 10_000 for _, highest in fonts), fonts
    assert all(line[-5:-3] == ["yes", "yes"] for line in pdffonts(path))
    assert list(print_font_folder().glob("*.otf"))


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_a_rare_name_character_prints_from_the_system_font(app, tmp_path, caplog, kind):
    path = tmp_path / "rare.pdf"
    with caplog.at_level(logging.WARNING, logger="lms.certs"):
        render_data([sample_data()[kind] | {"holder_name": RARE_NAME}], target=str(path))
    assert not [r for r in caplog.records if "blank box" in r.getMessage()]
    assert RARE_NAME in re.sub(r"\s+", "", pdf_text(path))
    names = [name for name, _ in embedded_fonts(path)]
    assert "Noto-Serif-CJK-SC" in names and "Noto-Serif-CJK-SC-Print" in names
    assert all(line[-5:-3] == ["yes", "yes"] for line in pdffonts(path))


def test_the_typesetter_prefers_the_print_font_then_its_system_font():
    def font(resource, family, chars, bold=False):
        return stamping.EmbeddedFont(resource=resource, dictionary=None, family=family, is_bold=bold,
                                     cids={c: i + 1 for i, c in enumerate(chars)}, widths={})

    fonts = [font("/Other", "Some Fallback", "王堃"), font("/SysBold", "Noto Serif CJK SC", "王堃", True),
             font("/Sys", "Noto Serif CJK SC", "王堃"), font("/Print", "Noto Serif CJK SC Print", "王")]
    setter = stamping.Typesetter(Layout(fonts={"serif": SERIF}, common=(), kinds={}), fonts)
    assert setter.glyph("serif", "王")[0].resource == "/Print"
    assert setter.glyph("serif", "堃")[0].resource == "/Sys"  # same family and weight before others


def test_the_font_folder_is_readable_by_templates_and_nothing_beside_it(tmp_path):
    fonts = tmp_path / "instance" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "a.otf").write_bytes(b"OTTO")
    (tmp_path / "instance" / "carelms.db").write_bytes(b"secret")
    fetcher = pdf.local_url_fetcher(template_folder(), fonts)
    assert fetcher.fetch((fonts / "a.otf").as_uri()).read() == b"OTTO"
    with pytest.raises(pdf.AssetRefused):
        fetcher.fetch((tmp_path / "instance" / "carelms.db").as_uri())
    with pytest.raises(pdf.AssetRefused):
        fetcher.fetch((fonts / ".." / "carelms.db").as_uri())


def test_without_uharfbuzz_certificates_are_set_in_the_system_fonts(app, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "uharfbuzz", None)  # import fails
    print_fonts.uharfbuzz_available.cache_clear()
    try:
        data = pdf.write_pdf(sample_data()[:1], template_folder(), font_cache=tmp_path / "fonts")
    finally:
        print_fonts.uharfbuzz_available.cache_clear()
    path = tmp_path / "plain.pdf"
    path.write_bytes(data)
    names = {name for name, _ in embedded_fonts(path)}
    assert names == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}
    assert "张晓华" in pdf_text(path) and not (tmp_path / "fonts").exists()


def test_a_failed_build_is_not_tried_on_every_render(tmp_path, monkeypatch, caplog):
    calls = []

    def failing(source, target):
        calls.append(target)
        raise OSError("read-only file system")

    monkeypatch.setattr(print_fonts, "build", failing)
    monkeypatch.setattr(print_fonts, "_failed", set())
    with caplog.at_level(logging.WARNING, logger="lms.certs"):
        assert print_fonts.print_fonts([SERIF], tmp_path) == []
        assert print_fonts.print_fonts([SERIF], tmp_path) == []
    assert len(calls) == 1 and "read-only" in caplog.text


def test_the_font_configuration_is_kept_per_thread_until_the_fonts_change(tmp_path):
    fonts = tuple(print_fonts.print_fonts([SERIF], tmp_path))
    kept = pdf.font_config(fonts)
    assert pdf.font_config(fonts) is kept
    assert pdf.font_config(()) is not kept
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf.font_config(fonts)))
    thread.start()
    thread.join()
    assert other[0] is not pdf.font_config(fonts)


def test_font_face_rules_escape_what_css_would_read_as_syntax(tmp_path):
    font = print_fonts.PrintFont('Evil"; } body { color: red', 400, tmp_path / "x y.otf")
    rule = print_fonts.font_face_rules([font])
    assert rule.count("{") == rule.count("}") == 1 and '"; }' not in rule
    assert 'url("file:///' in rule and '/x%20y.otf")' in rule


def test_the_layout_fonts_name_their_print_family_first():
    fonts = load_layout(template_folder()).fonts
    assert fonts["serif"].families == ("Noto Serif CJK SC Print", "Noto Serif CJK SC")
    assert print_fonts.font_stack(fonts["sans"]) == '"Noto Sans CJK SC Print", "Noto Sans CJK SC"'

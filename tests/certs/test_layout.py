"""Placing a certificate's values: the layout, line breaking, shrinking to fit,
font fallback, and a batch of every kind in one PDF."""

import re
import subprocess

import pytest

from lms.certs import pdf, stamping
from lms.certs.documents import render_data, sample_data, template_folder
from lms.certs.layout import Layout, LayoutError, Paragraph, Text, load_layout
from tests.certs.conftest import need_tool, pdf_text

FAMILY = "Noto Serif CJK SC"


def typesetter(widths: dict[str, float], *, fallback: dict[str, float] | None = None) -> stamping.Typesetter:
    """A typesetter over made-up embedded fonts: ``widths`` per character in 1/1000 em."""
    def font(resource, family, chars):
        return stamping.EmbeddedFont(resource=resource, dictionary=None, family=family, is_bold=False,
                                     cids={c: i + 1 for i, c in enumerate(chars)},
                                     widths={i + 1: w for i, w in enumerate(chars.values())})

    fonts = [font("/Main", FAMILY, widths)]
    if fallback:
        fonts.append(font("/Other", "Some Fallback", fallback))
    layout = Layout(fonts={"serif": load_layout(template_folder()).fonts["serif"]}, common=(), kinds={})
    return stamping.Typesetter(layout, fonts)


def paragraph(text: str, width_em: float, **options) -> Paragraph:
    # 10 pt type: one em is 10 pt; width in mm for width_em ems.
    return Paragraph(text=text, x=0, y=0, width=width_em * 10 / stamping.POINTS_PER_MM, size=10,
                     font="serif", leading=5, **options)


def test_closing_punctuation_never_starts_a_line():
    setter = typesetter({c: 1000 for c in "经评价该同志达标，特发此证。"})
    lines = stamping.wrap(paragraph("经评价该同志达标，特发此证。", 9), setter)
    assert lines[0] == "经评价该同志达标，"  # the comma hangs rather than open line two
    assert "".join(lines) == "经评价该同志达标，特发此证。"
    assert not any(line[0] in stamping.NO_LINE_START for line in lines)


def test_digit_runs_stay_whole_unless_break_all():
    chars = {c: 500 for c in "0123456789"} | {c: 1000 for c in "证件号"}
    setter = typesetter(chars)
    text = "证件号130102199001011234"
    assert stamping.wrap(paragraph(text, 8), setter) == ["证件号", "130102199001011234"]
    broken = stamping.wrap(paragraph(text, 8, break_all=True), setter)
    assert broken == ["证件号1301021990", "01011234"]  # 3 em + 10 digits of half an em fill 8 em
    assert all(setter.width(line, "serif", 10) <= 80 + 1e-6 for line in broken)


def test_a_space_no_font_prints_is_moved_over_not_drawn_as_a_box(caplog):
    setter = typesetter({"姓": 1000, "名": 1000})  # the subset left the ideographic space out
    assert setter.width("姓　　名", "serif", 10) == 40  # four full-width characters of 10 pt
    assert setter.width("姓 名", "serif", 10) == 22.5  # an ordinary space: a quarter em
    shown = setter.show("姓　　名", "serif", 10, spacing=1)
    moves = re.findall(r"\[(-?[\d.]+)\] TJ", shown)
    assert moves == ["-1100.0", "-1100.0"]  # one em and the character spacing, to the right
    assert "0000" not in shown and "no embedded font" not in caplog.text  # no blank box, no warning


def test_first_line_indent_takes_its_room():
    setter = typesetter({c: 1000 for c in "一二三四五六"})
    assert stamping.wrap(paragraph("一二三四五六", 4, indent=2), setter) == ["一二", "三四五六"]


def test_a_value_too_wide_is_set_smaller_to_fit():
    setter = typesetter({"长": 1000})
    writer = stamping.PageWriter(setter, page_height=842)
    wide = Text(text="长" * 20, x=0, y=10, size=10, font="serif", max_width=50 / stamping.POINTS_PER_MM)
    sizes = [float(s) for s in re.findall(r"([\d.]+) Tf", writer.stream([wide]).decode())]
    assert sizes == [pytest.approx(2.5, abs=0.01)]  # 20 em of 10 pt into 50 pt
    fits = Text(text="长" * 2, x=0, y=10, size=10, font="serif", max_width=50 / stamping.POINTS_PER_MM)
    assert re.findall(r"([\d.]+) Tf", writer.stream([fits]).decode()) == ["10.00"]


def test_right_and_centre_alignment_measure_the_line():
    setter = typesetter({"字": 1000})
    writer = stamping.PageWriter(setter, page_height=842)

    def left_edge(align):
        item = Text(text="字字", x=100 / stamping.POINTS_PER_MM, y=10, size=10, font="serif", align=align)
        return float(re.search(r"1 0 0 1 ([\d.]+) ", writer.stream([item]).decode()).group(1))

    assert (left_edge("left"), left_edge("center"), left_edge("right")) == pytest.approx((100, 90, 80))


def test_a_character_the_font_lacks_comes_from_another_embedded_font():
    setter = typesetter({"王": 1000}, fallback={"𠀾": 1000})
    shown = setter.show("王𠀾", "serif", 12)
    assert shown.splitlines() == ["/Main 12.00 Tf <0001> Tj", "/Other 12.00 Tf <0001> Tj"]


def test_to_unicode_maps_are_read_with_ranges_and_surrogates():
    cmap = (b"2 beginbfchar\n<0011> <0030>\n<2aa1> <d840dc3e>\nendbfchar\n"
            b"1 beginbfrange\n<0021> <0023> <0041>\nendbfrange\n")
    assert stamping._read_to_unicode(cmap) == {"0": 0x11, "\U0002003e": 0x2AA1, "A": 0x21, "B": 0x22,
                                                "C": 0x23}


def test_layout_naming_a_missing_value_fails_clearly():
    layout = load_layout(template_folder())
    data = sample_data()[0]
    del data["holder_name"]
    with pytest.raises(LayoutError, match="holder_name"):
        layout.page_items(data)
    with pytest.raises(LayoutError, match="kind"):
        layout.page_items(sample_data()[0] | {"kind": "diploma"})


def test_a_batch_of_every_kind_prints_each_page_its_own_values(app, tmp_path):
    samples = sample_data()
    samples.append(samples[0] | {"holder_name": "欧阳淑珍", "number": "S000113000001264000009"})
    path = tmp_path / "batch.pdf"
    render_data(samples, target=str(path))
    pages = pdf_text(path).split("\f")
    assert len([p for p in pages if p.strip()]) == len(samples)  # the inventory page is gone
    for page, sample in zip(pages, samples, strict=False):
        flat = re.sub(r"\s+", "", page)
        assert sample["number"] in flat and sample["holder_name"] in flat
    assert "欧阳淑珍" not in pages[0] and "张晓华" not in re.sub(r"\s+", "", pages[3])
    assert "一等奖" in pages[2] and "12标准学时" in re.sub(r"\s+", "", pages[1])
    fonts = subprocess.run([need_tool("pdffonts"), str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts)


def test_the_background_is_stored_once_for_a_whole_batch(app):
    one = len(render_data(sample_data()[:1]))
    many = len(render_data(sample_data()[:1] * 40))
    # 39 more pages cost their own small text streams, not 39 more backgrounds and fonts
    assert many < one * 3, (one, many)


def test_a_certificate_with_a_photo_gets_a_background_of_its_own(app):
    background = pdf._background_key
    plain, with_photo = sample_data()[0], sample_data()[0] | {"photo": "photo.png"}
    assert background(plain) != background(with_photo)
    assert background(plain) == background(sample_data()[0] | {"holder_name": "李四"})

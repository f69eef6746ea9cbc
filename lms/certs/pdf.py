"""Certificate PDFs from plain data.

The templates live in ``content/certs/`` and get dicts (see ``content/certs/
README.md``), never ORM objects. WeasyPrint renders what is the same on every
copy (``background.html``) once per document, and ``stamping`` writes each
certificate's own text and QR code onto it, placed by ``layout.yaml``; see
``lms/certs/stamping.py`` for why. The text is set in the reduced print fonts
of ``lms/certs/print_fonts.py`` (fast to embed), backed by the system fonts.
Keep documents to a few hundred pages at most (chunking is the print job's
work): the finished PDF is built in memory.
"""

import threading
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import jinja2
import yaml
from markupsafe import Markup

from lms.certs import print_fonts, stamping
from lms.certs.layout import load_layout

TEMPLATE_FOLDER = "certs"
BACKGROUND = "background.html"


class AssetRefused(ValueError):
    """A template asked for something other than a local template asset."""


_per_thread = threading.local()


@lru_cache(maxsize=4)
def _environment(folder: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, auto_reload=False)


@lru_cache(maxsize=4)
def issuer_settings(folder: str) -> dict:
    """content/certs/issuer.yaml: printed names and titles."""
    return yaml.safe_load((Path(folder) / "issuer.yaml").read_text(encoding="utf-8"))


def local_url_fetcher(*folders: Path):
    """A WeasyPrint URL fetcher that serves data: URIs and files inside
    ``folders`` only (the templates, and the print fonts): a template can never
    make the renderer reach the network or read other files. A refused asset
    stops the rendering (loudly)."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    roots = [folder.resolve() for folder in folders]

    class LocalAssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise AssetRefused(f"certificate templates may only use local assets: {url[:80]}")

    return LocalAssetFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)


def font_config(fonts: tuple[print_fonts.PrintFont, ...]):
    """The WeasyPrint font configuration, kept between documents: a new one
    reads fontconfig's configuration again and copies and scans every
    @font-face file again, ~40 ms of a single certificate's render. One per
    thread (Pango and fontconfig objects are not thread-safe), made anew when
    the print fonts change. A font a template declares itself is therefore
    read once per process: restart after replacing its file."""
    from weasyprint.text.fonts import FontConfiguration

    kept = getattr(_per_thread, "font_config", None)
    if kept is None or kept[0] != fonts:
        kept = _per_thread.font_config = (fonts, FontConfiguration())
    return kept[1]


def _background_key(certificate: dict) -> tuple[str, str]:
    # A photo is part of the background: certificates with one get their own page.
    return certificate["kind"], certificate.get("photo") or ""


def render_background_html(backgrounds: list[tuple[str, str]], inventory: dict[str, str],
                           folder: Path, fonts: list[print_fonts.PrintFont] = ()) -> str:
    """The HTML WeasyPrint renders: one page per (kind, photo) background,
    then the inventory of characters per font (see ``stamping``). ``fonts``
    are the print fonts to declare with @font-face (none: system fonts only)."""
    environment = _environment(str(folder))
    specs = load_layout(folder).fonts
    return environment.get_template(BACKGROUND).render(
        backgrounds=[{"kind": kind, "photo": photo} for kind, photo in backgrounds],
        inventory=inventory, fonts=specs, font_faces=Markup(print_fonts.font_face_rules(fonts)),
        font_stacks={key: print_fonts.font_stack(spec) for key, spec in specs.items()},
        titles=issuer_settings(str(folder))["titles"])


def write_pdf(certificates: list[dict], folder: Path, target: str | Path | BinaryIO | None = None,
              *, font_cache: Path | None = None):
    """Render the certificates into one PDF, one page each, in order; returns
    the bytes when ``target`` is None. ``font_cache`` is the folder of the
    print fonts (built there on first use); without it the text is set in the
    system fonts, whose subsetting costs ~150 ms more per document."""
    from weasyprint import HTML

    if not certificates:
        raise ValueError("no certificates to render")
    layout = load_layout(folder)
    pages = [layout.page_items(certificate) for certificate in certificates]
    backgrounds = list(dict.fromkeys(_background_key(c) for c in certificates))
    fonts = print_fonts.print_fonts(layout.fonts.values(), font_cache) if font_cache else []
    assets = (folder, font_cache) if fonts else (folder,)
    html = HTML(string=render_background_html(backgrounds, layout.characters(pages), folder, fonts),
                base_url=str(folder.resolve()) + "/", url_fetcher=local_url_fetcher(*assets))
    source = html.write_pdf(font_config=font_config(tuple(fonts)))
    position = {key: index for index, key in enumerate(backgrounds)}
    return stamping.assemble(source, [position[_background_key(c)] for c in certificates],
                             pages, layout, str(target) if isinstance(target, Path) else target)


def harfbuzz_subset_available() -> bool:
    """True when libharfbuzz-subset can be loaded. Without it WeasyPrint falls back
    to fontTools and a CJK document takes seconds instead of ~100 ms."""
    import ctypes
    import ctypes.util

    for name in ("libharfbuzz-subset.so.0", ctypes.util.find_library("harfbuzz-subset")):
        if not name:
            continue
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False

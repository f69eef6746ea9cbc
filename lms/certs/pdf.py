"""Certificate PDFs from plain data.

The templates live in ``content/certs/`` and get dicts (see ``content/certs/
README.md``), never ORM objects. WeasyPrint renders what is the same on every
copy (``background.html``) once per document, and ``stamping`` writes each
certificate's own text and QR code onto it, placed by ``layout.yaml``; see
``lms/certs/stamping.py`` for why. Keep documents to a few hundred pages at
most (chunking is the print job's work): the finished PDF is built in memory.
"""

from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import jinja2
import yaml

from lms.certs import stamping
from lms.certs.layout import load_layout

TEMPLATE_FOLDER = "certs"
BACKGROUND = "background.html"


class AssetRefused(ValueError):
    """A template asked for something other than a local template asset."""


@lru_cache(maxsize=4)
def _environment(folder: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, auto_reload=False)


@lru_cache(maxsize=4)
def issuer_settings(folder: str) -> dict:
    """content/certs/issuer.yaml: printed names and titles."""
    return yaml.safe_load((Path(folder) / "issuer.yaml").read_text(encoding="utf-8"))


def local_url_fetcher(folder: Path):
    """A WeasyPrint URL fetcher that serves data: URIs and files inside
    ``folder`` only: a template can never make the renderer reach the network
    or read other files. A refused asset stops the rendering (loudly)."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    root = folder.resolve()

    class LocalAssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            raise AssetRefused(f"certificate templates may only use local assets: {url[:80]}")

    return LocalAssetFetcher(allowed_protocols={"data", "file"}, fail_on_errors=True)


def _background_key(certificate: dict) -> tuple[str, str]:
    # A photo is part of the background: certificates with one get their own page.
    return certificate["kind"], certificate.get("photo") or ""


def render_background_html(backgrounds: list[tuple[str, str]], inventory: dict[str, str],
                           folder: Path) -> str:
    """The HTML WeasyPrint renders: one page per (kind, photo) background,
    then the inventory of characters per font (see ``stamping``)."""
    environment = _environment(str(folder))
    return environment.get_template(BACKGROUND).render(
        backgrounds=[{"kind": kind, "photo": photo} for kind, photo in backgrounds],
        inventory=inventory, fonts=load_layout(folder).fonts,
        titles=issuer_settings(str(folder))["titles"])


def write_pdf(certificates: list[dict], folder: Path, target: str | Path | BinaryIO | None = None):
    """Render the certificates into one PDF, one page each, in order; returns
    the bytes when ``target`` is None."""
    from weasyprint import HTML

    if not certificates:
        raise ValueError("no certificates to render")
    layout = load_layout(folder)
    pages = [layout.page_items(certificate) for certificate in certificates]
    backgrounds = list(dict.fromkeys(_background_key(c) for c in certificates))
    html = HTML(string=render_background_html(backgrounds, layout.characters(pages), folder),
                base_url=str(folder.resolve()) + "/", url_fetcher=local_url_fetcher(folder))
    position = {key: index for index, key in enumerate(backgrounds)}
    return stamping.assemble(html.write_pdf(), [position[_background_key(c)] for c in certificates],
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

"""PDF rendering with WeasyPrint, from plain data.

The templates live in ``content/certs/`` and get dicts (see ``content/certs/
README.md``), never ORM objects. Many certificates go into one document, one
page each: WeasyPrint then embeds and subsets each font once per document,
which is what makes batches fast. Keep documents to a few hundred pages at
most: memory grows with the page count (chunking is the print job's work).
"""

from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import jinja2
import yaml

TEMPLATE_FOLDER = "certs"
DOCUMENT = "document.html"


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


def render_html(certificates: list[dict], folder: Path) -> str:
    """The HTML of a document holding these certificates, one page each."""
    environment = _environment(str(folder))
    titles = issuer_settings(str(folder))["titles"]
    return environment.get_template(DOCUMENT).render(certificates=certificates, titles=titles)


def write_pdf(certificates: list[dict], folder: Path, target: str | Path | BinaryIO | None = None):
    """Render the certificates into one PDF; returns the bytes when ``target`` is None."""
    from weasyprint import HTML

    html = HTML(string=render_html(certificates, folder), base_url=str(folder.resolve()) + "/",
                url_fetcher=local_url_fetcher(folder))
    return html.write_pdf(target)


def harfbuzz_subset_available() -> bool:
    """True when libharfbuzz-subset can be loaded. Without it WeasyPrint falls back
    to fontTools and a CJK certificate takes seconds instead of ~150 ms."""
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

"""Markdown for lesson bodies, rendered safely.

Raw HTML in content is escaped, never passed through (``html: False``), and
markdown-it refuses ``javascript:``, ``vbscript:`` and ``data:`` links, so a
lesson file cannot put a script on the page.
"""

from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    """HTML for a lesson body; safe to mark as such in templates."""
    return _renderer.render(text)

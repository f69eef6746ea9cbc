"""Where the content/ folder is."""

from pathlib import Path

from flask import current_app


def content_dir() -> Path:
    """LMS_CONTENT_DIR when set, else the repository's content/ folder."""
    configured = current_app.config.get("CONTENT_DIR")
    return Path(configured) if configured else Path(current_app.root_path).parent / "content"

"""Where stored files live (PDFs, uploads, course attachments): instance/files/
by default, behind this one function so that an object store can replace it."""

from pathlib import Path

from flask import current_app


def files_dir(*parts: str) -> Path:
    """A folder under the file store, created when missing."""
    folder = Path(current_app.instance_path, "files", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

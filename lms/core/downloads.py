"""File downloads: one way to send a generated file as an attachment."""

import io

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, filename: str, mimetype: str = XLSX) -> Response:
    """``data`` as a download named ``filename`` (an Excel workbook unless
    ``mimetype`` says otherwise)."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)

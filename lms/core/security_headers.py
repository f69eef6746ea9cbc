"""Security headers on every response, pages and errors alike.

The Content-Security-Policy allows scripts, styles and images from this site
only, and no inline script or style: an injected ``<script>`` or ``onclick``
does not run. Templates therefore load their scripts from ``static/js`` and
style through classes in ``static/css/app.css``, never ``style=``.
"""

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",  # with X-Frame-Options for older browsers: no clickjacking
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The verification URL carries the QR signature in its query string:
    # another site linked from a page must not receive it.
    "Referrer-Policy": "same-origin",
}


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response; HSTS only where ``HSTS_SECONDS`` is
    set (production, which is served over HTTPS)."""
    headers = dict(HEADERS)
    if app.config.get("HSTS_SECONDS"):
        headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_SECONDS']}"

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

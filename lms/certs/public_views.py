"""Public verification: from a QR code's URL, or by number and check code.

Nothing is shown for a number without its genuine signature or check code, so
numbers cannot be enumerated; the pages are rate-limited per address on top.
"""

from flask import Response, current_app, render_template, request

from lms.certs import queries, signing
from lms.certs.blueprint import bp
from lms.certs.forms import STATUS_LABELS, VerifyForm
from lms.core.access import PUBLIC, allow
from lms.extensions import limiter


def _limit() -> str:
    return current_app.config["CERTS_VERIFY_LIMIT"]


@bp.get("/v/<number>")
@allow(PUBLIC)
@limiter.limit(_limit)
def verify_qr(number: str):
    signature = request.args.get("s", "")
    if not signature:
        # A number typed or copied without the QR code's signature: say how
        # to check it instead of showing an empty "not confirmed".
        form = VerifyForm(number=number.strip().upper()[:32])
        return render_template("certs/verify.html", result=None, checked=False, unsigned=True, form=form,
                               status_labels=STATUS_LABELS)
    result = queries.public_view(number, signature=signature)
    return render_template("certs/verify.html", result=result, checked=True, form=VerifyForm(),
                           status_labels=STATUS_LABELS)


@bp.get("/verify")
@allow(PUBLIC)
@limiter.limit(_limit)
def verify():
    form = VerifyForm(request.args)
    checked = bool(request.args) and form.validate()
    result = queries.public_view(form.number.data, code=form.code.data) if checked else None
    return render_template("certs/verify.html", result=result, checked=checked, form=form,
                           status_labels=STATUS_LABELS)


@bp.get("/certificates/public-key.pem")
@allow(PUBLIC)
def public_key():
    return Response(signing.public_key_pem(), mimetype="application/x-pem-file")

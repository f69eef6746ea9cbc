"""API clients and tokens for the access grid (tests/test_access.py)."""

from lms.api import services
from lms.extensions import db
from lms.regions.queries import region_by_code


def grid_api(world: dict) -> dict:
    """{api_client}: a client of 石家庄市 (130100, holding the world's person
    and {cert}) with its token; another of 唐山市 (130200, the outsider's);
    and a revoked one of 130100."""
    inside, token = services.create_client("石家庄市养老服务平台", region_by_code("130100"), by=None)
    _other, other_token = services.create_client("唐山市养老服务平台", region_by_code("130200"), by=None)
    revoked, revoked_token = services.create_client("已停用平台", region_by_code("130100"), by=None)
    services.revoke_client(revoked, by=None)
    db.session.commit()
    return {"api_client": inside, "api_token": token, "other_api_token": other_token,
            "revoked_api_token": revoked_token}

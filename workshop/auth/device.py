"""Which set-up tablet a request comes from: the signed device cookie an instructor's set-up left.

Its own module because three others ask it: the tablet views, `identity` (a session started on a
set-up tablet is a shared device's) and `throttle` (wrong pictures are counted per tablet), and
the tablet views themselves import both of those.
"""
from __future__ import annotations

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import digests
from .tablet_models import TabletDevice

DEVICE_COOKIE = "askel_tablet"
DEVICE_MAX_AGE = 60 * 60 * 24 * 400  # browsers keep a cookie at most about 400 days


def device_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="askel-tablet-device")


def _device_token() -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = device_signer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 20 <= len(token) <= 64 else None


def current_device() -> TabletDevice | None:
    """The tablet this request comes from, if an instructor set it up (and did not remove it)."""
    if "tablet_device" not in g:
        token = _device_token()
        g.tablet_device = db.session.scalar(
            db.select(TabletDevice).where(TabletDevice.token_digest.in_(digests(token)))
            .options(selectinload(TabletDevice.workshop))
        ) if token else None
    return g.tablet_device

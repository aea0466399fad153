"""The practice QR code as a lesson picture: drawn with the site's own address, so her camera opens
the practice pad (pad.QR_CODE) wherever the site runs."""
from __future__ import annotations

import io

import segno
from flask import url_for

from ...curriculum import scenario_picture
from . import pad


def qr_svg() -> str:
    url = url_for("phone.scanned", code=pad.QR_CODE, _external=True)
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True,
                                    title="QR", svgclass="qr-code", lineclass=None)
    return out.getvalue().decode()


@scenario_picture("phone/practice-qr.svg")
def practice_qr():
    return qr_svg(), "image/svg+xml"

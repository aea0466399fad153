"""Puhelinharjoitus — the practice pad of the "Phone basics" course, used on her own phone or tablet.

Each page is one thing to do with the real device: scroll down and tap a button, type a Finnish
address and an e-mail address exactly, copy a virtual barcode on one screen and paste it on another,
take a photo of a document and send it (`sims/photos.py`), open the practice QR code with the camera.
Every check reads what she did from her sandbox (what she typed, pasted, sent, opened), never a flag.
Routes in views.py, the targets and the barcode in pad.py, the table in models.py, checks in checks.py.
"""
from __future__ import annotations

from ..contract import Sim
from . import checks, models, pad, pictures, views  # noqa: F401  (checks and pictures register themselves)

sim = Sim("phone", blueprint=views.bp, state=models.PhoneState, tables=(models.PhoneState,), seed=pad.seed)

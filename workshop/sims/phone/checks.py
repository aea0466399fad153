"""Task checks of the Phone basics course: each reads what she did in her sandbox (the text she
typed, the value she pasted, the photo she sent, the address she opened), never a flag."""
from __future__ import annotations

from flask_babel import gettext as _

from ...curriculum import Result
from .. import photos
from ..contract import sandbox_check
from . import pad
from .models import PhoneState


@sandbox_check("phone.tapped_button", PhoneState)
def tapped_button(learner, state: PhoneState) -> Result:
    if state.tapped_at is None:
        return Result(False, _("Not yet. Scroll down to the end of the long page and tap the button there."))
    return Result(True)


@sandbox_check("phone.typed_text", PhoneState)
def typed_text(learner, state: PhoneState) -> Result:
    targets = pad.targets(learner)
    for typed, target in ((state.typed_address, targets["address"]), (state.typed_email, targets["email"])):
        if not pad.same(typed, target):
            return Result(False, str(pad.difference(typed, target)))
    return Result(True)


@sandbox_check("phone.pasted_barcode", PhoneState)
def pasted_barcode(learner, state: PhoneState) -> Result:
    if not state.pasted:
        return Result(False, _("Not yet. Copy the barcode on the first screen, then paste it on the payment screen and tap “Jatka”."))
    if state.pasted.strip() != state.barcode:
        return Result(False, _("The number in the field is not the same as the barcode. Delete it, copy the barcode again and paste it."))
    return Result(True)


@sandbox_check("phone.sent_photo", PhoneState)
def sent_photo(learner, state: PhoneState) -> Result:
    if not photos.names("phone", learner):
        return Result(False, _("No photo has arrived yet. Take a photo of the document and tap “Send the photo”."))
    return Result(True)


@sandbox_check("phone.scanned_qr", PhoneState)
def scanned_qr(learner, state: PhoneState) -> Result:
    if state.scanned_at is None:
        return Result(False, _("Not yet. Open the camera, point it at the practice QR code and tap the link that appears."))
    return Result(True)


@sandbox_check("phone.chose_real_address", PhoneState)
def chose_real_address(learner, state: PhoneState) -> Result:
    if state.chosen_address is None:
        return Result(False, _("Not yet. Read the three addresses, choose Kela's real one and tap “Choose”."))
    if state.chosen_address != pad.REAL_ADDRESS:
        return Result(False, _("That is not Kela's page. Kela's address is kela.fi, with nothing between kela.fi and the first /. Try again."))
    return Result(True)

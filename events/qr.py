"""Personal QR codes of participants and the links to decline a registration made by someone else.

A code is ``<participant id>.<secret>`` signed with the portal's SECRET_KEY (django.core.signing):
the secret (22 random URL-safe characters, Participant.qr_secret) makes it unguessable, the
signature lets the check-in refuse a forged or mistyped code before any lookup, and clearing the
secret on cancellation revokes the code and the decline link at once. Images come from segno.
"""

import base64
import io
import secrets
from dataclasses import dataclass

import segno
from django.core import signing

QR_SALT = "events.participant-qr"
DECLINE_SALT = "events.participant-decline"


def new_secret() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class CodeContent:
    participant_id: int
    secret: str


def _sign(salt: str, participant) -> str:
    if not participant.qr_secret:
        raise ValueError("a participant without a secret has no code")
    return signing.Signer(salt=salt).sign(f"{participant.pk}.{participant.qr_secret}")


def _read(salt: str, value: str) -> CodeContent | None:
    try:
        content = signing.Signer(salt=salt).unsign(str(value).strip()[:200])
    except signing.BadSignature:
        return None
    pk, _sep, secret = content.partition(".")
    if not pk.isdigit() or not secret:
        return None
    return CodeContent(int(pk), secret)


def code_for(participant) -> str:
    """The text held by the participant's QR code."""
    return _sign(QR_SALT, participant)


def read_code(value: str) -> CodeContent | None:
    """The participant and secret a scanned code names, or None if it is not one of ours."""
    return _read(QR_SALT, value)


def decline_token(participant) -> str:
    return _sign(DECLINE_SALT, participant)


def read_decline_token(value: str) -> CodeContent | None:
    return _read(DECLINE_SALT, value)


def secrets_match(participant, content: CodeContent) -> bool:
    return bool(participant.qr_secret) and secrets.compare_digest(participant.qr_secret, content.secret)


def qr_svg(code: str) -> str:
    """An inline <svg> (for the badges' PDF)."""
    return segno.make(code, error="m").svg_inline(scale=3, border=2, omitsize=True)


def qr_png(code: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_png_data_uri(code: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(code)).decode("ascii")

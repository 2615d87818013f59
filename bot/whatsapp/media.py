"""Short-lived signed links to documents, so Twilio can fetch what we send as media."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote

MEDIA_PREFIX = "/media/"
MEDIA_PATH = MEDIA_PREFIX + "{token}/{filename}"


class MediaLinks:
    def __init__(self, public_base_url: str, secret: str) -> None:
        self.base = public_base_url.rstrip("/")
        # A key of its own, so a leaked media link says nothing about the Twilio token.
        self._key = hmac.new(secret.encode(), b"qamqor media links v1", hashlib.sha256).digest()

    def url(self, token: str, filename: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        path = MEDIA_PATH.format(token=token, filename=quote(filename))
        return f"{self.base}{path}?expires={expires}&signature={self.signature(token, expires)}"

    def signature(self, token: str, expires: int) -> str:
        return hmac.new(self._key, f"{token}:{expires}".encode(), hashlib.sha256).hexdigest()

    def verify(self, token: str, expires: str, signature: str, now: datetime) -> bool:
        """Valid signature and not expired; the stored row's own expiry is checked as well."""
        if not (expires.isascii() and expires.isdecimal()) or int(expires) <= now.timestamp():
            return False
        return hmac.compare_digest(self.signature(token, int(expires)), signature)

"""Customer personal data encrypted at rest (RULES §Customer information).

AES-256-GCM with a random 96-bit nonce per value. A blob is
`version byte | nonce | ciphertext+tag`; the version byte is also the associated data,
so a future scheme can be told apart and a tampered prefix fails authentication.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
# Written over the personal fields when a customer is disposed of: decrypts to None.
DISPOSED = b""


def new_data_key() -> str:
    """A fresh 256-bit key, urlsafe base64 (what JINDU_DATA_KEY holds)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def decode_data_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError) as e:
        raise ValueError("the data key is not urlsafe base64") from e
    if len(key) != 32:
        raise ValueError("the data key must decode to 32 bytes")
    return key


class DataCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 needs a 32-byte key")
        self._aead = AESGCM(key)
        # Keys the customer master's blind index (exact phone / e-mail lookup without
        # decrypting): derived, so the data key itself never keys anything but AES-GCM.
        self.blind_key = hmac.new(key, b"jindu blind index v1", hashlib.sha256).digest()

    def encrypt(self, text: str | None) -> bytes | None:
        if text is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, text.encode("utf-8"), VERSION)

    def decrypt(self, blob: bytes | None) -> str | None:
        if blob is None or blob == DISPOSED:
            return None
        blob = bytes(blob)
        if blob[:1] != VERSION:
            raise ValueError(f"unknown customer-data cipher version {blob[:1]!r}")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        return self._aead.decrypt(nonce, sealed, VERSION).decode("utf-8")

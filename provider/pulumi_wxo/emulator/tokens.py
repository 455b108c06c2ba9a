"""Hand-rolled HS256 JWTs for the emulator's token endpoints (no extra dependency).

Clients decode these without verifying the signature and read ``exp``/``iat``
(api-contract §7.1/§7.2: the ADK uses ``jwt.decode(..., verify_signature=False)`` and refuses a
token within 600 s of ``exp``; ``ibm_cloud_sdk_core`` refreshes at 80 % of ``exp - iat``).
The emulator itself verifies the signature, the expiry and a revocation generation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

__all__ = ["decode", "encode"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def encode(claims: dict[str, Any], secret: bytes) -> str:
    """Return a compact HS256 JWT for ``claims``."""
    signing_input = f"{_b64url(_json(_HEADER))}.{_b64url(_json(claims))}"
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def decode(token: str, secret: bytes) -> dict[str, Any] | None:
    """Return the claims of a token this emulator signed, or ``None`` (malformed or forged).

    Expiry and revocation are the caller's business; this only checks the signature.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header_b64, claims_b64, signature_b64 = parts
    try:
        signing_input = f"{header_b64}.{claims_b64}".encode("ascii")
        expected = hmac.new(secret, signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64url_decode(signature_b64)):
            return None
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(claims_b64))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        return None
    return claims

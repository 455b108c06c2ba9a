"""Hand-rolled HS256 JWTs for the emulator's token endpoints (no extra dependency).

Clients decode these without verifying the signature and read ``exp``/``iat``
(api-contract §7.1/§7.2: the ADK uses ``jwt.decode(..., verify_signature=False)`` and refuses a
token within 600 s of ``exp``; ``ibm_cloud_sdk_core`` refreshes at 80 % of ``exp - iat``).
The emulator itself verifies the signature, the expiry and a revocation generation.

Expiry: ``iat`` and ``exp`` are whole seconds, as clients expect (``iat`` rounded down,
``exp = iat + ttl``), but the emulator enforces the unrounded instant ``issued + ttl``, kept in
the private claim ``exp_exact`` and compared with the same clock that stamped the token. So a
token lives its full TTL, never less: rounding ``iat`` down and checking ``exp`` would cut up to
a second off it (a 2 s token could live 1 s). ``exp <= exp_exact``, so a client that refreshes
by ``exp`` refreshes early, never late.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from typing import Any

__all__ = ["decode", "encode", "expired", "lifetime_claims"]

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


def lifetime_claims(issued: float, ttl: int | None) -> dict[str, Any]:
    """``iat`` (and, with a ``ttl``, ``exp`` and ``exp_exact``) for a token minted at ``issued``.

    ``ttl=None``: a token without expiry (the local Developer Edition's, api-contract §7.2 [SRC]).
    """
    iat = math.floor(issued)
    if ttl is None:
        return {"iat": iat}
    return {"iat": iat, "exp": iat + ttl, "exp_exact": issued + ttl}


def expired(claims: dict[str, Any], now: float) -> bool:
    """Whether a token with these claims is past its expiry at ``now`` (same clock as ``issued``).

    A token without ``exp`` never expires; one without ``exp_exact`` (minted before it existed)
    expires at ``exp``; a non-numeric expiry counts as expired.
    """
    if "exp" not in claims:
        return False
    deadline = claims.get("exp_exact", claims["exp"])
    if isinstance(deadline, bool) or not isinstance(deadline, int | float):
        return True
    return now >= deadline

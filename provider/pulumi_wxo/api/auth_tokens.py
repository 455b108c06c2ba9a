"""When a minted token must be replaced: JWT claims, decoded without verification (§7.2)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["REFRESH_FRACTION", "REFRESH_MARGIN", "Token", "jwt_claims", "token_refresh_at"]

# Refresh margin: the ADK refuses tokens within 600 s of exp (§7.1); ibm_cloud_sdk_core refreshes
# at 80 % of the lifetime (§7.2). The smaller of the two keeps short-lived tokens usable.
REFRESH_MARGIN = 600.0
REFRESH_FRACTION = 0.2


@dataclass(frozen=True)
class Token:
    """A minted token and when to stop using it (``None``: until the API answers 401)."""

    value: str
    refresh_at: float | None


def jwt_claims(token: str) -> dict[str, Any]:
    """The JWT payload, decoded without verifying the signature (as the ADK does, §7.2).

    Anything that is not a three-part base64url JSON token yields ``{}``.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except ValueError:  # binascii.Error, UnicodeError and JSONDecodeError are all ValueErrors
        return {}
    return claims if isinstance(claims, dict) else {}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def token_refresh_at(token: str, *, now: float) -> float | None:
    """When to stop using ``token`` (minted at ``now``), or None for "until a 401".

    Refresh at ``exp - min(600, 0.2 * (exp - iat))`` (600 s when iat is missing). A token with no
    ``exp`` (local Developer Edition, opaque tokens) is used until the server answers 401. A token
    that is already inside the margin when minted is used for half its remaining life instead,
    so that a short-lived token cannot cause an exchange per request.
    """
    claims = jwt_claims(token)
    exp = _number(claims.get("exp"))
    if exp is None:
        return None
    iat = _number(claims.get("iat"))
    margin = REFRESH_MARGIN
    if iat is not None and exp > iat:
        margin = min(REFRESH_MARGIN, REFRESH_FRACTION * (exp - iat))
    refresh_at = exp - margin
    if refresh_at > now:
        return refresh_at
    if exp > now:
        return now + (exp - now) / 2
    return None  # already expired by our clock: the server decides (a 401 triggers one refresh)

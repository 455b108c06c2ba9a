"""When a minted token is due for refresh: JWT exp/iat, margins, tokens that never expire."""

from __future__ import annotations

import base64

import pytest

from pulumi_wxo.api.auth_tokens import token_refresh_at
from tests.support.fakes import NOW, jwt

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("token", "now", "expected"),
    [
        (jwt(exp=NOW + 3600, iat=NOW), NOW, NOW + 3000),  # margin 600
        (jwt(exp=NOW + 1000, iat=NOW), NOW, NOW + 800),  # margin 0.2 * 1000 = 200
        (jwt(exp=NOW + 3600), NOW, NOW + 3000),  # no iat: 600
        (jwt(exp=NOW + 300), NOW, NOW + 150),  # already inside the margin: half the remaining life
        (jwt(exp=NOW - 10, iat=NOW - 100), NOW, None),  # expired by our clock: until a 401
        (jwt(), NOW, None),  # no exp
        ("opaque-token-value", NOW, None),  # not a JWT
        ("a.!!!notbase64.c", NOW, None),
        ("a." + base64.urlsafe_b64encode(b"[1,2]").decode() + ".c", NOW, None),
    ],
)
def test_token_refresh_at(token: str, now: float, expected: float | None) -> None:
    assert token_refresh_at(token, now=now) == expected

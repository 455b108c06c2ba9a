"""The emulator's token clock (emulator/tokens.py, Runtime.mint_token / check_token). No sockets.

A minted token lives its full ``token_ttl`` on the runtime's clock and expires right after;
``iat``/``exp`` stay whole seconds. The clock is injected: no sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_wxo.emulator import EmulatorSettings, Switches
from pulumi_wxo.emulator import tokens as jwt
from pulumi_wxo.emulator.runtime import Runtime

pytestmark = pytest.mark.unit

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
JUST_UNDER = 1e-3


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(EPOCH)


@pytest.fixture
def runtime(clock: Clock) -> Iterator[Runtime]:
    runtime = Runtime(EmulatorSettings(token="fixed"), clock=clock)
    yield runtime
    runtime.close()


def _claims(runtime: Runtime, token: str) -> dict[str, object]:
    claims = jwt.decode(token, runtime.store.jwt_secret())
    assert claims is not None
    return claims


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 0.999])
@pytest.mark.parametrize("ttl", [1, 2, 3600])
def test_a_token_lives_its_full_ttl_and_expires_right_after(
    runtime: Runtime, clock: Clock, ttl: int, fraction: float
) -> None:
    issued = EPOCH + fraction
    clock.now = issued
    runtime.update_switches({"token_ttl": ttl})

    token, iat, exp = runtime.mint_token("iam", subject="s")

    assert (iat, exp) == (int(EPOCH), int(EPOCH) + ttl)  # whole seconds, iat rounded down
    claims = _claims(runtime, token)
    assert (claims["iat"], claims["exp"]) == (iat, exp)
    assert claims["exp_exact"] == issued + ttl
    for now in (issued, issued + ttl / 2, issued + ttl - JUST_UNDER):
        clock.now = now
        assert runtime.check_token(token) == "tenant", now - issued
    clock.now = issued + ttl
    assert runtime.check_token(token) == "invalid"
    clock.now = issued + ttl + JUST_UNDER
    assert runtime.check_token(token) == "invalid"


def test_a_two_second_token_minted_late_in_a_second_outlives_its_rounded_exp(
    runtime: Runtime, clock: Clock
) -> None:
    # The flaky e2e case: minted at x.9 with a 2 s TTL, rounding iat down and checking exp would
    # have ended it at x+2, 1.1 s later, while a request held for 1 s was still under way.
    clock.now = EPOCH + 0.9
    runtime.update_switches({"token_ttl": 2})
    token, _iat, exp = runtime.mint_token("iam", subject="s")
    assert exp == EPOCH + 2
    clock.now = EPOCH + 0.9 + 1.0 + 0.5  # a 1 s hold and half a second more: past exp
    assert clock.now > exp
    assert runtime.check_token(token) == "tenant"
    clock.now = EPOCH + 2.9
    assert runtime.check_token(token) == "invalid"


def test_ttl_zero_mints_a_token_that_is_already_expired(runtime: Runtime, clock: Clock) -> None:
    clock.now = EPOCH + 0.5
    runtime.update_switches({"token_ttl": 0})
    token, iat, exp = runtime.mint_token("mcsp_v1", subject="s")
    assert exp == iat
    assert runtime.check_token(token) == "invalid"  # same instant on the same clock


def test_local_tokens_never_expire_but_are_revoked(runtime: Runtime, clock: Clock) -> None:
    token, iat, exp = runtime.mint_token("local_user", subject="u", scope="user", expires=False)
    assert (iat, exp) == (int(EPOCH), None)
    claims = _claims(runtime, token)
    assert claims["iat"] == iat and "exp" not in claims and "exp_exact" not in claims
    clock.now = EPOCH + 10 * 365 * 24 * 3600
    assert runtime.check_token(token) == "user"
    runtime.expire_tokens()
    assert runtime.check_token(token) == "invalid"


def test_the_fixed_token_does_not_follow_the_clock(runtime: Runtime, clock: Clock) -> None:
    clock.now = EPOCH * 2
    assert runtime.check_token("fixed") == "tenant"


@pytest.mark.parametrize(
    ("claims", "now", "expired"),
    [
        ({}, EPOCH * 2, False),  # no exp: a local token
        ({"iat": 10, "exp": 12}, 11.999, False),  # no exp_exact (minted before it existed): exp
        ({"iat": 10, "exp": 12}, 12.0, True),
        ({"iat": 10, "exp": 12, "exp_exact": 12.5}, 12.499, False),
        ({"iat": 10, "exp": 12, "exp_exact": 12.5}, 12.5, True),
        ({"iat": 10, "exp": "12"}, 0.0, True),  # not a number
        ({"iat": 10, "exp": 12, "exp_exact": True}, 0.0, True),
    ],
)
def test_expired(claims: dict[str, object], now: float, expired: bool) -> None:
    assert jwt.expired(dict(claims), now) is expired


def test_lifetime_claims() -> None:
    assert jwt.lifetime_claims(EPOCH + 0.75, 60) == {
        "iat": int(EPOCH),
        "exp": int(EPOCH) + 60,
        "exp_exact": EPOCH + 0.75 + 60,
    }
    assert jwt.lifetime_claims(EPOCH + 0.75, None) == {"iat": int(EPOCH)}


def test_start_up_ttl_comes_from_the_settings(clock: Clock) -> None:
    runtime = Runtime(EmulatorSettings(switches=Switches(token_ttl=7)), clock=clock)
    try:
        _token, iat, exp = runtime.mint_token("cpd", subject="s")
        assert exp is not None and exp - iat == 7
    finally:
        runtime.close()

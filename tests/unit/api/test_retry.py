"""The one retry policy: backoff, jitter, Retry-After, count and time limits, each caller's numbers.

No sleeps: waits are planned, never taken; the clock and the random source are injected.
"""

from __future__ import annotations

import dataclasses
import email.utils
import math
import pickle
import random
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_wxo.api.retry import (
    RETRY_STATUSES,
    TOKEN_EXCHANGE_POLICY,
    RetryPlan,
    RetryPolicy,
    RetryRun,
    api_policy,
    create_policy,
    parse_retry_after,
)
from tests.support.fakes import NOW, FakeClock, MaxRng

pytestmark = pytest.mark.unit


class MinRng(random.Random):
    """Jitter always at its floor."""

    def uniform(self, a: float, b: float) -> float:
        return a


class NoRng(random.Random):
    """Fails the test if a wait is drawn at random."""

    def uniform(self, a: float, b: float) -> float:
        raise AssertionError(f"unexpected random draw in [{a}, {b}]")


def delays(policy: RetryPolicy, rng: random.Random | None = None, **kwargs: Any) -> list[float | None]:
    """The planned wait after each attempt 1 .. max_attempts (the last one is always None)."""
    return [policy.next_delay(n, rng=rng, **kwargs) for n in range(1, policy.max_attempts + 1)]


# ------------------------------------------------------------------ backoff and jitter


def test_backoff_doubles_from_the_base_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, cap=10.0)
    assert [policy.backoff(n) for n in range(1, 10)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, 10.0]
    assert delays(policy) == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, 10.0, None]


def test_factor_and_no_cap() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay=1.0, factor=3.0)
    assert [policy.backoff(n) for n in range(1, 5)] == [1.0, 3.0, 9.0, 27.0]
    assert RetryPolicy(max_attempts=3, base_delay=2.0, factor=1.0).backoff(3) == 2.0  # constant


def test_huge_attempt_numbers_do_not_overflow() -> None:
    capped = RetryPolicy(max_attempts=100_000, base_delay=0.5, cap=10.0)
    assert capped.backoff(5000) == 10.0
    assert RetryPolicy(max_attempts=100_000, base_delay=0.5).backoff(5000) == math.inf
    assert RetryPolicy(max_attempts=100_000, base_delay=0.0).backoff(5000) == 0.0
    # An infinite wait is never drawn at random, and a budget refuses it.
    jittered = RetryPolicy(max_attempts=100_000, base_delay=0.5, jitter=1.0, budget=60.0)
    assert jittered.plan(5000, rng=NoRng()).stop == "budget"


def test_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        RetryPolicy(max_attempts=3, base_delay=1.0).backoff(0)


def test_full_jitter_is_uniform_below_the_backoff() -> None:
    policy = RetryPolicy(max_attempts=9, base_delay=0.5, cap=10.0, jitter=1.0)
    assert delays(policy, MaxRng())[:-1] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert delays(policy, MinRng())[:-1] == [0.0] * 8
    seeded, reference = random.Random(42), random.Random(42)
    got = delays(policy, seeded)[:-1]
    assert got == [reference.uniform(0, policy.backoff(n)) for n in range(1, 9)]
    assert all(0 <= wait <= policy.backoff(n) for n, wait in enumerate(got, 1) if wait is not None)


def test_partial_jitter_keeps_a_floor() -> None:
    policy = RetryPolicy(max_attempts=4, base_delay=2.0, jitter=0.25)
    assert delays(policy, MinRng())[:-1] == [1.5, 3.0, 6.0]
    assert delays(policy, MaxRng())[:-1] == [2.0, 4.0, 8.0]


def test_no_jitter_never_draws() -> None:
    assert delays(RetryPolicy(max_attempts=4, base_delay=1.0), NoRng()) == [1.0, 2.0, 4.0, None]


def test_without_an_rng_a_shared_source_is_used() -> None:
    policy = RetryPolicy(max_attempts=2, base_delay=1.0, jitter=1.0)
    for _ in range(20):
        wait = policy.next_delay(1)
        assert wait is not None
        assert 0.0 <= wait <= 1.0


# ------------------------------------------------------------------ Retry-After


def test_retry_after_replaces_the_backoff_without_jitter() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, cap=10.0, jitter=1.0, honour_retry_after=True)
    assert policy.next_delay(1, retry_after=3.0, rng=NoRng()) == 3.0
    assert policy.next_delay(1, retry_after=300.0, rng=NoRng()) == 300.0  # no cap: not bounded by `cap`
    assert policy.next_delay(1, retry_after=0.0, rng=NoRng()) == 0.0
    assert policy.next_delay(1, retry_after=-4.0, rng=NoRng()) == 0.0
    assert policy.next_delay(1, retry_after=None, rng=MaxRng()) == 0.5  # none sent: the backoff


def test_retry_after_cap() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, honour_retry_after=True, retry_after_cap=30.0)
    assert policy.next_delay(1, retry_after=3.0) == 3.0
    assert policy.next_delay(1, retry_after=120.0) == 30.0


def test_retry_after_ignored_unless_honoured() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, cap=1.0)
    assert policy.next_delay(1, retry_after=30.0) == 0.5
    assert policy.next_delay(2, retry_after=30.0) == 1.0


# ------------------------------------------------------------------ limits


def test_attempt_count_limit() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, jitter=1.0)
    plan = policy.plan(3, elapsed=1.5, rng=NoRng())  # no wait is drawn once attempts are spent
    assert plan == RetryPlan(attempt=3, delay=None, stop="attempts", wanted=None, elapsed=1.5)
    assert policy.plan(7, rng=NoRng()).stop == "attempts"
    single = RetryPolicy(max_attempts=1, base_delay=1.0)
    assert single.plan(1).stop == "attempts"  # maxRetries 0: the first failure is final


def test_a_retry_is_planned_with_its_wait() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, budget=10.0)
    assert policy.plan(2, elapsed=4.0) == RetryPlan(attempt=2, delay=2.0, stop=None, wanted=2.0, elapsed=4.0)


def test_time_budget_refuses_a_wait_that_would_end_past_it() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, budget=10.0)
    assert policy.next_delay(2, elapsed=8.0) == 2.0  # ends exactly at the budget: allowed
    plan = policy.plan(2, elapsed=8.5)
    assert plan == RetryPlan(attempt=2, delay=None, stop="budget", wanted=2.0, elapsed=8.5)
    assert policy.plan(1, elapsed=12.0).stop == "budget"  # already past it


def test_retry_after_longer_than_the_time_left_stops_at_once() -> None:
    policy = api_policy(max_retries=5, max_retry_time=120.0)
    plan = policy.plan(1, elapsed=0.0, retry_after=300.0)
    assert (plan.stop, plan.wanted, plan.delay) == ("budget", 300.0, None)


def test_zero_budget_allows_only_zero_waits() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay=0.5, jitter=1.0, budget=0.0)
    assert policy.next_delay(1, rng=MinRng()) == 0.0
    assert policy.next_delay(1, rng=MaxRng()) is None


def test_without_a_budget_elapsed_time_does_not_matter() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=1.0)
    assert policy.next_delay(1, elapsed=1e9) == 1.0


def test_transient_statuses() -> None:
    assert frozenset({429, 500, 502, 503, 504}) == RETRY_STATUSES
    policy = RetryPolicy(max_attempts=2, base_delay=1.0)
    assert [
        s for s in (200, 400, 401, 404, 409, 422, 429, 500, 501, 502, 503, 504) if policy.retries_status(s)
    ] == [
        429,
        500,
        502,
        503,
        504,
    ]
    assert RetryPolicy(max_attempts=2, base_delay=1.0, statuses=frozenset({503})).retries_status(429) is False


# ------------------------------------------------------------------ the run: injected clock and rng


def test_run_measures_elapsed_time_on_the_injected_clock() -> None:
    clock = FakeClock()
    run = RetryPolicy(max_attempts=5, base_delay=1.0, budget=5.0).start(clock=clock)
    assert isinstance(run, RetryRun)
    assert run.started == NOW
    clock.now += 2.5
    plan = run.plan(1)
    assert (plan.elapsed, plan.delay) == (2.5, 1.0)
    clock.now += 1.0
    assert run.elapsed() == 3.5
    assert run.next_delay(2) is None  # 3.5 + 2.0 > 5.0
    assert run.plan(2).stop == "budget"


def test_run_uses_the_injected_rng() -> None:
    run = RetryPolicy(max_attempts=3, base_delay=4.0, jitter=1.0).start(clock=FakeClock(), rng=MaxRng())
    assert run.next_delay(1) == 4.0
    run = RetryPolicy(max_attempts=3, base_delay=4.0, jitter=1.0).start(clock=FakeClock(), rng=MinRng())
    assert run.next_delay(1, retry_after=None) == 0.0
    assert "started=1700000000.0" in repr(run)


def test_run_reads_the_clock_once_to_start_and_once_per_plan() -> None:
    reads: list[float] = []

    def clock() -> float:
        reads.append(NOW)
        return NOW

    run = RetryPolicy(max_attempts=3, base_delay=1.0).start(clock=clock)
    run.plan(1)
    run.next_delay(2)
    assert len(reads) == 3


# ------------------------------------------------------------------ each caller's parameters


def test_api_policy_is_todays_client_backoff() -> None:
    policy = api_policy(max_retries=5, max_retry_time=120.0)
    assert policy == RetryPolicy(
        max_attempts=6,
        base_delay=0.5,
        cap=10.0,
        factor=2.0,
        jitter=1.0,
        honour_retry_after=True,
        retry_after_cap=None,
        budget=120.0,
        statuses=RETRY_STATUSES,
    )
    # Full jitter below 0.5, 1, 2, 4, 8, 10, 10, ... (docs/guide/client.md, "Retries").
    long = api_policy(max_retries=8, max_retry_time=1000.0)
    assert delays(long, MaxRng()) == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, None]
    assert api_policy(max_retries=0, max_retry_time=120.0).plan(1).stop == "attempts"


def test_token_exchange_policy_is_todays_table() -> None:
    # Before: EXCHANGE_ATTEMPTS = 3, EXCHANGE_BACKOFF = (0.5, 1.0), index min(attempt - 1, 1).
    old_table = (0.5, 1.0)
    assert TOKEN_EXCHANGE_POLICY.max_attempts == 3
    assert [TOKEN_EXCHANGE_POLICY.backoff(n) for n in range(1, 8)] == [
        old_table[min(n - 1, 1)] for n in range(1, 8)
    ]
    assert delays(TOKEN_EXCHANGE_POLICY, NoRng()) == [old_table[min(n - 1, 1)] for n in (1, 2)] + [None]
    assert TOKEN_EXCHANGE_POLICY.next_delay(1, retry_after=30.0) == 0.5  # Retry-After not read
    assert TOKEN_EXCHANGE_POLICY.budget is None


@pytest.mark.parametrize("max_retries", [0, 1, 3, 4, 5, 7, 12])
def test_create_loop_numbers_as_a_policy(max_retries: int) -> None:
    # The lifecycle's create loop: attempts = max(5, max_retries + 1), wait min(2**(n-1), 8.0), no jitter.
    policy = create_policy(max_retries=max_retries)
    attempts = max(5, max_retries + 1)
    assert policy == RetryPolicy(max_attempts=attempts, base_delay=1.0, cap=8.0)
    assert delays(policy, NoRng()) == [min(2.0 ** (n - 1), 8.0) for n in range(1, attempts)] + [None]


class Ambiguous(Exception):
    """Stands in for a timeout / 5xx after which a POST may or may not have been applied."""


def create_loop_today(
    post: Callable[[], Any], find: Callable[[], bool], sleep: Callable[[float], None], max_retries: int
) -> Any:
    """The create loop as written in the lifecycle before it uses RetryPolicy (reference)."""
    attempts = max(5, max_retries + 1)
    for attempt in range(1, attempts + 1):
        try:
            return post()
        except Ambiguous:
            if attempt == attempts:
                raise
            if find():
                return "found"
            sleep(min(2.0 ** (attempt - 1), 8.0))
    raise AssertionError("unreachable")


def create_loop_with_policy(
    post: Callable[[], Any], find: Callable[[], bool], sleep: Callable[[float], None], max_retries: int
) -> Any:
    """The same loop driven by create_policy: what the lifecycle can switch to."""
    policy = create_policy(max_retries=max_retries)
    attempt = 0
    while True:
        attempt += 1
        try:
            return post()
        except Ambiguous:
            delay = policy.next_delay(attempt)
            if delay is None:
                raise
            if find():
                return "found"
            sleep(delay)


@pytest.mark.parametrize("max_retries", [0, 5, 9])
@pytest.mark.parametrize(
    "outcomes",
    [
        "ok",
        "fail ok",
        "fail fail fail ok",
        "fail fail fail fail fail fail fail fail fail fail fail fail",
        "fail found",
    ],
)
def test_create_loop_behaves_the_same_with_the_policy(max_retries: int, outcomes: str) -> None:
    def run(loop: Callable[..., Any]) -> tuple[Any, list[float], int]:
        script = outcomes.split()
        sleeps: list[float] = []
        posts = 0
        pending = {"found": False}

        def post() -> str:
            nonlocal posts
            posts += 1
            step = script.pop(0) if script else "fail"
            if step == "found":
                pending["found"] = True
                raise Ambiguous
            if step == "fail":
                raise Ambiguous
            return "created"

        try:
            result: Any = loop(post, lambda: pending["found"], sleeps.append, max_retries)
        except Ambiguous:
            result = "raised"
        return result, sleeps, posts

    assert run(create_loop_with_policy) == run(create_loop_today)


def test_read_after_write_lag_as_a_policy() -> None:
    # The lifecycle's find-after-create waits 0.25 * 2 ** (n - 1) between its 4 lookups.
    policy = RetryPolicy(max_attempts=4, base_delay=0.25)
    assert delays(policy, NoRng()) == [0.25 * 2 ** (n - 1) for n in range(1, 4)] + [None]


# ------------------------------------------------------------------ the policy as data


def test_policy_is_frozen_hashable_and_picklable() -> None:
    policy = api_policy(max_retries=2, max_retry_time=30.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_attempts = 9  # type: ignore[misc]
    assert policy == api_policy(max_retries=2, max_retry_time=30.0)
    assert hash(policy) == hash(api_policy(max_retries=2, max_retry_time=30.0))
    assert pickle.loads(pickle.dumps(policy)) == policy
    assert policy != api_policy(max_retries=3, max_retry_time=30.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"base_delay": -1.0}, "base_delay must be 0 or more"),
        ({"cap": -0.1}, "cap must be 0 or more"),
        ({"budget": float("nan")}, "budget must be 0 or more"),
        ({"retry_after_cap": -5.0}, "retry_after_cap must be 0 or more"),
        ({"factor": 0.5}, "factor must be 1 or more"),
        ({"jitter": 1.5}, "jitter must be between 0 and 1"),
        ({"jitter": -0.1}, "jitter must be between 0 and 1"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    params: dict[str, Any] = {"max_attempts": 3, "base_delay": 1.0} | kwargs
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**params)


# ------------------------------------------------------------------ Retry-After parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-5", 0.0),
        ("nan", None),
        ("soon", None),
        ("", None),
        (email.utils.formatdate(NOW + 7, usegmt=True), 7.0),
        (email.utils.formatdate(NOW - 60, usegmt=True), 0.0),
        ("Tue, 14 Nov 2023 22:13:27 -0000", None),  # no time zone: not an HTTP-date
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected

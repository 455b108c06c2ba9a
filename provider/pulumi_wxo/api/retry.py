"""The one retry policy: how many attempts, how long to wait between them, when to give up.

Retry loops plan their waits with a :class:`RetryPolicy`; the callers differ only in the
parameters, which are listed here side by side (docs/guide/client.md, "Retries"). The API client and
the token flows use it; :func:`create_policy` states the transactional create's loop::

    caller               attempts                 wait after the failed attempt n           bounded by
    WxoClient (API)      1 + wxo:maxRetries       full jitter in [0, min(10, 0.5*2^(n-1))]  wxo:maxRetryTime
                                                  or Retry-After (uncapped) when sent
    token exchanges      3                        min(1, 0.5*2^(n-1)): 0.5 s, 1 s           -
    create (lifecycle)   max(5, maxRetries + 1)   min(8, 2^(n-1)): 1, 2, 4, 8, 8, ... s     -

What is retried is the caller's business (a POST that may have reached the server never is:
api-contract §8); the policy only says whether, and after how long, the next attempt may start.

A policy is plain data (frozen, hashable, picklable) and never sleeps or reads a clock itself:
the caller passes the elapsed time and the random source, or uses :meth:`RetryPolicy.start`,
which takes them as injectable arguments. Tests therefore never sleep.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "RETRY_STATUSES",
    "TOKEN_EXCHANGE_POLICY",
    "RetryPlan",
    "RetryPolicy",
    "RetryRun",
    "api_policy",
    "create_policy",
    "parse_retry_after",
]

#: Answers that say "try again later": rate limits and gateway/server trouble (§8). A 429 that is
#: a quota (``detail.code`` RESOURCE_QUOTA_EXCEEDED) is excluded by the callers, not here.
RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})

StopReason = Literal["attempts", "budget"]

# One shared source for callers that inject none; random.Random is thread-safe for uniform().
_RNG = random.Random()


@dataclass(frozen=True)
class RetryPlan:
    """What to do after a failed attempt.

    ``delay`` is the number of seconds to wait before the next attempt, or ``None`` to give up;
    ``stop`` says why (``"attempts"``: the last allowed attempt failed; ``"budget"``: the wait
    would end past the time budget). ``wanted`` is the wait the policy computed (set for a
    budget stop too, so a message can say how long it would have been; ``None`` when the
    attempts ran out, since no wait was computed). ``elapsed`` is the time the caller reported.
    """

    attempt: int
    delay: float | None
    stop: StopReason | None
    wanted: float | None
    elapsed: float


@dataclass(frozen=True)
class RetryPolicy:
    """Retry with exponential backoff, bounded by a count and optionally by wall-clock time.

    After the failed attempt ``n`` (1-based), the backoff is
    ``min(cap, base_delay * factor ** (n - 1))`` seconds. With ``jitter`` ``j`` (0 to 1) the wait
    is drawn uniformly from ``[(1 - j) * backoff, backoff]``: 0 is no jitter, 1 is "full jitter"
    (``[0, backoff]``). When ``honour_retry_after`` is set and the server sent ``Retry-After``,
    that value replaces the backoff (no jitter), bounded by ``retry_after_cap`` when one is
    given. The next attempt is refused once ``max_attempts`` attempts have been made, or when
    ``budget`` is set and the wait would end after ``budget`` seconds from the first attempt:
    sleeping into a deadline that cannot be met only delays the same failure.

    ``statuses`` are the HTTP statuses the caller may treat as transient (see
    :meth:`retries_status`).
    """

    max_attempts: int
    base_delay: float
    cap: float | None = None
    factor: float = 2.0
    jitter: float = 0.0
    honour_retry_after: bool = False
    retry_after_cap: float | None = None
    budget: float | None = None
    statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        for name in ("base_delay", "cap", "retry_after_cap", "budget"):
            value = getattr(self, name)
            if value is not None and not value >= 0:  # also refuses NaN
                raise ValueError(f"{name} must be 0 or more seconds, not {value!r}")
        if not self.factor >= 1:
            raise ValueError(f"factor must be 1 or more, not {self.factor!r}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, not {self.jitter!r}")

    # ------------------------------------------------------------------ planning

    def backoff(self, attempt: int) -> float:
        """The backoff ceiling after the failed attempt ``attempt``, before jitter."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, not {attempt}")
        if self.base_delay == 0:
            return 0.0
        try:
            raw = self.base_delay * self.factor ** (attempt - 1)
        except OverflowError:  # a huge attempt count: the cap (if any) decides
            raw = math.inf
        return raw if self.cap is None else min(self.cap, raw)

    def plan(
        self,
        attempt: int,
        *,
        elapsed: float = 0.0,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> RetryPlan:
        """Decide what follows the failed attempt ``attempt`` (1-based).

        ``elapsed`` is the time since the first attempt started, request time included;
        ``retry_after`` the server's ``Retry-After`` in seconds (see :func:`parse_retry_after`),
        if any; ``rng`` the random source for jitter (drawn from only when a jittered wait is
        needed, so a seeded source gives reproducible waits).
        """
        if attempt >= self.max_attempts:
            return RetryPlan(attempt=attempt, delay=None, stop="attempts", wanted=None, elapsed=elapsed)
        wanted = self._wait(attempt, retry_after, rng)
        if self.budget is not None and wanted > self.budget - elapsed:
            return RetryPlan(attempt=attempt, delay=None, stop="budget", wanted=wanted, elapsed=elapsed)
        return RetryPlan(attempt=attempt, delay=wanted, stop=None, wanted=wanted, elapsed=elapsed)

    def next_delay(
        self,
        attempt: int,
        *,
        elapsed: float = 0.0,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before the attempt after ``attempt``, or ``None`` to give up.

        The short form of :meth:`plan` for callers that do not need to say why they stopped.
        """
        return self.plan(attempt, elapsed=elapsed, retry_after=retry_after, rng=rng).delay

    def retries_status(self, status: int) -> bool:
        """True when an answer with this HTTP status is transient (worth another attempt)."""
        return status in self.statuses

    def start(
        self, *, clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None
    ) -> RetryRun:
        """Begin one retried call: the elapsed time is measured with ``clock`` from now."""
        return RetryRun(self, clock=clock, rng=rng)

    def _wait(self, attempt: int, retry_after: float | None, rng: random.Random | None) -> float:
        if self.honour_retry_after and retry_after is not None:
            wait = max(0.0, retry_after)
            return wait if self.retry_after_cap is None else min(wait, self.retry_after_cap)
        ceiling = self.backoff(attempt)
        if self.jitter == 0 or not math.isfinite(ceiling):
            return ceiling
        source = rng if rng is not None else _RNG
        return source.uniform(ceiling * (1 - self.jitter), ceiling)


class RetryRun:
    """One retried call under a policy: remembers when it started, on the injected clock.

    ``clock`` is read once here and once per :meth:`plan`; ``rng`` is the jitter source.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._rng = rng
        self.started: float = clock()

    def __repr__(self) -> str:
        return f"RetryRun({self.policy!r}, started={self.started!r})"

    def elapsed(self) -> float:
        return self._clock() - self.started

    def plan(self, attempt: int, *, retry_after: float | None = None) -> RetryPlan:
        """:meth:`RetryPolicy.plan` with the elapsed time read from the clock now."""
        return self.policy.plan(attempt, elapsed=self.elapsed(), retry_after=retry_after, rng=self._rng)

    def next_delay(self, attempt: int, *, retry_after: float | None = None) -> float | None:
        """:meth:`RetryPolicy.next_delay` with the elapsed time read from the clock now."""
        return self.plan(attempt, retry_after=retry_after).delay


# --------------------------------------------------------------------------- the callers


def api_policy(*, max_retries: int, max_retry_time: float) -> RetryPolicy:
    """API calls (``WxoClient``): ``1 + wxo:maxRetries`` attempts within ``wxo:maxRetryTime``.

    Full jitter over 0.5, 1, 2, 4, 8, 10, 10, ... s; a server's ``Retry-After`` replaces the
    backoff and is not capped (only the time budget bounds it).
    """
    return RetryPolicy(
        max_attempts=max_retries + 1,
        base_delay=0.5,
        cap=10.0,
        jitter=1.0,
        honour_retry_after=True,
        budget=max_retry_time,
    )


#: Token exchanges: minting a token changes nothing on the server, so transport errors, 429 and
#: 5xx are retried, 3 attempts with waits of 0.5 s and 1 s (no jitter, Retry-After not read).
TOKEN_EXCHANGE_POLICY = RetryPolicy(max_attempts=3, base_delay=0.5, cap=1.0)

#: The transactional create tries at least this many times (api-contract §8: duplicates are looked up
#: by name between attempts, so more attempts cannot create a second object).
CREATE_MIN_ATTEMPTS = 5


def create_policy(*, max_retries: int) -> RetryPolicy:
    """The transactional create: ``max(5, wxo:maxRetries + 1)`` attempts, waits 1, 2, 4, 8, 8 s."""
    return RetryPolicy(max_attempts=max(CREATE_MIN_ATTEMPTS, max_retries + 1), base_delay=1.0, cap=8.0)


# --------------------------------------------------------------------------- Retry-After


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    ``now`` is the current wall-clock time (epoch seconds), needed for the HTTP-date form; a
    date in the past means "now" (0 seconds).
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # an HTTP-date is always GMT
            return None
        seconds = when.timestamp() - now
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)

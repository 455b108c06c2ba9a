"""Resilience through the real engine: expiring and revoked tokens, a flaky and rate-limiting server.

Both tests use the IBM Cloud IAM flow against the emulator (``wxo:apiKey`` +
``wxo:authType=ibm_iam`` + ``wxo:iamUrl``), deploy eight models and then check the emulator's
state: exactly the declared names, each once (the emulator accepts duplicate names, so a
blindly retried POST would show), and a follow-up preview without changes.

Timing is made deterministic by delays on the server side, never by sleeps here: the provider
process runs at most four calls at once, so with every POST held for 1 s the second four
models are checked by the server at least 2 s after the first token was minted.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi import automation as auto

import pulumi_wxo as wxo
from pulumi_wxo.emulator import EmulatorControl, EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY
from tests.support.engine import Engine

WATSONX = {"api_key": "wx-e2e-resilience", "watsonx_space_id": "space-1"}
# (resource name, model name, provider_config, connection_id)
EIGHT: tuple[tuple[str, str, dict[str, Any] | None, str | None], ...] = (
    ("gpt-4o", "openai/gpt-4o", {"api_key": "sk-e2e-resilience"}, None),
    ("gpt-4o-mini", "openai/gpt-4o-mini", {"api_key": "sk-e2e-mini"}, None),
    ("o3-mini", "openai/o3-mini", {"api_key": "sk-e2e-o3"}, None),
    ("claude-sonnet", "anthropic/claude-3-7-sonnet", {"api_key": "sk-ant-e2e-s"}, None),
    ("claude-haiku", "anthropic/claude-3-5-haiku", {"api_key": "sk-ant-e2e-h"}, None),
    ("granite", "watsonx/ibm/granite-3-3-8b-instruct", {"api_key": "wx-e2e", "watsonx_space_id": "s1"}, None),
    (
        "llama",
        "watsonx/meta-llama/llama-3-3-70b-instruct",
        {"api_key": "wx-e2e", "watsonx_space_id": "s1"},
        None,
    ),
    ("mistral", "mistral-ai/mistral-large-latest", {"api_key": "mi-e2e"}, None),
)
DECLARED = sorted(f"virtual-model/{name}" for _, name, _, _ in EIGHT)
MODELS_PATH = "/v1/models"
TOKEN_PATH = "/identity/token"


def catalogue(label: str = "v1") -> Callable[[], None]:
    def program() -> None:
        for res, name, pc, conn in EIGHT:
            wxo.Model(
                res,
                name=name,
                display_name=f"{res} ({label})",
                tags=["e2e", label],
                provider_config=pc,
                connection_id=conn,
            )
        pulumi.export("count", len(EIGHT))

    return program


def iam_engine(engine_factory: Callable[..., Engine], emulator: EmulatorThread) -> Engine:
    eng = engine_factory(
        catalogue(),
        config={
            "wxo:authType": auto.ConfigValue("ibm_iam"),
            "wxo:iamUrl": auto.ConfigValue(emulator.url),
            "wxo:apiKey": auto.ConfigValue(EMULATOR_API_KEY, secret=True),
            # More room than the default 5 retries of an idempotent call: at a 25 % failure
            # rate, 6 failures in a row somewhere among ~100 GETs is not rare.
            "wxo:maxRetries": auto.ConfigValue("10"),
        },
    )
    eng.stack.remove_config("wxo:token")  # the factory's bearer token would win over IAM
    return eng


def changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    return {str(k): v for k, v in (summary or {}).items() if k != "same"}


def assert_exactly_declared(eng: Engine, label: str) -> None:
    models = eng.models()
    counts = Counter(m["name"] for m in models)
    assert sorted(counts) == DECLARED, sorted(counts)
    assert max(counts.values()) == 1, {n: c for n, c in counts.items() if c > 1}  # no duplicates
    assert {m["display_name"].rsplit(" ", 1)[1] for m in models} == {f"({label})"}


class RevokeTokensWhen(threading.Thread):
    """Revoke every minted token as soon as the emulator has answered a matching request.

    Bounded polling of the request log (every 10 ms, at most ``timeout`` seconds) from a
    thread of its own, while the main thread waits for the engine.
    """

    def __init__(
        self, url: str, *, method: str, path_prefix: str, status: int, timeout: float = 40.0
    ) -> None:
        super().__init__(name="revoke-tokens", daemon=True)
        self._url, self._method, self._prefix, self._status = url, method, path_prefix, status
        self._timeout = timeout
        self._done = threading.Event()
        self.revoked_at: int | None = None  # request-log length when the tokens were revoked

    def run(self) -> None:
        with EmulatorControl(self._url) as control:
            deadline = time.monotonic() + self._timeout
            while time.monotonic() < deadline and not self._done.is_set():
                log = control.requests()
                if any(
                    r["method"] == self._method
                    and r["path"].startswith(self._prefix)
                    and r["status"] == self._status
                    for r in log
                ):
                    control.expire_tokens()
                    self.revoked_at = len(log)
                    return
                self._done.wait(0.01)

    def _matches(self, entry: dict[str, Any]) -> bool:
        method, path, status = str(entry["method"]), str(entry["path"]), int(entry["status"])
        return method == self._method and path.startswith(self._prefix) and status == self._status

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=5)


def test_iam_tokens_expiring_and_revoked_mid_run(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread
) -> None:
    control = emulator.control
    eng = iam_engine(engine_factory, emulator)

    # 1. Tokens that expire during the run: 2 s of life, every POST held for 1 s.
    control.settings(token_ttl=2)
    control.add_fault(method="POST", path="/models$", delay=1.0)
    up = eng.up()
    assert up.summary.result == "succeeded" and changes(up.summary.resource_changes) == {"create": 9}
    assert_exactly_declared(eng, "v1")
    # The second four POSTs reach the server after the first token's expiry: a new one was
    # minted in the middle of the run (ahead of expiry, or after a 401).
    assert control.tokens_issued()["iam"] >= 2, control.requests()
    control.clear_faults()

    # 2. Tokens revoked between operations: a new provider process, a new token.
    control.settings(token_ttl=3600)
    issued = control.tokens_issued()["iam"]
    control.expire_tokens()
    assert changes(eng.preview().change_summary) == {}, eng.text()
    assert changes(eng.refresh().summary.resource_changes) == {}, eng.text()
    assert control.tokens_issued()["iam"] > issued

    # 3. Tokens revoked in the middle of a run: every PUT held for 1 s, all tokens revoked
    #    once the first PUT has been answered. The four PUTs of the second round carry the
    #    revoked (hour-long) token: 401, one refresh, one resend.
    control.clear_requests()
    control.add_fault(method="PUT", path="/models/", delay=1.0)
    revoker = RevokeTokensWhen(emulator.url, method="PUT", path_prefix=MODELS_PATH + "/", status=200)
    revoker.start()
    try:
        up = eng.up(catalogue("v2"))
    finally:
        revoker.finish()
    assert revoker.revoked_at is not None, "the first PUT was never answered"
    assert changes(up.summary.resource_changes) == {"update": 8}, eng.text()
    assert_exactly_declared(eng, "v2")
    after = control.requests()[revoker.revoked_at :]
    rejected = [r for r in after if r["status"] == 401]
    assert rejected and all(r["path"].startswith(MODELS_PATH) for r in rejected), after
    assert [r for r in after if r["path"] == TOKEN_PATH and r["status"] == 200], after
    puts = [r for r in control.requests() if r["method"] == "PUT"]
    assert len([r for r in puts if r["status"] == 200]) == 8, puts  # one successful PUT per model
    control.clear_faults()
    assert changes(eng.preview(catalogue("v2")).change_summary) == {}, eng.text()


def test_flaky_rate_limiting_server_converges_without_duplicates(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread
) -> None:
    control = emulator.control
    eng = iam_engine(engine_factory, emulator)
    assert control.settings()["duplicates"] == "accept"  # a retried POST would duplicate
    # First matching fault applies, in this order:
    control.add_fault(method="POST", path=TOKEN_PATH, status=503, count=1)  # token service hiccup
    # A POST that creates the model but answers 503: only a lookup by name can tell.
    control.add_fault(method="POST", path="/models$", status=503, delay_after=True, count=1)
    # A POST refused with 429 + Retry-After (not created).
    control.add_fault(method="POST", path="/models$", status=429, retry_after=1, count=1)
    control.add_fault(method="GET", path="/models$", status=429, retry_after=1, count=2)
    # A read that fails once (the run asks few: one list serves every name, lifecycle/snapshot.py).
    control.add_fault(method="GET", path="/models$", status=503, count=1)
    # 20 % of all API requests answer 503; 5 % of the reads are rate limited.
    control.add_fault(path="/models", status=503, fraction=0.2, seed=20)
    control.add_fault(method="GET", path="/models", status=429, retry_after=1, fraction=0.05, seed=5)

    up = eng.up()
    assert up.summary.result == "succeeded", eng.text()
    assert changes(up.summary.resource_changes) == {"create": 9}
    assert_exactly_declared(eng, "v1")
    assert sorted(up.outputs) == ["count"] and up.outputs["count"].value == 8

    log = control.requests()
    statuses = Counter((r["method"], r["path"].startswith(MODELS_PATH), r["status"]) for r in log)
    assert statuses[("POST", True, 503)] >= 1 and statuses[("POST", True, 429)] >= 1, statuses
    assert statuses[("GET", True, 429)] >= 2 and statuses[("GET", True, 503)] >= 1, statuses
    token_calls = [r["status"] for r in log if r["path"] == TOKEN_PATH]
    assert token_calls[:2] == [503, 200], token_calls
    # POSTs that got an answer meaning "maybe" were followed by a lookup, not a blind resend:
    # exactly one model per name although one POST created and still answered 503.
    created = [r for r in log if r["method"] == "POST" and r["path"] == MODELS_PATH and r["status"] == 201]
    assert len(created) == 7, created  # 8 models, one of them created by the POST answered 503

    # Still flaky: a preview and a refresh change nothing (reads are retried).
    assert changes(eng.preview().change_summary) == {}, eng.text()
    assert changes(eng.refresh().summary.resource_changes) == {}, eng.text()
    assert changes(eng.preview().change_summary) == {}, eng.text()
    assert_exactly_declared(eng, "v1")

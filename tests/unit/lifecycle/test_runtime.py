"""lifecycle.runtime: a dead credential fails check (and so every preview), at one request per settings;
the settings, clients and snapshots it keeps per process.

The instance is an httpx MockTransport: no sockets. Through the real engine on both hosts:
tests/e2e/test_credentials_engine.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.errors import ApiError, AuthError, ConfigError
from pulumi_wxo.lifecycle import RUNTIME, ModelLifecycle, PolicyLifecycle, Runtime
from pulumi_wxo.lifecycle.instance import ALIASES_ENV, ALIASES_KEY, MOVE_KEY, Instance, Placement
from pulumi_wxo.lifecycle.runtime import SNAPSHOT_MAX_AGE_KEY, config_name, settings

pytestmark = pytest.mark.unit

MODEL: dict[str, Any] = {"name": "openai/gpt-4o", "provider_config": {"api_key": "sk-unit-proof"}}
POLICY: dict[str, Any] = {
    "name": "p",
    "strategy": "fallback",
    "targets": [{"model": "virtual-model/openai/gpt-4o"}],
    "declared_models": ["virtual-model/openai/gpt-4o"],
}
SETTINGS = {"wxo:url": "https://wxo.example.test", "wxo:token": "token-under-test", "wxo:maxRetries": "0"}


def runtime_answering(status: int, seen: list[str], *, settings: dict[str, str] = SETTINGS) -> Runtime:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if status == 200:
            return httpx.Response(200, json=[])
        return httpx.Response(status, json={"detail": "Invalid or expired token"})

    runtime = Runtime()
    runtime.transport = httpx.MockTransport(handler)
    runtime.sleep = lambda _s: None
    runtime.configure(settings.get, {})
    return runtime


LIFECYCLES: list[tuple[Callable[[Runtime], Any], dict[str, Any]]] = [
    (ModelLifecycle, MODEL),
    (PolicyLifecycle, POLICY),
]


@pytest.mark.parametrize(("lifecycle", "news"), LIFECYCLES)
def test_a_refused_token_fails_check_with_the_setting_to_fix(
    lifecycle: Callable[[Runtime], Any], news: dict[str, Any]
) -> None:
    seen: list[str] = []
    core = lifecycle(runtime_answering(401, seen))
    with pytest.raises(AuthError) as info:
        core.check(news, news)  # olds == news: the check of a preview where nothing changes
    assert "wxo:token" in str(info.value) and "token-under-test" not in str(info.value)
    assert seen and all(s.startswith("GET ") for s in seen)


@pytest.mark.parametrize(("lifecycle", "news"), LIFECYCLES)
def test_a_forbidden_credential_fails_check(
    lifecycle: Callable[[Runtime], Any], news: dict[str, Any]
) -> None:
    core = lifecycle(runtime_answering(403, []))
    with pytest.raises(ApiError) as info:
        core.check(news, news)
    assert info.value.status == 403 and "credentials" in str(info.value)


def test_an_accepted_credential_is_proven_once_for_every_resource() -> None:
    seen: list[str] = []
    runtime = runtime_answering(200, seen)
    for _ in range(5):
        assert ModelLifecycle(runtime).check(MODEL, MODEL).failures == []
        PolicyLifecycle(runtime).check(POLICY, POLICY)
    assert seen == ["GET /v1/orchestrate/models"], seen


def test_the_same_settings_configured_again_are_not_proven_again() -> None:
    # The dynamic host configures once per resource class (Model, ModelPolicy), same settings.
    seen: list[str] = []
    runtime = runtime_answering(200, seen)
    ModelLifecycle(runtime).check(MODEL, MODEL)
    runtime.configure(SETTINGS.get, {})
    PolicyLifecycle(runtime).check(POLICY, POLICY)
    assert len(seen) == 1, seen
    runtime.configure({**SETTINGS, "wxo:token": "another-token"}.get, {})
    ModelLifecycle(runtime).check(MODEL, MODEL)
    assert len(seen) == 2, seen


def test_without_settings_check_asks_nothing() -> None:
    runtime = Runtime()
    runtime.transport = httpx.MockTransport(lambda r: pytest.fail(f"unexpected request {r.url}"))
    runtime.configure(lambda _k: None, {})
    assert ModelLifecycle(runtime).check(MODEL, MODEL).failures == []


@pytest.mark.parametrize("status", [404, 500, 502])
def test_an_instance_that_fails_otherwise_is_left_to_up(status: int) -> None:
    seen: list[str] = []
    runtime = runtime_answering(status, seen)
    assert ModelLifecycle(runtime).check(MODEL, MODEL).failures == []
    assert seen, "the proof was attempted"


# --------------------------------------------------------------------------- settings and clients


def test_settings_list_the_connection_and_the_lifecycle_settings() -> None:
    rows = {key: (env, typ, secret) for key, env, typ, secret, _text in settings()}
    assert rows["wxo:token"] == ("WXO_TOKEN", "string", True)
    assert rows[ALIASES_KEY] == ("WXO_INSTANCE_ALIASES", "string", False)
    assert rows[MOVE_KEY] == ("WXO_MOVE_INSTANCE", "boolean", False)
    assert rows[SNAPSHOT_MAX_AGE_KEY] == ("WXO_SNAPSHOT_MAX_AGE", "number", False)


def test_config_name_drops_the_namespace() -> None:
    assert config_name("wxo:apiKey") == "apiKey"


def test_one_client_per_distinct_settings(runtime: Runtime) -> None:
    runtime.configure(SETTINGS.get, {})
    first = runtime.client()
    runtime.configure(dict(SETTINGS).get, {})
    assert runtime.client() is first
    runtime.configure({**SETTINGS, "wxo:token": "another-token"}.get, {})
    assert runtime.client() is not first


def test_a_bad_setting_is_raised_at_the_first_call_not_at_configure(runtime: Runtime) -> None:
    runtime.configure({**SETTINGS, SNAPSHOT_MAX_AGE_KEY: "9999"}.get, {})
    with pytest.raises(ConfigError) as info:
        runtime.client()
    assert SNAPSHOT_MAX_AGE_KEY in str(info.value) and "0 to 3600" in str(info.value)
    with pytest.raises(ConfigError):
        runtime.instance()


def test_configure_reads_placement_snapshot_age_and_retries(runtime: Runtime) -> None:
    runtime.configure(
        {**SETTINGS, MOVE_KEY: "true", SNAPSHOT_MAX_AGE_KEY: "5", "wxo:maxRetries": "4"}.get,
        {ALIASES_ENV: "https://old.example.test/"},
    )
    assert runtime.placement == Placement(frozenset({"https://old.example.test"}), move=True)
    assert runtime.snapshot_max_age == 5.0 and runtime.max_retries() == 4
    assert runtime.instance() == Instance("https://wxo.example.test")


def test_one_snapshot_per_kind_until_configured_again() -> None:
    seen: list[str] = []
    runtime = runtime_answering(200, seen)
    models = runtime.snapshot("models")
    assert runtime.snapshot("models") is models and runtime.snapshot("policies") is not models
    runtime.snapshot("policies").objects()
    assert seen == ["GET /v1/orchestrate/model_policy"], seen  # the policies kind lists policies
    runtime.configure(SETTINGS.get, {})
    assert runtime.snapshot("models") is not models


def test_reset_forgets_settings_placement_and_proofs() -> None:
    seen: list[str] = []
    runtime = runtime_answering(200, seen, settings={**SETTINGS, MOVE_KEY: "true", SNAPSHOT_MAX_AGE_KEY: "1"})
    runtime.prove_credentials()
    runtime.reset()
    assert (runtime.placement, runtime.snapshot_max_age, runtime.max_retries()) == (Placement(), 30.0, 0)
    runtime.configure(SETTINGS.get, {})
    runtime.prove_credentials()
    assert len(seen) == 2, seen  # proven again after the reset


def test_the_runtime_fixture_is_a_fresh_runtime(runtime: Runtime) -> None:
    assert runtime is not RUNTIME and runtime.sleep == [] and runtime.max_retries() == 0

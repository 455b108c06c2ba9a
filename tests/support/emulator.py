"""The emulator's wire, shared by the tiers that talk to a real emulator over loopback.

EMULATOR_TOKEN / EMULATOR_API_KEY: what the session emulator (tests/conftest.py) accepts.
granite() / policy_body(): what the ADK sends; claims(): a JWT's payload; assert_422(): the
exact 422 item; wait_until_answered(): bounded wait for the request log; assert_empty(): no
model and no policy left on the server. by_hand() / post_by_hand() / hand_policy(): the API and a
policy body as a person uses them outside Pulumi (a tenant made elsewhere).
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from pulumi_wxo.emulator import EmulatorThread

EMULATOR_TOKEN = "test-token"
EMULATOR_API_KEY = "test-api-key"
EMULATOR_GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
IAM_GRANT = "urn:ibm:params:oauth:grant-type:apikey"
INVALID_TOKEN = {"detail": "Invalid or expired token"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def granite(**overrides: Any) -> dict[str, Any]:
    """What the ADK sends for the api-contract §5 example (snake_case, extras included)."""
    body: dict[str, Any] = {
        "name": "watsonx/ibm/granite-3-3-8b-instruct",
        "display_name": "IBM watsonx.ai (Granite)",
        "description": "Granite via watsonx.ai",
        "config": {"max_tokens": 2048},
        "provider_config": {
            "provider": "watsonx",
            "api_key": "sk-very-secret",
            "custom_host": "https://us-south.ml.cloud.ibm.com",
            "watsonx_space_id": "space-guid",
        },
        "tags": ["ibm", "watsonx"],
        "model_type": "chat",
        "spec_version": "v1",
        "kind": "model",
        "app_id": "watsonx_credentials",
    }
    body.update(overrides)
    return body


def policy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "anygem",
        "display_name": "Any Gem",
        "description": "Balances 2 Gemini models",
        "policy": {
            "strategy": {"mode": "loadbalance", "on_status_codes": [503, 504]},
            "retry": {"attempts": 1, "on_status_codes": [503]},
            "targets": [
                {"model_name": "virtual-model/google/gemini-2.0-flash", "weight": 0.75},
                {"model_name": "virtual-model/google/gemini-2.0-flash-lite", "weight": 0.25},
            ],
        },
    }
    body.update(overrides)
    return body


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def wait_until_answered(emulator: EmulatorThread, n: int) -> list[dict[str, Any]]:
    """Wait (bounded) until ``n`` requests have been answered, so no delayed answer outlives its test."""
    deadline = time.monotonic() + 5
    while len(log := emulator.control.requests()) < n:
        assert time.monotonic() < deadline, log
        time.sleep(0.02)
    return log


def assert_422(response: httpx.Response, loc: list[Any], msg: str, type_: str) -> None:
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {"loc": loc, "msg": msg, "type": type_} in detail
    for item in detail:
        assert set(item) == {"loc", "msg", "type"}  # no "input", "ctx" or "url" (could echo secrets)


def assert_empty(emulator: EmulatorThread) -> None:
    state = emulator.control.state()
    assert state["models"] == [] and state["policies"] == [], state


def by_hand(emulator: EmulatorThread) -> httpx.Client:
    """The API (``/v1`` paths) as a person with the emulator's token uses it, outside Pulumi."""
    return httpx.Client(base_url=f"{emulator.url}/v1", headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"})


def post_by_hand(emulator: EmulatorThread, path: str, *bodies: dict[str, Any]) -> None:
    """Each body POSTed to ``/v1{path}`` by hand (``by_hand``); each must be accepted."""
    with by_hand(emulator) as raw:
        for body in bodies:
            raw.post(path, json=body).raise_for_status()


def hand_policy(
    name: str,
    mode: str,
    targets: Sequence[str] | Mapping[str, float],
    display_name: str,
    description: str | None,
) -> dict[str, Any]:
    """A policy's body for ``POST /v1/model_policy`` as a person writes it: its targets model
    names, or model names and their weights."""
    if isinstance(targets, Mapping):
        routes = [{"model_name": model, "weight": weight} for model, weight in targets.items()]
    else:
        routes = [{"model_name": model} for model in targets]
    return {
        "name": name,
        "display_name": display_name,
        "description": description,
        "policy": {"strategy": {"mode": mode}, "targets": routes},
    }

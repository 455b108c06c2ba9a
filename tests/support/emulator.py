"""The emulator's wire, shared by the tiers that talk to a real emulator over loopback.

EMULATOR_TOKEN / EMULATOR_API_KEY: what the session emulator (tests/conftest.py) accepts.
granite() / policy_body(): what the ADK sends; claims(): a JWT's payload; assert_422(): the
exact 422 item; wait_until_answered(): bounded wait for the request log.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

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

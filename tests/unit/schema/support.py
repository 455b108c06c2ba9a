"""Inputs and helpers shared by the schema package's unit tests."""

from __future__ import annotations

from typing import Any

from pulumi_wxo import schema as s

# A valid watsonx model: a test adds or replaces the fields it is about.
WATSONX = {
    "name": "watsonx/ibm/granite-3-3-8b-instruct",
    "provider_config": {"api_key": "k-123", "watsonx_space_id": "space-1"},
}


def model_failures(props: dict[str, object]) -> dict[str, str]:
    """The reasons ``validate_model`` refuses ``props`` for, by path (it must refuse them)."""
    spec, fails = s.validate_model(props)
    assert spec is None
    return {f.path: f.reason for f in fails}


def policy_failures(props: dict[str, Any]) -> dict[str, str]:
    """The reasons ``validate_policy`` refuses ``props`` for, by path (it must refuse them)."""
    spec, fails = s.validate_policy(props)
    assert spec is None
    return {f.path: f.reason for f in fails}

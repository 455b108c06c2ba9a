"""policy.config: the --policy-pack-config document; every mistake names the policy and the key."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.policy import POLICIES, PolicyConfigError, parse_pack_config
from pulumi_wxo.policy.config import json_schema

pytestmark = pytest.mark.unit

NOT_A_LEVEL = "is not one of advisory, mandatory, disabled"


def test_defaults_and_levels() -> None:
    cfg = parse_pack_config({})
    assert cfg.levels == {d.name: d.level for d in POLICIES}
    assert cfg.values["wxo-required-tags"] == {"tags": [], "stacks": []}
    assert cfg.values["wxo-loadbalance-weights"]["tolerance"] == 1e-6
    cfg = parse_pack_config({"wxo-required-tags": "mandatory", "all": {"enforcementLevel": "disabled"}})
    assert cfg.levels["wxo-required-tags"] == "mandatory"  # its own entry wins over all
    assert cfg.levels["wxo-name-patterns"] == "disabled"


# (policy, its entry, the key named, the reason): each entry alone, as {policy: entry}.
BAD_ENTRIES: list[tuple[str, Any, str, str]] = [
    ("wxo-required-tag", {}, "", "no such policy in this pack (did you mean 'wxo-required-tags'?)"),
    ("wxo-required-tags", {"tag": ["x"]}, "tag", "unknown key (did you mean 'tags'?)"),
    ("wxo-required-tags", {"zzz": 1}, "zzz", "unknown key; its keys: stacks, tags"),
    ("wxo-required-tags", {"tags": "team-*"}, "tags", "must be a list of non-empty strings"),
    ("wxo-required-tags", {"tags": [""]}, "tags", "must be a list of non-empty strings"),
    ("wxo-required-tags", {"stacks": [1]}, "stacks", "must be a list of non-empty strings"),
    ("wxo-required-tags", "strict", "enforcementLevel", "'strict' " + NOT_A_LEVEL),
    (
        "wxo-required-tags",
        {"enforcementLevel": "remediate"},
        "enforcementLevel",
        "'remediate' " + NOT_A_LEVEL,
    ),
    ("all", "loud", "enforcementLevel", "'loud' " + NOT_A_LEVEL),
    (
        "wxo-allowed-providers",
        {"providers": ["opnai"]},
        "providers",
        "unknown provider 'opnai' (did you mean 'openai'?)",
    ),
    ("wxo-required-guardrails", {"input": "yes"}, "input", "must be true or false"),
    ("wxo-loadbalance-weights", {"tolerance": -1}, "tolerance", "must be a number >= 0"),
    ("wxo-loadbalance-weights", {"tolerance": True}, "tolerance", "must be a number >= 0"),
    ("wxo-name-patterns", {"model": 3}, "model", "must be a regular expression (a string)"),
    (
        "wxo-name-patterns",
        {"policy": "("},
        "policy",
        "is not a valid regular expression: " + "missing ), unterminated subpattern at position 0",
    ),
    ("wxo-name-patterns", ["x"], "enforcementLevel", "['x'] " + NOT_A_LEVEL),
]


@pytest.mark.parametrize(
    ("raw", "policy", "key", "reason"),
    [
        ([], "policy-pack config", "", "must be a JSON object keyed by policy name"),
        *(({policy: entry}, policy, key, reason) for policy, entry, key, reason in BAD_ENTRIES),
    ],
)
def test_a_bad_entry_names_the_policy_and_the_key(raw: Any, policy: str, key: str, reason: str) -> None:
    with pytest.raises(PolicyConfigError) as raised:
        parse_pack_config(raw)
    assert (raised.value.policy, raised.value.key, raised.value.reason) == (policy, key, reason)
    where = f"{policy}: {key}" if key else policy
    assert str(raised.value) == f"policy-pack config: {where}: {reason}"


def test_the_json_schema_follows_the_keys() -> None:
    """What the engine checks before the pack runs (types), from the same table."""
    schema = json_schema(next(d for d in POLICIES if d.name == "wxo-required-guardrails"))
    assert schema == {
        "input": {
            "type": "boolean",
            "description": "Require provider_config.default_input_guardrails.",
            "default": False,
        },
        "output": {
            "type": "boolean",
            "description": "Require provider_config.default_output_guardrails.",
            "default": False,
        },
        "stacks": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": schema["stacks"]["description"],
        },
    }
    for d in POLICIES:
        assert "stacks" in json_schema(d) and all("description" in p for p in json_schema(d).values())

"""specs.json_schema: secrets marked and restricted to references; the example copy is current."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_wxo.schema import ModelSpec
from pulumi_wxo.specs import read_specs, spec_json_schema
from tests.unit.specs.support import EXAMPLES

pytestmark = pytest.mark.unit


def test_examples_catalogue_is_valid_and_its_schema_is_current() -> None:
    specs, problems = read_specs(EXAMPLES)
    assert problems == []
    assert {s.kind for s in specs} == {"model", "policy"}
    assert len({s.spec.provider for s in specs if isinstance(s.spec, ModelSpec)}) >= 4
    schema = json.loads((EXAMPLES / "wxo-spec.schema.json").read_text())
    assert schema == spec_json_schema(), "run: pulumi-wxo schema -o examples/specs/wxo-spec.schema.json"


def test_schema_marks_secrets_and_accepts_only_references() -> None:
    schema = spec_json_schema()
    pc = schema["$defs"]["ProviderConfig"]["properties"]
    assert pc["api_key"]["secret"] is True and pc["api_key"]["pattern"].startswith("^\\$\\{secret:")
    assert pc["vertex_service_account_json"]["secret"] is True
    assert "secret" not in pc["custom_host"]
    model = schema["$defs"]["ModelSpecFile"]
    assert model["required"] == ["spec_version", "name"]
    assert model["properties"]["name"]["description"].startswith("`virtual-model/<provider>/<model>`")
    assert {"spec_version", "kind", "app_id"} <= set(model["properties"])
    policy = schema["$defs"]["PolicySpecFile"]
    assert set(policy["properties"]["policy"]["properties"]) == {"strategy", "retry", "cache", "targets"}
    # Every $ref resolves.
    refs = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert refs and all(r.split("/")[-1] in schema["$defs"] for r in refs)

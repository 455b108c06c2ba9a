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
    assert {s.kind for s in specs} == {"model", "policy", "connection"}
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


def test_schema_covers_connection_files() -> None:
    schema = spec_json_schema()
    # A document with kind: connection is a connection file; any other a model or a policy.
    assert schema["if"] == {"required": ["kind"], "properties": {"kind": {"const": "connection"}}}
    assert schema["then"] == {"$ref": "#/$defs/ConnectionSpecFile"}
    assert schema["else"]["then"] == {"$ref": "#/$defs/PolicySpecFile"}
    conn = schema["$defs"]["ConnectionSpecFile"]
    assert conn["required"] == ["spec_version", "kind", "app_id", "environments"]
    assert set(conn["properties"]["environments"]["properties"]) == {"draft", "live"}
    block = schema["$defs"]["ConnectionEnvironmentFile"]
    assert block["additionalProperties"] is False
    assert {"kind", "type", "server_url", "credentials", "custom_runtime_creds"} <= set(block["properties"])
    creds = block["properties"]["credentials"]
    # Credentials: references only, but for the keys that are settings.
    assert creds["additionalProperties"]["pattern"].startswith("^\\$\\{secret:")
    assert "token_url" in creds["properties"] and "api_key" not in creds["properties"]
    # A model's app_id names its connection: no longer marked as unused.
    app_id = schema["$defs"]["ModelSpecFile"]["properties"]["app_id"]
    assert "deprecated" not in app_id and "connection_id" in app_id["description"]

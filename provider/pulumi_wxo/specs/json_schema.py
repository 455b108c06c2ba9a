"""The JSON Schema (2020-12) of a spec document, for editors and CI (``pulumi-wxo schema``).

Built from the schema's pydantic models, so it cannot drift from the rules ``validate``
applies; secret fields, and a connection file's credentials, accept only ``${secret:NAME}``.
"""

from __future__ import annotations

from typing import Any

from pulumi_wxo.schema import SECRET_FIELDS, ModelSpec, PolicySpec
from pulumi_wxo.schema.connection import ENVIRONMENTS, ConnectionSpec, EnvironmentConfig
from pulumi_wxo.specs.connection import PLAIN_CREDENTIAL_KEYS
from pulumi_wxo.specs.syntax import AUDIENCE_KEY, AUDIENCE_PULUMI, CONNECTION_KIND, POLICY_BODY, SPEC_VERSION

_SECRET_PATTERN = r"^\$\{secret:([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+\}$"


def _meta_properties() -> dict[str, Any]:
    return {
        "spec_version": {"const": SPEC_VERSION, "description": "Spec format version (the ADK's v1)."},
        "kind": {
            "enum": ["model", "policy", "model_policy"],
            "description": "`model` (the ADK writes it for policies too), `policy` or `model_policy`.",
        },
        "app_id": {
            "type": "string",
            "minLength": 1,
            "description": "The connection (by its app_id) whose values the model uses, as "
            "`orchestrate models import --app-id` binds it: a connection file declared with it, "
            "resolved to its connection_id. Not together with connection_id.",
        },
    }


def _secret_fields_in_schema(pc_schema: dict[str, Any]) -> None:
    """Secret fields accept only ``${secret:NAME}`` (an editor then flags a pasted key)."""
    for name, prop in pc_schema.get("properties", {}).items():
        if prop.get("secret") or name in SECRET_FIELDS:
            pc_schema["properties"][name] = {
                "type": "string",
                "pattern": _SECRET_PATTERN,
                "secret": True,
                "description": (prop.get("description", "") + " " if prop.get("description") else "")
                + "Secret: write ${secret:NAME} and set NAME with `pulumi config set --secret`.",
                "markdownDescription": "**Secret.** Write `${secret:NAME}`; set it with "
                "`pulumi config set --secret NAME <value>`.",
            }


def _strategy_shorthand(schema: dict[str, Any]) -> None:
    for node in ("PolicySpec", "PolicyNode"):
        target = schema if node == "PolicySpec" else schema["$defs"].get(node)
        if target and "strategy" in target.get("properties", {}):
            target["properties"]["strategy"] = {
                "anyOf": [
                    {"$ref": "#/$defs/PolicyStrategy"},
                    {"enum": ["loadbalance", "fallback", "single"], "description": "Just the mode."},
                ]
            }


def _connection_file(defs: dict[str, Any]) -> dict[str, Any]:
    """A ``kind: connection`` document: the ADK's connection file, and ``credentials`` in each
    environment block (references only, but for the keys that are settings)."""
    env = EnvironmentConfig.model_json_schema(by_alias=False)
    defs.update(env.pop("$defs", {}))
    props = env["properties"]
    props["credentials"] = {
        "type": "object",
        "secret": True,
        "description": "pulumi-wxo's, ignored by the ADK (which sets credentials with `orchestrate "
        "connections set-credentials`): each value a ${secret:NAME} reference, read from the "
        "stack's config as a secret; the keys that are settings (token_url, scope, ...) as they are.",
        "properties": {key: {} for key in sorted(PLAIN_CREDENTIAL_KEYS)},
        "additionalProperties": {"type": "string", "pattern": _SECRET_PATTERN, "secret": True},
    }
    props["custom_runtime_creds"] = {
        **props["custom_config_entries"],
        "description": "custom_config_entries, as an ADK export writes it.",
    }
    defs["ConnectionEnvironmentFile"] = {**env, "title": "Connection environment"}
    block = {"$ref": "#/$defs/ConnectionEnvironmentFile"}
    return {
        "type": "object",
        "title": "Connection spec",
        "description": "A connection in the ADK's format (`orchestrate connections import -f`).",
        "additionalProperties": False,
        "properties": {
            "spec_version": _meta_properties()["spec_version"],
            "kind": {"const": CONNECTION_KIND},
            "app_id": ConnectionSpec.model_json_schema(by_alias=False)["properties"]["app_id"],
            "environments": {
                "type": "object",
                "description": "The environments to configure: draft, live or both.",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": {env_name: block for env_name in ENVIRONMENTS},
            },
            "resource": {"type": "object", "description": "The ADK's; not managed by pulumi-wxo."},
            "catalog": {"type": "object", "description": "The ADK's; not managed by pulumi-wxo."},
        },
        "required": ["spec_version", "kind", "app_id", "environments"],
    }


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a spec document: a model, a policy in the ADK's form
    (``policy: {strategy, targets, ...}``) or flat, or a connection (``kind: connection``).
    Built from the pydantic models, with ``secret: true`` marks; secret fields only accept
    ``${secret:NAME}``."""
    model = ModelSpec.model_json_schema(by_alias=False)
    policy = PolicySpec.model_json_schema(by_alias=False)
    defs: dict[str, Any] = {**model.pop("$defs", {}), **policy.pop("$defs", {})}
    _secret_fields_in_schema(defs["ProviderConfig"])
    defs["ProviderConfig"]["properties"][AUDIENCE_KEY] = {
        "const": AUDIENCE_PULUMI,
        "description": "Marks a file whose secrets are ${secret:NAME} references: pulumi-wxo drops "
        "it, the ADK refuses it (docs/guide/specs.md).",
    }
    policy_flat = dict(policy)
    policy_flat_defs = {"$defs": defs}
    _strategy_shorthand({**policy_flat, **policy_flat_defs})
    meta = _meta_properties()
    required_meta = ["spec_version"]

    model_file = {
        **model,
        "title": "Model spec",
        "properties": {**meta, **model["properties"]},
        "required": required_meta + model.get("required", []),
    }
    body_props = {k: policy_flat["properties"][k] for k in POLICY_BODY if k in policy_flat["properties"]}
    head_props = {k: v for k, v in policy_flat["properties"].items() if k not in POLICY_BODY}
    policy_body = {
        "type": "object",
        "additionalProperties": False,
        "description": "The routing rule (the API's `policy` object).",
        "properties": body_props,
        "required": ["strategy", "targets"],
    }
    policy_file = {
        "type": "object",
        "title": "Model policy spec",
        "description": policy_flat.get("description", ""),
        "additionalProperties": False,
        "properties": {**meta, **head_props, "policy": policy_body, **body_props},
        "required": [*required_meta, "name"],
        "oneOf": [{"required": ["policy"]}, {"required": ["strategy", "targets"]}],
    }
    defs["ModelSpecFile"] = model_file
    defs["PolicySpecFile"] = policy_file
    defs["ConnectionSpecFile"] = _connection_file(defs)
    is_policy = {
        "anyOf": [
            {"required": ["policy"]},
            {"required": ["strategy"]},
            {"required": ["kind"], "properties": {"kind": {"enum": ["policy", "model_policy"]}}},
            {"required": ["name"], "properties": {"name": {"pattern": "^virtual-policy/"}}},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/pulumi-wxo/pulumi-wxo/spec.schema.json",
        "title": "pulumi-wxo spec (watsonx Orchestrate model, model policy or connection, spec_version v1)",
        "description": "One document per model, policy or connection; several documents per YAML "
        "file. See docs/guide/specs.md.",
        "type": "object",
        "if": {"required": ["kind"], "properties": {"kind": {"const": CONNECTION_KIND}}},
        "then": {"$ref": "#/$defs/ConnectionSpecFile"},
        "else": {
            "if": is_policy,
            "then": {"$ref": "#/$defs/PolicySpecFile"},
            "else": {"$ref": "#/$defs/ModelSpecFile"},
        },
        "$defs": defs,
    }

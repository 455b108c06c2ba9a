"""The plugin's Pulumi package schema, generated from the one schema: ``python -m pulumi_wxo.native.schema``.

Nothing here is written by hand that the pydantic models in :mod:`pulumi_wxo.schema` or the
connection settings in :mod:`pulumi_wxo.api.settings` already say: every field, its type, its
description, whether it is secret (``json_schema_extra={"secret": True}``) and whether a change
replaces (``{"replace": True}``) is read from them. What only the lifecycle knows (its control
inputs such as ``adopt`` and its computed outputs such as ``model_id``) is described once below,
keyed by the lifecycle's own constants, so a new one fails the unit test until it is described.

Property names are the ADK's snake_case (``display_name``, ``watsonx_space_id``), as in spec
files and the Python resources, so a stack's state has the same keys under both hosts
(docs/guide/hosts.md says why). The engine hands the plugin the same names; nothing is translated.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pulumi_wxo.lifecycle.model import MODEL_COMPUTED_OUTPUTS, MODEL_CONTROL_INPUTS
from pulumi_wxo.lifecycle.policy import POLICY_COMPUTED_OUTPUTS, POLICY_CONTROL_INPUTS
from pulumi_wxo.lifecycle.runtime import config_name, settings
from pulumi_wxo.schema import (
    MODEL_DIFF_FIELDS,
    POLICY_DIFF_FIELDS,
    ModelConfig,
    ModelSpec,
    PolicyNode,
    PolicyRetry,
    PolicySpec,
    PolicyStrategy,
    PolicyTarget,
    ProviderConfig,
)

PACKAGE = "wxo"
MODEL_TOKEN = "wxo:index:Model"
POLICY_TOKEN = "wxo:index:ModelPolicy"
ANY = {"$ref": "pulumi.json#/Any"}

#: Object types: token -> the pydantic models whose fields it has. A policy target is a model
#: (``PolicyTarget``) or a nested rule (``PolicyNode``); the wire has one shape for both.
TYPES: dict[str, tuple[type[BaseModel], ...]] = {
    "wxo:index:ProviderConfig": (ProviderConfig,),
    "wxo:index:ModelConfig": (ModelConfig,),
    "wxo:index:PolicyStrategy": (PolicyStrategy,),
    "wxo:index:PolicyRetry": (PolicyRetry,),
    "wxo:index:PolicyTarget": (PolicyTarget, PolicyNode),
}
_TYPE_OF: dict[type[BaseModel], str] = {m: tok for tok, models in TYPES.items() for m in models}
_TYPE_DOCS = {
    "wxo:index:PolicyTarget": "A routing target: a model (`model_name`, `weight`) or a nested rule "
    "(`strategy`, `targets`, `retry`, `cache`).",
}

INSTANCE_TYPE = "wxo:index:Instance"
_INSTANCE = {
    "type": "object",
    "description": "The instance that holds an object.",
    "properties": {
        "url": {"type": "string", "description": "The normalised base URL."},
        "tenant": {"type": "string", "description": "The tenant id from /instances/<id>, if any."},
    },
    "required": ["url"],
}

#: The inputs and outputs only the lifecycle knows, keyed as in its constants.
LIFECYCLE_PROPERTIES: dict[str, dict[str, Any]] = {
    "adopt": {
        "type": "boolean",
        "default": False,
        "description": "Take over an existing object of the same name instead of refusing.",
    },
    "model_adopt": {
        "oneOf": [{"type": "boolean"}, {"type": "string"}],
        "default": False,
        "description": "True manages an existing model of the same name that no other stack owns "
        'instead of refusing; "takeover" takes one over from another stack too (the preview names '
        "that stack).",
    },
    "force_delete": {
        "type": "boolean",
        "default": False,
        "description": "Delete the model even when a policy on the server still targets it.",
    },
    "owner": {
        "type": "string",
        "description": "Which resource of which stack this is, computed from the resource's URN (by "
        "the SDK, else by the plugin); the provider's evidence of ownership on the server. Leave "
        "unset: any other value is refused.",
    },
    "owner_stack": {
        "type": "string",
        "description": "The stack this resource belongs to (`<project>/<stack>`), computed from the "
        "resource's URN; written on the model so that another stack's refusal can name it. Leave unset.",
    },
    "program_models": {
        "type": "array",
        "items": {"$ref": "pulumi.json#/Any"},
        "description": "The other models of the program (name, owner, adopt), set by the Python SDK "
        "so that a preview reports every taken name at once. Never stored. Leave unset.",
    },
    "secret_name": {
        "type": "boolean",
        "description": 'True when `name` was given as a secret: messages then say "a secret name" '
        "instead of quoting it. Set by the SDK or the plugin.",
    },
    "declared_models": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Names of models declared in this program that the targets route to (they "
        "need not exist on the server at preview). Set by the SDK.",
    },
    "model_id": {"type": "string", "description": "The model's id on the server (also the resource id)."},
    "policy_id": {"type": "string", "description": "The policy's id on the server (also the resource id)."},
    "provider": {"type": "string", "description": "The upstream provider, derived from the name."},
    "instance": {
        "$ref": f"#/types/{INSTANCE_TYPE}",
        "description": "The instance that holds the object: its base URL and tenant id.",
    },
    "provider_version": {
        "type": "string",
        "description": "The pulumi-wxo version that last created or updated the object.",
    },
    "owner_tag": {
        "type": "string",
        "description": "The tag the provider keeps on the model as evidence of ownership "
        "(`pulumi-wxo-owner:...`, never part of `tags`).",
    },
}


def _config_properties() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, env, typ, secret, text in settings():
        prop: dict[str, Any] = {
            "type": typ,
            "description": f"{text} Stack config `{key}`; environment fallback `{env}`.",
            "defaultInfo": {"environment": [env]},
        }
        if secret:
            prop["secret"] = True
        out[config_name(key)] = prop
    return out


def type_spec(annotation: Any) -> dict[str, Any]:
    """The Pulumi schema type of a pydantic annotation (``None`` dropped; mixed unions are Any)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = args[0]
        parts = typing.get_args(inner)
        # A policy target: the union of a target and a nested rule, one object type.
        if parts and all(typing.get_args(p) and typing.get_args(p)[0] in _TYPE_OF for p in parts):
            return {"$ref": f"#/types/{_TYPE_OF[typing.get_args(parts[0])[0]]}"}
        return type_spec(inner)
    if origin in (Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return type_spec(kept[0]) if len(kept) == 1 else dict(ANY)
    if origin is Literal:
        return {"type": _scalar(type(args[0]))}
    if origin is list:
        return {"type": "array", "items": type_spec(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": type_spec(args[1])}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"$ref": f"#/types/{_TYPE_OF[annotation]}"}
    if annotation is Any:
        return dict(ANY)
    return {"type": _scalar(annotation)}


def _scalar(kind: Any) -> str:
    names = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if kind not in names:
        raise TypeError(f"no Pulumi schema type for {kind!r}")
    return names[kind]


def _ref_description(spec: Mapping[str, Any]) -> str | None:
    """A field without its own description says what its object type is."""
    token = str(spec.get("$ref", "")).removeprefix("#/types/")
    models = TYPES.get(token)
    return _TYPE_DOCS.get(token) or (_first_paragraph(models[0].__doc__) if models else None)


def is_secret(field: FieldInfo) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, dict) and extra.get("secret") is True


def replaces(field: FieldInfo) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, dict) and extra.get("replace") is True


def property_spec(field: FieldInfo) -> dict[str, Any]:
    spec = type_spec(field.annotation)
    text = field.description or _ref_description(spec)
    if text:
        spec["description"] = text
    if is_secret(field):
        spec["secret"] = True
    if not field.is_required() and isinstance(field.default, str | bool | int | float):
        spec["default"] = field.default
    return spec


def _object_type(token: str, models: tuple[type[BaseModel], ...]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for model in models:
        for name, field in model.model_fields.items():
            props.setdefault(name, property_spec(field))
    out: dict[str, Any] = {
        "type": "object",
        "description": _TYPE_DOCS.get(token) or _first_paragraph(models[0].__doc__),
        "properties": props,
    }
    if len(models) == 1:
        required = [n for n, f in models[0].model_fields.items() if f.is_required()]
        if required:
            out["required"] = required
    return out


def _resource(
    spec: type[BaseModel],
    *,
    fields: tuple[str, ...],
    control: frozenset[str],
    computed: tuple[str, ...],
    always: tuple[str, ...],
    description: str,
) -> dict[str, Any]:
    inputs = {n: property_spec(spec.model_fields[n]) for n in fields}
    inputs.update({n: dict(LIFECYCLE_PROPERTIES[n]) for n in sorted(control)})
    if spec is ModelSpec:  # a model's adopt also takes "takeover" (lifecycle/claims.py)
        inputs["adopt"] = dict(LIFECYCLE_PROPERTIES["model_adopt"])
    outputs = {n: v for n, v in inputs.items() if n not in ("owner", "owner_stack", "program_models")}
    outputs.update({n: dict(LIFECYCLE_PROPERTIES[n]) for n in computed})
    for prop in outputs.values():
        prop.pop("default", None)  # a default is an input's
    return {
        "description": description,
        "inputProperties": inputs,
        "requiredInputs": [n for n in fields if spec.model_fields[n].is_required()],
        "properties": outputs,
        "required": [n for n in outputs if n in always],
        "replaceOnChanges": [n for n in fields if replaces(spec.model_fields[n])],
    }


# Outputs every create, read and update returns (required in the schema: never null).
MODEL_ALWAYS = (
    "name",
    "display_name",
    "description",
    "tags",
    "model_type",
    "provider_config",
    "config",
    "adopt",
    "force_delete",
    "model_id",
    "provider",
    "instance",
)
POLICY_ALWAYS = (
    "name",
    "display_name",
    "description",
    "strategy",
    "targets",
    "adopt",
    "declared_models",
    "policy_id",
    "instance",
)


_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}


def semver(version: str) -> str:
    """A PEP 440 version as the SemVer the engine asks of this package's plugin.

    The Python language host derives the plugin version of an installed ``pulumi-*`` package
    from its PEP 440 version (``a``/``b``/``rc`` -> ``-alpha.N``/``-beta.N``/``-rc.N``,
    ``.postN`` -> ``+postN``, ``.devN`` -> ``+devN``), and ``pulumi import`` asks for exactly
    that version: the plugin and the SDK use the same rule, so every path names one plugin
    (``0.2.0.dev0`` -> ``0.2.0+dev0``; docs/guide/hosts.md). A version the rule cannot read (an
    epoch, a local part) becomes ``0.0.0+unknown``.
    """
    match = re.fullmatch(
        r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?", version
    )
    if match is None:
        return "0.0.0+unknown"
    major, minor, patch, pre, pre_n, post, dev = match.groups()
    out = f"{major}.{minor or 0}.{patch or 0}"
    if pre:
        out += f"-{_PRE[pre]}.{pre_n}"
    if post is not None:
        out += f"+post{post}"
    if dev is not None:
        out += ("" if post is not None else "+") + f"dev{dev}"
    return out


def package_version() -> str:
    from pulumi_wxo.version import __version__

    return semver(__version__)


def schema() -> dict[str, Any]:
    """The package schema the plugin serves from ``get_schema``."""
    config = _config_properties()
    return {
        "name": PACKAGE,
        "displayName": "watsonx Orchestrate",
        "version": package_version(),
        "description": "IBM watsonx Orchestrate AI-gateway models and routing policies.",
        "keywords": ["pulumi", "watsonx", "orchestrate", "ibm", "ai-gateway", "category/cloud"],
        "homepage": "https://github.com/pulumi-wxo/pulumi-wxo",
        "repository": "https://github.com/pulumi-wxo/pulumi-wxo",
        "license": "Apache-2.0",
        "publisher": "pulumi-wxo",
        "config": {"variables": config},
        "provider": {
            "description": "A watsonx Orchestrate instance: where it is and how to authenticate. "
            "Unset inputs fall back to the `WXO_*` environment variables.",
            "inputProperties": config,
        },
        "types": {
            **{tok: _object_type(tok, models) for tok, models in TYPES.items()},
            INSTANCE_TYPE: _INSTANCE,
        },
        "resources": {
            MODEL_TOKEN: _resource(
                ModelSpec,
                fields=MODEL_DIFF_FIELDS,
                control=MODEL_CONTROL_INPUTS,
                computed=MODEL_COMPUTED_OUTPUTS,
                always=MODEL_ALWAYS,
                description=_first_paragraph(ModelSpec.__doc__)
                + " Changing `name` replaces the model; every other field updates in place.",
            ),
            POLICY_TOKEN: _resource(
                PolicySpec,
                fields=POLICY_DIFF_FIELDS,
                control=POLICY_CONTROL_INPUTS,
                computed=POLICY_COMPUTED_OUTPUTS,
                always=POLICY_ALWAYS,
                description=_first_paragraph(PolicySpec.__doc__) + " Changing `name` replaces the policy.",
            ),
        },
        "language": {
            "go": {
                "importBasePath": "github.com/pulumi-wxo/pulumi-wxo/sdk/go/wxo",
                "generateResourceContainerTypes": True,
                "respectSchemaVersion": True,
            },
            "nodejs": {
                "packageName": "@pulumi-wxo/wxo",
                "packageDescription": "IBM watsonx Orchestrate AI-gateway models and routing policies.",
                "respectSchemaVersion": True,
                # The generator's default devDependency, typescript ^4.7.0, cannot parse the current
                # @types/node; the SDK is compiled with TypeScript 5 (docs/dev/sdks.md).
                "typescriptVersion": "^5.9.3",
            },
        },
    }


def _first_paragraph(doc: str | None) -> str:
    """A docstring's first paragraph on one line, its reST ````code```` as Markdown."""
    return " ".join((doc or "").strip().split("\n\n")[0].split()).replace("``", "`")


def schema_json(value: Mapping[str, Any] | None = None) -> str:
    return json.dumps(schema() if value is None else value, indent=2, sort_keys=False)


def main() -> int:
    print(schema_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

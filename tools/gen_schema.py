"""The plugin's Pulumi package schema, from the declarations and the connection settings.

Written to ``provider/pulumi_wxo/native/schema.json`` without its ``version`` (the plugin adds
the installed package's, :func:`pulumi_wxo.native.schema.package_version`), as pulumi-random
commits its schema. Every property of a resource is its declaration's: the API fields through
the one type walker (:mod:`pulumi_wxo.resources.types`), the control inputs and computed outputs
as declared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pulumi_wxo.lifecycle.runtime import config_name, settings
from pulumi_wxo.resources import Resource
from pulumi_wxo.resources.types import describe, is_secret, schema_type
from tools.gen_python import first_paragraph

PACKAGE = "wxo"
DESCRIPTION = "IBM watsonx Orchestrate AI-gateway models and routing policies."


def _md(text: str | None) -> str:
    """A docstring's first paragraph, its reST ````code```` as Markdown."""
    return first_paragraph(text).replace("``", "`")


def config_properties() -> dict[str, dict[str, Any]]:
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


class _Types:
    """The object types of every declaration: token -> models, and each model's token."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.models: dict[str, tuple[type[BaseModel], ...]] = {}
        self.docs: dict[str, str] = {}
        for res in resources:
            self.models.update(res.types)
            self.docs.update(res.type_docs)
        self.token_of = {m: tok for tok, models in self.models.items() for m in models}

    def description(self, token: str) -> str:
        return self.docs.get(token) or _md(self.models[token][0].__doc__)

    def property(self, info: FieldInfo) -> dict[str, Any]:
        spec = schema_type(describe(info.annotation), self.token_of)
        ref = str(spec.get("$ref", "")).removeprefix("#/types/")
        text = info.description or (self.description(ref) if ref in self.models else None)
        if text:
            spec["description"] = text
        if is_secret(info):
            spec["secret"] = True
        return spec

    def object_type(self, token: str) -> dict[str, Any]:
        models = self.models[token]
        props: dict[str, Any] = {}
        for model in models:
            for name, info in model.model_fields.items():
                props.setdefault(name, self.property(info))
        out: dict[str, Any] = {"type": "object", "description": self.description(token), "properties": props}
        if len(models) == 1:
            required = [n for n, f in models[0].model_fields.items() if f.is_required()]
            if required:
                out["required"] = required
        return out


def resource_spec(res: Resource, types: _Types) -> dict[str, Any]:
    inputs = {n: types.property(res.field(n)) for n in res.api_fields}
    for c in sorted(res.controls, key=lambda c: c.name):
        inputs[c.name] = {**_without_default(c.schema), "description": c.description}
    outputs = {n: dict(v) for n, v in inputs.items() if n in res.api_fields or res.control(n).output}
    for k in res.computed:
        outputs[k.name] = {**k.schema, "description": k.description}
    return {
        "description": res.description,
        "inputProperties": inputs,
        "requiredInputs": list(res.required_fields),
        "properties": outputs,
        "required": [n for n in outputs if n in res.always_outputs],
        "replaceOnChanges": [n for n in res.api_fields if n in res.replace_fields],
    }


def _without_default(spec: dict[str, Any]) -> dict[str, Any]:
    """No defaults in the schema: the lifecycle's check applies them, so the generated SDKs send
    only what a program sets and a stack's stored inputs stay what they have always been."""
    return {k: v for k, v in spec.items() if k != "default"}


def computed_types(resources: Sequence[Resource]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for res in resources:
        for k in res.computed:
            if k.object_type is not None:
                out[str(k.schema["$ref"]).removeprefix("#/types/")] = k.object_type
    return out


def package_schema(resources: Sequence[Resource]) -> dict[str, Any]:
    """The package schema, without ``version``."""
    config = config_properties()
    types = _Types(resources)
    return {
        "name": PACKAGE,
        "displayName": "watsonx Orchestrate",
        "description": DESCRIPTION,
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
            **{tok: types.object_type(tok) for tok in types.models},
            **computed_types(resources),
        },
        "resources": {res.native_token: resource_spec(res, types) for res in resources},
        "language": {
            "go": {
                "importBasePath": "github.com/pulumi-wxo/pulumi-wxo/sdk/go/wxo",
                "generateResourceContainerTypes": True,
                "respectSchemaVersion": True,
            },
            "nodejs": {
                "packageName": "@pulumi-wxo/wxo",
                "packageDescription": DESCRIPTION,
                "respectSchemaVersion": True,
                # The generator's default devDependency, typescript ^4.7.0, cannot parse the current
                # @types/node; the SDK is compiled with TypeScript 5 (docs/dev/sdks.md).
                "typescriptVersion": "^5.9.3",
            },
        },
    }


def render_schema(resources: Sequence[Resource]) -> str:
    return json.dumps(package_schema(resources), indent=2) + "\n"

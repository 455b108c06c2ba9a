"""The Terraform schema of the provider and of each resource, derived from the declarations.

Nothing here lists a field by hand: a resource's attributes are its declaration's API fields
(:mod:`pulumi_wxo.resources`, each type read through the one walker of
:mod:`pulumi_wxo.resources.types`), the controls a user sets, and its computed outputs; the
provider's attributes are the rows of :mod:`pulumi_wxo.api.setting_table`. What each becomes:

* an object field (``provider_config``, ``config``, ``strategy``) is a *nested block* with one
  typed attribute per field of its pydantic model, so that a misspelt key fails at
  ``tofu validate`` naming it, and numbers stay numbers; a map of objects is a block with
  ``map`` nesting (``environments "draft" { ... }``). Not a nested attribute: OpenTofu 1.6
  converts an object literal to the attribute's object type and drops unknown keys unseen;
* a union of unlike types, ``Any`` and a union of objects (a policy target: a model or a nested
  rule, recursively) are ``dynamic``: HCL's own value, checked by the schema's validation;
* a field marked ``secret`` (and every credential of a nested model) is ``sensitive``;
* a field the server defaults (``display_name``), one always present (``tags``), every user
  control and every computed output is *computed*, so a plan may fill it in; the resource's
  key (``name``, a connection's ``app_id``) is required and replaces the object when changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pulumi_wxo.api.setting_table import SETTINGS
from pulumi_wxo.resources import RESOURCES, Resource
from pulumi_wxo.resources.base import field_mark
from pulumi_wxo.resources.types import TypeRef, describe, is_secret
from pulumi_wxo.terraform.cty import DYNAMIC, Type, object_type

#: The provider's source address, as a configuration's ``required_providers`` names it.
SOURCE = "pulumi-wxo/wxo"
#: The type-name prefix of every resource (``wxo_model``).
PREFIX = "wxo"
#: The resources' schema version: a state written with an older one is upgraded
#: (``UpgradeResourceState``: attributes no longer declared are dropped, new ones are null).
SCHEMA_VERSION = 1
#: The provider attribute that names who owns the objects this configuration creates.
OWNER_ATTRIBUTE = "owner"

Nesting = Literal["single", "list", "map"]
_SCALARS: dict[Any, Type] = {str: "string", bool: "bool", int: "number", float: "number"}
_PULUMI: dict[str, Type] = {"string": "string", "boolean": "bool", "number": "number", "integer": "number"}


@dataclass(frozen=True)
class Attr:
    """One attribute: its cty type, or the attributes of its nested object."""

    name: str
    type: Type
    description: str = ""
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    #: A nested block: the nested object's attributes and how it nests.
    nested: tuple[Attr, ...] | None = None
    nesting: Nesting = "single"

    @property
    def block(self) -> bool:
        return self.nested is not None

    def absent(self) -> Any:
        """The value of a block the configuration leaves out: null for one object, else empty."""
        return {"single": None, "map": {}, "list": []}[self.nesting] if self.block else None


def type_name(resource: Resource) -> str:
    """``wxo_model``, ``wxo_model_policy``, ``wxo_connection``: the class name in snake_case."""
    words = "".join(f"_{c.lower()}" if c.isupper() else c for c in resource.name).lstrip("_")
    return f"{PREFIX}_{words}"


def cty_type(ref: TypeRef) -> Type:
    """The cty type of a described annotation; ``dynamic`` where HCL cannot state it."""
    if ref.kind == "scalar":
        return _SCALARS[ref.scalar]
    if ref.kind == "literal":
        return _SCALARS[type(ref.values[0])]
    if ref.kind == "object":
        if len(ref.models) != 1:
            return DYNAMIC
        return object_type({a.name: a.type for a in model_attrs(ref.models[0])})
    if ref.kind in ("list", "map"):
        inner = cty_type(ref.parts[-1])
        # A collection's elements share one type: of ``dynamic`` ones, the value is its own.
        return DYNAMIC if inner == DYNAMIC else [ref.kind, inner]
    return DYNAMIC


def _attr(name: str, info: FieldInfo, *, required: bool, computed: bool, secret: bool) -> Attr:
    ref = describe(info.annotation)
    ty = cty_type(ref)
    sensitive = secret or is_secret(info)
    description = info.description or ""
    base = Attr(
        name,
        ty,
        description,
        required=required,
        optional=not required,
        computed=computed and not required,
        sensitive=sensitive,
    )
    single = ref.kind == "object" and ty != DYNAMIC
    blocks = ref.parts[-1] if ref.kind in ("list", "map") and ref.parts else None
    # A block is never computed: the configuration alone says what it holds.
    if single:
        return replace(base, nested=model_attrs(ref.models[0]), computed=False)
    if blocks is not None and blocks.kind == "object" and ty != DYNAMIC:
        nesting: Nesting = "list" if ref.kind == "list" else "map"
        return replace(base, nested=model_attrs(blocks.models[0]), nesting=nesting, computed=False)
    return base


@cache
def model_attrs(model: type[BaseModel]) -> tuple[Attr, ...]:
    """A nested object's attributes: one per field of ``model``, optional unless required."""
    return tuple(
        _attr(n, f, required=f.is_required(), computed=False, secret=False)
        for n, f in model.model_fields.items()
    )


def pulumi_type(spec: dict[str, Any], object_spec: dict[str, Any] | None = None) -> Type:
    """The cty type of a control's or a computed output's package-schema type."""
    if "$ref" in spec:
        props = (object_spec or {}).get("properties", {})
        return object_type({k: pulumi_type(v) for k, v in props.items()}) if props else DYNAMIC
    kind = spec.get("type")
    if kind == "array":
        return ["list", pulumi_type(spec.get("items", {}))]
    return _PULUMI.get(str(kind), DYNAMIC)


def resource_attrs(resource: Resource) -> tuple[Attr, ...]:
    """A resource's attributes: ``id``, the API fields, the user's controls, the computed outputs."""
    return _resource_attrs(resource.name)


@cache
def _resource_attrs(class_name: str) -> tuple[Attr, ...]:
    resource = next(r for r in RESOURCES if r.name == class_name)
    out = [Attr("id", "string", f"The {resource.kind}'s id on the server.", computed=True)]
    for name in resource.api_fields:
        info = resource.field(name)
        required = info.is_required()
        computed = name in resource.always_fields or field_mark(info, "defaults_to_name")
        out.append(_attr(name, info, required=required, computed=computed, secret=False))
    for control in resource.user_controls:
        ty = pulumi_type(control.schema)
        out.append(Attr(control.name, ty, control.description, optional=True, computed=True))
    for output in resource.computed:
        ty = pulumi_type(output.schema, output.object_type)
        out.append(Attr(output.name, ty, output.description, computed=True))
    return tuple(out)


def state_type(resource: Resource) -> Type:
    """The object type of a resource's state (and config, and plan)."""
    return object_type({a.name: a.type for a in resource_attrs(resource)})


@cache
def provider_attrs() -> tuple[Attr, ...]:
    """Every connection setting (same names, same ``WXO_*`` fallbacks), and ``owner``."""
    out = [
        Attr(
            s.attr,
            _PULUMI[s.schema_type],
            f"{s.description} Else {s.env}.",
            optional=True,
            sensitive=s.secret,
        )
        for s in SETTINGS
    ]
    out.append(
        Attr(
            OWNER_ATTRIBUTE,
            "string",
            "Who owns the objects this configuration creates, written into each object's owner tag "
            "with the workspace (TF_WORKSPACE, else `default`); default `terraform`. Two "
            "configurations that manage the same instance need different owners.",
            optional=True,
        )
    )
    return tuple(out)


def provider_type() -> Type:
    return object_type({a.name: a.type for a in provider_attrs()})


#: Every resource type the provider serves, by its Terraform type name.
BY_TYPE: dict[str, Resource] = {type_name(r): r for r in RESOURCES}


# ---------------------------------------------------------------------------- protobuf


def to_proto(attrs: tuple[Attr, ...], pb: Any, *, version: int = 0, description: str = "") -> Any:
    """A ``tfplugin6.Schema`` holding ``attrs`` (``pb`` is the generated module)."""
    return pb.Schema(version=version, block=_block(attrs, pb, version=version, description=description))


def _block(attrs: tuple[Attr, ...], pb: Any, *, version: int = 0, description: str = "") -> Any:
    return pb.Schema.Block(
        version=version,
        attributes=[_attribute(a, pb) for a in attrs if not a.block],
        block_types=[_nested_block(a, pb) for a in attrs if a.block],
        description=description,
    )


def _attribute(a: Attr, pb: Any) -> Any:
    return pb.Schema.Attribute(
        name=a.name,
        type=json.dumps(a.type).encode(),
        description=a.description,
        required=a.required,
        optional=a.optional,
        computed=a.computed,
        sensitive=a.sensitive,
    )


def _nested_block(a: Attr, pb: Any) -> Any:
    assert a.nested is not None
    nesting = {
        "single": pb.Schema.NestedBlock.SINGLE,
        "list": pb.Schema.NestedBlock.LIST,
        "map": pb.Schema.NestedBlock.MAP,
    }[a.nesting]
    one = 1 if a.required and a.nesting == "single" else 0
    return pb.Schema.NestedBlock(
        type_name=a.name, block=_block(a.nested, pb), nesting=nesting, min_items=one, max_items=one
    )

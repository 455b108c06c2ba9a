"""The shape of a resource declaration, and the field sets every layer derives from it.

A declaration names no API field by hand: the API fields are the pydantic spec's, in its
order, and a field's facts are marks on the field itself (``json_schema_extra``):

* ``"replace": True``           a change replaces the object (``name``);
* ``"defaults_to_name": True``  the server's value is the name when none is given;
* ``"always": True``            always present in the outputs, even when not declared
                                (a list or mapping the server answers empty);
* ``"secret": True``            a credential (nested fields; :func:`pulumi_wxo.schema.is_secret_key`
                                recognises their keys anywhere).

What only the lifecycle knows is declared beside them: the control inputs (:class:`Control`)
and the computed outputs (:class:`Computed`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

#: How check stores a control input: as given, under ``__<name>`` (computed by the SDK or the
#: plugin, hidden from diffs), or not at all (it serves check alone).
Stored = Literal["plain", "internal", "transient"]


@dataclass(frozen=True)
class Control:
    """An input the lifecycle reads that is not part of the API body."""

    name: str
    #: The Pulumi package-schema type of the property (``{"type": "boolean"}``, ...).
    schema: dict[str, Any]
    description: str
    #: The annotation of the typed ``*Args`` field; ``""`` when users never set it (the SDK does).
    python: str = ""
    #: The ``*Args`` default (the Python source of it).
    default: str = "None"
    #: Values check does not store, so a diff shows only what the user declared.
    unstored: tuple[Any, ...] = ()
    stored: Stored = "plain"
    #: Kept among the outputs.
    output: bool = True
    #: Always present among the outputs (never null).
    always: bool = False
    #: Must be true or false when given.
    boolean: bool = False


@dataclass(frozen=True)
class Computed:
    """An output the provider computes (never an input)."""

    name: str
    schema: dict[str, Any]
    description: str
    #: The annotation of the output (``pulumi.Output[<this>]``).
    python: str = "str"
    #: Always present among the outputs (never null).
    always: bool = True
    #: A write never changes it: at preview it is the old value (else unknown until the write).
    kept: bool = False
    #: Seeded with None among the registered properties, so it exists before the engine answers.
    seeded: bool = True
    #: The package-schema object type that ``schema`` names with ``$ref`` (its token's body).
    object_type: dict[str, Any] | None = None


@dataclass(frozen=True)
class Link:
    """A Python keyword that takes another resource and gives one of its outputs to a field
    (``connection=conn`` gives ``conn.connection_id`` to ``connection_id``). The output carries
    the dependency, so the engine creates the other resource first and deletes it last."""

    keyword: str
    #: The field the output is given to.
    field: str
    #: The class name of the resource it takes (``Connection``).
    target: str
    #: The output of that resource.
    output: str
    description: str


@dataclass(frozen=True)
class Resource:
    """Everything a resource is, stated once."""

    #: The class name in every SDK (``Model``).
    name: str
    #: The word in messages (``model``).
    kind: str
    #: The API collection (``models``): the client's collection and the run's snapshot.
    collection: str
    spec: type[BaseModel]
    #: What the resource is, for the reference docs and the package schema.
    description: str
    controls: tuple[Control, ...] = ()
    computed: tuple[Computed, ...] = ()
    #: The API fields ``pulumi-wxo list`` shows after the name.
    listed: tuple[str, ...] = ()
    #: Object types of the package schema: token -> the pydantic models whose fields it has.
    types: dict[str, tuple[type[BaseModel], ...]] = field(default_factory=dict)
    #: The typed ``*Args`` annotation of an API field whose input takes more than its schema type
    #: says (a strategy given as its mode, targets given as Model resources), by field name.
    annotations: dict[str, str] = field(default_factory=dict)
    #: Computed outputs a lookup (``get_model``) returns beside the id and the API fields.
    looked_up: tuple[str, ...] = ()
    #: Markdown the reference page shows after the outputs (rules, secrets, caveats).
    reference: str = ""
    #: The API field that names the object (``name``; a connection's ``app_id``): the lifecycle
    #: looks objects up by it, claims it at preview and quotes it in messages. The collection
    #: answers it as each object's ``name``.
    key: str = "name"
    #: The description of an object type of ``types`` whose models' docstrings do not say it.
    type_docs: dict[str, str] = field(default_factory=dict)
    #: Python keywords that take another resource in place of a field (``connection=``).
    links: tuple[Link, ...] = ()

    # ------------------------------------------------------------------ names

    @property
    def id_output(self) -> str:
        """The output that holds the server's id (also the resource id): ``model_id``."""
        return f"{self.kind}_id"

    @property
    def dynamic_token(self) -> str:
        """The type token stored in every dynamic-host stack (``pulumi-python:dynamic/wxo:Model``;
        tests/unit/test_compat.py pins both resources')."""
        return f"pulumi-python:dynamic/wxo:{self.name}"

    @property
    def native_token(self) -> str:
        """The plugin's type token (``wxo:index:Model``)."""
        return f"wxo:index:{self.name}"

    # ------------------------------------------------------------------ API fields

    @cached_property
    def api_fields(self) -> tuple[str, ...]:
        """The fields of the API body, in the spec's order (what the lifecycle diffs)."""
        return tuple(self.spec.model_fields)

    def field(self, name: str) -> FieldInfo:
        return self.spec.model_fields[name]

    def _marked(self, mark: str) -> tuple[str, ...]:
        return tuple(n for n in self.api_fields if field_mark(self.field(n), mark))

    @cached_property
    def replace_fields(self) -> frozenset[str]:
        return frozenset(self._marked("replace"))

    @cached_property
    def defaults_to_name(self) -> tuple[str, ...]:
        return self._marked("defaults_to_name")

    @cached_property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(n for n in self.api_fields if self.field(n).is_required())

    @cached_property
    def always_fields(self) -> tuple[str, ...]:
        """API fields never null among the outputs: required, defaulted, or marked."""
        return tuple(
            n
            for n in self.api_fields
            if self.field(n).is_required()
            or self.field(n).default is not None
            or field_mark(self.field(n), "always")
            or field_mark(self.field(n), "defaults_to_name")
        )

    # ------------------------------------------------------------------ controls and outputs

    @cached_property
    def control_inputs(self) -> frozenset[str]:
        return frozenset(c.name for c in self.controls)

    @cached_property
    def control_defaults(self) -> dict[str, tuple[Any, ...]]:
        """Control inputs at these values are not stored (lifecycle/claims.py)."""
        return {c.name: c.unstored for c in self.controls if c.unstored}

    @cached_property
    def boolean_controls(self) -> frozenset[str]:
        return frozenset(c.name for c in self.controls if c.boolean)

    @cached_property
    def internal_inputs(self) -> frozenset[str]:
        """Control inputs check stores under ``__<name>`` (lifecycle/claims.py)."""
        return frozenset(c.name for c in self.controls if c.stored == "internal")

    @cached_property
    def transient_inputs(self) -> frozenset[str]:
        """Control inputs that serve check alone and are never stored."""
        return frozenset(c.name for c in self.controls if c.stored == "transient")

    @cached_property
    def user_controls(self) -> tuple[Control, ...]:
        """Control inputs a user sets (the typed ``*Args`` carry them)."""
        return tuple(c for c in self.controls if c.python)

    @cached_property
    def computed_outputs(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.computed)

    @cached_property
    def kept_outputs(self) -> tuple[str, ...]:
        """Computed outputs a write never changes (the old value stands at preview)."""
        return tuple(c.name for c in self.computed if c.kept)

    @cached_property
    def outputs(self) -> tuple[str, ...]:
        """Every output: the API fields, the control inputs kept, the computed outputs."""
        controls = tuple(c.name for c in self.controls if c.output)
        return (*self.api_fields, *controls, *self.computed_outputs)

    @cached_property
    def seeded_outputs(self) -> tuple[str, ...]:
        """Outputs registered as None by the resource classes, so each exists as an attribute."""
        return tuple(c.name for c in self.computed if c.seeded)

    @cached_property
    def always_outputs(self) -> tuple[str, ...]:
        controls = tuple(c.name for c in self.controls if c.output and c.always)
        computed = tuple(c.name for c in self.computed if c.always)
        return (*self.always_fields, *controls, *computed)

    @cached_property
    def args(self) -> tuple[str, ...]:
        """The typed ``*Args`` fields and keyword arguments: the API fields, then user controls."""
        return (*self.api_fields, *(c.name for c in self.user_controls))

    @cached_property
    def arg_defaults(self) -> dict[str, Any]:
        """Inputs with a default other than None (applied when the user gives none)."""
        out = {n: self.field(n).default for n in self.api_fields if not self.field(n).is_required()}
        out.update({c.name: ast.literal_eval(c.default) for c in self.user_controls})
        return {n: v for n, v in out.items() if v is not None}

    @cached_property
    def stored_outputs(self) -> tuple[str, ...]:
        """Outputs a resource class declares up front (``get`` registers them as None): every
        output but the computed ones not seeded."""
        unseeded = {c.name for c in self.computed if not c.seeded}
        return tuple(n for n in self.outputs if n not in unseeded)

    def control(self, name: str) -> Control:
        return next(c for c in self.controls if c.name == name)

    def computed_output(self, name: str) -> Computed:
        return next(c for c in self.computed if c.name == name)


def flag(name: str, description: str) -> Control:
    """A control a user sets to true or false, false unless given (and then not stored)."""
    return Control(
        name,
        {"type": "boolean", "default": False},
        description,
        python="pulumi.Input[bool]",
        default="False",
        unstored=(False,),
        always=True,
        boolean=True,
    )


def field_mark(info: FieldInfo, mark: str) -> bool:
    """Whether a pydantic field carries ``json_schema_extra={mark: True}``."""
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get(mark) is True

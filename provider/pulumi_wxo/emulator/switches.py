"""The variant switches, declared once: :class:`Switches` is the table.

Where the contract leaves behaviour open, the emulator has a switch per plausible variant
(api-contract §11). Each switch is one field of :class:`Switches` below: its name, its type (a
``Literal`` of the choices, default first, or a bounded ``int``), its default and its help text.
Everything else is derived from that table:

===========================  ==================================================================
``Switches``                 the values in force (``runtime.switches``); ``EmulatorSettings``
                             holds the start-up values as one ``Switches``
``SwitchesPatch``            body of ``PUT /_emulator/settings`` and ``POST /_emulator/reset``:
                             the same fields, each optional (:func:`parse_patch`)
``add_switch_arguments``     the command-line flags ``--duplicates`` ... ``--token-ttl``
                             (:func:`switches_from_args` reads them back)
``SwitchArgs``               keyword arguments of ``EmulatorControl.reset``/``settings``: a static
                             ``TypedDict`` because mypy needs one for ``Unpack``;
                             tests/unit/test_emulator_switch_table.py checks it equals the table
===========================  ==================================================================

Adding a switch: a field here, its line in :class:`SwitchArgs` (the test names what is
missing), the behaviour where it applies, and a row in docs/guide/emulator.md (checked too;
see docs/dev/emulator.md).
"""

from __future__ import annotations

import argparse
from typing import Any, Literal, TypedDict, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

__all__ = [
    "ConnectionCredentials",
    "ConnectionInUse",
    "CreateResponse",
    "Duplicates",
    "EmptyList",
    "OnOff",
    "Secrets",
    "SwitchArgs",
    "Switches",
    "SwitchesPatch",
    "add_switch_arguments",
    "parse_patch",
    "switch_choices",
    "switches_from_args",
]

Duplicates = Literal["accept", "reject"]
CreateResponse = Literal["object", "empty", "id"]
Secrets = Literal["omit", "mask", "echo"]
EmptyList = Literal["array", "404"]
OnOff = Literal["on", "off"]
ConnectionCredentials = Literal["flag", "mask"]
ConnectionInUse = Literal["allow", "refuse"]

MAX_TOKEN_TTL = 10 * 365 * 24 * 3600


class Switches(BaseModel):
    """THE switch table; the values in force. Defaults follow the contract's most likely reading."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # api-contract §8: the server may accept duplicate names [INF]
    duplicates: Duplicates = Field(
        "accept",
        description="accept: a second model or policy with the same name is created; "
        "reject: 409 on POST, and on a PUT that renames onto another object's name",
    )
    # api-contract §11: create body unknown
    create_response: CreateResponse = Field(
        "object",
        description="POST/PUT answer: object = 201 (PUT 200) with the object as GET shows it; "
        "empty = 200 with an empty body; id = 201 (PUT 200) with the id as a JSON string",
    )
    # api-contract §2.1/§11: secrets on GET unknown
    secrets: Secrets = Field(
        "omit",
        description="secret provider_config keys on every read: omit = absent; "
        "mask = '********'; echo = as stored",
    )
    # api-contract §8: some deployments answer 404 instead of [] [INF]
    empty_list: EmptyList = Field(
        "array",
        description="an empty GET /models or /model_policy: array = [], 404 = 404 'No models found'",
    )
    # api-contract §7.1: clients try MCSP v1, then fall back to v2
    mcsp_v1: OnOff = Field(
        "on", description="off: the MCSP v1 token endpoint answers 404, to test a client's v2 fallback"
    )
    # api-contract §7.2: typically 3600 s
    token_ttl: int = Field(
        3600,
        ge=0,
        le=MAX_TOKEN_TTL,
        description="lifetime in seconds of tokens minted from now on; 0 mints tokens already expired",
    )
    # api-contract §13.4: what a read of a connection's credentials holds is unknown [INF]
    connection_credentials: ConnectionCredentials = Field(
        "flag",
        description="a read of a connection's credentials: flag = only that they are set; "
        "mask = the keys sent, every value '********' (never a value in plaintext)",
    )
    # api-contract §13.3: whether a connection a model uses can be deleted is unknown [INF]
    connection_in_use: ConnectionInUse = Field(
        "allow",
        description="deleting a connection that a model of the tenant names: allow = deleted; "
        "refuse = 409 naming the models",
    )


class SwitchArgs(TypedDict, total=False):
    """The switches as keyword arguments of ``EmulatorControl.reset``/``settings`` (None: unchanged).

    Static because mypy needs a ``TypedDict`` for ``Unpack``: one line per field of
    :class:`Switches`, of that field's type ``| None`` (tests/unit/test_emulator_switch_table.py).
    """

    duplicates: Duplicates | None
    create_response: CreateResponse | None
    secrets: Secrets | None
    empty_list: EmptyList | None
    mcsp_v1: OnOff | None
    token_ttl: int | None
    connection_credentials: ConnectionCredentials | None
    connection_in_use: ConnectionInUse | None


def _optional(field: FieldInfo) -> Any:
    # The same type and constraints, made optional: None (or absent) leaves a switch unchanged.
    annotation: Any = field.annotation
    return (annotation | None, FieldInfo.merge_field_infos(field, default=None))


SwitchesPatch: type[BaseModel] = create_model(
    "SwitchesPatch",
    __config__=ConfigDict(extra="forbid"),
    __doc__="A partial update of Switches (body of PUT /_emulator/settings and POST reset).",
    **{name: _optional(field) for name, field in Switches.model_fields.items()},
)


def parse_patch(body: Any) -> dict[str, Any]:
    """The switches that a control-API JSON body sets; raises :class:`pydantic.ValidationError`.

    ``None`` (no body) sets none. ``from_attributes`` as FastAPI validates a body model, so that a
    body that is not an object gets the same error as when FastAPI checked it.
    """
    if body is None:
        return {}
    return SwitchesPatch.model_validate(body, from_attributes=True).model_dump(exclude_none=True)


# -- command line -------------------------------------------------------------------------------


def switch_choices(name: str) -> tuple[str, ...] | None:
    """The choices of a ``Literal`` switch (default first), or None for a number."""
    annotation = Switches.model_fields[name].annotation
    return None if annotation is int else cast(tuple[str, ...], get_args(annotation))


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_switch_arguments(parser: argparse.ArgumentParser, defaults: Switches) -> None:
    """One flag per switch (``--token-ttl`` for ``token_ttl``), defaulting to ``defaults``."""
    for name, field in Switches.model_fields.items():
        help_text = (field.description or "").replace("%", "%%") + " (default: %(default)s)"
        choices = switch_choices(name)
        if choices is None:
            parser.add_argument(
                _flag(name), type=int, metavar="N", default=getattr(defaults, name), help=help_text
            )
        else:
            parser.add_argument(
                _flag(name), choices=list(choices), default=getattr(defaults, name), help=help_text
            )


def switches_from_args(args: argparse.Namespace) -> Switches:
    """The switches given on the command line, validated by the table.

    Raises ``ValueError("--token-ttl must be >= 0")`` and the like, for ``parser.error``.
    """
    try:
        return Switches(**{name: getattr(args, name) for name in Switches.model_fields})
    except ValidationError as exc:
        error = exc.errors()[0]
        flag, ctx = _flag(str(error["loc"][0])), error.get("ctx", {})
        if "ge" in ctx:
            raise ValueError(f"{flag} must be >= {ctx['ge']}") from None
        if "le" in ctx:
            raise ValueError(f"{flag} must be <= {ctx['le']}") from None
        raise ValueError(f"{flag}: {error['msg']}") from None

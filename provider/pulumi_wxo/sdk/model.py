"""The Model's arguments and property builders, shared by both hosts' ``Model`` classes.

:class:`pulumi_wxo.Model` (the dynamic provider) and :class:`pulumi_wxo.native.Model` (the
plugin) both register what :func:`model_props` builds; this module imports neither host.
"""

from __future__ import annotations

import itertools
import json
import weakref
from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_wxo.inputs import ModelConfigInput, ProviderConfigInput, to_plain
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.resources import MODEL
from pulumi_wxo.schema import SECRET_FIELDS, normalize_model_name
from pulumi_wxo.sdk.common import Declared, DeclaredNames, merge_args
from pulumi_wxo.sdk.declared import ModelArgs

__all__ = [
    "MODEL_NAMES",
    "MODEL_SECRET_OUTPUTS",
    "PROGRAM_MODELS_MAX",
    "ModelArgs",
    "ModelConfigInput",
    "ProviderConfigInput",
    "model_props",
    "model_secret_opts",
    "program_models",
    "secret_provider_config",
]

# Outputs that could carry a credential under a key the engine cannot match to a secret
# input (its annotateSecrets only re-marks outputs under the same key as a secret input).
MODEL_SECRET_OUTPUTS: tuple[str, ...] = ()


MODEL_NAMES = DeclaredNames(MODEL.name, normalize_model_name)
# The most other models the program list carries (it holds this model too, hence one more);
# a failing preview names at most this many others.
PROGRAM_MODELS_MAX = 100
# What each Model of the program tells the others' check: its owner and adopt (lifecycle/claims.py).
_PROGRAM: weakref.WeakKeyDictionary[object, dict[str, Any]] = weakref.WeakKeyDictionary()


def program_models(resource: object, owner: str, adopt: Any, opts: pulumi.ResourceOptions | None) -> Any:
    """The program's Models on the same instance (name, owner, adopt), as one JSON text.

    The engine stops at the first check that fails, so that check reports every name of the
    program that is taken (lifecycle/claims.py). The list is resolved when the resource
    registers, which is after the program's body has declared all its models (a model declared
    inside an ``apply`` may come later and be missing). It is built once per instance and run
    and sent as one string: as a list it cost every registration hundreds of serialised values
    (bench/engine.py --large). It holds this model too (check skips its own name), and no name
    given as a secret.
    """
    scope = opts.provider if opts is not None else None
    _PROGRAM[resource] = {"owner": owner, "adopt": adopt if isinstance(adopt, bool | str) else None}
    return pulumi.Output.from_input(_shared_list(id(scope)))


async def _shared_list(scope: int) -> str:
    claims = [(name, who) for sid, name, who in MODEL_NAMES.claimed() if sid == scope and who in _PROGRAM]
    key = (scope, len(claims), claims[-1][0] if claims else "")
    if key not in _LISTS:
        entries = ({"name": name, **_PROGRAM[who]} for name, who in claims)
        _LISTS.clear()  # one run's lists at a time: a new count or a new run builds anew
        _LISTS[key] = json.dumps(list(itertools.islice(entries, PROGRAM_MODELS_MAX + 1)))
    return _LISTS[key]


# The last list built, per (scope, number of claims, last name): every Model of one run shares it.
_LISTS: dict[tuple[int, int, str], str] = {}


def secret_provider_config(value: Any) -> Any:
    """Mark every credential field of ``provider_config`` secret, even a plain string.

    A plain dict keeps its other keys visible in diffs and outputs; a value that is itself
    an Output cannot be inspected here, so all of it becomes secret.
    """
    if value is None:
        return None
    value = to_plain(value)
    if isinstance(value, Mapping):
        return {
            k: (pulumi.Output.secret(v) if k in SECRET_FIELDS and v is not None else v)
            for k, v in value.items()
        }
    return pulumi.Output.secret(value)


def model_props(resource: object, declared: Declared, *, type_token: str) -> dict[str, Any]:
    """A Model's properties as both hosts register them: defaults applied, the name claimed,
    credential fields secret, the owner computed, every output seeded with None."""
    resource_name, args, given, opts = declared.resource_name, declared.args, declared.given, declared.opts
    given = merge_args(
        args, given, kind=MODEL.name, resource_name=resource_name, required=MODEL.required_fields
    )
    owner = owner_id(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        type_token=type_token,
        resource_name=resource_name,
    )
    return {
        **given,
        **_secret_name_props(given),
        "name": MODEL_NAMES.input(given["name"], resource_name, resource, opts),
        **{key: given.get(key) or default for key, default in MODEL.arg_defaults.items()},
        "provider_config": secret_provider_config(given.get("provider_config")),
        "config": to_plain(given.get("config")),
        # Evidence of ownership on the server (lifecycle/ownership.py): which resource of
        # which stack this is, so that a killed run's leftover can be taken back.
        "owner": owner,
        # Which stack that is, in words, for another stack's refusal (lifecycle/claims.py).
        "owner_stack": f"{pulumi.get_project()}/{pulumi.get_stack()}",
        "program_models": program_models(resource, owner, given.get("adopt") or False, opts),
        # outputs, declared up front so they exist as attributes
        **dict.fromkeys(MODEL.seeded_outputs),
    }


def _default_from_secret_name(name: Any, secret: Any) -> Any:
    """The server's default for a field that defaults to the name (``MODEL.defaults_to_name``),
    as a secret Output when ``name`` is one, else None: the engine keeps an output secret only
    under the key of a secret input, so without it the state's copy of a secret name would be
    plaintext."""

    def pick(args: list[Any]) -> Any:
        if not args[1] or not isinstance(args[0], str):
            return None
        try:
            return normalize_model_name(args[0])
        except ValueError:
            return None  # check reports the name

    return pulumi.Output.all(name, secret).apply(pick)


def _secret_name_props(given: Mapping[str, Any]) -> dict[str, Any]:
    """``secret_name`` (lifecycle/model.py) and secret defaults for a name given as an Output."""
    name = given["name"]
    if not isinstance(name, pulumi.Output):
        return {}
    is_secret: Any = name.is_secret()  # a coroutine; the SDK types Inputs narrowly
    secret = pulumi.Output.from_input(is_secret)
    out: dict[str, Any] = {"secret_name": secret}
    for key in MODEL.defaults_to_name:
        if given.get(key) is None:
            out[key] = _default_from_secret_name(name, secret)
    return out


def model_secret_opts(opts: pulumi.ResourceOptions | None, **more: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(MODEL_SECRET_OUTPUTS), **more)
    )

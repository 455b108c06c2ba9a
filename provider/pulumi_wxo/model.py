"""The Model resource: typed arguments in, every output declared up front.

The type token is ``pulumi-python:dynamic/wxo:Model`` (``module``/``name`` class keywords;
setting ``_resource_type_name`` in the body does not work for dynamic resources). It is
stored in every user's state: changing it would replace every model. ``tests/unit/test_compat.py``
pins it.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pulumi.dynamic import Resource
from pulumi.runtime.settings import SETTINGS

from pulumi_wxo._provider import ModelProvider
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.inputs import (
    ModelConfigArgs,
    ModelConfigArgsDict,
    ProviderConfigArgs,
    ProviderConfigArgsDict,
    to_plain,
)
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.schema import SECRET_FIELDS, normalize_model_name

# Outputs that could carry a credential under a key the engine cannot match to a secret
# input (its annotateSecrets only re-marks outputs under the same key as a secret input).
MODEL_SECRET_OUTPUTS: tuple[str, ...] = ()

# What ``provider_config`` and ``config`` accept: the typed classes, or plain dicts.
ProviderConfigInput = ProviderConfigArgs | ProviderConfigArgsDict | Mapping[str, Any]
ModelConfigInput = ModelConfigArgs | ModelConfigArgsDict | Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ModelArgs:
    """Arguments of :class:`Model` (snake_case names as in the ADK's model spec)."""

    name: pulumi.Input[str]
    display_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    model_type: pulumi.Input[str] = "chat"
    connection_id: pulumi.Input[str] | None = None
    provider_config: pulumi.Input[ProviderConfigInput] | None = None
    config: pulumi.Input[ModelConfigInput] | None = None
    adopt: pulumi.Input[bool | str] = False
    """True adopts an existing model of the same name that no other stack owns; ``"takeover"``
    takes one over from another stack too (docs/dev/lifecycle.md, "Ownership between stacks")."""
    force_delete: pulumi.Input[bool] = False


def keyword_args(args_class: Any, scope: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's keyword arguments, taken from its ``__init__``'s ``locals()``: the names
    are the fields of its ``*Args`` dataclass, the one list of them for both hosts."""
    return {f.name: scope[f.name] for f in fields(args_class)}


def merge_args(
    args: Any, given: dict[str, Any], *, kind: str, resource_name: str, required: Sequence[str]
) -> dict[str, Any]:
    """Keyword arguments over an ``*Args`` object; refuse a missing required argument."""
    if args is not None:
        # Not dataclasses.asdict: it deep-copies, and an Output refuses to be copied.
        base = {f.name: getattr(args, f.name) for f in fields(args)}
        base.update({k: v for k, v in given.items() if v is not None})
        given = base
    for name in required:
        if given.get(name) is None:
            raise TypeError(f"{kind} '{resource_name}': missing required argument '{name}'")
    return given


class DuplicateNameError(WxoError, pulumi.RunError):
    """Two resources of one program declare the same model (or policy) name.

    A ``RunError``, so the engine shows the message alone (no traceback) at preview.
    """


@dataclass(frozen=True)
class _Claim:
    resource_name: str
    parent: object  # ``opts.parent``: with the name, what makes a resource's URN
    owner: object

    def label(self, kind: str) -> str:
        """``Model 'gpt'``, or ``Model 'gpt' (in team-a)`` for a resource inside a component."""
        parent = getattr(self.parent, "pulumi_resource_name", None)
        return f"{kind} '{self.resource_name}'" + (f" (in {parent})" if isinstance(parent, str) else "")


def _deployment() -> tuple[Any, Any]:
    """What identifies the running deployment: its RPC manager, and that manager's list of
    RPCs, which ``pulumi.runtime.test`` replaces for each program it runs under one
    ``set_mocks`` (a real deployment never does: it gets a new manager instead)."""
    manager = SETTINGS.rpc_manager
    return manager, getattr(manager, "rpcs", None)


class DeclaredNames:
    """The normalised names one kind of resource has claimed, per deployment.

    The dynamic provider's ``check`` sees one resource at a time and no URN, so two resources
    of one name (``openai/x`` and ``virtual-model/openai/x``) would create two objects; the
    program is the one place that sees them all. Claims are kept per deployment
    (:func:`_deployment`): the SDK makes a new RPC manager for each ``pulumi`` run, each
    Automation-API run (``reset_options``) and each ``set_mocks``, so programs run one after
    another in one process never see each other's names. Weak keys: a finished
    deployment's names go with it.

    The same resource declared again (same resource name and parent, so the same URN) takes
    the claim over instead of failing: in one program the engine refuses a duplicate URN
    itself, and a unit-test suite under one ``set_mocks`` declares its resources once per test.
    """

    def __init__(self, kind: str, normalize: Callable[[str], str]) -> None:
        self.kind = kind
        self._normalize = normalize
        self._lock = threading.Lock()
        self._runs: weakref.WeakKeyDictionary[Any, tuple[Any, dict[tuple[int, str], _Claim]]] = (
            weakref.WeakKeyDictionary()
        )

    def claim(
        self,
        name: Any,
        resource_name: str,
        owner: object,
        *,
        parent: object = None,
        secret: bool = False,
        scope: object = None,
    ) -> None:
        """Record ``owner``'s name; raise :class:`DuplicateNameError` when another has it.

        ``scope`` is the resource's explicit provider (``opts.provider``): one name on two
        instances is two objects, not a duplicate. A name that is not valid is left to check,
        which reports it with its field.
        """
        if not isinstance(name, str):
            return
        try:
            normalized = self._normalize(name)
        except ValueError:
            return
        key = (id(scope), normalized)
        manager, rpcs = _deployment()
        mine = _Claim(resource_name, parent, owner)
        with self._lock:
            scope = self._runs.get(manager)
            if scope is None or scope[0] is not rpcs:
                scope = (rpcs, {})
                self._runs[manager] = scope
            first = scope[1].setdefault(key, mine)
            if first.owner is not owner and (first.resource_name, first.parent) == (resource_name, parent):
                scope[1][key] = first = mine
        if first.owner is not owner:
            shown = "a secret name" if secret else f"'{normalized}'"
            raise DuplicateNameError(
                f"{mine.label(self.kind)}: {shown} is declared twice (also by {first.label(self.kind)}); "
                "keep one of them"
            )

    def claimed(self) -> list[tuple[int, str, object]]:
        """``(id of the scope, normalised name, owner)`` of every claim of the running deployment."""
        manager, rpcs = _deployment()
        with self._lock:
            scope = self._runs.get(manager)
            if scope is None or scope[0] is not rpcs:
                return []
            return [(key[0], key[1], claim.owner) for key, claim in scope[1].items()]

    def input(self, name: Any, resource_name: str, owner: object, opts: pulumi.ResourceOptions | None) -> Any:
        """``name`` as the resource's input: a plain string is claimed now, an Output when it
        resolves (the returned Output fails the resource's registration on a duplicate)."""
        parent = opts.parent if opts is not None else None
        scope = opts.provider if opts is not None else None
        if not isinstance(name, pulumi.Output):
            self.claim(name, resource_name, owner, parent=parent, scope=scope)
            return name
        secret: Any = name.is_secret()  # a coroutine; the SDK types Inputs narrowly
        known = pulumi.Output.all(name, pulumi.Output.from_input(secret))

        def claimed(args: list[Any]) -> Any:
            self.claim(args[0], resource_name, owner, parent=parent, secret=bool(args[1]), scope=scope)
            return args[0]

        return known.apply(claimed)


MODEL_NAMES = DeclaredNames("Model", normalize_model_name)
# The most other models one model carries: every model sends the list, so it costs the
# registration O(models x this) values; a failing preview names at most this many others.
PROGRAM_MODELS_MAX = 100
# What each Model of the program tells the others' check: its owner and adopt (lifecycle/claims.py).
_PROGRAM: weakref.WeakKeyDictionary[object, dict[str, Any]] = weakref.WeakKeyDictionary()


def program_models(resource: object, owner: str, adopt: Any, opts: pulumi.ResourceOptions | None) -> Any:
    """Every other Model of the program on the same instance: its name, owner and adopt.

    The engine stops at the first check that fails, so that check reports every name of the
    program that is taken (lifecycle/claims.py). The list is an Output resolved when the
    resource registers, which is after the program's body has declared all its models (a
    model declared inside an ``apply`` may come later and be missing).
    """
    scope = opts.provider if opts is not None else None
    _PROGRAM[resource] = {"owner": owner, "adopt": adopt if isinstance(adopt, bool | str) else None}

    async def every() -> list[dict[str, Any]]:
        others = (
            {"name": name, **_PROGRAM[who]}
            for sid, name, who in MODEL_NAMES.claimed()
            if sid == id(scope) and who is not resource and who in _PROGRAM
        )
        return list(itertools.islice(others, PROGRAM_MODELS_MAX))

    return pulumi.Output.from_input(every())


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


# Every output, seeded with None so each exists as an attribute before the engine answers.
MODEL_OUTPUTS: tuple[str, ...] = (
    "name",
    "display_name",
    "description",
    "tags",
    "model_type",
    "connection_id",
    "provider_config",
    "config",
    "adopt",
    "force_delete",
    "model_id",
    "provider",
    "instance",
    "provider_version",
    "secret_name",
)

# The type token stored in every stack (tests/unit/test_compat.py pins it).
MODEL_TYPE_TOKEN = "pulumi-python:dynamic/wxo:Model"


class ModelOutputs:
    """The outputs of a Model under either host (this module's and :mod:`pulumi_wxo.native`'s)."""

    model_id: pulumi.Output[str]
    name: pulumi.Output[str]
    provider: pulumi.Output[str]
    display_name: pulumi.Output[str]
    description: pulumi.Output[str]
    tags: pulumi.Output[list[str]]
    model_type: pulumi.Output[str]
    connection_id: pulumi.Output[str | None]
    provider_config: pulumi.Output[dict[str, Any]]
    config: pulumi.Output[dict[str, Any]]
    adopt: pulumi.Output[bool]
    force_delete: pulumi.Output[bool]
    instance: pulumi.Output[dict[str, Any]]
    """The instance that holds the model: ``{"url": <base URL>, "tenant": <id or None>}``."""
    provider_version: pulumi.Output[str]
    """The pulumi-wxo version that last created or updated the model."""
    secret_name: pulumi.Output[bool | None]
    """True when ``name`` was given as a secret (messages then say "a secret name")."""


def model_props(
    resource: object,
    resource_name: str,
    args: ModelArgs | None,
    given: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
    *,
    type_token: str,
) -> dict[str, Any]:
    """A Model's properties as both hosts register them: defaults applied, the name claimed,
    credential fields secret, the owner computed, every output seeded with None."""
    given = merge_args(args, given, kind="Model", resource_name=resource_name, required=("name",))
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
        "model_type": given.get("model_type") or "chat",
        "adopt": given.get("adopt") or False,
        "force_delete": given.get("force_delete") or False,
        "provider_config": secret_provider_config(given.get("provider_config")),
        "config": to_plain(given.get("config")),
        # Evidence of ownership on the server (lifecycle/ownership.py): which resource of
        # which stack this is, so that a killed run's leftover can be taken back.
        "owner": owner,
        # Which stack that is, in words, for another stack's refusal (lifecycle/claims.py).
        "owner_stack": f"{pulumi.get_project()}/{pulumi.get_stack()}",
        "program_models": program_models(resource, owner, given.get("adopt") or False, opts),
        # outputs, declared up front so they exist as attributes
        "model_id": None,
        "provider": None,
        "instance": None,
        "provider_version": None,
    }


def _default_from_secret_name(name: Any, secret: Any) -> Any:
    """The server's default for display_name/description (the name), as a secret Output when
    ``name`` is one, else None: the engine keeps an output secret only under the key of a
    secret input, so without it the state's copy of a secret name would be plaintext."""

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
    for key in ("display_name", "description"):
        if given.get(key) is None:
            out[key] = _default_from_secret_name(name, secret)
    return out


def model_secret_opts(opts: pulumi.ResourceOptions | None, **more: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(MODEL_SECRET_OUTPUTS), **more)
    )


class Model(ModelOutputs, Resource, module="wxo", name="Model"):
    """A virtual model on the watsonx Orchestrate AI gateway (``POST /models``).

    Changing ``name`` replaces the model (the new one is created before the old one is
    deleted); every other field updates in place. With ``adopt=True`` an existing model of
    the same name is taken over instead of refused. Deleting a model that a policy on the
    server still routes to is refused unless ``force_delete=True``.
    """

    def __init__(
        self,
        resource_name: str,
        args: ModelArgs | None = None,
        *,
        name: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        model_type: pulumi.Input[str] | None = None,
        connection_id: pulumi.Input[str] | None = None,
        provider_config: pulumi.Input[ProviderConfigInput] | None = None,
        config: pulumi.Input[ModelConfigInput] | None = None,
        adopt: pulumi.Input[bool | str] | None = None,
        force_delete: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = keyword_args(ModelArgs, locals())
        props = model_props(self, resource_name, args, given, opts, type_token=MODEL_TYPE_TOKEN)
        super().__init__(ModelProvider(), resource_name, props, model_secret_opts(opts))

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Model:
        """Read an existing model into the program by its id, without managing it.

        Every top-level field and every non-secret key of ``provider_config`` and ``config``
        is read from the server; nothing is ever changed or deleted.
        """
        model = Model.__new__(Model)
        props = dict.fromkeys(MODEL_OUTPUTS)
        Resource.__init__(model, ModelProvider(), resource_name, props, model_secret_opts(opts, id=id))
        return model

"""What both hosts' resource classes share: keyword arguments, ``*Args`` merging, name claims.

Used by :mod:`pulumi_wxo.sdk.model` and :mod:`pulumi_wxo.sdk.policy`; it imports no host.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Self

import pulumi
from pulumi.runtime.settings import SETTINGS

from pulumi_wxo.errors import WxoError


def keyword_args(args_class: Any, scope: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's keyword arguments, taken from its ``__init__``'s ``locals()``: the names
    are the fields of its ``*Args`` dataclass, the one list of them for both hosts."""
    return {f.name: scope[f.name] for f in fields(args_class)}


@dataclass(frozen=True)
class Declared:
    """One resource as a program declares it, handed to the host's ``_declare``: the keywords
    given (None where not given) over ``args``, or, for ``get``, the id of an existing object
    (``given`` then seeds every output with None)."""

    resource_name: str
    args: Any
    given: dict[str, Any]
    opts: pulumi.ResourceOptions | None
    id: pulumi.Input[str] | None = None

    def read_only(self) -> dict[str, Any]:
        """The resource option that makes a registration read an existing object (``get``)."""
        return {} if self.id is None else {"id": self.id}


def linked(resource_name: str, keyword: str, target: Any, output: str, given: Any) -> Any:
    """The output a link keyword gives its field (``connection=conn`` -> ``conn.connection_id``),
    or a TypeError naming the resource and both keywords."""
    if given is not None:
        raise TypeError(f"{resource_name}: give {keyword}= or {output}=, not both")
    value = getattr(target, output, None)
    if value is None or not isinstance(target, pulumi.Resource):
        raise TypeError(
            f"{resource_name}: {keyword}= takes a pulumi_wxo {keyword.title()} resource "
            f"(got {type(target).__name__}); pass its {output} as {output}= otherwise"
        )
    return value


class Registered:
    """What both hosts' resource classes have from their generated signature base: ``get``,
    and the ``_declare`` hook each host implements."""

    #: Every output, seeded with None when ``get`` reads an existing object.
    _seeds: tuple[str, ...] = ()

    def _declare(self, declared: Declared) -> None:
        """Register the resource with the host: the given keywords (None when not given), or,
        with ``declared.id``, an existing object to read."""
        raise NotImplementedError

    @classmethod
    def get(
        cls, resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Self:
        """Read an existing object into the program by its id, without managing it.

        Every output is read from the server (a credential never: the server does not return
        it); nothing is ever changed or deleted."""
        found = cls.__new__(cls)
        found._declare(Declared(resource_name, None, dict.fromkeys(cls._seeds), opts, id=id))
        return found


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
    secret: bool = False  # the name was given as a secret: never shown to another resource

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
        mine = _Claim(resource_name, parent, owner, secret)
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
        """``(id of the scope, normalised name, owner)`` of every claim of the running deployment
        whose name is not a secret."""
        manager, rpcs = _deployment()
        with self._lock:
            scope = self._runs.get(manager)
            if scope is None or scope[0] is not rpcs:
                return []
            return [(key[0], key[1], claim.owner) for key, claim in scope[1].items() if not claim.secret]

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

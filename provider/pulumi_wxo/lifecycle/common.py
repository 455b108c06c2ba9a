"""Small rules every resource shares: control inputs, a taken name, refreshed inputs, a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pulumi_wxo.api.errors import (
    ConfigError,
    InvalidInputError,
    NotFoundError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
)
from pulumi_wxo.api.redaction import logger
from pulumi_wxo.lifecycle.instance import Instance, InstanceMismatchError, same_instance
from pulumi_wxo.lifecycle.runtime import Runtime
from pulumi_wxo.lifecycle.snapshot import Snapshot
from pulumi_wxo.lifecycle.values import UNKNOWN, is_unknown
from pulumi_wxo.schema import Failure
from pulumi_wxo.schema.names import MODEL_PREFIX

T = TypeVar("T")


def declared_fields(props: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The resource fields of ``props`` with ``None`` left out."""
    return {k: props[k] for k in fields if props.get(k) is not None}


def validated_or_raise(
    props: Mapping[str, Any],
    *,
    fields: Sequence[str],
    validate: Callable[[Mapping[str, Any]], tuple[T | None, list[Failure]]],
    kind: str,
    verb: str,
    key: str = "name",
) -> T:
    """The validated spec of ``props``, or InvalidInputError listing every failure."""
    spec, fails = validate(declared_fields(props, fields))
    if spec is None:
        name = props.get(key)
        name = name if isinstance(name, str) and name else "?"  # anything else is in the failures
        raise InvalidInputError(action=f"{verb} {kind} '{name}'", failures=[str(f) for f in fails])
    return spec


def bool_failures(news: Mapping[str, Any], keys: Iterable[str]) -> list[Failure]:
    return [
        Failure(k, "must be true or false")
        for k in sorted(keys)
        if news.get(k) is not None and not is_unknown(news.get(k)) and not isinstance(news.get(k), bool)
    ]


def unknown_inputs(news: Mapping[str, Any], allowed: Iterable[str]) -> list[Failure]:
    known = set(allowed)
    return [Failure(k, "unknown input") for k in news if k not in known]


def name_taken(
    kind: str, name: str, find: Callable[[], list[dict[str, Any]]], *, field: str = "name"
) -> list[Failure]:
    """At preview of a new resource: refuse a name the server already has (unless adopting).

    Best effort: without connection settings, or when the server cannot be reached, the
    check is left to create, which refuses before POSTing.
    """
    try:
        found = find()
    except WxoError:
        return []
    if not found:
        return []
    ids = ", ".join(str(o.get("id")) for o in found)
    return [
        Failure(
            field,
            f"a {kind} named '{name}' already exists on the server (id {ids}); set adopt=True to manage "
            "it with Pulumi, or choose another name",
        )
    ]


def register_secrets(*props: Mapping[str, Any]) -> None:
    """Register every credential in ``props`` for redaction (api/redaction.py) before anything
    can fail: the old inputs and outputs a host hands over as well as the new ones, so that a
    server refusal echoing the *previous* key during a rotation is masked too. A name the
    program gave as a secret (``secret_name``, set by the SDK or the plugin) is registered as
    well, so that every message calls it "a secret name"."""
    from pulumi_wxo.api.client import register_body_secrets
    from pulumi_wxo.api.redaction import register_secret_name
    from pulumi_wxo.schema.bounds import within_bounds

    names = [bag.get("name") for bag in props if bag.get("secret_name") is True]
    for name in names:  # a name given as a secret (Output.secret): "a secret name" in messages
        if isinstance(name, str):
            register_secret_name(name)
            if not name.startswith(MODEL_PREFIX):
                register_secret_name(MODEL_PREFIX + name)  # as the server and the state spell it
    for bag in props:
        # Only fields a recursive walk can take (schema/bounds.py); check refuses the rest.
        register_body_secrets({k: v for k, v in bag.items() if within_bounds(v)})


def read_inputs(
    outs: Mapping[str, Any], *, defaults_to_name: Iterable[str], computed: Iterable[str]
) -> dict[str, Any]:
    """The refreshed state as inputs, so the next preview *shows* drift field by field.

    The engine displays an update as old inputs against new inputs (a dynamic provider sends
    no detailed diff). Without this, a model edited outside Pulumi would preview as an update
    with no field marked. Server defaults are left out (a text field equal to the name, an
    empty list or mapping), as a user who never set them would not see them as removed.
    Secret values keep their secretness: the engine re-marks inputs after Read by key.
    """
    skip = set(computed)
    out: dict[str, Any] = {}
    for key, value in outs.items():
        if key in skip or value is None or value in ({}, []):
            continue
        if key in defaults_to_name and value == outs.get("name"):
            continue
        out[key] = value
    return out


def gone(err: NotFoundError, *, kind: str, name: str, id_: str) -> NotFoundError:
    """A 404 on update: the object was deleted outside Pulumi; say how to recover."""
    return NotFoundError(
        status=404,
        method=err.method,
        path=err.path,
        detail=err.detail,
        action=f"update {kind} '{name}'",
        hint=f"the {kind} (id {id_}) was deleted outside Pulumi; run `pulumi refresh` "
        "to drop it from state, then `pulumi up` to create it again",
    )


def placement(runtime: Runtime, olds: Mapping[str, Any], *, action: str) -> str:
    """Where ``olds`` (outputs) say the object lives, against the configured instance.

    ``"here"``: the same instance, or nothing recorded (objects written before 0.2), or no
    settings to tell (the first API call will say what is missing). ``"move"``: another
    instance, and the user opted in to moving (``wxo:moveInstance``). Any other case raises
    :class:`InstanceMismatchError`, naming both instances and the ways on.
    """
    recorded = Instance.from_output(olds.get("instance"))
    if recorded is None:
        return "here"
    try:
        current = runtime.instance()
    except ConfigError:
        return "here"
    if same_instance(recorded, current, runtime.placement):
        return "here"
    if runtime.placement.move:
        return "move"
    raise InstanceMismatchError(action=action, recorded=recorded, current=current)


def stamp(runtime: Runtime) -> dict[str, Any]:
    """The outputs that record where an object was written, and by which provider version."""
    from pulumi_wxo.version import __version__

    return {"instance": runtime.instance().as_output(), "provider_version": __version__}


def previewed(
    desired: Mapping[str, Any], olds: Mapping[str, Any], *, kept: Iterable[str], computed: Iterable[str]
) -> dict[str, Any]:
    """What a create (``olds`` empty) or an update would return, as far as it is known at preview.

    ``desired`` holds the inputs with the server's defaults applied; of the ``computed`` outputs,
    those a write never changes (``kept``: the id, the instance, the owner tag) come from
    ``olds``, the rest are :data:`UNKNOWN`; ``provider_version`` is this version's, as
    :func:`stamp` writes it. Nothing is asked of the server.
    """
    from pulumi_wxo.version import __version__

    keep = set(kept)
    out = dict(desired)
    for key in computed:
        out[key] = olds[key] if key in keep and key in olds else UNKNOWN
    out["provider_version"] = __version__
    return out


def kept_stamp(olds: Mapping[str, Any]) -> dict[str, Any]:
    """A read writes nothing: it keeps what the last write recorded (and adds nothing)."""
    return {k: olds[k] for k in ("instance", "provider_version") if k in olds}


def left_behind(kind: str, name: Any, olds: Mapping[str, Any]) -> None:
    logger.warning(
        "%s '%s' moved: the old one is left on %s; delete it there when you no longer need it",
        kind,
        name,
        Instance.from_output(olds.get("instance")),
    )


def from_snapshot(runtime: Runtime, kind: str, ask: Callable[[Snapshot], T], fallback: Callable[[], T]) -> T:
    """``ask`` the snapshot of ``kind``; when its list request fails, ask the server directly.

    A tenant too large for one answer (wxo:maxResponseBytes) or a list that times out then
    costs a request per object, with errors that name the object, instead of failing the run.
    An answer the server did give (a 403, a 500 after the retries) is the server's word: it
    propagates, as do missing settings.
    """
    try:
        return ask(runtime.snapshot(kind))
    except (TransportError, RetriesExhaustedError):
        return fallback()

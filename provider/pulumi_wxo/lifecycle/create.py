"""The transactional create every resource shares: never a second object of the same name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pulumi_wxo.api.errors import (
    ApiError,
    ModelExistsError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
)
from pulumi_wxo.api.retry import RetryPolicy, create_policy
from pulumi_wxo.lifecycle.ownership import OwnerTag, owner_of
from pulumi_wxo.lifecycle.runtime import Runtime

# The server may index a new object a moment after answering the POST (read-after-write lag):
# look it up by name four times, 0.25, 0.5, 1 s apart.
FIND_AFTER_CREATE = RetryPolicy(max_attempts=4, base_delay=0.25)


class ConcurrentCreateError(WxoError):
    """Another process created an object of the same name at the same time as this create."""


class Target(Protocol):
    """What the create needs of an API collection (:class:`pulumi_wxo.api.collections.Collection`)."""

    kind: str

    def create(self, body: dict[str, Any]) -> Any: ...

    def find(self, name: str) -> list[dict[str, Any]]: ...

    def delete(self, id_: str, *, name: str | None = None) -> bool: ...


def create_by_name(
    collection: Target,
    body: dict[str, Any],
    *,
    name: str,
    runtime: Runtime,
    tag: OwnerTag | None = None,
) -> tuple[str, dict[str, Any] | None]:
    """POST ``body`` to ``collection`` and return the new id (and the object, when an answer
    carried it).

    * A clean create is one POST: when the answer carries the id, nothing else is asked.
    * The client never retries a POST that may have reached the server (a retried POST can
      create a second object: the API does not enforce unique names, api-contract §8). After
      such a failure, or when the answer carries no id, the object is looked up by name.
    * ``tag`` (the owner tag in ``body``, lifecycle/ownership.py) tells the object this create
      made (its nonce is this POST's) from one another process made. When both exist (two
      processes raced for the name), ours is deleted and the create fails: no orphan is left
      behind, and the other process's object is not touched. Without a tag, a single object
      of the name is ours (the caller checked that none existed).
    """
    kind = collection.kind
    policy = create_policy(max_retries=runtime.max_retries())
    attempt = 0
    while True:
        attempt += 1
        try:
            response = collection.create(body)
            break
        except QuotaExceededError:
            raise
        except (TransportError, ApiError, RetriesExhaustedError) as err:
            delay = policy.next_delay(attempt)
            if not ambiguous(err, policy) or delay is None:
                raise
            found = collection.find(name)
            if found:
                return _resolve(collection, found, name=name, tag=tag)
            runtime.sleep(delay)
    hinted = id_from_response(response)
    if hinted:
        answered = dict(response) if isinstance(response, Mapping) and response.get("name") == name else None
        return hinted, answered
    for attempt in range(1, FIND_AFTER_CREATE.max_attempts + 1):
        found = collection.find(name)
        if found:
            return _resolve(collection, found, name=name, tag=tag)
        delay = FIND_AFTER_CREATE.next_delay(attempt)
        if delay is not None:
            runtime.sleep(delay)
    raise WxoError(
        f"create {kind} '{name}': the server accepted the request but the {kind} cannot be "
        "found by name; run `pulumi refresh` and check the instance before retrying"
    )


def _resolve(
    collection: Target, found: list[dict[str, Any]], *, name: str, tag: OwnerTag | None
) -> tuple[str, dict[str, Any]]:
    """Which of the objects named ``name`` after our POST is ours, and what to do with the rest."""
    kind = collection.kind
    ours = [o for o in found if tag is not None and owner_of(o) == tag]
    if tag is None or (not ours and not any(owner_of(o) is not None for o in found)):
        # No evidence either way (a server that keeps no tags): the caller checked that
        # none existed, so a single one is ours.
        if len(found) == 1:
            return str(found[0]["id"]), found[0]
        ids = [str(o.get("id")) for o in found]
        raise ModelExistsError(action=f"create {kind} '{name}'", ids=ids, duplicates=True, kind=kind)
    others = [o for o in found if o not in ours]
    if ours and not others:
        for extra in ours[1:]:  # our POST applied twice (a retry after a lost answer)
            _remove(collection, extra, name)
        return str(ours[0]["id"]), ours[0]
    for own in ours:
        _remove(collection, own, name)
    other_ids = ", ".join(str(o.get("id")) for o in others)
    deleted = "the copy this run made was deleted, so " if ours else ""
    raise ConcurrentCreateError(
        f"create {kind} '{name}': another process created a {kind} of the same name at the same time "
        f"(id {other_ids}); {deleted}nothing of this run is left on the server. Decide which stack "
        f"manages '{name}', then run `pulumi up` again (adopt=True takes the other one over)"
    )


def _remove(collection: Target, obj: dict[str, Any], name: str) -> None:
    if isinstance(obj.get("id"), str):
        collection.delete(obj["id"], name=name)


def ambiguous(err: WxoError, policy: RetryPolicy) -> bool:
    """After this failure the POST may or may not have been applied (gateway errors, rate limits)."""
    if isinstance(err, TransportError | RetriesExhaustedError):
        return True
    return isinstance(err, ApiError) and policy.retries_status(err.status)


def id_from_response(response: Any) -> str | None:
    """The id when the create response carries one (object or bare id; api-contract §11).

    The body is undocumented, so the hint is only taken when it could be an id at all (no ``.``
    or ``..``, no ``/``, no control characters, not over-long: ``id_problem``); otherwise the
    object is found by name, like after an empty answer.
    """
    from pulumi_wxo.schema.server_objects import id_problem

    hinted: str | None = None
    if isinstance(response, Mapping) and isinstance(response.get("id"), str):
        hinted = str(response["id"])
    elif isinstance(response, str) and response.strip():
        hinted = response.strip().strip('"')
    return hinted if hinted is not None and id_problem(hinted) is None else None

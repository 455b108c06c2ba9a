"""The transactional create shared by both resources: never a second object of the same name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_wxo.api.errors import (
    ApiError,
    ModelExistsError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
)
from pulumi_wxo.api.retry import RetryPolicy, create_policy
from pulumi_wxo.lifecycle.runtime import Runtime

# The server may index a new object a moment after answering the POST (read-after-write lag):
# look it up by name four times, 0.25, 0.5, 1 s apart.
FIND_AFTER_CREATE = RetryPolicy(max_attempts=4, base_delay=0.25)


class ConcurrentCreateError(WxoError):
    """Another process created an object of the same name at the same time as this create."""


def create_by_name(
    *,
    kind: str,
    name: str,
    post: Callable[[], Any],
    find: Callable[[], list[dict[str, Any]]],
    runtime: Runtime,
    mine: Callable[[dict[str, Any]], bool] | None = None,
    remove: Callable[[str], Any] | None = None,
) -> tuple[str, dict[str, Any] | None]:
    """POST an object and return its id (and the object, when an answer carried it).

    * A clean create is one POST: when the answer carries the id, nothing else is asked.
    * The client never retries a POST that may have reached the server (a retried POST can
      create a second object: the API does not enforce unique names, api-contract §8). After
      such a failure, or when the answer carries no id, the object is looked up by name.
    * ``mine`` tells the object this create made (its owner tag carries this POST's nonce,
      lifecycle/ownership.py) from one another process made. When both exist (two processes
      raced for the name), ours is deleted with ``remove`` and the create fails: no orphan is
      left behind, and the other process's object is not touched.
    """
    response: Any = None
    policy = create_policy(max_retries=runtime.max_retries())
    sleep = runtime.sleep
    attempt = 0
    while True:
        attempt += 1
        try:
            response = post()
            break
        except QuotaExceededError:
            raise
        except (TransportError, ApiError, RetriesExhaustedError) as err:
            delay = policy.next_delay(attempt)
            if not ambiguous(err, policy) or delay is None:
                raise
            found = find()
            if found:
                return _resolve(found, kind=kind, name=name, mine=mine, remove=remove)
            sleep(delay)
    hinted = id_from_response(response)
    if hinted:
        answered = dict(response) if isinstance(response, Mapping) and response.get("name") == name else None
        return hinted, answered
    for attempt in range(1, FIND_AFTER_CREATE.max_attempts + 1):
        found = find()
        if found:
            return _resolve(found, kind=kind, name=name, mine=mine, remove=remove)
        delay = FIND_AFTER_CREATE.next_delay(attempt)
        if delay is not None:
            sleep(delay)
    raise WxoError(
        f"create {kind} '{name}': the server accepted the request but the {kind} cannot be "
        "found by name; run `pulumi refresh` and check the instance before retrying"
    )


def _resolve(
    found: list[dict[str, Any]],
    *,
    kind: str,
    name: str,
    mine: Callable[[dict[str, Any]], bool] | None,
    remove: Callable[[str], Any] | None,
) -> tuple[str, dict[str, Any]]:
    """Which of the objects named ``name`` after our POST is ours, and what to do with the rest."""
    ours = [o for o in found if mine is not None and mine(o)]
    if mine is None or (not ours and not any(_tagged(o) for o in found)):
        # No evidence either way (a server that keeps no tags): the caller checked that
        # none existed, so a single one is ours.
        if len(found) == 1:
            return str(found[0]["id"]), found[0]
        ids = [str(o.get("id")) for o in found]
        raise ModelExistsError(action=f"create {kind} '{name}'", ids=ids, duplicates=True, kind=kind)
    others = [o for o in found if o not in ours]
    if ours and not others:
        for extra in ours[1:]:  # our POST applied twice (a retry after a lost answer)
            _remove(remove, extra)
        return str(ours[0]["id"]), ours[0]
    for own in ours:
        _remove(remove, own)
    other_ids = ", ".join(str(o.get("id")) for o in others)
    deleted = "the copy this run made was deleted, so " if ours else ""
    raise ConcurrentCreateError(
        f"create {kind} '{name}': another process created a {kind} of the same name at the same time "
        f"(id {other_ids}); {deleted}nothing of this run is left on the server. Decide which stack "
        f"manages '{name}', then run `pulumi up` again (adopt=True takes the other one over)"
    )


def _tagged(obj: dict[str, Any]) -> bool:
    from pulumi_wxo.lifecycle.ownership import owner_of

    return owner_of(obj) is not None


def _remove(remove: Callable[[str], Any] | None, obj: dict[str, Any]) -> None:
    if remove is not None and isinstance(obj.get("id"), str):
        remove(obj["id"])


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

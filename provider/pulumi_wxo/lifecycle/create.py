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


def create_by_name(
    *,
    kind: str,
    name: str,
    post: Callable[[], Any],
    find: Callable[[], list[dict[str, Any]]],
    runtime: Runtime,
) -> tuple[str, dict[str, Any] | None]:
    """POST an object and return its id (and the object as listed), never leaving a duplicate.

    The client never retries a POST that may have reached the server (a retried POST can
    create a second object: the API does not enforce unique names, api-contract §8). Here, after
    such a failure, the object is looked up by name: the caller checked none existed, so one
    found now is ours. Only when none is found is the POST sent again.
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
            if find():
                break
            sleep(delay)
    hinted = id_from_response(response)
    for attempt in range(1, FIND_AFTER_CREATE.max_attempts + 1):
        found = find()
        ids = [str(o.get("id")) for o in found]
        if hinted and hinted in ids:
            return hinted, found[ids.index(hinted)]
        if len(ids) == 1:
            return ids[0], found[0]
        if len(ids) > 1:
            raise ModelExistsError(action=f"create {kind} '{name}'", ids=ids, duplicates=True, kind=kind)
        delay = FIND_AFTER_CREATE.next_delay(attempt)
        if delay is not None:
            sleep(delay)
    if hinted:
        return hinted, None
    raise WxoError(
        f"create {kind} '{name}': the server accepted the request but the {kind} cannot be "
        "found by name; run `pulumi refresh` and check the instance before retrying"
    )


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

"""The transactional create shared by both resources: never a second object of the same name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_wxo._errors import (
    ApiError,
    ModelExistsError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
)
from pulumi_wxo.lifecycle.runtime import Runtime

# Statuses after which a POST may or may not have been applied (gateway errors, rate limits).
_AMBIGUOUS_STATUSES = frozenset({429, 500, 502, 503, 504})
CREATE_ATTEMPTS = 5
FIND_AFTER_CREATE_ATTEMPTS = 4


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
    create a second object: the API does not enforce unique names, contract §8). Here, after
    such a failure, the object is looked up by name: the caller checked none existed, so one
    found now is ours. Only when none is found is the POST sent again.
    """
    response: Any = None
    attempts = max(CREATE_ATTEMPTS, runtime.max_retries() + 1)
    sleep = runtime.sleep
    for attempt in range(1, attempts + 1):
        try:
            response = post()
            break
        except QuotaExceededError:
            raise
        except (TransportError, ApiError, RetriesExhaustedError) as err:
            if not ambiguous(err) or attempt == attempts:
                raise
            if find():
                break
            sleep(min(2.0 ** (attempt - 1), 8.0))
    hinted = id_from_response(response)
    for attempt in range(1, FIND_AFTER_CREATE_ATTEMPTS + 1):
        found = find()
        ids = [str(o.get("id")) for o in found]
        if hinted and hinted in ids:
            return hinted, found[ids.index(hinted)]
        if len(ids) == 1:
            return ids[0], found[0]
        if len(ids) > 1:
            raise ModelExistsError(action=f"create {kind} '{name}'", ids=ids, duplicates=True, kind=kind)
        if attempt < FIND_AFTER_CREATE_ATTEMPTS:
            sleep(0.25 * 2 ** (attempt - 1))  # read-after-write lag
    if hinted:
        return hinted, None
    raise WxoError(
        f"create {kind} '{name}': the server accepted the request but the {kind} cannot be "
        "found by name; run `pulumi refresh` and check the instance before retrying"
    )


def ambiguous(err: WxoError) -> bool:
    if isinstance(err, TransportError):
        return True
    if isinstance(err, RetriesExhaustedError):
        return True
    return isinstance(err, ApiError) and err.status in _AMBIGUOUS_STATUSES


def id_from_response(response: Any) -> str | None:
    """The id when the create response carries one (object or bare id; contract §11)."""
    if isinstance(response, Mapping) and isinstance(response.get("id"), str):
        return str(response["id"])
    if isinstance(response, str) and response.strip():
        return response.strip().strip('"')
    return None

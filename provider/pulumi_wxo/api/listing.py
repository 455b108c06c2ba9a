"""What a list answer holds: its objects, and when a 404 stands for "none" (api-contract §2, §8).

A list answer is a bare JSON array (§2); :func:`objects_of` keeps its objects.

The ADK reads a 404 from a list request (``GET /models``, ``GET /models?name=``, ``GET
/model_policy``) as an empty list, whatever its body. A gateway, a load balancer or a
maintenance page in front of the instance answers 404 too, to every request, and a client that
believed it would conclude that every object is gone: refresh would drop them from the state,
destroy would forget them while they stay on the server. So the provider believes a 404 only
when it looks like the API's own answer:

* a JSON array (the collection's shape), or the API's JSON error body (``{"detail": ...}``, §8);
  anything else (an HTML page, text, an empty body, other JSON) is a failure, never "empty";
* a conclusion that an object is gone (a read by id finding nothing after a 404, a DELETE
  answered 404) is checked against the base collection (``GET /models`` without a filter), which
  must answer 2xx: a 404 there cannot tell an empty tenant from a missing endpoint, so it is a
  failure too, and nothing is removed from the state.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx

from pulumi_wxo.api.errors import ApiError

__all__ = ["NOT_PROVEN_HINT", "base_collection_404", "check_404", "foreign_404", "objects_of", "still_listed"]

NOT_PROVEN_HINT: Final = (
    "nothing was changed in the state; check wxo:url and wxo:basePath, and whether a gateway or a "
    "maintenance page answers for the instance, then run the command again (docs/dev/lifecycle.md, "
    '"When the server says 404")'
)


def foreign_404(response: httpx.Response) -> str | None:
    """What makes a 404 answer not the API's (an HTML page, ...), or None when it is the API's.

    The API's answers are JSON (api-contract §2, §8): an array for a list, an object with
    ``detail`` for an error. ``response`` has been read (the client reads bodies bounded).
    """
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    text = response.text
    if content_type in ("text/html", "application/xhtml+xml") or text.lstrip()[:1] == "<":
        return "an HTML page"
    if not text.strip():
        return "an empty body"
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return "a body that is not JSON"
    if isinstance(body, list) or (isinstance(body, dict) and "detail" in body):
        return None
    return f"JSON {type(body).__name__} without 'detail'"


def check_404(response: httpx.Response, *, action: str) -> Any:
    """The JSON body of a 404 that is the API's answer; an :class:`ApiError` for any other."""
    problem = foreign_404(response)
    if problem is not None:
        raise _not_the_api(response, problem, action=action)
    return json.loads(response.text)


def _not_the_api(response: httpx.Response, problem: str, *, action: str) -> ApiError:
    return ApiError(
        status=404,
        method=response.request.method,
        path=response.request.url.path,
        detail=f"the answer is {problem}, not the API's (a JSON array, or a JSON error with 'detail'), "
        "so it does not show that anything is missing",
        action=action,
        hint=NOT_PROVEN_HINT,
    )


def base_collection_404(path: str, *, first: str, action: str) -> ApiError:
    """The failure when ``first`` answered 404 and the base collection ``path`` did as well."""
    return ApiError(
        status=404,
        method="GET",
        path=path,
        detail=f"{first} answered 404, and so did the whole collection (GET {path}): an empty "
        "collection and a missing endpoint look the same, so this does not show that the object "
        "is gone",
        action=action,
        hint=NOT_PROVEN_HINT + "; if the instance really holds none any more, remove the resource "
        "from the state with `pulumi state delete <urn>`",
    )


def still_listed(response: httpx.Response, *, action: str) -> ApiError:
    """The failure when a DELETE answered 404 while the collection still lists the object."""
    return ApiError(
        status=404,
        method=response.request.method,
        path=response.request.url.path,
        detail="the server answered 404, but still lists the object",
        action=action,
        hint=NOT_PROVEN_HINT,
    )


def objects_of(value: Any, response: httpx.Response, *, action: str) -> list[dict[str, Any]]:
    """The JSON objects of a list response (§2: a bare array, no envelope, no pagination)."""
    if not isinstance(value, list):
        raise ApiError(
            status=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
            detail=f"expected a JSON array, got {type(value).__name__}",
            action=action,
        )
    return [item for item in value if isinstance(item, dict)]

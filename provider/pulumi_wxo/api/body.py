"""One exchange without trusting the server: bounded in size and in time.

:func:`send_bounded` is how the API client and the token exchanges send a request: under its
deadline (:mod:`pulumi_wxo.api.deadline`), with the answer received as a stream and read by
:func:`read_body` (which the auth flow also uses for the body of a 401). An announced
``Content-Length`` above the cap is refused before a byte of the body is read, and the
decoded bytes are counted chunk by chunk, so an endless chunked body stops at
wxo:maxResponseBytes (plus one chunk) instead of growing until the process dies. After every
chunk the running exchange's deadline is checked on its clock, so a body dripped a byte at a
time ends at the deadline too.
"""

from __future__ import annotations

import httpx

from pulumi_wxo.api.deadline import Deadline, current_deadline, deadline_scope
from pulumi_wxo.api.errors import DeadlineExceededError, ResponseTooLargeError, TransportError
from pulumi_wxo.api.redaction import redact

__all__ = ["deadline_error", "read_body", "send_bounded"]

# Transport failures after which the request certainly never reached the server.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


#: After a socket timed out, a deadline this close counts as reached: the socket layer and the
#: clock may round differently.
_SLACK = 0.01


def deadline_error(
    request: httpx.Request, *, reached: bool = True, timed_out: bool = False
) -> DeadlineExceededError | None:
    """The error for ``request`` when the running exchange's deadline has passed, else None.

    ``timed_out``: a socket operation just timed out (the network layer shortens each one to the
    deadline), so a deadline within a few milliseconds counts as passed.
    """
    deadline = current_deadline()
    if deadline is None or deadline.remaining() > (_SLACK if timed_out else 0.0):
        return None
    setting, seconds = deadline.setting()
    return DeadlineExceededError(
        method=request.method,
        path=request.url.path,
        setting=setting,
        seconds=seconds,
        may_have_reached_server=reached,
    )


def read_body(response: httpx.Response, *, max_bytes: int) -> bytes:
    """Read the rest of a streamed ``response``, at most ``max_bytes`` decoded bytes.

    Afterwards the response behaves as one read whole (``.content``, ``.json()``, and httpx's
    own ``read()`` during an auth flow return these bytes). Raises
    :class:`~pulumi_wxo.api.errors.ResponseTooLargeError`,
    :class:`~pulumi_wxo.api.errors.DeadlineExceededError`, a ``TransportError`` for a body that
    cannot be decoded, or the httpx transport error of a broken connection.
    """
    request = response.request
    method, path = request.method, request.url.path
    announced = _content_length(response)
    if announced is not None and announced > max_bytes:
        raise ResponseTooLargeError(method=method, path=path, limit=max_bytes, announced=announced)
    received = bytearray()
    try:
        for chunk in response.iter_bytes():
            received += chunk
            if len(received) > max_bytes:
                raise ResponseTooLargeError(method=method, path=path, limit=max_bytes)
            late = deadline_error(request)
            if late is not None:
                raise late
    except httpx.TimeoutException:
        late = deadline_error(request, timed_out=True)
        if late is None:
            raise
        raise late from None
    except httpx.DecodingError as exc:
        encoding = response.headers.get("Content-Encoding", "none")
        raise TransportError(
            method=method,
            path=path,
            reason=f"{method} {path} answered a body that cannot be decoded (Content-Encoding "
            f"{encoding!r}): {redact(str(exc))}; the request may have reached the server",
            may_have_reached_server=True,
        ) from None
    body = bytes(received)
    # httpx keeps a read body in ``_content`` (0.28): setting it makes the response "read", so
    # that httpx's own ``response.read()`` (it reads a 401 before an auth flow's resend) does
    # not read the stream again, unbounded. tests/unit/api/test_body.py checks it.
    response._content = body
    return body


def _content_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("Content-Length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw.strip())


def send_bounded(
    http: httpx.Client, request: httpx.Request, *, deadline: Deadline, max_bytes: int
) -> httpx.Response:
    """Send ``request`` under ``deadline`` and read its answer, at most ``max_bytes``; a read response.

    Build ``request`` with ``timeout=deadline.request_timeout()``. A socket timeout at the
    deadline becomes :class:`~pulumi_wxo.api.errors.DeadlineExceededError` (not sent, when it
    came before a connection was made); other transport failures are left to the caller.
    """
    with deadline_scope(deadline):
        late = deadline_error(request, reached=False)
        if late is not None:  # the call's time ran out during the wait before this attempt
            raise late
        try:
            response = http.send(request, stream=True)
        except httpx.TimeoutException as exc:
            late = deadline_error(request, reached=not isinstance(exc, NEVER_SENT), timed_out=True)
            if late is None:
                raise
            raise late from None
        try:
            read_body(response, max_bytes=max_bytes)
        finally:
            response.close()
    return response

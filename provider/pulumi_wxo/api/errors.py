"""The errors raised by pulumi-wxo, and the parsing of the API's error bodies.

The exception tree::

    WxoError
     ├── ConfigError            bad or missing connection settings (field)
     ├── InvalidInputError      resource inputs failed validation before any call (failures)
     ├── ModelExistsError       the name is taken on the server (ids, duplicates)
     ├── ModelInUseError        a model to delete is still a policy target (policies)
     ├── AuthError              token exchange failed, or HTTP 401 after one refresh (flow, status)
     ├── TransportError         no HTTP answer (method, path, reason, may_have_reached_server)
     ├── ApiError               the API answered non-2xx (status, method, path, detail, action)
     │    ├── ValidationFailedError   422
     │    ├── NotFoundError           404
     │    ├── ConflictError           409
     │    └── QuotaExceededError      429 with detail.code RESOURCE_QUOTA_EXCEEDED (never retried)
     └── RetriesExhaustedError  retry budget spent (method, path, attempts, elapsed, last)

Every error takes its context as keyword-only arguments and renders as
``"<action>: <reason>[; <what to do>]"``, where the action is what the caller was doing
("create model 'virtual-model/openai/gpt-4o'") or, when unknown, ``"<METHOD> <path>"``.

Every message is redacted (:mod:`pulumi_wxo.api.redaction`) when it is built and again when it is
rendered, so a secret registered after the error was raised is masked too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pulumi_wxo.api.redaction import redact

__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "InvalidInputError",
    "ModelExistsError",
    "ModelInUseError",
    "NotFoundError",
    "QuotaExceededError",
    "RetriesExhaustedError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "parse_detail",
]

# ------------------------------------------------------------------------ error bodies

_TEXT_LIMIT = 200  # non-JSON bodies (HTML error pages, proxies): first 200 characters
_DETAIL_LIMIT = 500
# Members of a FastAPI 422 item that echo the submitted value (possibly a secret): never shown.
_ECHO_KEYS = frozenset({"input", "ctx"})


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _validation_item(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    loc = item.get("loc")
    parts = [str(p) for p in loc] if isinstance(loc, list | tuple) else []
    if parts and parts[0] == "body":  # FastAPI prefixes body fields with "body"
        parts = parts[1:]
    msg = item.get("msg")
    msg_text = msg if isinstance(msg, str) else "invalid"
    return f"{'.'.join(parts)}: {msg_text}" if parts else msg_text


def _without_echo(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_echo(v) for k, v in value.items() if k not in _ECHO_KEYS}
    if isinstance(value, list):
        return [_without_echo(v) for v in value]
    return value


def parse_detail(body: str) -> tuple[str, str | None]:
    """Explain an error body: ``(detail, code)``, redacted and bounded.

    FastAPI shapes (api-contract §8): ``{"detail": "..."}``; ``{"detail": [{"loc", "msg",
    "type"}]}`` rendered ``"provider_config.foo: Extra inputs are not permitted; ..."`` without the
    ``input``/``ctx`` members (they echo submitted values); ``{"detail": {"code", "message"}}``.
    Token services answer ``{"errorMessage": ...}`` (IAM) or ``{"message": ...}``. Anything else
    that is not JSON is cut to its first 200 characters. Redaction happens before clipping, so a
    secret cut in half cannot slip through.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return _clip(redact(body), _TEXT_LIMIT), None
    code: str | None = None
    text: str
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        if isinstance(detail, str):
            text = detail
        elif isinstance(detail, list):
            text = "; ".join(_validation_item(item) for item in detail)
        elif isinstance(detail, dict):
            raw_code = detail.get("code")
            code = raw_code if isinstance(raw_code, str) else None
            message = detail.get("message") or detail.get("msg")
            if isinstance(message, str):
                text = f"{message} ({code})" if code else message
            else:
                text = json.dumps(_without_echo(detail), separators=(",", ":"))
        else:
            text = json.dumps(_without_echo(detail), separators=(",", ":"))
    elif isinstance(data, dict):
        for key in ("errorMessage", "message", "error_description", "error"):
            if isinstance(data.get(key), str):
                text = data[key]
                break
        else:
            text = json.dumps(_without_echo(data), separators=(",", ":"))
        for key in ("code", "errorCode"):
            if isinstance(data.get(key), str):
                code = data[key]
                break
    else:
        text = json.dumps(_without_echo(data), separators=(",", ":"))
    return _clip(redact(text), _DETAIL_LIMIT), code


# ------------------------------------------------------------------------------ errors


def _compose(action: str, reason: str, hint: str | None) -> str:
    message = f"{action}: {reason}"
    if hint:
        message = f"{message}; {hint}"
    return redact(message)


class WxoError(Exception):
    """Base class of every error raised by pulumi-wxo."""

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        # Redact again at render time: a secret registered after construction is masked too.
        return redact(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({redact(self.message)!r})"


class ConfigError(WxoError):
    """Connection settings are missing or malformed.

    ``field`` names the setting at fault as the user spells it (``"wxo:timeout"`` or
    ``"WXO_TIMEOUT"``), or ``None`` when several settings conflict.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class InvalidInputError(WxoError):
    """Resource inputs failed validation; nothing was sent. ``failures`` name field and reason."""

    def __init__(self, *, action: str, failures: Sequence[str]) -> None:
        self.action = action
        self.failures = list(failures)
        reason = "invalid input: " + "; ".join(self.failures) if self.failures else "invalid input"
        super().__init__(_compose(action, reason, None))


class ModelExistsError(WxoError):
    """The server already holds an object with this name (found by name before creating).

    ``ids`` are the ids found; ``duplicates`` is True when more than one object carries the name
    (the server does not enforce unique names, api-contract §8), so adopting one would be a guess.
    """

    def __init__(
        self, *, action: str, ids: Sequence[str], duplicates: bool = False, kind: str = "model"
    ) -> None:
        self.action = action
        self.ids = list(ids)
        self.duplicates = duplicates
        self.kind = kind
        listed = ", ".join(self.ids)
        plural = "policies" if kind == "policy" else f"{kind}s"
        if duplicates:
            reason = f"{len(self.ids)} {plural} with this name exist (ids {listed})"
            hint = "delete the duplicates outside Pulumi so that exactly one remains, then adopt it"
        else:
            reason = f"a {kind} with this name already exists (id {listed})"
            hint = "set adopt=True to manage it with Pulumi, or choose another name"
        super().__init__(_compose(action, reason, hint))


class ModelInUseError(WxoError):
    """A model is still a target of policies on the server, so deleting it would break routes.

    ``policies`` name the policies (with ids). ``force_delete=True`` on the model overrides.
    """

    def __init__(self, *, action: str, policies: Sequence[str]) -> None:
        self.action = action
        self.policies = list(policies)
        reason = "still a target of " + ", ".join(f"policy {p}" for p in self.policies)
        hint = (
            "remove it from those policies (or delete them) first, "
            "or set force_delete=True on the model to delete it anyway"
        )
        super().__init__(_compose(action, reason, hint))


class AuthError(WxoError):
    """A token could not be obtained, or the API rejected a freshly minted token (HTTP 401).

    ``flow`` is the auth flow (``"ibm_iam"``, ``"mcsp_v1"``, ...); ``status`` is the HTTP status
    of the failed exchange or of the second 401, ``None`` when no answer came back;
    ``endpoint`` is the token endpoint or API path involved (never a credential).
    """

    def __init__(
        self,
        *,
        flow: str,
        reason: str,
        status: int | None = None,
        endpoint: str | None = None,
        action: str | None = None,
        hint: str | None = "check wxo:apiKey / wxo:token",
    ) -> None:
        self.flow = flow
        self.reason = reason
        self.status = status
        self.endpoint = endpoint
        self.action = action
        self.hint = hint
        super().__init__(_compose(action or f"authenticate ({flow})", reason, hint))

    def with_action(self, action: str) -> AuthError:
        """The same error, told from the point of view of ``action`` (the client knows it)."""
        return AuthError(
            flow=self.flow,
            reason=self.reason,
            status=self.status,
            endpoint=self.endpoint,
            action=action,
            hint=self.hint,
        )


_TLS_HINT = "set wxo:caBundle to the CA bundle that signs the server's certificate"


class TransportError(WxoError):
    """No HTTP response: connect failure, timeout, TLS failure, broken connection.

    ``may_have_reached_server`` is False only when the request provably never left (connect
    errors, pool timeouts); a POST that may have reached the server is never retried blindly.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        reason: str,
        may_have_reached_server: bool,
        action: str | None = None,
        tls: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        self.may_have_reached_server = may_have_reached_server
        self.action = action
        self.tls = tls
        hint = _TLS_HINT if tls else None
        super().__init__(_compose(action or f"{method} {path}", reason, hint))


def _default_api_hint(status: int, path: str) -> str | None:
    if status == 401:
        return "check wxo:apiKey / wxo:token"
    if status == 403:
        return "check that the credentials may manage models on this instance"
    if status == 404:
        # A 404 on a collection path means the prefix is wrong, not that an object is gone
        # (api-contract §1: /v1/orchestrate remote, /v1 local).
        if path.rstrip("/").endswith(("/models", "/model_policy", "/models/list")):
            return "check wxo:url and wxo:basePath"
        return "it may have been deleted outside Pulumi; run `pulumi refresh`"
    return None


class ApiError(WxoError):
    """The API answered with a non-2xx status.

    ``detail`` is the server's explanation, parsed from FastAPI's ``{"detail": ...}`` shape and
    already redacted; ``action`` is what the caller was doing, when known.
    """

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        detail: str,
        action: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.detail = redact(detail)
        self.action = action
        self.hint = hint if hint is not None else self._default_hint()
        reason = f"HTTP {status}: {self.detail}" if self.detail else f"HTTP {status}"
        super().__init__(_compose(action or f"{method} {path}", reason, self.hint))

    def _default_hint(self) -> str | None:
        return _default_api_hint(self.status, self.path)


class ValidationFailedError(ApiError):
    """422: the server rejected the payload; ``detail`` reads ``"loc.path: msg; ..."``."""


class NotFoundError(ApiError):
    """404: the object (or, on a collection path, the whole API prefix) does not exist."""


class ConflictError(ApiError):
    """409: the server refused because of an existing object (e.g. a duplicate name)."""

    def _default_hint(self) -> str | None:
        return "an object with this name may already exist: adopt it or choose another name"


class QuotaExceededError(ApiError):
    """429 with ``detail.code == "RESOURCE_QUOTA_EXCEEDED"``: a quota, not a rate limit.

    api-contract §8: retrying cannot help, so it is raised at once.
    """

    def _default_hint(self) -> str | None:
        return "delete unused models or raise the quota"


class RetriesExhaustedError(WxoError):
    """Retries ran out (count or time budget); ``last`` is the final failure."""

    def __init__(
        self,
        *,
        method: str,
        path: str,
        attempts: int,
        elapsed: float,
        last: ApiError | TransportError,
        action: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.attempts = attempts
        self.elapsed = elapsed
        self.last = last
        self.action = action
        self.status = last.status if isinstance(last, ApiError) else None
        why = reason or f"gave up after {attempts} attempt{'' if attempts == 1 else 's'} in {elapsed:.1f}s"
        if isinstance(last, ApiError):
            last_reason = f"HTTP {last.status}: {last.detail}" if last.detail else f"HTTP {last.status}"
        else:
            last_reason = last.reason
        hint = (
            "the service may be overloaded or unreachable; "
            "try again later or raise wxo:maxRetries / wxo:maxRetryTime"
        )
        super().__init__(_compose(action or f"{method} {path}", f"{why}; last error: {last_reason}", hint))

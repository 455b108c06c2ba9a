"""The errors raised by pulumi-wxo: a leaf module that every layer may import.

The exception tree::

    WxoError
     ├── ConfigError            bad or missing connection settings (field)
     ├── InvalidInputError      resource inputs failed validation before any call (failures)
     ├── ModelExistsError       the name is taken on the server (ids, duplicates)
     ├── ModelInUseError        a model to delete is still a policy target (policies)
     ├── ServerObjectError      a server object is malformed or its id is unusable (kind, name, field)
     ├── AuthError              token exchange failed, or HTTP 401 after one refresh (flow, status)
     ├── TransportError         no HTTP answer (method, path, reason, may_have_reached_server)
     │    ├── DeadlineExceededError   the exchange outlasted wxo:timeout / wxo:maxRetryTime (setting)
     │    └── ResponseTooLargeError   the answer passed wxo:maxResponseBytes (setting, limit)
     ├── ApiError               the API answered non-2xx (status, method, path, detail, action)
     │    ├── ValidationFailedError   422
     │    ├── NotFoundError           404
     │    ├── ConflictError           409
     │    └── QuotaExceededError      429 with detail.code RESOURCE_QUOTA_EXCEEDED (never retried)
     └── RetriesExhaustedError  retry budget spent (method, path, attempts, elapsed, last)

Every error takes its context as keyword-only arguments and renders as
``"<action>: <reason>[; <what to do>]"``, where the action is what the caller was doing
("create model 'virtual-model/openai/gpt-4o'") or, when unknown, ``"<METHOD> <path>"``.

Every message is redacted (:mod:`pulumi_wxo.redaction`) when it is built and again when it is
rendered, so a secret registered after the error was raised is masked too.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_wxo.redaction import redact

__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "DeadlineExceededError",
    "InvalidInputError",
    "ModelExistsError",
    "ModelInUseError",
    "NotFoundError",
    "QuotaExceededError",
    "ResponseTooLargeError",
    "RetriesExhaustedError",
    "ServerObjectError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "credentials_hint",
]

#: The exception classes of the tree, by name: the package's and ``api``'s tables of public
#: names take them from here.
ERRORS: tuple[str, ...] = tuple(n for n in __all__ if n.endswith("Error"))

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


#: What to check when a flow's credentials are refused: the settings that flow reads.
_CREDENTIALS: dict[str, str] = {
    "bearer": "check wxo:token (it may have expired) or configure wxo:apiKey instead",
    "ibm_iam": "check wxo:apiKey",
    "mcsp": "check wxo:apiKey",
    "mcsp_v1": "check wxo:apiKey",
    "mcsp_v2": "check wxo:apiKey",
    "cpd": "check wxo:username and wxo:password (or wxo:apiKey)",
    "local": "check wxo:username and wxo:password (the Developer Edition login)",
}


def credentials_hint(flow: str, *, cpd_api_key: bool | None = None) -> str:
    """The hint for refused credentials: the settings of ``flow`` (and for cpd, the one in use)."""
    if flow == "cpd" and cpd_api_key is not None:
        return "check wxo:username and " + ("wxo:apiKey" if cpd_api_key else "wxo:password")
    return _CREDENTIALS.get(flow, "check wxo:apiKey / wxo:token")


class _Unset:
    """The default of a hint argument: "derive it" (``None`` means "no hint")."""


_UNSET = _Unset()


class AuthError(WxoError):
    """A token could not be obtained, or the API rejected a freshly minted token (HTTP 401).

    ``flow`` is the auth flow (``"ibm_iam"``, ``"mcsp_v1"``, ...); ``status`` is the HTTP status
    of the failed exchange or of the second 401, ``None`` when no answer came back;
    ``endpoint`` is the token endpoint or API path involved (never a credential). Without a
    ``hint``, the message names the settings the flow reads (:func:`credentials_hint`).
    """

    def __init__(
        self,
        *,
        flow: str,
        reason: str,
        status: int | None = None,
        endpoint: str | None = None,
        action: str | None = None,
        hint: str | _Unset | None = _UNSET,
    ) -> None:
        self.flow = flow
        self.reason = reason
        self.status = status
        self.endpoint = endpoint
        self.action = action
        self.hint: str | None = credentials_hint(flow) if isinstance(hint, _Unset) else hint
        super().__init__(_compose(action or f"authenticate ({flow})", reason, self.hint))

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


class ServerObjectError(WxoError):
    """The server answered with an object this provider cannot use: a field of the wrong type,
    a missing ``id``, or an ``id`` that cannot go into a URL path (``.``, ``..``, ``/``, ...).

    ``kind`` is ``"model"`` or ``"policy"``, ``name`` the object's name (or its id when it has
    none), ``field`` the offending field (``"tags"``, ``"policy.targets"``, ``"id"``). Values are
    described by type only, never echoed (they may hold secrets), except an unusable id.
    """

    def __init__(
        self,
        *,
        kind: str,
        name: str,
        field: str,
        reason: str,
        action: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.field = field
        self.reason = reason
        self.action = action
        self.hint = hint or (
            "the answer does not follow the API (api-contract §2, §6): check that wxo:url and "
            "wxo:basePath point at a watsonx Orchestrate instance, and fix the object there"
        )
        what = f"the server's {kind} '{name}' has an unusable field '{field}': {reason}"
        super().__init__(_compose(action or f"read {kind} '{name}'", what, self.hint))


_TLS_HINT = "set wxo:caBundle to the CA bundle that signs the server's certificate"


class TransportError(WxoError):
    """No (usable) HTTP response: connect failure, timeout, TLS failure, broken connection.

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
        hint: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        self.may_have_reached_server = may_have_reached_server
        self.action = action
        self.tls = tls
        self.hint = _TLS_HINT if tls and hint is None else hint
        super().__init__(_compose(action or f"{method} {path}", reason, self.hint))

    def with_action(self, action: str) -> TransportError:
        """A copy told from the point of view of ``action`` (same class, same fields)."""
        told = type(self).__new__(type(self))  # no __init__: the subclasses' signatures differ
        told.__dict__.update(self.__dict__)
        told.action = action
        told.message = _compose(action, self.reason, self.hint)
        Exception.__init__(told, told.message)
        return told


class DeadlineExceededError(TransportError):
    """The exchange did not complete in time: ``setting`` is the limit that stopped it.

    ``wxo:timeout`` bounds one HTTP exchange from connect to the last body byte;
    ``wxo:maxRetryTime`` bounds a whole call, attempts in flight included (docs/guide/client.md,
    "Limits"). ``seconds`` is that limit.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        setting: str,
        seconds: float,
        may_have_reached_server: bool = True,
        action: str | None = None,
    ) -> None:
        self.setting = setting
        self.seconds = seconds
        what = "one exchange" if setting == "wxo:timeout" else "the call, retries included"
        reason = f"{method} {path} got no complete answer within {setting} ({seconds:g}s, {what})"
        if may_have_reached_server:
            reason += "; the request may have reached the server"
        super().__init__(
            method=method,
            path=path,
            reason=reason,
            may_have_reached_server=may_have_reached_server,
            action=action,
            hint=f"if the server is just slow, raise {setting} (`pulumi config set {setting} "
            f"{_suggest_seconds(setting, seconds)}`)",
        )


def _suggest_seconds(setting: str, seconds: float) -> str:
    ceiling = 3600.0 if setting == "wxo:timeout" else 86400.0  # the settings' ranges
    return f"{min(ceiling, max(30.0, seconds * 2)):g}"


class ResponseTooLargeError(TransportError):
    """The answer was larger than ``wxo:maxResponseBytes`` (``limit``); the rest was not read."""

    def __init__(
        self, *, method: str, path: str, limit: int, announced: int | None = None, action: str | None = None
    ) -> None:
        self.setting = "wxo:maxResponseBytes"
        self.limit = limit
        self.announced = announced
        size = f"announced {announced} bytes" if announced is not None else "sent more"
        reason = (
            f"{method} {path} {size}, past wxo:maxResponseBytes ({limit} bytes); stopped reading; "
            "the request may have reached the server"
        )
        super().__init__(
            method=method,
            path=path,
            reason=reason,
            may_have_reached_server=True,
            action=action,
            hint="if such an answer is expected, raise wxo:maxResponseBytes "
            f"(`pulumi config set wxo:maxResponseBytes {min(limit * 4, 1 << 30)}`)",
        )


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

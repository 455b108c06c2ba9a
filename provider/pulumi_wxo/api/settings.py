"""Connection settings: where the Orchestrate instance is and how to authenticate to it.

Settings come from Pulumi stack config (``wxo:*`` keys, handed to the provider's ``configure()``)
with environment variables (``WXO_*``) as fallback; config wins. Each one is a row of
:mod:`pulumi_wxo.api.setting_table`; docs/guide/client.md has the table.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import ssl
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from urllib.parse import SplitResult, urlsplit

from pulumi_wxo.api.errors import ConfigError
from pulumi_wxo.api.redaction import register_secret
from pulumi_wxo.api.setting_table import (
    AUTH_TYPES,
    CONNECTION_SETTINGS,
    DEFAULT_MAX_RESPONSE_BYTES,
    AuthType,
    Range,
)

__all__ = [
    "AUTH_TYPES",
    "DEFAULT_LOCAL_PASSWORD",
    "DEFAULT_LOCAL_USERNAME",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DESCRIPTIONS",
    "RANGES",
    "SOURCES",
    "AuthType",
    "ConnectionSettings",
    "check_plain_http",
    "is_loopback_url",
    "mcsp_instance_id",
    "resolved_auth_type",
    "resolved_base_path",
    "shown_url",
    "tls_verify",
]

# The Developer Edition's built-in login (api-contract §7.2, LocalServiceInstance.DEFAULT_USER).
# Not a secret: it is published in the ADK and only works against a local container.
DEFAULT_LOCAL_USERNAME = "wxo.archer@ibm.com"
DEFAULT_LOCAL_PASSWORD = "watsonx"

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _fix(config_key: str, example: str) -> str:
    return f"run `pulumi config set {config_key} {example}`"


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach one Orchestrate instance. Validated on construction.

    ``auth_type=None`` means "infer" (see :func:`resolved_auth_type`); ``base_path=None`` means
    "derive from the URL" (see :func:`resolved_base_path`); ``base_path=""`` means the URL
    already ends with the API prefix.
    """

    url: str
    auth_type: AuthType | None = None
    api_key: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    iam_url: str | None = None
    username: str | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    allow_http: bool = False
    timeout: float = 30.0
    max_retries: int = 5
    max_retry_time: float = 120.0
    base_path: str | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        # Secrets first: any error below must already be unable to echo them.
        for secret in (*(getattr(self, a) for a in _SECRET_ATTRS), *_userinfo_passwords(self)):
            # The Developer Edition's default password is published in the ADK; masking it
            # would also mask the provider id "watsonx" in every model name.
            if isinstance(secret, str) and secret and secret != DEFAULT_LOCAL_PASSWORD:
                register_secret(secret)
        self._normalise()
        self._validate()

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_sources(cls, get: Callable[[str], str | None], environ: Mapping[str, str]) -> ConnectionSettings:
        """Read settings from stack config (``get("wxo:url")``) falling back to ``environ``.

        Empty strings count as unset, so ``WXO_TOKEN=`` in a CI file does not select bearer auth.
        """
        values: dict[str, object] = {}
        for attr, config_key, env_key, kind in SOURCES:
            raw = get(config_key)
            source = config_key
            if raw is None or not str(raw).strip():
                raw = environ.get(env_key)
                source = env_key
            if raw is None or not str(raw).strip():
                continue
            values[attr] = _parse(
                str(raw).strip(), kind=kind, source=source, config_key=config_key, attr=attr
            )
        if "url" not in values:
            raise ConfigError(
                "no Orchestrate instance URL: run `pulumi config set wxo:url https://...` "
                "(the service instance URL) or set WXO_URL",
                field="wxo:url",
            )
        return cls(**values)  # type: ignore[arg-type]  # values are typed by _parse per kind

    # ------------------------------------------------------------------ helpers

    def cache_key(self) -> tuple[object, ...]:
        """A hashable, stable key: equal for equal settings, without any secret in clear.

        Secrets are replaced by SHA-256 digests so the key can sit in a dict (one client per
        distinct settings) or a log line without leaking.
        """
        key: list[object] = [type(self).__name__]
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SECRET_ATTRS and value is not None:
                value = hashlib.sha256(str(value).encode()).hexdigest()
            key.append((f.name, value))
        return tuple(key)

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)  # frozen dataclass: normalise in __post_init__

    def _normalise(self) -> None:
        self._set("url", (self.url or "").strip().rstrip("/"))
        if self.iam_url is not None:
            self._set("iam_url", self.iam_url.strip().rstrip("/") or None)
        if self.base_path is not None:
            stripped = self.base_path.strip().strip("/")
            self._set("base_path", f"/{stripped}" if stripped else "")
        if isinstance(self.auth_type, str):
            self._set("auth_type", self.auth_type.strip().lower() or None)

    def _validate(self) -> None:
        if not self.url:
            raise ConfigError(
                "no Orchestrate instance URL: run `pulumi config set wxo:url https://...` or set WXO_URL",
                field="wxo:url",
            )
        _check_url(self.url, "wxo:url", "https://<host>/instances/<id>", allow_http=self.allow_http)
        if self.iam_url is not None:
            # Every token endpoint follows the TLS rule of wxo:url: the API key travels in its body.
            _check_url(self.iam_url, "wxo:iamUrl", "https://iam.cloud.ibm.com", allow_http=self.allow_http)
        if self.auth_type is not None and self.auth_type not in AUTH_TYPES:
            raise ConfigError(
                f"wxo:authType {self.auth_type!r} is not one of {', '.join(AUTH_TYPES)}; "
                + _fix("wxo:authType", "ibm_iam"),
                field="wxo:authType",
            )
        for attr, (config_key, bounds) in RANGES.items():
            value = getattr(self, attr)
            if not bounds.holds(value):
                raise ConfigError(
                    f"{config_key} {value!r} is not {bounds.describe(config_key)}; "
                    + _fix(config_key, bounds.example),
                    field=config_key,
                )
        for row in _SECRETS:
            value, config_key = getattr(self, row.attr), row.key
            # A control character would end up in a header or a form: refused, never echoed.
            if isinstance(value, str) and any(unicodedata.category(c) == "Cc" for c in value):
                raise ConfigError(
                    f"{config_key} contains a control character (a stray newline?); "
                    f"run `pulumi config set --secret {config_key} <value>` with the value alone",
                    field=config_key,
                )
        if self.ca_bundle is not None and not os.path.exists(self.ca_bundle):
            raise ConfigError(
                f"wxo:caBundle {self.ca_bundle!r} does not exist; "
                + _fix("wxo:caBundle", "/path/to/ca-bundle.pem"),
                field="wxo:caBundle",
            )
        self._validate_credentials()

    def _validate_credentials(self) -> None:
        flow = resolved_auth_type(self)
        api_key_fix = "run `pulumi config set --secret wxo:apiKey <key>` or set WXO_API_KEY"
        if flow == "bearer" and not self.token:
            raise ConfigError(
                "wxo:authType is bearer but no token is set; "
                "run `pulumi config set --secret wxo:token <token>` or set WXO_TOKEN",
                field="wxo:token",
            )
        if flow in ("ibm_iam", "mcsp", "mcsp_v1", "mcsp_v2") and not self.api_key:
            raise ConfigError(
                f"no credentials for {self.url}: {flow} auth needs an API key; {api_key_fix} "
                "(or give a ready bearer token with wxo:token)",
                field="wxo:apiKey",
            )
        if flow == "mcsp_v2" and mcsp_instance_id(self.url) is None:
            raise ConfigError(
                "mcsp_v2 auth needs the instance id from a URL of the form "
                "https://<host>/instances/<instance_id>; "
                + _fix("wxo:url", "https://<host>/instances/<instance_id>"),
                field="wxo:url",
            )
        if flow == "cpd":
            if not self.username:
                raise ConfigError(
                    "cpd auth needs a user name; " + _fix("wxo:username", "<user>"), field="wxo:username"
                )
            # The CP4D authorize call takes exactly one of password / api_key (api-contract §7.2).
            if self.password and self.api_key:
                raise ConfigError(
                    "cpd auth takes wxo:password or wxo:apiKey, not both; "
                    "run `pulumi config rm wxo:password` (or wxo:apiKey)",
                    field=None,
                )
            if not self.password and not self.api_key:
                raise ConfigError(
                    "cpd auth needs a password or an API key; "
                    "run `pulumi config set --secret wxo:password <password>` (or wxo:apiKey)",
                    field="wxo:password",
                )


_SECRETS = tuple(row for row in CONNECTION_SETTINGS if row.secret)
_SECRET_ATTRS = frozenset(row.attr for row in _SECRETS)

#: (attribute, config key, environment variable, kind) of every connection setting.
SOURCES: tuple[tuple[str, str, str, str], ...] = tuple(
    (row.attr, row.key, row.env, row.kind) for row in CONNECTION_SETTINGS
)

#: What each config key of ``SOURCES`` means (the table's descriptions).
DESCRIPTIONS: dict[str, str] = {row.key: row.description for row in CONNECTION_SETTINGS}

_EXAMPLES = {"bool": "true", "seconds": "30", "count": "5", "auth_type": "ibm_iam"}

#: attribute -> (config key, accepted range) of every bounded setting (the table's bounds).
RANGES: dict[str, tuple[str, Range]] = {
    row.attr: (row.key, row.bounds) for row in CONNECTION_SETTINGS if row.bounds is not None
}


def _parse(raw: str, *, kind: str, source: str, config_key: str, attr: str) -> object:
    if kind == "secret":
        if raw != DEFAULT_LOCAL_PASSWORD:  # see ConnectionSettings.__post_init__
            register_secret(raw)  # before anything can fail and echo it
        return raw
    if kind == "str":
        for secret in _url_passwords(raw):
            register_secret(secret)  # a password in a URL's userinfo: masked before any message
        return raw
    if kind == "path":
        return raw
    bounds = RANGES.get(attr)
    example = bounds[1].example if bounds else _EXAMPLES.get(kind, "...")
    if source == config_key:
        how = _fix(config_key, example)
    else:
        how = f"set {source}={example} or {_fix(config_key, example)}"
    if kind == "bool":
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{source} {raw!r} is not a boolean (true/false/1/0/yes/no); {how}", field=source)
    if kind == "auth_type":
        lowered = raw.lower()
        if lowered not in AUTH_TYPES:
            raise ConfigError(f"{source} {raw!r} is not one of {', '.join(AUTH_TYPES)}; {how}", field=source)
        return lowered
    if kind == "seconds":
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if not math.isfinite(number) or number < 0:
            raise ConfigError(f"{source} {raw!r} is not a number of seconds; {how}", field=source)
        _in_range(number, raw, attr=attr, source=source, how=how)
        return number
    if kind == "count":
        try:
            count = float(raw)
        except ValueError:
            count = -1.0
        if not math.isfinite(count) or count < 0 or not count.is_integer():
            raise ConfigError(f"{source} {raw!r} is not a whole number of 0 or more; {how}", field=source)
        _in_range(count, raw, attr=attr, source=source, how=how)
        return int(count)
    raise AssertionError(f"unknown setting kind {kind}")  # pragma: no cover


def _in_range(number: float, raw: str, *, attr: str, source: str, how: str) -> None:
    if attr in RANGES:
        config_key, bounds = RANGES[attr]
        if not bounds.holds(number):
            raise ConfigError(f"{source} {raw!r} is not {bounds.describe(config_key)}; {how}", field=source)


# ---------------------------------------------------------------------- URLs


def _url_passwords(url: str) -> list[str]:
    """The password of a URL's userinfo (``https://user:pw@host``), if any: a secret."""
    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        return []
    return [password] if password else []


def _userinfo_passwords(settings: ConnectionSettings) -> list[str]:
    found: list[str] = []
    for url in (settings.url, settings.iam_url):
        if isinstance(url, str):
            found += _url_passwords(url)
    return found


def shown_url(url: str) -> str:
    """``url`` fit for a message: any userinfo (``user:password@``) replaced by ``***@``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return SplitResult(parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment).geturl()


def _check_url(url: str, config_key: str, example: str, *, allow_http: bool) -> None:
    """An http(s) URL with a host, a valid port, no credentials in it, and the TLS rule kept."""
    shown = shown_url(url)
    fix = _fix(config_key, example)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise ConfigError(f"{config_key} {shown!r} is not a valid URL; {fix}", field=config_key) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{config_key} {shown!r} is not an http(s) URL; {fix}", field=config_key)
    if any(unicodedata.category(c) in ("Cc", "Zs") for c in url):
        raise ConfigError(
            f"{config_key} {shown!r} contains spaces or control characters; {fix}", field=config_key
        )
    if "@" in parts.netloc:
        # Userinfo would travel in every request line and show in every message: refused.
        raise ConfigError(
            f"{config_key} {shown!r} carries a user name or password; remove it from the URL and set "
            "wxo:username / wxo:password (or wxo:apiKey) instead",
            field=config_key,
        )
    check_plain_http(url, config_key, allow_http=allow_http)


def check_plain_http(url: str, config_key: str, *, allow_http: bool) -> None:
    """The TLS rule: credentials never travel over plain http to a host that is not loopback,
    unless wxo:allowHttp says the network is trusted. ``config_key`` names the setting at fault."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback_url(url) and not allow_http:
        raise ConfigError(
            f"refusing to send credentials over plain http to {parts.hostname} ({config_key}); use an "
            "https:// URL, or for a trusted network run `pulumi config set wxo:allowHttp true`",
            field=config_key,
        )


# ---------------------------------------------------------------------- inference


def is_loopback_url(url: str) -> bool:
    """True for localhost, *.localhost and loopback IPs (127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mcsp_instance_id(url: str) -> str | None:
    """``url.split("instances/")[1]`` up to the next ``/`` (api-contract §7.2, MCSP v2), or None."""
    if "instances/" not in url:
        return None
    instance = url.split("instances/", 1)[1].split("/", 1)[0].split("?", 1)[0]
    return instance or None


def resolved_auth_type(settings: ConnectionSettings) -> AuthType:
    """The auth flow to use, inferred as the ADK does when not set (api-contract §7.1).

    explicit wxo:authType > token given → bearer > loopback URL without an API key → local
    (Developer Edition login) > ``.cloud.ibm.com`` → ibm_iam > ``https://cpd`` → cpd >
    mcsp (v1, falling back to v2).
    """
    if settings.auth_type is not None:
        return settings.auth_type
    if settings.token:
        return "bearer"
    url = settings.url.lower()
    if is_loopback_url(url) and not settings.api_key:
        return "local"
    if ".cloud.ibm.com" in url:
        return "ibm_iam"
    if url.startswith("https://cpd"):
        return "cpd"
    return "mcsp"


def resolved_base_path(settings: ConnectionSettings) -> str:
    """The API prefix appended to wxo:url (api-contract §1).

    Explicit wxo:basePath wins; a loopback host or local auth means the Developer Edition,
    where the ADK uses ``/v1``; any remote instance uses ``/v1/orchestrate``.
    """
    if settings.base_path is not None:
        return settings.base_path
    if is_loopback_url(settings.url) or settings.auth_type == "local":
        return "/v1"
    return "/v1/orchestrate"


def tls_verify(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    """The ``verify`` argument for httpx: a context trusting wxo:caBundle, False, or True.

    An SSLContext rather than a path because httpx 0.28 deprecates ``verify=<str>``.
    """
    if settings.ca_bundle:
        if os.path.isdir(settings.ca_bundle):
            return ssl.create_default_context(capath=settings.ca_bundle)
        return ssl.create_default_context(cafile=settings.ca_bundle)
    return not settings.insecure

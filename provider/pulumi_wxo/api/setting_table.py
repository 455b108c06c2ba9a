"""Every setting the provider reads, declared once: one row per setting.

A row names the setting (``api_key``: the :class:`~pulumi_wxo.api.settings.ConnectionSettings`
attribute and the ``Provider`` argument), how its value is read (its kind) and what it means.
Everything else follows from the row: the stack-config key (``wxo:apiKey``), the environment
variable (``WXO_API_KEY``), the package schema's type, whether it is secret, the annotation of
the ``Provider`` argument (``ProviderArgs``), and the accepted range of a number. Readers: the
settings (``api/settings.py``), the runtime's ``settings()`` table (the plugin's schema, both
``Provider`` resources) and the docs' table (docs/guide/client.md).

Rows marked ``lifecycle`` are read by the lifecycle beside the connection (which instance the
stack's objects belong to, how long a snapshot answers) and are not ConnectionSettings fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "AUTH_TYPES",
    "CONNECTION_SETTINGS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "SETTINGS",
    "AuthType",
    "Kind",
    "Range",
    "Setting",
    "setting",
]

AuthType = Literal["bearer", "ibm_iam", "mcsp", "mcsp_v1", "mcsp_v2", "cpd", "local"]
AUTH_TYPES: tuple[AuthType, ...] = get_args(AuthType)

#: The cap on one answer's body (wxo:maxResponseBytes): far above any Models API answer, far
#: below what would hurt the engine's process.
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

#: How a value is read: a string (``path``: a URL prefix; ``list``: several, comma- or
#: space-separated), a secret string, one of AUTH_TYPES, a boolean, seconds, a whole number.
Kind = Literal["str", "secret", "auth_type", "path", "list", "bool", "seconds", "count"]

# kind -> (package-schema type, the Python type of the Provider argument)
_TYPES: dict[str, tuple[str, str]] = {
    "str": ("string", "str"),
    "secret": ("string", "str"),
    "auth_type": ("string", "str"),
    "path": ("string", "str"),
    "list": ("string", "str | Sequence[str]"),
    "bool": ("boolean", "bool"),
    "seconds": ("number", "float"),
    "count": ("integer", "int"),
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Range:
    """The accepted values of a numeric setting; a value outside would break the client later
    (``wxo:timeout 1e12`` overflows the socket layer) or make it unusable."""

    low: float
    high: float
    unit: str
    example: str
    low_open: bool = False  # True: ``low`` itself is refused

    def holds(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def describe(self, config_key: str) -> str:
        low = f"greater than {_number(self.low)}" if self.low_open else f"at least {_number(self.low)}"
        return f"in the range of {config_key} ({self.unit}, {low} and at most {_number(self.high)})"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, how it is read, what it means."""

    #: The ConnectionSettings attribute and the Provider argument (``api_key``).
    attr: str
    kind: Kind
    #: What it means (the package schema and the reference docs show it).
    description: str
    #: The accepted range of a number (docs/guide/client.md, "Limits", lists the same).
    bounds: Range | None = None
    #: Read by the lifecycle, not a connection setting.
    lifecycle: bool = False

    @property
    def key(self) -> str:
        """The stack-config key: ``api_key`` -> ``wxo:apiKey``."""
        head, *rest = self.attr.split("_")
        return "wxo:" + head + "".join(word.capitalize() for word in rest)

    @property
    def env(self) -> str:
        """The environment variable it falls back to: ``api_key`` -> ``WXO_API_KEY``."""
        return f"WXO_{self.attr.upper()}"

    @property
    def secret(self) -> bool:
        return self.kind == "secret"

    @property
    def schema_type(self) -> str:
        """Its type in the package schema (``string``, ``boolean``, ``number``, ``integer``)."""
        return _TYPES[self.kind][0]

    @property
    def python(self) -> str:
        """The annotation of its ``Provider`` argument, inside ``pulumi.Input[...]``."""
        return _TYPES[self.kind][1]


def _choices(values: tuple[str, ...]) -> str:
    return f"{', '.join(values[:-1])} or {values[-1]}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "url",
        "str",
        "Service instance URL, e.g. https://api.us-south.watson-orchestrate.cloud.ibm.com/"
        "instances/<id> or http://localhost:4321.",
    ),
    Setting(
        "api_key",
        "secret",
        "API key to exchange for a token (IBM Cloud IAM, MCSP, or CPD instead of a password).",
    ),
    Setting("token", "secret", "A ready bearer token, used as is and never refreshed."),
    Setting("auth_type", "auth_type", f"{_choices(AUTH_TYPES)}; inferred when unset."),
    Setting("iam_url", "str", "Base URL of the token service; overrides the flow's default."),
    Setting("username", "str", "CPD user, or local Developer Edition user."),
    Setting("password", "secret", "CPD password, or local Developer Edition password."),
    Setting("ca_bundle", "str", "PEM file (or directory) of CAs to trust."),
    Setting("insecure", "bool", "Skip TLS certificate verification (testing only; logs a warning)."),
    Setting(
        "timeout",
        "seconds",
        "Seconds one HTTP exchange may take, from connect to the last byte (0 < t <= 3600).",
        Range(0, 3600, "seconds", "30", low_open=True),
    ),
    Setting(
        "max_retries",
        "count",
        "Retries after the first attempt (0-100).",
        Range(0, 100, "a whole number", "5"),
    ),
    Setting(
        "max_retry_time",
        "seconds",
        "Seconds one call may spend, attempts and waits included (0-86400).",
        Range(0, 86400, "seconds", "120"),
    ),
    Setting("base_path", "path", "API prefix after the URL; empty or / when the URL already ends with it."),
    Setting("allow_http", "bool", "Allow http:// to a host that is not a loopback address."),
    Setting(
        "max_response_bytes",
        "count",
        "The largest answer body read, in bytes (1024-1073741824).",
        Range(1024, 1 << 30, "a whole number of bytes", str(DEFAULT_MAX_RESPONSE_BYTES)),
    ),
    Setting(
        "instance_aliases",
        "list",
        "Other URLs of the same instance, comma- or space-separated.",
        lifecycle=True,
    ),
    Setting(
        "move_instance",
        "bool",
        "Move the stack's objects to the configured instance (each is created there).",
        lifecycle=True,
    ),
    Setting(
        "snapshot_max_age",
        "seconds",
        "Seconds a list of the tenant's objects answers questions before it is asked again (0-3600).",
        lifecycle=True,
    ),
)

#: The rows that are ConnectionSettings fields, in the table's order.
CONNECTION_SETTINGS: tuple[Setting, ...] = tuple(s for s in SETTINGS if not s.lifecycle)

_BY_ATTR = {s.attr: s for s in SETTINGS}


def setting(attr: str) -> Setting:
    """The row of ``attr`` (KeyError for a name that is not a setting)."""
    return _BY_ATTR[attr]

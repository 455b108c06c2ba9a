"""What reading spec files produces: :class:`Problem`, :class:`SpecError`, :class:`Spec` (one
validated document), :class:`SecretRef` (a ``${secret:NAME}`` in ``provider_config``) and
:class:`Doc` (one parsed document before validation, internal to the package)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.schema import ModelSpec, PolicySpec, ProviderConfig
from pulumi_wxo.schema.connection import ConnectionSpec
from pulumi_wxo.specs.paths import line_for, split_path
from pulumi_wxo.specs.syntax import Kind, Path_, Severity

__all__ = ["Doc", "Problem", "SecretRef", "Spec", "SpecError"]


def _one_line(text: str) -> str:
    """Control characters from a file (a name, a key) escaped: a problem stays one line, so a
    spec cannot start a line of its own in a CI log (``::add-mask::``, ``::error``) or move
    the terminal's cursor."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True)
class Problem:
    """One problem found in spec files: ``file:line: field: message``.

    ``line`` is 1-based, or None when the problem has no place in a file (stack overrides);
    ``field`` is the dotted path as the schema reports it (``provider_config.api_key``,
    ``targets[1].weight``), empty for a problem with the whole document or file.
    """

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [f"{self.file}:{self.line}" if self.line else self.file]
        if self.field:
            parts.append(self.field)
        parts.append(f"warning: {self.message}" if self.severity == "warning" else self.message)
        return _one_line(": ".join(parts))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class SpecError(WxoError):
    """Spec files (or their stack overrides) have problems; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in spec files"
        super().__init__("\n  ".join([head + ":", *(str(p) for p in self.problems)]))


_OBJECT_FIELDS = frozenset(
    name
    for name, f in ProviderConfig.model_fields.items()
    if str not in get_args(f.annotation) and "dict" in str(f.annotation)
)


@dataclass(frozen=True)
class SecretRef:
    """A ``${secret:NAME}`` in a model's ``provider_config`` or a connection's
    ``environments.<env>.credentials``: which field, which stack config key."""

    field: str  # snake_case provider_config field, or the credential's key
    key: str  # the config key as written: "openaiKey" or "namespace:openaiKey"
    base: str = "provider_config"  # the mapping that holds the field

    @property
    def path(self) -> str:
        """The field's dotted path in the document (``provider_config.api_key``)."""
        return f"{self.base}.{self.field}"

    @property
    def namespace(self) -> str | None:
        return self.key.split(":", 1)[0] if ":" in self.key else None

    @property
    def name(self) -> str:
        return self.key.split(":", 1)[-1]

    @property
    def wants_object(self) -> bool:
        """The field holds an object (``vertex_service_account_json``): read it as JSON."""
        return self.base == "provider_config" and self.field in _OBJECT_FIELDS

    def placeholder(self) -> Any:
        """A stand-in of the field's type for offline validation."""
        text = f"${{secret:{self.key}}}"
        return {"secret_reference": text} if self.wants_object else text


@dataclass(frozen=True)
class Spec:
    """One validated spec document.

    ``spec`` holds the validated :class:`ModelSpec` / :class:`PolicySpec` /
    :class:`ConnectionSpec` (``name`` is then its ``app_id``); secret fields hold
    their ``${secret:NAME}`` reference text there (never a value), see ``secrets``. ``data`` is
    the document's fields as written (policies flattened: ``policy:`` lifted to the top),
    after stack overrides. ``line`` is the document's first line. ``app_id``: the connection
    a model names by its app_id (resolved to its ``connection_id`` by ``declare``).
    """

    kind: Kind
    name: str
    resource_name: str
    spec: ModelSpec | PolicySpec | ConnectionSpec
    data: Mapping[str, Any]
    file: str
    line: int
    secrets: tuple[SecretRef, ...] = ()
    lines: Mapping[Path_, int] = field(default_factory=dict, repr=False, compare=False)
    lifted: bool = field(default=False, repr=False)
    app_id: str | None = None

    def line_of(self, path: str) -> int:
        """The line of ``path`` (a schema failure path) or of its closest existing parent."""
        return line_for(self.lines, split_path(path), self.lifted, self.line)

    def target_names(self) -> list[str]:
        """Model names a policy routes to (nested rules included); empty for a model."""
        return self.spec.model_names() if isinstance(self.spec, PolicySpec) else []


@dataclass
class Doc:
    """One parsed document before validation (internal to the package)."""

    file: str
    line: int
    data: Any
    lines: dict[Path_, int]
    problems: list[Problem] = field(default_factory=list)
    in_list: bool = False  # an item of a list of specs (the ADK reads one mapping per file)

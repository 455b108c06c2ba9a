"""Rules of one document's shape, before the schema sees it: a mapping, ``spec_version``,
``kind``, a model's ``app_id`` (its connection), ADK export leftovers (``provider``, server-set
fields, ``server_cert_file``), and the ADK's ``policy:`` form flattened onto the schema's
fields. A connection document (``kind: connection``) is only taken apart here; its own rules
are in :mod:`~pulumi_wxo.specs.connection`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo.schema import POLICY_PREFIX, is_secret_key, provider_of
from pulumi_wxo.schema.model import is_platform_tag
from pulumi_wxo.specs.certs import read_server_cert
from pulumi_wxo.specs.files import Unreadable
from pulumi_wxo.specs.names import normal_name
from pulumi_wxo.specs.paths import join_path
from pulumi_wxo.specs.results import Doc, Problem, SecretRef
from pulumi_wxo.specs.syntax import (
    AUDIENCE_KEY,
    AUDIENCE_PULUMI,
    CONNECTION_KIND,
    META_KEYS,
    POLICY_BODY,
    POLICY_KINDS,
    SPEC_VERSION,
    Kind,
    Path_,
)


def kind_of(doc: Mapping[str, Any]) -> Kind | None:
    kind = doc.get("kind")
    if kind == CONNECTION_KIND:
        return "connection"
    if isinstance(kind, str) and kind in POLICY_KINDS:
        return "policy"
    if kind not in (None, "model"):
        return None
    name = doc.get("name")
    if "policy" in doc or (isinstance(name, str) and name.strip().startswith(POLICY_PREFIX)):
        return "policy"
    if kind is None and any(k in doc for k in ("strategy", "targets")):
        return "policy"
    return "model"


def flatten_policy(data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """ADK form (``policy: {strategy, targets, ...}``) -> flat PolicySpec fields."""
    inner = data.get("policy")
    if not isinstance(inner, Mapping):
        return data, False
    flat = {k: v for k, v in data.items() if k != "policy"}
    for key, value in inner.items():
        flat[str(key)] = value
    return flat, True


@dataclass
class Built:
    """A document taken apart: where it came from, what it declares, what is wrong with it."""

    doc: Doc
    kind: Kind | None
    name: str | None
    props: dict[str, Any]
    lifted: bool
    problems: list[Problem]
    refs: list[SecretRef] = field(default_factory=list)
    override_paths: list[Path_] = field(default_factory=list)
    override_source: str | None = None
    # Written from a server's answer (an ADK export): it held fields only the server sets, so
    # a credential it lacks was omitted by the server, not forgotten (docs/guide/specs.md).
    from_server: bool = False
    # `provider_config.secrets_resolved_by: pulumi-wxo` was present (and removed).
    marked: bool = False
    # A model's `app_id`: the connection that holds its credentials (resolved by declare()).
    app_id: str | None = None


def take_apart(doc: Doc, base_dir: str | None = None) -> Built:
    """Shape rules of a document; its meta keys removed and policies flattened.

    ``base_dir``: where ``server_cert_file`` may lead (default: the spec file's folder).
    """
    f, line = doc.file, doc.line
    data = doc.data
    problems = list(doc.problems)
    if not isinstance(data, Mapping):
        problems.append(
            Problem(f, line, "", f"a spec must be a mapping of fields, not {type(data).__name__}")
        )
        return Built(doc, None, None, {}, False, problems)
    data = {str(k): v for k, v in data.items()}
    version = data.get("spec_version")
    if version is None:
        problems.append(
            Problem(
                f,
                line,
                "spec_version",
                "is required: write `spec_version: v1` (the ADK refuses a spec without it)",
            )
        )
    elif str(version) != SPEC_VERSION:
        problems.append(
            Problem(
                f,
                doc.lines.get(("spec_version",), line),
                "spec_version",
                f"'{version}' is not supported (v1)",
            )
        )
    kind = kind_of(data)
    if kind is None:
        problems.append(
            Problem(
                f,
                doc.lines.get(("kind",), line),
                "kind",
                f"'{data.get('kind')}' is not a spec kind (kind: model, policy / model_policy or connection)",
            )
        )
        return Built(doc, None, None, {}, False, problems)
    if kind == "connection":
        props = {k: v for k, v in data.items() if k not in ("spec_version", "kind")}
        app_id = props.get("app_id")
        name = app_id.strip() if isinstance(app_id, str) and app_id.strip() else None
        return Built(doc, kind, name, props, False, problems)
    props = {k: v for k, v in data.items() if k not in META_KEYS}
    app_id, found = _app_id(doc, data)
    problems += found
    # An ADK export writes app_id (a model bound to a connection, §4.5) and server-set fields.
    from_server = "app_id" in data or any(k in props for k in ("provider", *_SERVER_FIELDS))
    marked, found = _audience_marker(doc, props)
    problems += found
    leftovers, masked = _adk_export_fields(doc, props, base_dir)
    if from_server:
        leftovers += _platform_tags(doc, props)
    problems += leftovers
    lifted = False
    if kind == "policy":
        if "policy" in props and not isinstance(props["policy"], Mapping):
            problems.append(
                Problem(
                    f, doc.lines.get(("policy",), line), "policy", "must be a mapping (strategy, targets)"
                )
            )
            props.pop("policy")
        both = [k for k in POLICY_BODY if k in props]
        if "policy" in props and both:
            problems.append(
                Problem(
                    f,
                    doc.lines.get((both[0],), line),
                    both[0],
                    "belongs under policy: (the ADK form) or at the top, not both",
                )
            )
        props, lifted = flatten_policy(props)
    built = Built(doc, kind, normal_name(kind, props.get("name")), props, lifted, problems)
    built.from_server, built.marked = from_server or masked, marked
    built.app_id = app_id
    return built


def _app_id(doc: Doc, data: Mapping[str, Any]) -> tuple[str | None, list[Problem]]:
    """A model's ``app_id``: the connection (by its name) whose values the model uses, as
    ``orchestrate models import --app-id`` binds it; ``declare`` resolves it to the
    connection's id. It and ``connection_id`` both name the connection: one of them only."""
    if "app_id" not in data:
        return None, []
    raw = data["app_id"]
    line = doc.lines.get(("app_id",), doc.line)
    if kind_of(data) == "policy":
        return None, [Problem(doc.file, line, "app_id", "a policy has no connection; ignored", "warning")]
    if not isinstance(raw, str) or not raw.strip():
        return None, [Problem(doc.file, line, "app_id", "must be the name (app_id) of a connection")]
    if data.get("connection_id") is not None:
        return None, [
            Problem(
                doc.file,
                line,
                "app_id",
                "and connection_id both name the model's connection; keep one of them "
                "(app_id: the connection's name, resolved to its id)",
            )
        ]
    return raw.strip(), []


def _audience_marker(doc: Doc, props: dict[str, Any]) -> tuple[bool, list[Problem]]:
    """Remove ``provider_config.secrets_resolved_by`` (in place): True when it was there.

    It exists only so that the ADK refuses a ``${secret:...}`` file (its ProviderConfig forbids
    unknown keys); pulumi-wxo accepts its one value and sends nothing of it.
    """
    pc = props.get("provider_config")
    if not isinstance(pc, Mapping) or AUDIENCE_KEY not in pc:
        return False, []
    pc = dict(pc)
    value = pc.pop(AUDIENCE_KEY)
    props["provider_config"] = pc
    if value == AUDIENCE_PULUMI:
        return True, []
    path: Path_ = ("provider_config", AUDIENCE_KEY)
    return True, [
        Problem(
            doc.file,
            doc.lines.get(path, doc.line),
            join_path(path),
            f"must be '{AUDIENCE_PULUMI}' (it marks a file whose secrets are ${{secret:NAME}} references)",
        )
    ]


# Fields a GET returns and an ADK export may leave in a file (`ListVirtualModel`, contract
# §2.1, §5): the server sets them, so a spec cannot; they are dropped with a warning.
_SERVER_FIELDS = (
    "id",
    "tenant_id",
    "tenant_name",
    "created_on",
    "created_by",
    "created_by_username",
    "updated_at",
    "model_name",  # the part of the name after the provider (ListVirtualModel, §2.1)
)
# How a server masks a secret it does not return (api-contract §2.1, emulator `--secrets mask`).
_MASK_CHARS = frozenset("*")


def _adk_export_fields(doc: Doc, props: dict[str, Any], base_dir: str | None) -> tuple[list[Problem], bool]:
    """Make an ``orchestrate models export`` file acceptable (in place); warnings for what is
    dropped, and whether a masked secret was among it.

    * ``provider`` (top level and in provider_config) is derived from the name, as the ADK
      does (§4.1): dropped silently when it agrees, with a warning when it does not.
    * server-set fields (``id``, ``model_name``, timestamps, tenant) are dropped with a warning.
    * a secret field whose value is the server's mask (``********``) is dropped with a warning:
      it is no value, and a literal would otherwise be refused as a secret in the file.
    * ``provider_config.server_cert_file`` (ADK 2.19) is read into ``server_cert``: a path
      relative to the spec file's directory (so the result does not depend on where ``pulumi``
      runs) that stays inside it, or inside ``base_dir`` (:mod:`~pulumi_wxo.specs.certs`).
    """
    problems: list[Problem] = []
    name = props.get("name")
    derived = provider_of(name) if isinstance(name, str) else ""
    pc = props.get("provider_config")
    pc = dict(pc) if isinstance(pc, Mapping) else None

    def provider_at(path: Path_, value: Any) -> None:
        if value != derived:
            problems.append(
                Problem(
                    doc.file,
                    doc.lines.get(path, doc.line),
                    join_path(path),
                    f"'{value}' is ignored: the provider comes from the name ('{derived}')",
                    "warning",
                )
            )

    if "provider" in props:
        provider_at(("provider",), props.pop("provider"))
    if pc is not None and "provider" in pc:
        provider_at(("provider_config", "provider"), pc.pop("provider"))
    for key in [k for k in _SERVER_FIELDS if k in props]:
        props.pop(key)
        problems.append(
            Problem(
                doc.file,
                doc.lines.get((key,), doc.line),
                key,
                "is set by the server (an export wrote it); ignored",
                "warning",
            )
        )
    masked = False
    for key in [k for k in (pc or {}) if _is_mask(k, (pc or {})[k])]:
        assert pc is not None
        pc.pop(key)
        masked = True
        mpath: Path_ = ("provider_config", key)
        problems.append(
            Problem(
                doc.file,
                doc.lines.get(mpath, doc.line),
                join_path(mpath),
                "is the server's mask, not a value (an export wrote it); ignored",
                "warning",
            )
        )
    if pc is not None and "server_cert_file" in pc:
        path: Path_ = ("provider_config", "server_cert_file")
        cert = read_server_cert(pc.pop("server_cert_file"), doc.file, base_dir)
        if isinstance(cert, Unreadable):
            # Never the file's text: the reason and what to do only.
            problems.append(Problem(doc.file, doc.lines.get(path, doc.line), join_path(path), cert.reason))
        else:
            pc["server_cert"] = cert
    if pc is not None:
        props["provider_config"] = pc
    return problems, masked


def _platform_tags(doc: Doc, props: dict[str, Any]) -> list[Problem]:
    """Drop the platform's tags from a file written from a server's answer (in place).

    The platform sets them (an administrator's deny, the catalogue's marker; docs/dev/lifecycle.md)
    and the provider keeps them on every PUT, so an export that wrote them is not wrong; a
    hand-written spec that sets one is refused by the schema instead.
    """
    tags = props.get("tags")
    if not isinstance(tags, list):
        return []
    problems = [
        Problem(
            doc.file,
            doc.lines.get(("tags", i), doc.line),
            f"tags[{i}]",
            f"'{tag}' is set by the platform (an export wrote it); ignored",
            "warning",
        )
        for i, tag in enumerate(tags)
        if is_platform_tag(tag)
    ]
    props["tags"] = [t for t in tags if not is_platform_tag(t)]
    return problems


def _is_mask(key: Any, value: Any) -> bool:
    return (
        isinstance(value, str) and len(value) >= 3 and set(value) <= _MASK_CHARS and is_secret_key(str(key))
    )

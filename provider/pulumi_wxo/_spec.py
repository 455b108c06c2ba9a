"""Spec files (the ADK's YAML/JSON model specs) <-> the schema, and ``declare`` over them.

The format is the ADK's (contract §5, §6): one ``spec_version: v1`` document per model or
policy, snake_case keys, several documents per YAML file allowed. Policies use ``kind: model``
in the ADK; they are told apart by a ``policy:`` key or a ``virtual-policy/`` name (``kind:
policy`` and ``kind: model_policy`` are accepted too). docs/specs.md is the user's guide.

Rules of this module (why they exist):

* **One schema.** Every field rule is :func:`~pulumi_wxo._schema.validate_model` /
  :func:`~pulumi_wxo._schema.validate_policy`, the same as the provider's ``check``; this module
  only adds rules about *files*: document shape, secret literals, duplicates, resource names,
  undeclared policy targets.
* **Errors name file, line and field.** Documents are *composed* (``yaml`` nodes carry marks),
  so every key and list item has a line; a schema failure's dotted path is mapped back to the
  closest node that exists in the file.
* **Secrets never live in spec files.** A credential field (``SECRET_FIELDS``) must be a
  reference ``${secret:NAME}``, resolved by :func:`declare` from the stack config as a Pulumi
  secret, or be left to a connection (``connection_id``). The literal value is never echoed.
* **Light imports.** ``pulumi-wxo validate`` runs as a pre-commit hook: nothing here imports
  ``pulumi`` at module level (only :func:`declare` does, when called).
"""

from __future__ import annotations

import glob
import json
import keyword
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

import yaml

from pulumi_wxo._errors import WxoError, logger
from pulumi_wxo._schema import (
    MODEL_PREFIX,
    POLICY_PREFIX,
    SECRET_FIELDS,
    Failure,
    ModelSpec,
    PolicyNode,
    PolicySpec,
    PolicyTarget,
    ProviderConfig,
    did_you_mean,
    is_secret_key,
    normalize_model,
    normalize_model_name,
    normalize_policy,
    provider_of,
    to_snake_key,
    validate_model,
    validate_policy,
)

if TYPE_CHECKING:
    import pulumi

__all__ = [
    "OVERRIDES_KEY",
    "OVERRIDES_NAMESPACE",
    "SPEC_SUFFIXES",
    "SPEC_VERSION",
    "ExportedSpec",
    "Problem",
    "SecretRef",
    "Spec",
    "SpecError",
    "declare",
    "dump_yaml",
    "export_model",
    "export_policy",
    "find_spec_files",
    "load_specs",
    "python_program",
    "read_specs",
    "resource_name",
    "secret_config_key",
    "spec_json_schema",
]

SPEC_VERSION = "v1"
SPEC_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
# Stack config that patches specs per stack: `wxo-specs:overrides` (an object keyed by spec
# name) and `wxo-specs:adopt` (adopt every declared object; handy once, after an export).
OVERRIDES_NAMESPACE = "wxo-specs"
OVERRIDES_KEY = "overrides"

Kind = Literal["model", "policy"]
Severity = Literal["error", "warning"]
Path_ = tuple[str | int, ...]

# `${secret:NAME}` or `${secret:namespace:NAME}`; names as Pulumi config keys allow them.
SECRET_REF = re.compile(r"^\$\{secret:(?:([A-Za-z0-9_.-]+):)?([A-Za-z0-9_.-]+)\}$")
_REF_LIKE = "${secret"
_META_KEYS = ("spec_version", "kind", "app_id")
_POLICY_KINDS = frozenset({"policy", "model_policy"})
_POLICY_BODY = ("strategy", "retry", "cache", "targets")
_SKIPPED_SUFFIX = ".schema.json"  # a JSON Schema next to the specs is not a spec


# --------------------------------------------------------------------------- results


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
        return ": ".join(parts)

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


@dataclass(frozen=True)
class SecretRef:
    """A ``${secret:NAME}`` in ``provider_config``: which field, which stack config key."""

    field: str  # snake_case provider_config field
    key: str  # the config key as written: "openaiKey" or "namespace:openaiKey"

    @property
    def namespace(self) -> str | None:
        return self.key.split(":", 1)[0] if ":" in self.key else None

    @property
    def name(self) -> str:
        return self.key.split(":", 1)[-1]

    @property
    def wants_object(self) -> bool:
        """The field holds an object (``vertex_service_account_json``): read it as JSON."""
        return self.field in _OBJECT_FIELDS

    def placeholder(self) -> Any:
        """A stand-in of the field's type for offline validation."""
        text = f"${{secret:{self.key}}}"
        return {"secret_reference": text} if self.wants_object else text


@dataclass(frozen=True)
class Spec:
    """One validated spec document.

    ``spec`` holds the validated :class:`ModelSpec` / :class:`PolicySpec`; secret fields hold
    their ``${secret:NAME}`` reference text there (never a value), see ``secrets``. ``data`` is
    the document's fields as written (policies flattened: ``policy:`` lifted to the top),
    after stack overrides. ``line`` is the document's first line.
    """

    kind: Kind
    name: str
    resource_name: str
    spec: ModelSpec | PolicySpec
    data: Mapping[str, Any]
    file: str
    line: int
    secrets: tuple[SecretRef, ...] = ()
    lines: Mapping[Path_, int] = field(default_factory=dict, repr=False, compare=False)
    lifted: bool = field(default=False, repr=False)

    def line_of(self, path: str) -> int:
        """The line of ``path`` (a schema failure path) or of its closest existing parent."""
        return _line_for(self.lines, _split_path(path), self.lifted, self.line)

    def target_names(self) -> list[str]:
        """Model names a policy routes to (nested rules included); empty for a model."""
        return self.spec.model_names() if isinstance(self.spec, PolicySpec) else []


@dataclass
class _Doc:
    """One parsed document before validation (internal)."""

    file: str
    line: int
    data: Any
    lines: dict[Path_, int]
    problems: list[Problem] = field(default_factory=list)


_OBJECT_FIELDS = frozenset(
    name
    for name, f in ProviderConfig.model_fields.items()
    if str not in get_args(f.annotation) and "dict" in str(f.annotation)
)


# --------------------------------------------------------------------------- YAML loading


def _loader_base() -> type[yaml.SafeLoader]:
    # libyaml's parser when present: ~10x faster, and validate must stay pre-commit fast.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return base


class _Loader(_loader_base()):  # type: ignore[misc]
    """Safe loader that keeps dates as text.

    YAML 1.1 reads ``azure_api_version: 2024-06-01`` as a date, which no field accepts;
    the user meant the string.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _loader_base().yaml_implicit_resolvers.items()
    }


def _mark_line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _walk_lines(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], dupes: list[tuple[Path_, int, int]]
) -> None:
    """Record the line of every key and list item under ``node``; note duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(key_node.value)
            line = _mark_line(key_node)
            if key in seen:
                dupes.append(((*path, key), line, seen[key]))
            seen[key] = line
            lines[(*path, key)] = line
            _walk_lines(value_node, (*path, key), lines, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = _mark_line(item)
            _walk_lines(item, (*path, i), lines, dupes)


def _dupe_problems(file: str, dupes: list[tuple[Path_, int, int]]) -> list[Problem]:
    return [
        Problem(
            file,
            line,
            _join_path(path),
            f"duplicate key (also on line {first}); YAML would silently keep only the last one",
        )
        for path, line, first in dupes
    ]


def _yaml_error(file: str, err: yaml.YAMLError, what: str) -> Problem:
    # Only the error's own words: its snippet of the file could show a secret.
    mark = getattr(err, "problem_mark", None)
    line = int(mark.line) + 1 if mark is not None else None
    problem = getattr(err, "problem", None) or "cannot be parsed"
    context = getattr(err, "context", None)
    text = f"{problem} ({context})" if context else str(problem)
    return Problem(file, line, "", f"invalid {what}: {text}")


def _expand_lists(file: str, data: Any, lines: dict[Path_, int], line: int) -> Iterator[_Doc]:
    """A document that is a list of specs yields one spec per item."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            sub = {p[1:]: n for p, n in lines.items() if p[:1] == (i,)}
            yield _Doc(file, lines.get((i,), line), item, sub)
    else:
        yield _Doc(file, line, data, lines)


def _parse_yaml(file: str, text: str) -> tuple[list[_Doc], list[Problem]]:
    docs: list[_Doc] = []
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            lines: dict[Path_, int] = {(): _mark_line(node)}
            dupes: list[tuple[Path_, int, int]] = []
            _walk_lines(node, (), lines, dupes)
            problems += _dupe_problems(file, dupes)
            docs += _expand_lists(file, data, lines, _mark_line(node))
    except yaml.YAMLError as err:
        problems.append(_yaml_error(file, err, "YAML"))
    finally:
        loader.dispose()
    return docs, problems


def _parse_json(file: str, text: str) -> tuple[list[_Doc], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [Problem(file, err.lineno, "", f"invalid JSON: {err.msg}")]
    # Values come from json (exact JSON semantics); lines from composing the same text as
    # YAML, which accepts JSON once tabs are spaces (tabs cannot occur inside JSON strings).
    lines: dict[Path_, int] = {(): 1}
    dupes: list[tuple[Path_, int, int]] = []
    loader = _Loader(text.replace("\t", " "))
    try:
        node = loader.get_single_node()
        if node is not None:
            lines[()] = _mark_line(node)
            _walk_lines(node, (), lines, dupes)
    except yaml.YAMLError:
        pass  # lines are best effort; the values are already parsed
    finally:
        loader.dispose()
    return list(_expand_lists(file, data, lines, lines[()])), _dupe_problems(file, dupes)


def _parse_file(file: str) -> tuple[list[_Doc], list[Problem]]:
    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [Problem(file, None, "", "is not UTF-8 text")]
    except OSError as err:
        return [], [Problem(file, None, "", f"cannot be read: {err.strerror or err}")]
    if file.lower().endswith(".json"):
        return _parse_json(file, text)
    return _parse_yaml(file, text)


# --------------------------------------------------------------------------- files


PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _as_list(paths: PathsArg) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _is_spec_name(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.endswith(SPEC_SUFFIXES) and not lowered.endswith(_SKIPPED_SUFFIX) and not name.startswith(".")
    )


def find_spec_files(paths: PathsArg) -> tuple[list[str], list[Problem]]:
    """The spec files named by ``paths``: files, directories (searched recursively for
    ``*.yaml``, ``*.yml``, ``*.json``; hidden entries and ``*.schema.json`` skipped) or globs
    (``specs/**/*.yaml``). Each file once, in sorted order per argument."""
    files: list[str] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    for raw in _as_list(paths):
        found: list[str]
        if glob.has_magic(raw):
            found = sorted(
                f for f in glob.glob(raw, recursive=True) if os.path.isfile(f) and _is_spec_name(f)
            )
            if not found:
                problems.append(Problem(raw, None, "", "no spec files match this pattern"))
        elif os.path.isdir(raw):
            found = []
            for root, dirs, names in os.walk(raw):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, n) for n in sorted(names) if _is_spec_name(n)]
            if not found:
                problems.append(Problem(raw, None, "", "the directory holds no .yaml, .yml or .json files"))
        elif os.path.isfile(raw):
            if raw.lower().endswith(".py"):
                problems.append(
                    Problem(raw, None, "", "Python spec files are not supported; write the spec as YAML")
                )
                continue
            if not raw.lower().endswith(SPEC_SUFFIXES):
                problems.append(Problem(raw, None, "", "not a spec file (.yaml, .yml or .json)"))
                continue
            found = [raw]
        else:
            problems.append(Problem(raw, None, "", "no such file or directory"))
            continue
        files += [f for f in found if f not in seen]
        seen.update(found)
    return files, problems


# --------------------------------------------------------------------------- paths and lines


_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _split_path(path: str) -> Path_:
    """``targets[0].weight`` -> ``("targets", 0, "weight")``; ``targets.0`` works too."""
    out: list[str | int] = []
    for name, index in _PATH_TOKEN.findall(path):
        if index:
            out.append(int(index))
        elif name.isdigit():
            out.append(int(name))
        else:
            out.append(name)
    return tuple(out)


def _join_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _line_for(lines: Mapping[Path_, int], path: Path_, lifted: bool, default: int) -> int:
    if lifted and path and path[0] in _POLICY_BODY:
        path = ("policy", *path)
    while path:
        if path in lines:
            return lines[path]
        # provider_config keys may be written in the API's camelCase: try the alias too.
        if len(path) == 2 and path[0] == "provider_config" and isinstance(path[1], str):
            for (head, key), line in ((p, n) for p, n in lines.items() if len(p) == 2):
                if head == "provider_config" and isinstance(key, str) and to_snake_key(key) == path[1]:
                    return line
        path = path[:-1]
    return lines.get((), default)


# --------------------------------------------------------------------------- names


def resource_name(name: str) -> str:
    """The stable Pulumi resource name of a spec: its name without the ``virtual-model/`` /
    ``virtual-policy/`` prefix, ``/`` and anything unusual turned into ``-``.

    ``virtual-model/openai/gpt-4o`` -> ``openai-gpt-4o``. It depends on the name only, so
    moving a spec between files or reordering files never replaces anything.
    """
    for prefix in (MODEL_PREFIX, POLICY_PREFIX):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "spec"


def secret_config_key(name: str, field_name: str) -> str:
    """The stack config key suggested for a secret field of a model: camelCase of the
    provider and the field (``openai`` + ``api_key`` -> ``openaiApiKey``; a field that starts
    with the provider's name is not repeated: ``watsonx_cpd_password`` -> ``watsonxCpdPassword``).
    """
    provider = provider_of(name) or "model"
    words = re.split(r"[^A-Za-z0-9]+", provider) + [
        w for w in field_name.split("_") if w and w not in re.split(r"[^A-Za-z0-9]+", provider)
    ]
    words = [w for w in words if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _normal_name(kind: Kind, raw: Any) -> str | None:
    """The API name of a document's ``name`` (prefix added), or None when it is unusable."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if kind == "policy":
        return text if text.startswith(POLICY_PREFIX) else POLICY_PREFIX + text
    try:
        return normalize_model_name(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- documents -> specs


def _kind_of(doc: Mapping[str, Any]) -> Kind | None:
    kind = doc.get("kind")
    if isinstance(kind, str) and kind in _POLICY_KINDS:
        return "policy"
    if kind not in (None, "model"):
        return None
    name = doc.get("name")
    if "policy" in doc or (isinstance(name, str) and name.strip().startswith(POLICY_PREFIX)):
        return "policy"
    if kind is None and any(k in doc for k in ("strategy", "targets")):
        return "policy"
    return "model"


def _deep_merge(base: Any, patch: Any) -> Any:
    """``patch`` over ``base``: mappings merge key by key, ``None`` removes a key, anything
    else (lists included) replaces."""
    if not isinstance(base, Mapping) or not isinstance(patch, Mapping):
        return patch
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _deep_merge(out.get(key), value)
    return out


def _leaf_paths(value: Any, path: Path_ = ()) -> list[Path_]:
    if isinstance(value, Mapping) and value:
        return [p for k, v in value.items() for p in _leaf_paths(v, (*path, str(k)))]
    return [path]


def _flatten_policy(data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """ADK form (``policy: {strategy, targets, ...}``) -> flat PolicySpec fields."""
    inner = data.get("policy")
    if not isinstance(inner, Mapping):
        return data, False
    flat = {k: v for k, v in data.items() if k != "policy"}
    for key, value in inner.items():
        flat[str(key)] = value
    return flat, True


@dataclass
class _Built:
    """A document taken apart: where it came from, what it declares, what is wrong with it."""

    doc: _Doc
    kind: Kind | None
    name: str | None
    props: dict[str, Any]
    lifted: bool
    problems: list[Problem]
    refs: list[SecretRef] = field(default_factory=list)
    override_paths: list[Path_] = field(default_factory=list)
    override_source: str | None = None


def _take_apart(doc: _Doc) -> _Built:
    """Shape rules of a document; its meta keys removed and policies flattened."""
    f, line = doc.file, doc.line
    data = doc.data
    problems = list(doc.problems)
    if not isinstance(data, Mapping):
        problems.append(
            Problem(f, line, "", f"a spec must be a mapping of fields, not {type(data).__name__}")
        )
        return _Built(doc, None, None, {}, False, problems)
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
    kind = _kind_of(data)
    if kind is None:
        problems.append(
            Problem(
                f,
                doc.lines.get(("kind",), line),
                "kind",
                f"'{data.get('kind')}' is not a model spec (kind: model, or policy / model_policy)",
            )
        )
        return _Built(doc, None, None, {}, False, problems)
    if "app_id" in data:
        # ADK exports name the connection *app* (contract §4.5); resolving it needs the
        # connections service, which the provider does not speak. connection_id is explicit.
        problems.append(
            Problem(
                f,
                doc.lines.get(("app_id",), line),
                "app_id",
                "is not used by pulumi-wxo (an ADK export names the connection app here); "
                "set connection_id to the connection's id instead "
                "(`orchestrate connections list` shows it)",
                "warning",
            )
        )
    props = {k: v for k, v in data.items() if k not in _META_KEYS}
    problems += _adk_export_fields(doc, props)
    lifted = False
    if kind == "policy":
        if "policy" in props and not isinstance(props["policy"], Mapping):
            problems.append(
                Problem(
                    f, doc.lines.get(("policy",), line), "policy", "must be a mapping (strategy, targets)"
                )
            )
            props.pop("policy")
        both = [k for k in _POLICY_BODY if k in props]
        if "policy" in props and both:
            problems.append(
                Problem(
                    f,
                    doc.lines.get((both[0],), line),
                    both[0],
                    "belongs under policy: (the ADK form) or at the top, not both",
                )
            )
        props, lifted = _flatten_policy(props)
    return _Built(doc, kind, _normal_name(kind, props.get("name")), props, lifted, problems)


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
)


def _adk_export_fields(doc: _Doc, props: dict[str, Any]) -> list[Problem]:
    """Make an ``orchestrate models export`` file acceptable (in place); warnings for what is dropped.

    * ``provider`` (top level and in provider_config) is derived from the name, as the ADK
      does (§4.1): dropped silently when it agrees, with a warning when it does not.
    * server-set fields (``id``, timestamps, tenant) are dropped with a warning.
    * ``provider_config.server_cert_file`` (ADK 2.19) is read into ``server_cert``; a relative
      path is taken from the spec file's directory, so the result does not depend on where
      ``pulumi`` runs.
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
                    _join_path(path),
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
    if pc is not None and "server_cert_file" in pc:
        path: Path_ = ("provider_config", "server_cert_file")
        raw = pc.pop("server_cert_file")
        cert = Path(str(raw))
        if not cert.is_absolute():
            cert = Path(doc.file).parent / cert
        try:
            pc["server_cert"] = cert.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            problems.append(
                Problem(
                    doc.file, doc.lines.get(path, doc.line), _join_path(path), f"cannot read {cert}: {err}"
                )
            )
    if pc is not None:
        props["provider_config"] = pc
    return problems


def _override_label(source: str, key: str) -> str:
    return f'{source}["{key}"]'


def _apply_overrides(built: list[_Built], overrides: Mapping[str, Any] | None, source: str) -> list[Problem]:
    """Merge per-stack overrides into the matching documents; problems for bad entries."""
    if not overrides:
        return []
    problems: list[Problem] = []
    by_key: dict[str, _Built] = {}
    for b in built:
        if b.name is not None:
            by_key.setdefault(b.name, b)
            short = b.name.split("/", 1)[1]
            by_key.setdefault(short, b)
            by_key.setdefault(resource_name(b.name), b)
    for key, given in overrides.items():
        label = _override_label(source, str(key))
        target = by_key.get(str(key))
        if target is None:
            hint = did_you_mean(str(key), [b.name for b in built if b.name]) or (
                "; keys are spec names such as virtual-model/openai/gpt-4o"
            )
            problems.append(Problem(label, None, "", f"names no spec in the given files{hint}"))
            continue
        if not isinstance(given, Mapping):
            problems.append(Problem(label, None, "", "must be a mapping of spec fields"))
            continue
        patch = {str(k): v for k, v in given.items()}
        bad = [k for k in ("name", *_META_KEYS) if k in patch]
        if bad:
            problems += [
                Problem(label, None, k, "cannot be overridden (it identifies the spec)") for k in bad
            ]
            patch = {k: v for k, v in patch.items() if k not in bad}
        if target.kind == "policy":
            patch, _ = _flatten_policy(patch)
        target.props = _deep_merge(target.props, patch)
        target.override_paths += _leaf_paths(patch)
        target.override_source = label
    return problems


def _from_override(b: _Built, path: Path_) -> bool:
    return any(path[: len(p)] == p or p[: len(path)] == path for p in b.override_paths if p)


def _where(b: _Built, path: Path_) -> tuple[str, int | None]:
    """File and line a problem at ``path`` is reported against (overrides have no line)."""
    if b.override_source and _from_override(b, path):
        return b.override_source, None
    return b.doc.file, _line_for(b.doc.lines, path, b.lifted, b.doc.line)


def _secret_rules(b: _Built) -> None:
    """Secret literals are errors; ``${secret:NAME}`` references become typed placeholders."""

    def scan(value: Any, path: Path_) -> None:
        # A reference outside provider_config would be sent as text: refuse it.
        if isinstance(value, str) and value.startswith(_REF_LIKE):
            file, line = _where(b, path)
            b.problems.append(
                Problem(
                    file, line, _join_path(path), "secret references are resolved in provider_config only"
                )
            )
        elif isinstance(value, Mapping):
            for k, v in value.items():
                scan(v, (*path, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                scan(v, (*path, i))

    for key, value in b.props.items():
        if key != "provider_config":
            scan(value, (key,))
    pc = b.props.get("provider_config")
    if not isinstance(pc, Mapping):
        return
    out: dict[str, Any] = {}
    for raw_key, value in pc.items():
        key = str(raw_key)
        snake = to_snake_key(key)
        path: Path_ = ("provider_config", snake)
        ref = SECRET_REF.match(value) if isinstance(value, str) else None
        if ref:
            sref = SecretRef(snake, f"{ref.group(1)}:{ref.group(2)}" if ref.group(1) else ref.group(2))
            b.refs.append(sref)
            out[key] = sref.placeholder()
            continue
        # A refused value is replaced by a stand-in, so the schema's "is required" does not
        # report the same field a second time.
        if isinstance(value, str) and value.startswith(_REF_LIKE):
            file, line = _where(b, path)
            b.problems.append(
                Problem(file, line, _join_path(path), "malformed secret reference; write ${secret:NAME}")
            )
            out[key] = SecretRef(snake, "invalid").placeholder()
            continue
        if value is not None and (is_secret_key(key) or snake in SECRET_FIELDS):
            file, line = _where(b, path)
            suggestion = secret_config_key(b.name or "model", snake)
            # The value itself is never repeated: it is a credential.
            b.problems.append(
                Problem(
                    file,
                    line,
                    _join_path(path),
                    f"secret values must not be written in spec files; write "
                    f"${{secret:{suggestion}}} and run `pulumi config set --secret {suggestion} <value>`, "
                    "or bind a connection with connection_id",
                )
            )
            out[key] = SecretRef(snake, suggestion).placeholder()
            continue
        out[key] = value
    b.props["provider_config"] = out


def _validate(b: _Built) -> Spec | None:
    """Schema rules (the provider's own) with failures placed at file and line."""
    assert b.kind is not None
    spec: ModelSpec | PolicySpec | None
    fails: list[Failure]
    if b.kind == "model":
        spec, fails = validate_model(b.props)
    else:
        spec, fails = validate_policy(b.props)
    for f in fails:
        file, line = _where(b, _split_path(f.path))
        b.problems.append(Problem(file, line, f.path, f.reason))
    if spec is None or any(p.is_error for p in b.problems):
        return None
    return Spec(
        kind=b.kind,
        name=spec.name,
        resource_name=resource_name(spec.name),
        spec=spec,
        data=b.props,
        file=b.doc.file,
        line=b.doc.line,
        secrets=tuple(b.refs),
        lines=b.doc.lines,
        lifted=b.lifted,
    )


def _at(b: _Built) -> str:
    return f"{b.doc.file}:{b.doc.lines.get(('name',), b.doc.line)}"


def _set_rules(built: list[_Built], specs: list[Spec]) -> list[Problem]:
    """Rules across documents: duplicates, resource-name collisions, undeclared targets."""
    problems: list[Problem] = []
    first: dict[str, _Built] = {}
    by_resource: dict[tuple[Kind, str], _Built] = {}
    for b in built:
        if b.name is None or b.kind is None:
            continue
        here = (b.doc.file, b.doc.lines.get(("name",), b.doc.line))
        if b.name in first:
            other = first[b.name]
            problems.append(
                Problem(
                    *here,
                    "name",
                    f"'{b.name}' is declared twice (also in {_at(other)}); keep one of them",
                )
            )
            continue
        first[b.name] = b
        rkey = (b.kind, resource_name(b.name))
        if rkey in by_resource:
            other = by_resource[rkey]
            problems.append(
                Problem(
                    *here,
                    "name",
                    f"'{b.name}' and '{other.name}' ({_at(other)}) both get the "
                    f"resource name '{rkey[1]}'; rename one of them",
                )
            )
        by_resource[rkey] = b
    declared = {s.name for s in specs if s.kind == "model"} | {
        b.name for b in built if b.kind == "model" and b.name
    }
    for s in specs:
        if not isinstance(s.spec, PolicySpec):
            continue
        for path, target in _target_paths(s.spec):
            if target not in declared:
                problems.append(
                    Problem(
                        s.file,
                        s.line_of(path),
                        path,
                        f"'{target}' is not declared here; make sure it exists on the server",
                        "warning",
                    )
                )
    return problems


def _target_paths(spec: PolicySpec) -> list[tuple[str, str]]:
    """(path, model name) of every target, nested rules included."""
    out: list[tuple[str, str]] = []

    def walk(node: PolicyNode, prefix: str) -> None:
        for i, t in enumerate(node.targets):
            if isinstance(t, PolicyTarget):
                out.append((f"{prefix}targets[{i}].model_name", t.model_name))
            else:
                walk(t, f"{prefix}targets[{i}].")

    walk(spec.root(), "")
    return out


def read_specs(
    paths: PathsArg,
    *,
    overrides: Mapping[str, Any] | None = None,
    override_source: str = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}",
) -> tuple[list[Spec], list[Problem]]:
    """Read and check every spec named by ``paths``; never raises for a problem in the files.

    Returns the valid specs and every problem found (errors and warnings), in file order.
    ``overrides`` (spec name -> partial spec) are merged into the documents before the
    checks; their problems are reported against ``override_source``.
    """
    files, problems = find_spec_files(paths)
    built: list[_Built] = []
    for file in files:
        docs, parse_problems = _parse_file(file)
        problems += parse_problems
        built += [_take_apart(d) for d in docs if d.data is not None]
    problems += _apply_overrides(built, overrides, override_source)
    specs: list[Spec] = []
    for b in built:
        if b.kind is not None:
            _secret_rules(b)
            spec = _validate(b)
            if spec is not None:
                specs.append(spec)
        problems += b.problems
    problems += _set_rules(built, specs)
    if not files and not problems:
        problems.append(Problem(", ".join(_as_list(paths)) or "(no paths)", None, "", "no spec files given"))
    problems.sort(key=lambda p: (p.file, p.line or 0))
    return specs, problems


def load_specs(paths: PathsArg, *, overrides: Mapping[str, Any] | None = None) -> list[Spec]:
    """The specs in ``paths`` (files, directories or globs), or :class:`SpecError` listing
    every error. Warnings are logged (``pulumi_wxo`` logger)."""
    specs, problems = read_specs(paths, overrides=overrides)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise SpecError(errors)
    for warning in problems:
        logger.warning("%s", warning)
    return specs


# --------------------------------------------------------------------------- declare


_run_error_class: type[SpecError] | None = None


def _as_run_error(err: SpecError) -> SpecError:
    """The same error, also a ``pulumi.RunError``: the engine then prints the problems without
    a Python traceback (``pulumi/runtime/stack.py`` treats RunError as a clean failure)."""
    global _run_error_class  # noqa: PLW0603 - one lazily built class per process
    if _run_error_class is None:
        import pulumi

        _run_error_class = type("SpecRunError", (SpecError, pulumi.RunError), {})
    return _run_error_class(err.problems)


def _stack_overrides() -> tuple[Mapping[str, Any] | None, bool | None]:
    import pulumi

    cfg = pulumi.Config(OVERRIDES_NAMESPACE)
    raw = cfg.get_object(OVERRIDES_KEY)
    overrides = raw if isinstance(raw, Mapping) else None
    if raw is not None and overrides is None:
        raise SpecError(
            [
                Problem(
                    f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}",
                    None,
                    "",
                    "must be an object keyed by spec name (set it with `pulumi config set --path`)",
                )
            ]
        )
    return overrides, cfg.get_bool("adopt")


def _resolve_secret(
    ref: SecretRef, given: Mapping[str, Any] | None
) -> tuple[pulumi.Output[Any] | None, str | None]:
    """The secret's Output, or None and the config key that is missing."""
    import pulumi

    if given is not None and ref.key in given:
        return pulumi.Output.secret(given[ref.key]), None
    cfg = pulumi.Config(ref.namespace) if ref.namespace else pulumi.Config()
    value = cfg.get_secret_object(ref.name) if ref.wants_object else cfg.get_secret(ref.name)
    if value is None:
        return None, cfg.full_key(ref.name)
    return value, None


def declare(
    paths: PathsArg,
    *,
    opts: pulumi.ResourceOptions | None = None,
    overrides: Mapping[str, Any] | None = None,
    secrets: Mapping[str, Any] | None = None,
    adopt: bool | None = None,
) -> dict[str, Any]:
    """Declare a Model / ModelPolicy for every spec in ``paths``; returns name -> resource.

    * Resource names are stable: :func:`resource_name` of the spec's name
      (``virtual-model/openai/gpt-4o`` -> ``openai-gpt-4o``); the dict is keyed by the API
      name (``virtual-model/openai/gpt-4o``, ``virtual-policy/anygem``).
    * ``${secret:NAME}`` is read with ``pulumi.Config().get_secret(NAME)`` (``NAME`` may carry
      a namespace: ``${secret:team:openaiKey}``); ``secrets`` (config key -> value) is looked
      up first. A missing key is an error naming the file, line and field.
    * Overrides: ``overrides`` (spec name -> partial spec), then the stack's
      ``wxo-specs:overrides`` object, are merged over the files (docs/specs.md).
    * A policy target naming a model declared here is wired to that Model resource, so the
      engine creates models before the policy and deletes the policy first.
    * ``adopt`` (default: stack config ``wxo-specs:adopt``, else False) takes over existing
      objects of the same name instead of refusing them.

    Raises :class:`SpecError` (also a ``pulumi.RunError``) listing every problem; nothing is
    registered with the engine then.
    """
    import pulumi

    from pulumi_wxo._resource import Model, ModelPolicy

    stack_overrides, stack_adopt = _stack_overrides()
    merged: dict[str, Any] = dict(overrides or {})
    source = "overrides"
    if stack_overrides:
        for key, patch in stack_overrides.items():
            merged[key] = _deep_merge(merged.get(key), patch) if key in merged else patch
        source = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}"
    specs, problems = read_specs(paths, overrides=merged or None, override_source=source)
    resolved: dict[tuple[str, str], Any] = {}
    for s in specs:
        for ref in s.secrets:
            value, missing = _resolve_secret(ref, secrets)
            if missing is not None:
                path = f"provider_config.{ref.field}"
                problems.append(
                    Problem(
                        s.file,
                        s.line_of(path),
                        path,
                        f"stack config '{missing}' is not set; run "
                        f"`pulumi config set --secret {ref.key} <value>`",
                    )
                )
            resolved[(s.name, ref.field)] = value
    errors = [p for p in problems if p.is_error]
    if errors:
        raise _as_run_error(SpecError(errors))
    for warning in problems:
        pulumi.log.warn(str(warning))
    take_over = bool(adopt if adopt is not None else stack_adopt)

    out: dict[str, Any] = {}
    models: dict[str, Any] = {}
    for s in specs:
        if isinstance(s.spec, ModelSpec):
            m = s.spec
            pc: dict[str, Any] | None = None
            if m.provider_config is not None:
                pc = m.provider_config.model_dump(exclude_none=True, by_alias=False)
                for ref in s.secrets:
                    pc[ref.field] = resolved[(s.name, ref.field)]
            model = Model(
                s.resource_name,
                name=m.name,
                display_name=m.display_name,
                description=m.description,
                tags=list(m.tags) if m.tags is not None else None,
                model_type=m.model_type,
                connection_id=m.connection_id,
                provider_config=pc,
                config=m.config.model_dump(exclude_none=True) if m.config is not None else None,
                adopt=take_over,
                opts=opts,
            )
            models[s.name] = model
            out[s.name] = model
    for s in specs:
        if isinstance(s.spec, PolicySpec):
            pol = s.spec
            root = pol.root()
            out[s.name] = ModelPolicy(
                s.resource_name,
                name=pol.name,
                display_name=pol.display_name,
                description=pol.description,
                strategy=root.strategy.model_dump(exclude_none=True),
                targets=[_wired(t, models) for t in root.targets],
                retry=root.retry.model_dump(exclude_none=True) if root.retry is not None else None,
                cache=root.cache,
                adopt=take_over,
                opts=opts,
            )
    return out


def _wired(target: PolicyTarget | PolicyNode, models: Mapping[str, Any]) -> dict[str, Any]:
    """A validated target as ModelPolicy input; a model declared here is passed as the resource."""
    if isinstance(target, PolicyTarget):
        model = models.get(target.model_name)
        item: dict[str, Any] = {"model": model} if model is not None else {"model_name": target.model_name}
        if target.weight is not None:
            item["weight"] = target.weight
        return item
    node: dict[str, Any] = {
        "strategy": target.strategy.model_dump(exclude_none=True),
        "targets": [_wired(t, models) for t in target.targets],
    }
    if target.retry is not None:
        node["retry"] = target.retry.model_dump(exclude_none=True)
    if target.cache is not None:
        node["cache"] = target.cache
    return node


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportedSpec:
    """A server object as a spec document; ``secrets`` are (field, config key) placeholders
    written instead of values; ``notes`` tell the user what to check."""

    kind: Kind
    name: str
    resource_name: str
    document: dict[str, Any]
    secrets: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{'policy-' if self.kind == 'policy' else ''}{self.resource_name}.yaml"


def export_model(obj: Mapping[str, Any]) -> ExportedSpec:
    """A ``GET /models`` object as an ADK-compatible spec document (contract §5).

    provider_config comes out snake_case (``normalize_model``). Secret values are **never**
    written, even when the server echoes them: each secret field the server shows, and each
    one the schema requires when no connection is bound, becomes ``${secret:KEY}``.
    ``connection_id`` is kept (the ADK writes ``app_id`` instead; see docs/specs.md).
    """
    norm = normalize_model(obj)
    name = norm["name"]
    plain: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    for key, value in norm["provider_config"].items():
        snake = to_snake_key(key)
        # Any spelling of a credential field counts (``apiKey`` is no API alias, yet a server
        # could answer with it): a value that might be a secret is never written to a file.
        loose = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()
        if is_secret_key(key) or snake in SECRET_FIELDS or loose in SECRET_FIELDS:
            snake = loose if loose in SECRET_FIELDS else snake
            secrets[snake] = secret_config_key(name, snake)
        else:
            plain[snake] = value
    doc: dict[str, Any] = {"spec_version": SPEC_VERSION, "kind": "model", "name": name}
    if norm["display_name"] != name:
        doc["display_name"] = norm["display_name"]
    if norm["description"] != name:
        doc["description"] = norm["description"]
    if norm["tags"]:
        doc["tags"] = list(norm["tags"])
    doc["model_type"] = norm["model_type"]
    if norm["connection_id"]:
        doc["connection_id"] = norm["connection_id"]

    def check() -> list[Failure]:
        pc = {**plain, **{k: SecretRef(k, key).placeholder() for k, key in secrets.items()}}
        fields_ = {k: v for k, v in doc.items() if k not in _META_KEYS}
        _, fails = validate_model(
            {**fields_, "provider_config": pc or None, "config": norm["config"] or None}
        )
        return fails

    # Secrets the server did not show but the schema requires (no connection bound): ask for
    # them too, so the spec validates and `pulumi up` sends them.
    for f in check():
        head, _, key = f.path.partition(".")
        if head == "provider_config" and key in SECRET_FIELDS and key not in secrets:
            secrets[key] = secret_config_key(name, key)
    pc_out = {**plain, **{k: f"${{secret:{key}}}" for k, key in secrets.items()}}
    if pc_out:
        doc["provider_config"] = dict(sorted(pc_out.items()))
    if norm["config"]:
        doc["config"] = norm["config"]
    notes = tuple(f"{name}: {f}" for f in check())
    return ExportedSpec("model", name, resource_name(name), doc, tuple(sorted(secrets.items())), notes)


def export_policy(obj: Mapping[str, Any]) -> ExportedSpec:
    """A ``GET /model_policy`` object as a spec document in the ADK's form (``policy:``)."""
    norm = normalize_policy(obj)
    name = norm["name"]
    doc: dict[str, Any] = {"spec_version": SPEC_VERSION, "kind": "model", "name": name}
    if norm["display_name"] != name:
        doc["display_name"] = norm["display_name"]
    if norm["description"] != name:
        doc["description"] = norm["description"]
    inner = {k: norm[k] for k in _POLICY_BODY if norm.get(k) is not None}
    doc["policy"] = inner
    _, fails = validate_policy(
        {k: v for k, v in doc.items() if k not in _META_KEYS and k != "policy"} | inner
    )
    notes = tuple(f"{name}: {f}" for f in fails)
    return ExportedSpec("policy", name, resource_name(name), doc, (), notes)


class _SpecDumper(yaml.SafeDumper):
    """Block style, multi-line strings as ``|`` blocks (descriptions stay readable)."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_SpecDumper.add_representer(str, _str_presenter)


def dump_yaml(document: Mapping[str, Any], *, header: str | None = None) -> str:
    """One spec document as YAML, keys in the order given; ``header`` becomes comment lines."""
    text = yaml.dump(
        dict(document),
        Dumper=_SpecDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    return text


class _Code(str):
    """Python source to be written as is (not as a string literal)."""

    __slots__ = ()


def _py(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, _Code):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{pad}    {json.dumps(str(k))}: {_py(v, indent + 4)}," for k, v in value.items()]
        one_line = "{" + ", ".join(i.strip().rstrip(",") for i in items) + "}"
        if len(one_line) + indent < 90 and "\n" not in one_line:
            return one_line
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{pad}    {_py(v, indent + 4)}," for v in value]
        one_line = "[" + ", ".join(i.strip().rstrip(",") for i in items) + "]"
        if len(one_line) + indent < 90 and "\n" not in one_line:
            return one_line
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _identifier(name: str, taken: set[str]) -> str:
    ident = re.sub(r"\W+", "_", name).strip("_").lower() or "spec"
    if ident[0].isdigit() or keyword.iskeyword(ident) or ident in {"pulumi", "wxo", "cfg"}:
        ident = f"m_{ident}"
    base, n = ident, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


def python_program(exported: Sequence[ExportedSpec], *, source: str = "") -> str:
    """A Pulumi Python program declaring every exported object with ``adopt=True``.

    Secrets are read from stack config (``cfg.require_secret(KEY)``); a policy's targets that
    were exported too are passed as the Model resources.
    """
    taken: set[str] = set()
    lines = [
        f'"""Exported by `pulumi-wxo export`{f" from {source}" if source else ""}.',
        "",
        "Every resource adopts the existing object of the same name (adopt=True): the first",
        "`pulumi up` takes it over instead of creating a duplicate. Set the secrets first:",
    ]
    keys = sorted({key for e in exported for _, key in e.secrets})
    lines += [f"    pulumi config set --secret {k} <value>" for k in keys] or ["    (none needed)"]
    lines += ['"""', "", "import pulumi", "", "import pulumi_wxo as wxo", "", "cfg = pulumi.Config()", ""]
    variables: dict[str, str] = {}
    for e in [x for x in exported if x.kind == "model"]:
        var = _identifier(e.resource_name, taken)
        variables[e.name] = var
        doc = dict(e.document)
        secret_fields = dict(e.secrets)
        kwargs: dict[str, Any] = {k: v for k, v in doc.items() if k not in _META_KEYS}
        if "provider_config" in kwargs:
            kwargs["provider_config"] = {
                k: (_Code(f"cfg.require_secret({json.dumps(secret_fields[k])})") if k in secret_fields else v)
                for k, v in kwargs["provider_config"].items()
            }
        kwargs["adopt"] = True
        lines.append(f"{var} = wxo.Model(")
        lines.append(f"    {json.dumps(e.resource_name)},")
        lines += [f"    {k}={_py(v, 4)}," for k, v in kwargs.items()]
        lines += [")", ""]
    for e in [x for x in exported if x.kind == "policy"]:
        var = _identifier(e.resource_name, taken)
        body = dict(e.document.get("policy") or {})
        kwargs = {k: v for k, v in e.document.items() if k not in (*_META_KEYS, "policy")}
        kwargs["strategy"] = body.get("strategy")
        kwargs["targets"] = [_py_target(t, variables) for t in body.get("targets") or []]
        for k in ("retry", "cache"):
            if body.get(k) is not None:
                kwargs[k] = body[k]
        kwargs["adopt"] = True
        lines.append(f"{var} = wxo.ModelPolicy(")
        lines.append(f"    {json.dumps(e.resource_name)},")
        lines += [f"    {k}={_py(v, 4)}," for k, v in kwargs.items()]
        lines += [")", ""]
    names = {e.name: variables.get(e.name) for e in exported if e.kind == "model"}
    if names:
        ids = {n: _Code(f"{v}.model_id") for n, v in names.items() if v}
        lines.append(f'pulumi.export("model_ids", {_py(ids, 0)})')
    return "\n".join(lines).rstrip() + "\n"


def _py_target(target: Any, variables: Mapping[str, str]) -> Any:
    if not isinstance(target, Mapping):
        return target
    if "model_name" in target:
        var = variables.get(str(target["model_name"]))
        item: dict[str, Any] = {"model": _Code(var)} if var else {"model_name": target["model_name"]}
        if target.get("weight") is not None:
            item["weight"] = target["weight"]
        return item
    out = dict(target)
    out["targets"] = [_py_target(t, variables) for t in target.get("targets") or []]
    return out


# --------------------------------------------------------------------------- JSON Schema


_SECRET_PATTERN = r"^\$\{secret:([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+\}$"


def _meta_properties() -> dict[str, Any]:
    return {
        "spec_version": {"const": SPEC_VERSION, "description": "Spec format version (the ADK's v1)."},
        "kind": {
            "enum": ["model", "policy", "model_policy"],
            "description": "`model` (the ADK writes it for policies too), `policy` or `model_policy`.",
        },
        "app_id": {
            "type": "string",
            "description": "Written by ADK exports; not used by pulumi-wxo (set connection_id).",
            "deprecated": True,
        },
    }


def _secret_fields_in_schema(pc_schema: dict[str, Any]) -> None:
    """Secret fields accept only ``${secret:NAME}`` (an editor then flags a pasted key)."""
    for name, prop in pc_schema.get("properties", {}).items():
        if prop.get("secret") or name in SECRET_FIELDS:
            pc_schema["properties"][name] = {
                "type": "string",
                "pattern": _SECRET_PATTERN,
                "secret": True,
                "description": (prop.get("description", "") + " " if prop.get("description") else "")
                + "Secret: write ${secret:NAME} and set NAME with `pulumi config set --secret`.",
                "markdownDescription": "**Secret.** Write `${secret:NAME}`; set it with "
                "`pulumi config set --secret NAME <value>`.",
            }


def _strategy_shorthand(schema: dict[str, Any]) -> None:
    for node in ("PolicySpec", "PolicyNode"):
        target = schema if node == "PolicySpec" else schema["$defs"].get(node)
        if target and "strategy" in target.get("properties", {}):
            target["properties"]["strategy"] = {
                "anyOf": [
                    {"$ref": "#/$defs/PolicyStrategy"},
                    {"enum": ["loadbalance", "fallback", "single"], "description": "Just the mode."},
                ]
            }


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a spec document: a model, or a policy in the ADK's form
    (``policy: {strategy, targets, ...}``) or flat. Built from the pydantic models, with
    ``secret: true`` marks; secret fields only accept ``${secret:NAME}``."""
    model = ModelSpec.model_json_schema(by_alias=False)
    policy = PolicySpec.model_json_schema(by_alias=False)
    defs: dict[str, Any] = {**model.pop("$defs", {}), **policy.pop("$defs", {})}
    _secret_fields_in_schema(defs["ProviderConfig"])
    policy_flat = dict(policy)
    policy_flat_defs = {"$defs": defs}
    _strategy_shorthand({**policy_flat, **policy_flat_defs})
    meta = _meta_properties()
    required_meta = ["spec_version"]

    model_file = {
        **model,
        "title": "Model spec",
        "properties": {**meta, **model["properties"]},
        "required": required_meta + model.get("required", []),
    }
    body_props = {k: policy_flat["properties"][k] for k in _POLICY_BODY if k in policy_flat["properties"]}
    head_props = {k: v for k, v in policy_flat["properties"].items() if k not in _POLICY_BODY}
    policy_body = {
        "type": "object",
        "additionalProperties": False,
        "description": "The routing rule (the API's `policy` object).",
        "properties": body_props,
        "required": ["strategy", "targets"],
    }
    policy_file = {
        "type": "object",
        "title": "Model policy spec",
        "description": policy_flat.get("description", ""),
        "additionalProperties": False,
        "properties": {**meta, **head_props, "policy": policy_body, **body_props},
        "required": [*required_meta, "name"],
        "oneOf": [{"required": ["policy"]}, {"required": ["strategy", "targets"]}],
    }
    defs["ModelSpecFile"] = model_file
    defs["PolicySpecFile"] = policy_file
    is_policy = {
        "anyOf": [
            {"required": ["policy"]},
            {"required": ["strategy"]},
            {"required": ["kind"], "properties": {"kind": {"enum": ["policy", "model_policy"]}}},
            {"required": ["name"], "properties": {"name": {"pattern": "^virtual-policy/"}}},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/pulumi-wxo/pulumi-wxo/spec.schema.json",
        "title": "pulumi-wxo spec (watsonx Orchestrate model or model policy, spec_version v1)",
        "description": "One document per model or policy; several documents per YAML file. "
        "See docs/specs.md.",
        "type": "object",
        "if": is_policy,
        "then": {"$ref": "#/$defs/PolicySpecFile"},
        "else": {"$ref": "#/$defs/ModelSpecFile"},
        "$defs": defs,
    }

"""Per-stack overrides (spec name -> partial spec) merged over the documents, and where a
problem is reported: against the override that set the field, or the file and line; and the
overrides read from a file (``pulumi-wxo validate --overrides``), as untrusted as a spec."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo.schema import did_you_mean
from pulumi_wxo.specs.document import Built, flatten_policy
from pulumi_wxo.specs.names import resource_name
from pulumi_wxo.specs.namespaces import parse_allowed
from pulumi_wxo.specs.parse import load_yaml_value, read_text
from pulumi_wxo.specs.paths import line_for
from pulumi_wxo.specs.results import Problem
from pulumi_wxo.specs.syntax import (
    META_KEYS,
    OVERRIDES_KEY,
    OVERRIDES_NAMESPACE,
    SECRET_NAMESPACES_KEY,
    Path_,
)


def deep_merge(base: Any, patch: Any) -> Any:
    """``patch`` over ``base``: mappings merge key by key, ``None`` removes a key, anything
    else (lists included) replaces."""
    if not isinstance(base, Mapping) or not isinstance(patch, Mapping):
        return patch
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = deep_merge(out.get(key), value)
    return out


def _leaf_paths(value: Any, path: Path_ = ()) -> list[Path_]:
    if isinstance(value, Mapping) and value:
        return [p for k, v in value.items() for p in _leaf_paths(v, (*path, str(k)))]
    return [path]


def _override_label(source: str, key: str) -> str:
    return f'{source}["{key}"]'


def apply_overrides(built: list[Built], overrides: Mapping[str, Any] | None, source: str) -> list[Problem]:
    """Merge per-stack overrides into the matching documents; problems for bad entries."""
    if not overrides:
        return []
    problems: list[Problem] = []
    full: dict[str, Built] = {}
    # A short name or a resource name may fit a model and a policy at once
    # (`openai-gpt-4o`: the model virtual-model/openai/gpt-4o, the policy
    # virtual-policy/openai-gpt-4o): such a key is refused, never applied to one of them.
    by_key: dict[str, list[Built]] = {}
    for b in built:
        if b.name is not None:
            full.setdefault(b.name, b)
            if b.kind == "connection":
                continue  # named by its app_id alone
            for alias in dict.fromkeys((b.name.split("/", 1)[1], resource_name(b.name))):
                fits = by_key.setdefault(alias, [])
                if all(other.name != b.name for other in fits):
                    fits.append(b)
    for key, given in overrides.items():
        label = _override_label(source, str(key))
        fits = [full[str(key)]] if str(key) in full else by_key.get(str(key), [])
        if len(fits) > 1:
            named = " and ".join(
                f"'{b.name}' ({b.doc.file}:{b.doc.lines.get(('name',), b.doc.line)})" for b in fits
            )
            problems.append(
                Problem(
                    label,
                    None,
                    "",
                    f"names {named}; write the full name of the one you mean (nothing is overridden)",
                )
            )
            continue
        target = fits[0] if fits else None
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
        bad = [k for k in ("name", *META_KEYS) if k in patch]
        if bad:
            problems += [
                Problem(label, None, k, "cannot be overridden (it identifies the spec)") for k in bad
            ]
            patch = {k: v for k, v in patch.items() if k not in bad}
        if target.kind == "policy":
            patch, _ = flatten_policy(patch)
        target.props = deep_merge(target.props, patch)
        target.override_paths += _leaf_paths(patch)
        target.override_source = label
    return problems


def _from_override(b: Built, path: Path_) -> bool:
    return any(path[: len(p)] == p or p[: len(path)] == path for p in b.override_paths if p)


def where(b: Built, path: Path_) -> tuple[str, int | None]:
    """File and line a problem at ``path`` is reported against (overrides have no line)."""
    if b.override_source and _from_override(b, path):
        return b.override_source, None
    return b.doc.file, line_for(b.doc.lines, path, b.lifted, b.doc.line)


@dataclass(frozen=True)
class StackFile:
    """What ``pulumi-wxo validate`` reads from a ``Pulumi.<stack>.yaml``: the stack's
    ``wxo-specs:overrides``, its ``wxo-specs:secretNamespaces``, and the problems found."""

    overrides: Mapping[str, Any]
    secret_namespaces: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)


def read_stack_file(file: str) -> StackFile | Problem:
    """``wxo-specs:overrides`` and ``wxo-specs:secretNamespaces`` from a ``Pulumi.<stack>.yaml``
    (only those keys are read), or the overrides from a plain YAML mapping of spec name ->
    fields, within the limits of a spec file.

    Returns one Problem without a line when the file cannot be read at all (missing, a FIFO,
    ...); problems in the file have its ``file:line``.
    """
    text = read_text(file, "the limit for an overrides file")
    if isinstance(text, Problem):
        return text if text.line is None else StackFile({}, problems=[text])
    data, lines, problems = load_yaml_value(file, text)
    if problems:
        return StackFile({}, problems=problems)
    key = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}"
    path: Path_ = ()
    allowed: frozenset[str] = frozenset()
    if isinstance(data, Mapping) and isinstance(data.get("config"), Mapping):
        config = data["config"]
        ns_key = f"{OVERRIDES_NAMESPACE}:{SECRET_NAMESPACES_KEY}"
        allowed, wrong = parse_allowed(config.get(ns_key))
        at = lines.get(("config", ns_key), 1)
        problems += [Problem(file, at, ns_key, message) for message in wrong]
        data = config.get(key) or {}  # a stack file: only its overrides
        path = ("config", key)
    if not isinstance(data, Mapping):
        where = lines.get(path, lines.get((), 1))
        problems.append(Problem(file, where, "", "expected a mapping of spec name -> fields"))
        return StackFile({}, allowed, problems)
    return StackFile(data, allowed, problems)


def read_overrides_file(file: str) -> tuple[Mapping[str, Any], list[Problem]] | Problem:
    """The overrides of :func:`read_stack_file` and its problems (or the one Problem)."""
    got = read_stack_file(file)
    return got if isinstance(got, Problem) else (got.overrides, got.problems)

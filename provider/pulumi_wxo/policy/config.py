"""Policy-pack configuration: what each policy accepts, and the parser that checks it.

The configuration is the JSON that ``pulumi preview --policy-pack-config`` reads (docs/guide/policy.md):

    {"all": "advisory",
     "wxo-required-tags": {"enforcementLevel": "mandatory", "tags": ["team-*"]}}

A policy's entry is an enforcement level, or an object with ``enforcementLevel`` and the
policy's own keys. The same file drives ``pulumi-wxo validate --policy-config``, so both are
checked here, once: a bad entry raises :class:`PolicyConfigError` naming the policy and the key.
The engine also checks the types against each policy's JSON schema (:func:`json_schema`, built
from the same :class:`Key` table) before the pack sees the values.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_wxo.schema import did_you_mean

__all__ = [
    "LEVELS",
    "Key",
    "PackConfig",
    "PolicyConfigError",
    "PolicyDef",
    "in_stacks",
    "json_schema",
    "parse_pack",
    "parse_policy",
]

Level = Literal["advisory", "mandatory", "disabled"]
LEVELS: tuple[Level, ...] = ("advisory", "mandatory", "disabled")
KeyKind = Literal["strings", "bool", "number", "regex", "providers"]
LEVEL_KEY = "enforcementLevel"
ALL = "all"


@dataclass(frozen=True)
class Key:
    """One configuration key of a policy: its name, kind, default and meaning."""

    name: str
    kind: KeyKind
    default: Any
    doc: str

    def json_schema(self) -> dict[str, Any]:
        base: dict[str, Any]
        if self.kind in ("strings", "providers"):
            base = {"type": "array", "items": {"type": "string"}}
        elif self.kind == "bool":
            base = {"type": "boolean"}
        elif self.kind == "number":
            base = {"type": "number"}
        else:
            base = {"type": "string"}
        return {**base, "description": self.doc}


STACKS = Key(
    "stacks",
    "strings",
    [],
    "Stack names (shell patterns, `prod*`) the policy applies to; empty: every stack.",
)


@dataclass(frozen=True)
class PolicyDef:
    """A policy: its name, what it checks, its default level and its keys.

    ``kinds`` are the resources it looks at (``model``, ``policy``), or ``stack`` for a policy
    over all resources at once. ``check`` is the pure rule (:mod:`pulumi_wxo.policy.rules`).
    """

    name: str
    description: str
    kinds: frozenset[str]
    level: Level
    keys: tuple[Key, ...]
    check: Callable[..., Iterable[Any]] = field(compare=False, repr=False)

    @property
    def all_keys(self) -> tuple[Key, ...]:
        return (*self.keys, STACKS)


def json_schema(defn: PolicyDef) -> dict[str, Any]:
    """The ``properties`` of the policy's config schema (defaults filled in by the engine)."""
    return {k.name: {**k.json_schema(), "default": k.default} for k in defn.all_keys}


class PolicyConfigError(ValueError):
    """A policy-pack configuration entry is wrong; the message names the policy and the key."""

    def __init__(self, policy: str, key: str, reason: str) -> None:
        self.policy, self.key, self.reason = policy, key, reason
        where = f"{policy}: {key}" if key else policy
        super().__init__(f"policy-pack config: {where}: {reason}")


def _strings(policy: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyConfigError(policy, key, "must be a list of non-empty strings")
    return list(value)


def _value(policy: str, key: Key, value: Any, choices: Iterable[str]) -> Any:
    if key.kind in ("strings", "providers"):
        got = _strings(policy, key.name, value)
        if key.kind == "providers":
            known = set(choices)
            for p in got:
                if p not in known:
                    hint = did_you_mean(p, known) or "; run `pulumi-wxo schema` for the list"
                    raise PolicyConfigError(policy, key.name, f"unknown provider '{p}'{hint}")
        return got
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise PolicyConfigError(policy, key.name, "must be true or false")
        return value
    if key.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PolicyConfigError(policy, key.name, "must be a number >= 0")
        return float(value)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise PolicyConfigError(policy, key.name, "must be a regular expression (a string)")
    try:
        return re.compile(value)
    except re.error as err:
        raise PolicyConfigError(policy, key.name, f"is not a valid regular expression: {err}") from None


def parse_policy(
    defn: PolicyDef, props: Mapping[str, Any] | None, providers: Iterable[str] = ()
) -> dict[str, Any]:
    """The policy's keys from ``props`` (its config object), defaults filled in and checked.

    ``enforcementLevel`` is allowed (and ignored here); any other unknown key is refused, with
    a did-you-mean, so a misspelt key does not silently switch a guardrail off.
    """
    props = props or {}
    if not isinstance(props, Mapping):
        raise PolicyConfigError(defn.name, "", "must be an enforcement level or an object")
    keys = {k.name: k for k in defn.all_keys}
    out: dict[str, Any] = {}
    for name, value in props.items():
        if name == LEVEL_KEY:
            continue
        if name not in keys:
            hint = did_you_mean(str(name), keys) or f"; its keys: {', '.join(sorted(keys))}"
            raise PolicyConfigError(defn.name, str(name), f"unknown key{hint}")
        out[name] = _value(defn.name, keys[name], value, providers)
    for k in defn.all_keys:
        if k.name not in out:
            out[k.name] = _value(defn.name, k, k.default, providers)
    return out


def _level(policy: str, value: Any) -> Level:
    for level in LEVELS:
        if value == level:
            return level
    raise PolicyConfigError(policy, LEVEL_KEY, f"{value!r} is not one of {', '.join(LEVELS)}")


@dataclass(frozen=True)
class PackConfig:
    """A parsed configuration: each policy's level and its checked keys."""

    levels: Mapping[str, Level]
    values: Mapping[str, Mapping[str, Any]]


def parse_pack(raw: Any, defs: Sequence[PolicyDef], providers: Iterable[str] = ()) -> PackConfig:
    """Parse a ``--policy-pack-config`` document as the engine applies it: defaults, then
    ``all``'s level, then each policy's own entry."""
    if not isinstance(raw, Mapping):
        raise PolicyConfigError("policy-pack config", "", "must be a JSON object keyed by policy name")
    by_name = {d.name: d for d in defs}
    levels: dict[str, Level] = {d.name: d.level for d in defs}
    entries: dict[str, Mapping[str, Any]] = {}
    for name, entry in raw.items():
        if name == ALL:
            level = entry.get(LEVEL_KEY) if isinstance(entry, Mapping) else entry
            levels = dict.fromkeys(levels, _level(ALL, level))
            continue
        if name not in by_name:
            hint = did_you_mean(str(name), [*by_name, ALL]) or f"; the policies: {', '.join(sorted(by_name))}"
            raise PolicyConfigError(str(name), "", f"no such policy in this pack{hint}")
        if isinstance(entry, Mapping):
            entries[name] = entry
        else:
            entries[name] = {LEVEL_KEY: entry}
    values: dict[str, Mapping[str, Any]] = {}
    for d in defs:
        entry = entries.get(d.name, {})
        if LEVEL_KEY in entry:
            levels[d.name] = _level(d.name, entry[LEVEL_KEY])
        values[d.name] = parse_policy(d, entry, providers)
    return PackConfig(levels, values)


def in_stacks(stack: str | None, patterns: Sequence[str]) -> bool:
    """True when the policy applies to ``stack``: no patterns, an unknown stack (offline
    without ``--stack``: every stack-scoped policy is checked), or a matching pattern."""
    return not patterns or stack is None or any(fnmatch.fnmatchcase(stack, p) for p in patterns)

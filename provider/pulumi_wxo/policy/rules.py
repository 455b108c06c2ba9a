"""The guardrail rules, as pure functions: plain resource properties in, violations out.

The same rules run in two places (docs/guide/policy.md): inside ``pulumi preview`` as a CrossGuard
policy pack (:mod:`pulumi_wxo.policy.crossguard` turns the engine's resources into
:class:`Resource`), and offline in ``pulumi-wxo validate --policy-config`` over spec files.
Nothing here imports Pulumi.

A :class:`Resource` holds the properties as a program declares them: the snake_case inputs of
either host (``wxo:index:Model`` and ``pulumi-python:dynamic/wxo:Model`` have the same keys,
docs/guide/hosts.md), secrets as plain values, and :data:`UNKNOWN` where a preview does not know a
value yet. A rule skips what it cannot know. Messages name the resource and the field, never
a value of a credential field.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo.policy.config import Key, PackConfig, PolicyDef, in_stacks, parse_pack
from pulumi_wxo.resources import RESOURCES
from pulumi_wxo.schema import (
    PROVIDERS,
    SECRET_FIELDS,
    is_secret_key,
    iter_targets,
    normalize_model_name,
    provider_of,
    to_snake_key,
    unbalanced_weights,
)
from pulumi_wxo.schema.policy import normalize_policy_name

__all__ = [
    "POLICIES",
    "TYPE_KINDS",
    "UNKNOWN",
    "Resource",
    "Violation",
    "evaluate",
    "parse_pack_config",
    "run_resource",
    "run_stack",
]

MODEL, POLICY, STACK = "model", "policy", "stack"

#: The resource types of both hosts (the declarations' tokens: in users' state, they never
#: change, docs/dev/layout.md) -> the resource's word (MODEL, POLICY). A unit test checks them
#: against the resource classes.
TYPE_KINDS: Mapping[str, str] = {
    token: r.kind for r in RESOURCES for token in (r.native_token, r.dynamic_token)
}


class _Unknown:
    """A value a preview does not know yet (an output of a resource not yet created)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Resource:
    """One model or policy: ``kind`` (``model``/``policy``), its resource ``name``, its
    declared ``props``, and the ``stack`` it is in (None offline without ``--stack``)."""

    kind: str
    name: str
    props: Mapping[str, Any]
    stack: str | None = None
    urn: str = ""
    ref: Any = field(default=None, compare=False)
    """Whatever the caller needs to place a violation (a spec file and line)."""

    def display(self) -> str:
        """``model 'virtual-model/openai/gpt-4o'`` (the API name when known, else the resource name)."""
        raw = self.props.get("name")
        name = self.name
        if isinstance(raw, str):
            try:
                name = normalize_model_name(raw) if self.kind == MODEL else normalize_policy_name(raw)
            except ValueError:
                name = raw
        return f"{self.kind} '{name}'"


@dataclass(frozen=True)
class Violation:
    """One broken rule: the policy, the resource (None: the stack), the field and what to do."""

    policy: str
    level: str
    resource: Resource | None
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.policy} ({self.level}): {self.message}"


Found = tuple[str, str]  # (path, message)


def _known(value: Any) -> bool:
    return value is not UNKNOWN


def _model_name(r: Resource) -> str | None:
    raw = r.props.get("name")
    if not isinstance(raw, str):
        return None
    try:
        return normalize_model_name(raw)
    except ValueError:
        return None


def _provider_config(r: Resource) -> Mapping[str, Any]:
    pc = r.props.get("provider_config")
    return pc if isinstance(pc, Mapping) else {}


# --------------------------------------------------------------------------- resource rules


def allowed_providers(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    allowed: list[str] = cfg["providers"]
    name = _model_name(r)
    if not allowed or name is None:
        return
    provider = provider_of(name)
    if provider not in allowed:
        yield (
            "name",
            f"{r.display()}: provider '{provider}' is not allowed on this stack (allowed: "
            f"{', '.join(allowed)}); use an allowed provider or ask to extend the policy's 'providers'",
        )


def credentials_in_connection(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    # Only the field's name is ever printed: its value is a credential.
    for key, value in _provider_config(r).items():
        snake = to_snake_key(str(key))
        if value in (None, "") or not (is_secret_key(str(key)) or snake in SECRET_FIELDS):
            continue
        yield (
            f"provider_config.{snake}",
            f"{r.display()}: provider_config.{snake} holds a credential in the program; store it "
            "in an Orchestrate connection and set connection_id instead",
        )
    # A model bound by app_id (a connection on the instance) is bound: check resolves it.
    conn, app_id = r.props.get("connection_id"), r.props.get("app_id")
    if cfg["require_connection_id"] and _known(conn) and _known(app_id) and not (conn or app_id):
        yield (
            "connection_id",
            f"{r.display()}: has no connection_id; bind the model to a connection (connection_id, or app_id)",
        )


def required_tags(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    patterns: list[str] = cfg["tags"]
    tags = r.props.get("tags")
    if not patterns or not _known(tags):
        return
    have = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
    if isinstance(tags, list) and len(have) < len(tags):
        return  # an unknown tag might be the one that matches
    for p in patterns:
        if not any(fnmatch.fnmatchcase(t, p) for t in have):
            yield (
                "tags",
                f"{r.display()}: no tag matches '{p}'; add one (required tags: {', '.join(patterns)})",
            )


_GUARDRAILS = (("input", "default_input_guardrails"), ("output", "default_output_guardrails"))


def required_guardrails(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    pc = {to_snake_key(str(k)): v for k, v in _provider_config(r).items()}
    for which, key in _GUARDRAILS:
        value = pc.get(key)
        if not cfg[which] or not _known(value):
            continue
        if not (isinstance(value, list) and value):
            yield (
                f"provider_config.{key}",
                f"{r.display()}: no {which} guardrail; set provider_config.{key} "
                f"(this stack requires {which} guardrails)",
            )


def name_patterns(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    pattern = cfg[r.kind]
    raw = r.props.get("name")
    if pattern is None or not isinstance(raw, str):
        return
    try:
        name = normalize_model_name(raw) if r.kind == MODEL else normalize_policy_name(raw)
    except ValueError:
        return  # the schema reports a malformed name
    short = name.split("/", 1)[1]
    if not (pattern.fullmatch(name) or pattern.fullmatch(short)):
        yield ("name", f"{r.display()}: the name does not match '{pattern.pattern}'; rename it")


def loadbalance_weights(r: Resource, cfg: Mapping[str, Any]) -> Iterator[Found]:
    for path, reason in unbalanced_weights(
        r.props.get("strategy"), r.props.get("targets"), tolerance=cfg["tolerance"]
    ):
        yield path, f"{r.display()}: {path}: {reason}"


# --------------------------------------------------------------------------- stack rules


def targets_exist(
    resources: Sequence[Resource], cfg: Mapping[str, Any]
) -> Iterator[tuple[Resource, str, str]]:
    """Every model a policy routes to is declared in the same stack (or listed as external)."""
    declared = {n for r in resources if r.kind == MODEL for n in [_model_name(r)] if n}
    external: list[str] = cfg["external"]
    for r in resources:
        if r.kind != POLICY or not in_stacks(r.stack, cfg["stacks"]):
            continue
        for v in iter_targets(r.props.get("targets")):
            if not isinstance(v.model_name, str):
                continue  # a nested rule, or a name not known at preview
            try:
                name = normalize_model_name(v.model_name)
            except ValueError:
                continue  # the schema reports it
            if name in declared or any(fnmatch.fnmatchcase(name, p) for p in external):
                continue
            yield (
                r,
                v.name_path,
                f"{r.display()}: routes to '{name}', which this stack does not declare; declare the "
                "model, or list it under the policy's 'external' if it is managed elsewhere",
            )


POLICIES: tuple[PolicyDef, ...] = (
    PolicyDef(
        "wxo-allowed-providers",
        "Models use only the upstream providers listed in 'providers'.",
        frozenset({MODEL}),
        "advisory",
        (Key("providers", "providers", [], "Provider ids allowed (`openai`, `watsonx`); empty: any."),),
        allowed_providers,
    ),
    PolicyDef(
        "wxo-credentials-in-connection",
        "Credentials reach models through an Orchestrate connection (connection_id), never as "
        "provider_config values in the program.",
        frozenset({MODEL}),
        "advisory",
        (Key("require_connection_id", "bool", False, "Every model must set connection_id."),),
        credentials_in_connection,
    ),
    PolicyDef(
        "wxo-required-tags",
        "Models carry a tag matching each pattern in 'tags'.",
        frozenset({MODEL}),
        "advisory",
        (Key("tags", "strings", [], "Tag patterns (`team-*`); each must match one of the model's tags."),),
        required_tags,
    ),
    PolicyDef(
        "wxo-loadbalance-weights",
        "The weights of a load-balance rule sum to 1.",
        frozenset({POLICY}),
        "advisory",
        (Key("tolerance", "number", 1e-6, "How far from 1 a sum may be (float rounding)."),),
        loadbalance_weights,
    ),
    PolicyDef(
        "wxo-policy-targets-exist",
        "Every model a policy routes to is declared in the same stack.",
        frozenset({STACK}),
        "advisory",
        (Key("external", "strings", [], "Model names (patterns) a policy may route to undeclared."),),
        targets_exist,
    ),
    PolicyDef(
        "wxo-required-guardrails",
        "Models set default input and/or output guardrails (provider_config).",
        frozenset({MODEL}),
        "advisory",
        (
            Key("input", "bool", False, "Require provider_config.default_input_guardrails."),
            Key("output", "bool", False, "Require provider_config.default_output_guardrails."),
        ),
        required_guardrails,
    ),
    PolicyDef(
        "wxo-name-patterns",
        "Model and policy names match the given regular expressions.",
        frozenset({MODEL, POLICY}),
        "advisory",
        (
            Key("model", "regex", None,
                "A regular expression every model name matches (with or without its prefix)."),
            Key("policy", "regex", None,
                "A regular expression every policy name matches (with or without its prefix)."),
        ),
        name_patterns,
    ),
)  # fmt: skip


def parse_pack_config(raw: Any) -> PackConfig:
    """A ``--policy-pack-config`` document, checked (:class:`~pulumi_wxo.policy.config.PolicyConfigError`)."""
    return parse_pack(raw, POLICIES, PROVIDERS)


def run_resource(defn: PolicyDef, r: Resource, cfg: Mapping[str, Any], level: str) -> list[Violation]:
    """One resource policy on one resource (nothing when it does not apply)."""
    if r.kind not in defn.kinds or not in_stacks(r.stack, cfg["stacks"]):
        return []
    return [Violation(defn.name, level, r, path, msg) for path, msg in defn.check(r, cfg)]


def run_stack(
    defn: PolicyDef, resources: Sequence[Resource], cfg: Mapping[str, Any], level: str
) -> list[Violation]:
    """One stack policy over every resource."""
    return [Violation(defn.name, level, r, path, msg) for r, path, msg in defn.check(resources, cfg)]


def evaluate(resources: Iterable[Resource], config: PackConfig) -> list[Violation]:
    """Every violation of every enabled policy, in policy order then resource order."""
    items = list(resources)
    out: list[Violation] = []
    for defn in POLICIES:
        level = config.levels[defn.name]
        if level == "disabled":
            continue
        cfg = config.values[defn.name]
        if STACK in defn.kinds:
            out += run_stack(defn, items, cfg, level)
        else:
            for r in items:
                out += run_resource(defn, r, cfg, level)
    return out

"""The CrossGuard adapter: the rules of :mod:`pulumi_wxo.policy.rules` as a Pulumi policy pack.

It translates and nothing else: the engine's resource (type token, URN, inputs behind
``pulumi_policy``'s unknown-checking proxy) becomes a :class:`~pulumi_wxo.policy.rules.Resource`
of plain data, each violation becomes ``report_violation(message, urn)``. ``pulumi_policy`` is
imported only here and only when a pack is built (the ``policy`` extra), so ``validate`` and
the provider never need it. docs/guide/policy.md shows how a pack that calls :func:`serve` is run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pulumi_wxo.policy.config import PolicyDef, json_schema, parse_policy
from pulumi_wxo.policy.rules import POLICIES, STACK, TYPE_KINDS, UNKNOWN, Resource, run_resource, run_stack
from pulumi_wxo.schema import PROVIDERS

if TYPE_CHECKING:
    import pulumi_policy

__all__ = ["PACK_NAME", "build_policies", "plain", "serve", "stack_of"]

PACK_NAME = "wxo-guardrails"


def stack_of(urn: str) -> str | None:
    """The stack in ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    head, sep, _ = urn.partition("::")
    if not sep or not head.startswith("urn:pulumi:"):
        return None
    return head[len("urn:pulumi:") :] or None


def plain(value: Any) -> Any:
    """``value`` (the policy SDK's proxies) as plain dicts and lists, unknowns as ``UNKNOWN``.

    The proxy raises when an unknown value is read; a rule must see which values are unknown
    and skip them, not lose the whole resource.
    """
    from pulumi_policy.proxy import UnknownValueError

    def get(container: Any, key: Any) -> Any:
        try:
            return plain(container[key])
        except UnknownValueError:
            return UNKNOWN

    if isinstance(value, Mapping):
        return {str(k): get(value, k) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [get(value, i) for i in range(len(value))]
    return value


def _resource(kind: str, name: str, urn: str, props: Any) -> Resource:
    return Resource(kind=kind, name=name, props=plain(props), stack=stack_of(urn), urn=urn)


def _config(defn: PolicyDef, given: Mapping[str, Any]) -> dict[str, Any]:
    return parse_policy(defn, given, PROVIDERS)


def _resource_check(defn: PolicyDef, level: pulumi_policy.EnforcementLevel) -> Callable[..., None]:
    import pulumi_policy as pp

    def validate(args: pp.ResourceValidationArgs, report: pp.ReportViolation) -> None:
        kind = TYPE_KINDS.get(args.resource_type)
        if kind is None:
            return
        r = _resource(kind, args.name, args.urn, args.props)
        for v in run_resource(defn, r, _config(defn, args.get_config()), level.value):
            report(v.message, None)

    return validate


def _stack_check(defn: PolicyDef, level: pulumi_policy.EnforcementLevel) -> Callable[..., None]:
    import pulumi_policy as pp

    def validate(args: pp.StackValidationArgs, report: pp.ReportViolation) -> None:
        resources = [
            _resource(TYPE_KINDS[res.resource_type], res.name, res.urn, res.props)
            for res in args.resources
            if res.resource_type in TYPE_KINDS
        ]
        for v in run_stack(defn, resources, _config(defn, args.get_config()), level.value):
            report(v.message, v.resource.urn if v.resource else None)

    return validate


def _policy(defn: PolicyDef, level: pulumi_policy.EnforcementLevel) -> pulumi_policy.Policy:
    """A stack policy when the rule looks at all resources at once, else a resource policy."""
    import pulumi_policy as pp

    stack = STACK in defn.kinds
    policy: pp.Policy = (pp.StackValidationPolicy if stack else pp.ResourceValidationPolicy)(
        name=defn.name,
        description=defn.description,
        validate=(_stack_check if stack else _resource_check)(defn, level),
        enforcement_level=level,
        config_schema=_schema(defn),
    )
    return policy


def _schema(defn: PolicyDef) -> pulumi_policy.PolicyConfigSchema:
    import pulumi_policy as pp

    # A null default would fail the engine's own type check of the filled-in config.
    props = {
        k: {n: v for n, v in p.items() if not (n == "default" and v is None)}
        for k, p in json_schema(defn).items()
    }
    return pp.PolicyConfigSchema(properties=props)


def build_policies() -> list[pulumi_policy.Policy]:
    """One CrossGuard policy per rule, at its default level (the config can change it)."""
    import pulumi_policy as pp

    return [_policy(defn, pp.EnforcementLevel(defn.level)) for defn in POLICIES]


def serve() -> None:
    """Run the pack (never returns): what a pack's ``__main__.py`` calls."""
    import pulumi_policy as pp

    pp.PolicyPack(name=PACK_NAME, policies=build_policies(), enforcement_level=pp.EnforcementLevel.ADVISORY)

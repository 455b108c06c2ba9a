"""A routing policy (``/model_policy``, api-contract §6): strategy, retry, (nested) targets, rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

from pulumi_wxo.schema.bounds import split_bounded, under
from pulumi_wxo.schema.failures import Failure, failures_from
from pulumi_wxo.schema.model import _suggest
from pulumi_wxo.schema.names import POLICY_PREFIX, normalize_model_name
from pulumi_wxo.schema.targets import is_rule, iter_targets, model_names
from pulumi_wxo.schema.values import canonical, canonical_dict, marked

StrategyMode = Literal["loadbalance", "fallback", "single"]
# api-contract §6: ``{mode}`` in the docs' schema, absent from the ADK's type; sent as given.
_CACHE_DOC = "The gateway's response cache (`{mode: ...}` or a mode string), sent as given."
MAX_POLICY_DEPTH = 4


def _status_codes(codes: list[int] | None) -> list[int] | None:
    if codes is not None:
        bad = [c for c in codes if not 100 <= c <= 599]
        if bad:
            raise ValueError(f"{bad} are not HTTP status codes (100-599)")
    return codes


class PolicyStrategy(BaseModel):
    """How a policy routes (api-contract §6): ``loadbalance`` by weight, ``fallback`` in order on
    ``on_status_codes``, or ``single`` (one target, retry only)."""

    model_config = ConfigDict(extra="forbid")

    mode: StrategyMode = Field(description="loadbalance, fallback or single.")
    on_status_codes: list[int] | None = Field(
        None, description="Upstream statuses that move a fallback to its next target."
    )

    _codes = field_validator("on_status_codes")(_status_codes)


class PolicyRetry(BaseModel):
    """Retries of one target before the strategy moves on (api-contract §6)."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(ge=0, le=10, description="Retries per request (0-10).")
    on_status_codes: list[int] | None = Field(None, description="Upstream statuses that are retried.")

    _codes = field_validator("on_status_codes")(_status_codes)


class PolicyTarget(BaseModel):
    """A routing target: a virtual model by full name, with a weight in (0, 1]."""

    # "nan"/"inf" strings parse as floats otherwise: say "finite", not "greater than 0".
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model_name: str = Field(
        description="`virtual-model/<provider>/<model>`; the prefix is added when missing."
    )
    weight: float | None = Field(
        None, gt=0, le=1, description="Share of traffic for loadbalance (0 < w <= 1)."
    )

    @field_validator("model_name")
    @classmethod
    def _target_name(cls, value: str) -> str:
        if value.startswith(POLICY_PREFIX):
            # Policies route to models; nesting is written inline. Refusing policy names also
            # rules out a policy that (indirectly) targets itself.
            raise ValueError(
                "a target must be a virtual model, not a policy (nest the policy inline instead)"
            )
        return normalize_model_name(value)


def _target_kind(value: Any) -> str:
    # An item with a model_name is a target, anything else a nested rule: explicit, so an
    # invalid target is reported as such instead of as a broken nested rule.
    if isinstance(value, Mapping):
        return "target" if "model_name" in value else "rule"
    return "target" if isinstance(value, PolicyTarget) else "rule"


def _strategy_shorthand(value: Any) -> Any:
    """``strategy: fallback`` is short for ``strategy: {mode: fallback}``."""
    return {"mode": value} if isinstance(value, str) else value


class PolicyNode(BaseModel):
    """A (nested) routing rule: a strategy over targets, each a model or another rule."""

    model_config = ConfigDict(extra="forbid")

    strategy: PolicyStrategy
    retry: PolicyRetry | None = None
    cache: str | dict[str, Any] | None = Field(None, description=_CACHE_DOC)
    targets: list[Target] = Field(description="Models (or nested rules) to route to.")

    _shorthand = field_validator("strategy", mode="before")(_strategy_shorthand)


Target = Annotated[
    Annotated[PolicyTarget, Tag("target")] | Annotated[PolicyNode, Tag("rule")],
    Discriminator(_target_kind),
]
PolicyNode.model_rebuild()


def normalize_policy_name(value: str) -> str:
    """Add ``virtual-policy/`` when missing; refuse an empty name (raises ``ValueError``)."""
    value = value.strip()
    if not value or value == POLICY_PREFIX.rstrip("/"):
        raise ValueError("must not be empty")
    if not value.startswith(POLICY_PREFIX):
        value = POLICY_PREFIX + value
    if not value[len(POLICY_PREFIX) :]:
        raise ValueError("must look like virtual-policy/<name>")
    return value


class PolicySpec(BaseModel):
    """A model policy as declared (the ``/model_policy`` body, api-contract §6)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="`virtual-policy/<name>`; the prefix is added when missing. "
        "Changing it replaces the policy.",
        json_schema_extra={"replace": True},
    )
    display_name: str | None = Field(
        None, description="Defaults to the name.", json_schema_extra={"defaults_to_name": True}
    )
    description: str | None = Field(
        None, description="Defaults to the name.", json_schema_extra={"defaults_to_name": True}
    )
    strategy: PolicyStrategy
    retry: PolicyRetry | None = None
    cache: str | dict[str, Any] | None = Field(None, description=_CACHE_DOC)
    targets: list[Target] = Field(description="Models (or nested rules) to route to.")

    _shorthand = field_validator("strategy", mode="before")(_strategy_shorthand)

    @field_validator("name")
    @classmethod
    def _policy_name(cls, value: str) -> str:
        return normalize_policy_name(value)

    def root(self) -> PolicyNode:
        return PolicyNode(strategy=self.strategy, retry=self.retry, cache=self.cache, targets=self.targets)

    def model_names(self) -> list[str]:
        """Every model the policy routes to, nested rules included, in order."""
        return model_names(self.targets)

    def effective(self) -> dict[str, Any]:
        """The canonical view of what the server holds after a create or PUT."""
        root = self.root().model_dump(exclude_none=True)
        return canonical_dict(
            {
                "name": self.name,
                "display_name": self.display_name or self.name,
                "description": self.description or self.name,
                "strategy": root["strategy"],
                "retry": root.get("retry"),
                "cache": root.get("cache"),
                "targets": root["targets"],
            }
        )

    def to_api(self) -> dict[str, Any]:
        """The Create/Update Model Policy body (api-contract §6; the CLI defaults the texts to the name)."""
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "policy": canonical(self.root().model_dump(exclude_none=True)),
        }
        return body


def _policy_rules(spec: PolicySpec) -> list[Failure]:
    """Shape rules the types cannot express: target counts per mode, depth, duplicates."""
    fails: list[Failure] = []
    rules: list[tuple[str, int, PolicyNode]] = [("targets", 1, spec.root())]
    rules += [
        (f"{v.path}.targets", v.depth + 1, v.item)
        for v in iter_targets(spec.targets)
        if isinstance(v.item, PolicyNode)
    ]
    for where, depth, node in rules:
        if depth > MAX_POLICY_DEPTH + 1:
            continue  # inside a rule already reported as too deep
        mode, n = node.strategy.mode, len(node.targets)
        if n == 0:
            fails.append(Failure(where, "needs at least one target (an empty rule routes nowhere)"))
        elif mode == "fallback" and n < 2:
            fails.append(Failure(where, f"a fallback needs at least two targets (got {n})"))
        elif mode == "single" and n != 1:
            fails.append(Failure(where, f"single routes to exactly one target (got {n})"))
        if depth > MAX_POLICY_DEPTH:
            fails.append(Failure(where, f"nesting deeper than {MAX_POLICY_DEPTH} levels"))
            continue
        names = [t.model_name for t in node.targets if isinstance(t, PolicyTarget)]
        dupes = sorted({x for x in names if names.count(x) > 1})
        if dupes:
            fails.append(Failure(where, f"lists {', '.join(dupes)} more than once"))
    return fails


def validate_policy(props: Mapping[str, Any]) -> tuple[PolicySpec | None, list[Failure]]:
    """Validate declared policy inputs: the spec, or every problem found (one Failure each).

    ``strategy`` may be given as just its mode (``"fallback"``). NaN, infinities and nesting
    deeper than ``MAX_DEPTH`` are refused first, as in ``validate_model`` (schema/bounds.py).
    """
    bounded, bound_fails, refused = split_bounded(props, index="bracket")
    spec, fails = _validate_bounded(bounded)
    if not bound_fails:
        return spec, fails
    return None, bound_fails + [f for f in fails if not under(f.path, refused)]


def _validate_bounded(props: Mapping[str, Any]) -> tuple[PolicySpec | None, list[Failure]]:
    data = {k: v for k, v in props.items() if v is not None}
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as err:
        return None, [_policy_failure(f) for f in failures_from(err, suggest=_policy_suggest)]
    fails = _policy_rules(spec)
    return (None, fails) if fails else (spec, [])


def _policy_suggest(loc: tuple[str | int, ...]) -> str:
    """Why an unknown key is refused; a nested rule's ``weight`` gets its own reason."""
    if loc and loc[-1] == "weight" and "rule" in loc:
        # The ADK's nested policy type has no weight and drops it without a word, so the
        # file would route differently from what it says (docs/guide/specs.md).
        return (
            ": a nested rule takes no weight (the ADK drops it silently, so traffic would not "
            "split as written); weight the targets inside it"
        )
    return _suggest(loc)


_UNION_PATH = re.compile(r"\.(target|rule)(?=\.|$)")


def _policy_failure(f: Failure) -> Failure:
    """``targets.0.PolicyTarget.weight`` → ``targets[0].weight``."""
    path = _UNION_PATH.sub("", f.path)
    path = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)
    return Failure(path, f.reason)


def normalize_policy(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A ``GET /model_policy`` object as the canonical view (``id`` included).

    A field of the wrong shape raises ``ServerObjectError`` naming the policy and the field
    (:func:`check_policy`).
    """
    from pulumi_wxo.schema.server_objects import check_policy

    obj = check_policy(obj, PolicySpec)
    name = str(obj.get("name") or "")
    inner = dict(obj.get("policy") or {})
    return canonical_dict(
        {
            "id": obj.get("id"),
            "name": name,
            "display_name": obj.get("display_name") or name,
            "description": obj.get("description") or name,
            "strategy": inner.get("strategy"),
            "retry": inner.get("retry"),
            "cache": inner.get("cache"),
            "targets": inner.get("targets") or [],
        }
    )


def policy_model_names(targets: Iterable[Any]) -> list[str]:
    """Model names in a (raw, possibly nested) ``targets`` list."""
    return model_names(list(targets))


POLICY_DIFF_FIELDS: tuple[str, ...] = tuple(PolicySpec.model_fields)
POLICY_REPLACE_FIELDS: frozenset[str] = frozenset(marked(PolicySpec, "replace"))


# Load-balance weights are shares of traffic: within one rule they should sum to 1. Floats
# written in a file (0.1 + 0.2 + 0.7) may miss 1 by rounding, hence the tolerance.
WEIGHT_TOLERANCE = 1e-6


def _mode(strategy: Any) -> Any:
    if isinstance(strategy, Mapping):
        return strategy.get("mode")
    return getattr(strategy, "mode", strategy)


def unbalanced_weights(
    strategy: Any, targets: Any, *, tolerance: float = WEIGHT_TOLERANCE
) -> list[tuple[str, str]]:
    """``(path, reason)`` for every load-balance rule whose target weights do not sum to 1.

    Works on raw inputs (mappings, a strategy given as its mode) and on schema objects alike;
    the root rule is ``strategy`` over ``targets``, nested rules are found by the one walker.
    A rule that weights none of its targets, or whose weights are not all numbers (preview
    unknowns), is not judged; a rule that weights some targets but not others is.
    """
    rules: list[tuple[str, Any, Any]] = [("targets", strategy, targets)]
    rules += [
        (f"{v.path}.targets", _field_of(v.item, "strategy"), v.targets)
        for v in iter_targets(targets)
        if v.targets is not None
    ]
    out: list[tuple[str, str]] = []
    for path, strat, items in rules:
        if _mode(strat) != "loadbalance" or not isinstance(items, list | tuple):
            continue
        leaves = [t for t in items if not is_rule(t)]
        weights = [_field_of(t, "weight") for t in leaves]
        given = [w for w in weights if w is not None]
        if not given or not all(isinstance(w, int | float) and not isinstance(w, bool) for w in given):
            continue
        if len(given) < len(weights):
            missing = [i for i, t in enumerate(items) if not is_rule(t) and _field_of(t, "weight") is None]
            out.append(
                (
                    path,
                    f"weights {len(given)} of {len(weights)} load-balanced targets; give "
                    f"{', '.join(f'{path}[{i}]' for i in missing)} a weight too",
                )
            )
            continue
        total = float(sum(given))
        if abs(total - 1.0) > tolerance:
            out.append(
                (path, f"load-balance weights sum to {total:g}, not 1; traffic shares must add up to 1")
            )
    return out


def _field_of(item: Any, key: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(key)
    return getattr(item, key, None)

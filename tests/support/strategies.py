"""Hypothesis strategies for hostile resource inputs, and the properties every check must keep.

Inputs are what a program or a spec file can hand over: plausible values, random JSON-ish
values, NaN and infinities, nesting far past the bound, preview unknowns (the lifecycle's
``UNKNOWN`` or the SDK's ``Unknown``) and a generated secret in every credential field.
``BOUNDED`` keeps each test deterministic (derandomized, no example database) and bounded
(a fixed number of examples, no per-example deadline: no timed assertion).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pulumi_wxo.schema import MODEL_TYPES, Failure
from pulumi_wxo.schema.bounds import MAX_DEPTH, NOT_FINITE, TOO_DEEP, format_path

BOUNDED = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A credential the tests plant; distinctive, so that finding it in a message is never chance.
SECRETS = st.text(alphabet="0123456789abcdef", min_size=16, max_size=24).map(lambda s: f"sk-PLANTED-{s}")

KEYS = st.text(min_size=0, max_size=8)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | NON_FINITE
    | st.text(max_size=12)
)


def json_values(leaves: st.SearchStrategy[Any] = SCALARS) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=16,
    )


class _Shown:
    """A short repr for a deep value: Hypothesis prints its examples recursively."""

    depth: int
    shape: str

    def __repr__(self) -> str:
        return f"<{self.shape} nested {self.depth} levels>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


class _DeepDict(_Shown, dict[str, Any]):
    pass


class _DeepList(_Shown, list[Any]):
    pass


def nest(leaf: Any, depth: int, shape: str) -> Any:
    """``leaf`` wrapped in ``depth`` containers, without recursion (so any depth builds)."""
    value = leaf
    for i in range(depth - 1):
        as_list = shape == "list" or (shape == "mixed" and i % 2)
        value = [value] if as_list else {"k": value}
    outer: _DeepDict | _DeepList = _DeepList([value]) if shape == "list" else _DeepDict(k=value)
    outer.depth, outer.shape = depth, shape
    return outer


DEEP = st.builds(
    nest,
    SCALARS,
    st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_DEPTH + 3) | st.sampled_from([330, 1200, 5000]),
    st.sampled_from(["dict", "list", "mixed"]),
)


def hostile(unknown: Any) -> st.SearchStrategy[Any]:
    """A value nothing should expect: random JSON-ish, non-finite, deep or unknown."""
    return st.one_of(json_values(SCALARS | st.just(unknown)), NON_FINITE, DEEP, st.just(unknown))


def mutated(
    base: st.SearchStrategy[dict[str, Any]], places: Sequence[str], unknown: Any
) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with up to three hostile values put in ``places`` (``field`` or
    ``field.key``); about a quarter of the examples stay as plausible as ``base`` made them."""

    def apply(props: dict[str, Any], edits: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(props)
        for place, value in edits:
            field, _, key = place.partition(".")
            if key and isinstance(out.get(field), dict):
                out[field] = {**out[field], key: value}
            else:
                out[field] = value
        return out

    edits = st.lists(st.tuples(st.sampled_from(list(places)), hostile(unknown)), max_size=3)
    return st.builds(apply, base, edits)


MODEL_NAMES = st.sampled_from(
    ["openai/gpt-4o", "virtual-model/watsonx/ibm/granite", "anthropic/claude", "ollama/llama3", "nope/x", ""]
)
PC_KEYS = ["custom_host", "watsonx_space_id", "cache", "metadata", "requestTimeout", "index"]
CONFIG_KEYS = ["max_tokens", "temperature", "logit_bias", "response_format", "stop", "metadata", "seed"]
MODEL_FIELDS = ["name", "display_name", "tags", "model_type", "connection_id", "adopt", "force_delete"]


def model_inputs(unknown: Any) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """(Model inputs, the secret planted in every credential field they hold)."""
    config = st.fixed_dictionaries(
        {},
        optional={
            "max_tokens": st.integers(1, 4096).map(float),
            "temperature": st.floats(0, 2),
            "logit_bias": st.dictionaries(st.sampled_from(["50256", "1"]), st.floats(-100, 100), max_size=2),
            "response_format": st.dictionaries(KEYS, json_values(), max_size=2),
            "stop": st.lists(st.text(max_size=4), max_size=2),
        },
    )
    base = st.fixed_dictionaries(
        {"name": MODEL_NAMES},
        optional={
            "display_name": st.text(max_size=8),
            "tags": st.lists(st.text(max_size=4), max_size=3),
            "model_type": st.sampled_from(MODEL_TYPES),
            "connection_id": st.text(max_size=6),
            "config": config,
            "adopt": st.booleans(),
            "watsonx_space_id": st.just("space-1"),
        },
    )

    def build(secret: str, props: dict[str, Any]) -> tuple[dict[str, Any], str]:
        pc = {"api_key": secret, "aws_secret_access_key": secret}
        if "watsonx_space_id" in props:
            pc["watsonx_space_id"] = props.pop("watsonx_space_id")
        return {**props, "provider_config": pc}, secret

    places = [*MODEL_FIELDS, "stray", "provider_config", "config"]
    places += [f"provider_config.{k}" for k in PC_KEYS] + [f"config.{k}" for k in CONFIG_KEYS]
    with_secret = st.builds(build, SECRETS, base)
    return with_secret.flatmap(
        lambda pair: mutated(st.just(pair[0]), places, unknown).map(lambda props: (props, pair[1]))
    )


def targets(unknown: Any) -> st.SearchStrategy[list[Any]]:
    """Targets with nested rules; now and then a weight out of range, non-finite or unknown."""
    odd = st.sampled_from([0.0, 1.5, math.nan, math.inf, -math.inf, unknown])
    leaf = st.fixed_dictionaries(
        {"model_name": MODEL_NAMES | st.just(unknown)},
        optional={"weight": st.floats(0.05, 1) | st.floats(0.05, 1) | odd},
    )

    def rules(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        mode = st.sampled_from(["loadbalance", "fallback", "single"])
        return st.fixed_dictionaries({"strategy": mode, "targets": st.lists(inner, min_size=1, max_size=3)})

    return st.lists(st.recursive(leaf, rules, max_leaves=6), min_size=1, max_size=3)


def policy_inputs(unknown: Any) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """(ModelPolicy inputs, a secret planted where a user might paste one: ``cache``)."""
    base = st.fixed_dictionaries(
        {
            "name": st.sampled_from(["route", "virtual-policy/route", " ", ""]),
            "strategy": st.sampled_from(["loadbalance", "fallback", "single", "nope"]),
            "targets": targets(unknown),
        },
        optional={
            "description": st.text(max_size=8),
            "retry": st.fixed_dictionaries({"attempts": st.integers(-1, 12)}),
            "adopt": st.booleans(),
            "declared_models": st.lists(MODEL_NAMES, max_size=2),
        },
    )

    def build(secret: str, props: dict[str, Any]) -> tuple[dict[str, Any], str]:
        return {**props, "cache": {"api_key": secret}}, secret

    places = ["name", "description", "strategy", "retry", "retry.attempts", "targets", "cache", "cache.ttl"]
    places += ["adopt", "declared_models", "stray"]
    with_secret = st.builds(build, SECRETS, base)
    return with_secret.flatmap(
        lambda pair: mutated(st.just(pair[0]), places, unknown).map(lambda props: (props, pair[1]))
    )


def olds_like(news: st.SearchStrategy[tuple[dict[str, Any], str]]) -> st.SearchStrategy[dict[str, Any]]:
    """Old outputs: the inputs' shape, or random values (state edited by hand, older releases)."""
    return st.one_of(
        st.just({}), news.map(lambda pair: pair[0]), st.dictionaries(KEYS, json_values(), max_size=5)
    )


# --------------------------------------------------------------------------- properties


def expected_refusals(props: Mapping[str, Any]) -> set[str]:
    """``path: reason`` of every value the bounds must refuse, found by a walk of its own."""
    out: set[str] = set()
    stack: list[tuple[tuple[Any, ...], Any]] = [((k,), v) for k, v in props.items()]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            out.add(f"{dotted(format_path(parts))}: {NOT_FINITE}")
        elif isinstance(value, Mapping | list | tuple) and value and len(parts) == MAX_DEPTH:
            out.add(f"{dotted(format_path(parts))}: {TOO_DEEP}")
        elif isinstance(value, Mapping):
            stack.extend(((*parts, k), v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend(((*parts, i), v) for i, v in enumerate(value))
    return out


def assert_failures_are_clean(fails: Iterable[Failure | tuple[str, str]], secret: str) -> None:
    """Every failure names a path and never carries the planted secret."""
    for f in fails:
        path, reason = (f.path, f.reason) if isinstance(f, Failure) else f
        assert path, f"a failure without a field path: {reason!r}"
        assert reason
        assert secret not in path and secret not in reason, f"the secret leaked into {path}: {reason}"


def dotted(path: str) -> str:
    """``targets[0].weight`` as ``targets.0.weight`` (to compare either style)."""
    return path.replace("[", ".").replace("]", "")


def refusals(fails: Iterable[Failure | tuple[str, str]]) -> set[str]:
    """The bounds' failures among ``fails`` as ``path: reason`` (paths in dotted style)."""
    out = set()
    for f in fails:
        path, reason = (f.path, f.reason) if isinstance(f, Failure) else f
        for kind in (NOT_FINITE, TOO_DEEP):
            if reason.endswith(kind):
                out.add(f"{dotted(path)}: {kind}")
    return out

"""The routing policy (``/model_policy``, api-contract §6): the hooks it adds to the one lifecycle.

What only a policy has: its targets must name models declared in the stack or on the server
(checked at preview when the server can be reached, and again before a create or update), and
``declared_models``, the program's models it routes to. Everything else is the skeleton of
:mod:`pulumi_wxo.lifecycle.engine`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pulumi_wxo.api.errors import ConfigError, InvalidInputError, WxoError
from pulumi_wxo.lifecycle.claims import control
from pulumi_wxo.lifecycle.common import from_snapshot, validated_or_raise
from pulumi_wxo.lifecycle.engine import Lifecycle
from pulumi_wxo.lifecycle.runtime import Runtime
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.resources import MODEL, POLICY, Resource
from pulumi_wxo.schema import Failure, PolicySpec, normalize_model_name, normalize_policy, validate_policy
from pulumi_wxo.schema.bounds import IndexStyle
from pulumi_wxo.schema.targets import iter_targets

# The field sets live in the declaration (pulumi_wxo.resources.POLICY); these names stay for
# the callers that imported them from here (review/, native/schema.py, tests).
POLICY_CONTROL_INPUTS: frozenset[str] = POLICY.control_inputs
POLICY_COMPUTED_OUTPUTS: tuple[str, ...] = POLICY.computed_outputs


def spec_or_raise(props: Mapping[str, Any], *, verb: str) -> PolicySpec:
    return validated_or_raise(
        props, fields=POLICY.api_fields, validate=validate_policy, kind=POLICY.kind, verb=verb
    )


def normalize_target(name: str) -> str:
    try:
        return normalize_model_name(name)
    except ValueError:
        return name


def missing_targets(runtime: Runtime, targets: Any, declared_models: Iterable[Any]) -> list[Failure]:
    """Targets that name neither a model declared in the stack nor one on the server.

    Asked of the models snapshot; only names it lacks (a model made since it was taken) are
    asked of the server again.
    """
    known = {normalize_target(d) for d in declared_models if isinstance(d, str)}
    wanted = [
        (v.name_path, normalize_target(v.model_name))
        for v in iter_targets(targets)
        if isinstance(v.item, Mapping) and isinstance(v.model_name, str)
    ]
    wanted = [(path, name) for path, name in wanted if name not in known]
    if not wanted:
        return []
    listed: list[dict[str, Any]] = from_snapshot(runtime, MODEL.collection, lambda s: s.objects(), lambda: [])
    on_server = {m.get("name") for m in listed}
    unseen = sorted({n for _, n in wanted if n not in on_server})
    if unseen:
        models = runtime.client().collection(MODEL.collection)
        on_server |= {m.get("name") for m in models.list(names=unseen)}
    return [
        Failure(
            path,
            f"no model '{name}' on the server and none declared in this stack: declare it with "
            "wxo.Model (and pass the resource as the target's `model`) or fix the name",
        )
        for path, name in wanted
        if name not in on_server
    ]


def _declared_models(props: Mapping[str, Any]) -> list[Any]:
    value = control(props, "declared_models")
    return list(value) if isinstance(value, list | tuple) else []


class PolicyLifecycle(Lifecycle):
    """check, diff, create, read, update and delete of one model policy, over plain dicts."""

    resource: ClassVar[Resource] = POLICY
    index_style: ClassVar[IndexStyle] = "bracket"

    def validate(self, given: Mapping[str, Any]) -> tuple[Any | None, list[Failure]]:
        return validate_policy(given)

    def control_failures(self, news: Mapping[str, Any]) -> list[Failure]:
        decl = news.get("declared_models")
        if decl and not isinstance(decl, list | tuple) and not is_unknown(decl):
            return [Failure("declared_models", "must be a list of model names (set by ModelPolicy)")]
        return []

    def spec_failures(self, spec: Any, news: Mapping[str, Any]) -> list[Failure]:
        """Targets must exist; asked of the server at preview when settings allow it."""
        decl = news.get("declared_models") or []
        if is_unknown(decl):
            return []
        try:
            self.runtime.client()
        except ConfigError:
            return []  # no connection at preview: create checks again before POSTing
        try:
            return missing_targets(
                self.runtime, news.get("targets"), decl if isinstance(decl, list | tuple) else []
            )
        except WxoError:
            return []  # unreachable at preview: create checks again

    def before_write(self, spec: Any, verb: str) -> None:
        missing = missing_targets(self.runtime, spec.to_api()["policy"]["targets"], ())
        if missing:
            raise InvalidInputError(action=f"{verb} policy '{spec.name}'", failures=[str(f) for f in missing])

    def control_outputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"adopt": bool(props.get("adopt")), "declared_models": _declared_models(props)}

    def server_outputs(
        self, server: Mapping[str, Any], props: Mapping[str, Any], *, reference: Mapping[str, Any]
    ) -> dict[str, Any]:
        norm = normalize_policy(server)
        return {k: norm.get(k) for k in self.resource.api_fields}

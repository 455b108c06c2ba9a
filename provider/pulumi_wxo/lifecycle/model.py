"""The virtual model (``/models``, api-contract §2): the hooks it adds to the one lifecycle.

What only a model has: the owner tag on each object it creates and the claims between stacks
that rest on it (lifecycle/ownership.py, lifecycle/claims.py), the program's other models at
check (``program_models``), a name given as a secret (``secret_name``), the platform's tags kept
on a full PUT, and the refusal to delete a model a policy still routes to. Everything else is
the skeleton of :mod:`pulumi_wxo.lifecycle.engine`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi_wxo.api.errors import ModelExistsError, ModelInUseError, WxoError
from pulumi_wxo.lifecycle.claims import (
    adopt_failures,
    adopt_mode,
    adopt_value,
    claim_failures,
    conflicts_note,
    control,
    refuse_foreign,
    short_reason,
)
from pulumi_wxo.lifecycle.common import from_snapshot
from pulumi_wxo.lifecycle.engine import Lifecycle
from pulumi_wxo.lifecycle.links import missing_connection, resolve_app_id
from pulumi_wxo.lifecycle.model_values import after_put, diff_fields, model_outputs
from pulumi_wxo.lifecycle.ownership import OwnerTag, is_owner_id, owner_of, platform_tags, stack_tag
from pulumi_wxo.resources import MODEL, POLICY, Resource
from pulumi_wxo.schema import (
    SECRET_FIELDS,
    Failure,
    normalize_model,
    policy_model_names,
    to_snake_key,
    validate_model,
)

# The field sets live in the declaration (pulumi_wxo.resources.MODEL); these names stay for
# the callers that imported them from here (review/, native/schema.py, tests).
MODEL_CONTROL_INPUTS: frozenset[str] = MODEL.control_inputs
MODEL_COMPUTED_OUTPUTS: tuple[str, ...] = MODEL.computed_outputs


def _stack(props: Mapping[str, Any]) -> str | None:
    value = control(props, "owner_stack")
    return value if isinstance(value, str) else None


def _secret_name(props: Mapping[str, Any]) -> dict[str, Any]:
    """``secret_name`` for the outputs, only when set: delete and read get the outputs alone,
    and must still mask the name (lifecycle/common.py, ``register_secrets``)."""
    return {"secret_name": True} if props.get("secret_name") is True else {}


def _ours(obj: Mapping[str, Any], owner: str | None) -> bool:
    tag = owner_of(dict(obj))
    return owner is not None and tag is not None and tag.owner == owner


def _tag_for(olds: Mapping[str, Any], owner: str | None) -> OwnerTag | None:
    """The owner tag to keep on a PUT: the one recorded, else a new one for our owner."""
    recorded = OwnerTag.parse(olds.get("owner_tag"))
    if recorded is not None:
        return recorded
    return OwnerTag.new(owner) if owner else None


class ModelLifecycle(Lifecycle):
    """check, diff, create, read, update and delete of one virtual model, over plain dicts."""

    resource: ClassVar[Resource] = MODEL
    tagged: ClassVar[bool] = True

    def validate(self, given: Mapping[str, Any]) -> tuple[Any | None, list[Failure]]:
        return validate_model(given)

    def owner(self, props: Mapping[str, Any]) -> str | None:
        value = control(props, "owner")
        return value if is_owner_id(value) else None

    # ------------------------------------------------------------------ check

    def control_failures(self, news: Mapping[str, Any]) -> list[Failure]:
        return adopt_failures(news)  # True, False or "takeover"

    def _check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], inputs: dict[str, Any], notes: list[str]
    ) -> list[Failure]:
        # The connection first: app_id becomes connection_id (lifecycle/links.py).
        news, fails = resolve_app_id(self.runtime, news, inputs)
        fails += super()._check(olds, news, inputs, notes)
        if not any(f.path in ("app_id", "connection_id") for f in fails):
            fails += missing_connection(self.runtime, olds, news, notes)
        return fails

    def partial_failures(self, partial: Mapping[str, Any]) -> list[Failure]:
        """Field rules for the known part of inputs that still hold preview unknowns.

        The per-provider "required" rules need the whole picture; they run at ``up`` (a
        connection stands in for them here, as the schema skips them for one).
        """
        probe = dict(partial)
        name = probe.get("name")
        probe["name"] = name if isinstance(name, str) else "virtual-model/openai/unknown"
        probe["connection_id"] = probe.get("connection_id") or "unknown"
        _, fails = validate_model(probe)
        return [f for f in fails if f.path != "connection_id" and (name is not None or f.path != "name")]

    def normalize_inputs(self, given: Mapping[str, Any], inputs: dict[str, Any]) -> None:
        # snake_case keys (``openai/x`` and ``virtual-model/openai/x`` are one model by name).
        if "provider_config" in given:
            inputs["provider_config"] = {
                to_snake_key(k): v for k, v in given["provider_config"].items() if v is not None
            }

    def claims(self, name: str, news: Mapping[str, Any], notes: list[str]) -> list[Failure]:
        """A new resource's name on the server (lifecycle/claims.py): taken, adoptable, or
        another stack's. A model carrying this resource's owner tag is one a killed run left
        behind: create takes it back, so it is not "taken". Best effort: without connection
        settings, or when the server cannot be reached, create decides before POSTing."""
        owner = self.owner(news)
        try:
            others = [o for o in self.by_name(name) if not _ours(o, owner)]
        except WxoError:
            return []
        fails, found = claim_failures("model", name, others, owner=owner, mode=adopt_mode(news))
        notes += found
        if fails:
            fails += self._other_claims(name, news.get("program_models"))
        return fails

    def _other_claims(self, name: str, program: Any) -> list[Failure]:
        """Every other taken name of the program, on the first check that fails (the engine
        stops there): from the snapshot, no request per name (lifecycle/claims.py)."""
        taken: list[tuple[str, str]] = []
        for entry in program_list(program):
            other = entry.get("name") if isinstance(entry, Mapping) else None
            if not isinstance(other, str) or other == name or entry.get("adopt") is None:
                continue
            owner = entry.get("owner") if is_owner_id(entry.get("owner")) else None
            try:
                found = [o for o in self.by_name(other) if not _ours(o, owner)]
            except WxoError:
                return []
            fails, _ = claim_failures("model", other, found, owner=owner, mode=adopt_mode(entry))
            if fails:
                taken.append((other, short_reason(found, owner, adopt_mode(entry))))
        note = conflicts_note("model", taken)
        return [note] if note is not None else []

    # ------------------------------------------------------------------ values

    def diff_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
        return diff_fields(olds, news)

    def preview_outputs(self, spec: Any, olds: Mapping[str, Any]) -> dict[str, Any]:
        from pulumi_wxo.lifecycle.values import UNKNOWN

        return {"provider": spec.provider if spec is not None else olds.get("provider", UNKNOWN)}

    def control_outputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "adopt": adopt_value(props),
            "force_delete": bool(props.get("force_delete")),
            **_secret_name(props),
        }

    def server_outputs(
        self, server: Mapping[str, Any], props: Mapping[str, Any], *, reference: Mapping[str, Any]
    ) -> dict[str, Any]:
        # A read without state (``Model.get``, an import) records no secret it did not send.
        outs = model_outputs(
            reference,
            server,
            adopt=adopt_value(props),
            force_delete=bool(props.get("force_delete")),
            undeclared_secrets=props.get("name") is not None,
        )
        if "owner_tag" not in outs and isinstance(props.get("owner_tag"), str):
            outs["owner_tag"] = props["owner_tag"]
        return outs

    def read_reference(self, server: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
        if props.get("name") is None:
            # Read without state: track every key the server shows (secrets are never taken
            # from the server: it omits or masks them).
            norm = normalize_model(server)
            pc = {k: v for k, v in norm["provider_config"].items() if k not in SECRET_FIELDS}
            return {"provider_config": pc, "config": norm["config"]}
        return {"provider_config": props.get("provider_config") or {}, "config": props.get("config") or {}}

    # ------------------------------------------------------------------ writes

    def adoption(
        self, name: str, props: Mapping[str, Any], existing: list[dict[str, Any]]
    ) -> tuple[dict[str, Any] | None, OwnerTag | None]:
        """Refuse or adopt an existing name; take back what a killed run of this resource left."""
        mode, owner = adopt_mode(props), self.owner(props)
        ours = [o for o in existing if _ours(o, owner)]
        others = [o for o in existing if not _ours(o, owner)]
        refused = refuse_foreign("model", name, others, owner=owner, mode=mode)
        if refused is not None:
            raise WxoError(refused)
        if others and not mode:
            raise ModelExistsError(action=f"create model '{name}'", ids=[str(o.get("id")) for o in others])
        if mode and existing:
            if len(existing) > 1:
                ids = [str(o.get("id")) for o in existing]
                raise ModelExistsError(action=f"adopt model '{name}'", ids=ids, duplicates=True)
            target = existing[0]
            return target, owner_of(target) if target in ours else _tag_for({}, owner)
        if ours:
            if len(ours) > 1:
                ids = [str(o.get("id")) for o in ours]
                raise ModelExistsError(action=f"recover model '{name}'", ids=ids, duplicates=True)
            return ours[0], owner_of(ours[0])  # left behind by a killed run of this very resource
        return None, OwnerTag.new(owner) if owner else None

    def kept_tag(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> OwnerTag | None:
        return _tag_for(olds, self.owner(news))

    def body(
        self, spec: Any, tag: OwnerTag | None, current: Mapping[str, Any] | None, props: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The user's tags, then the platform's tags ``current`` carries (a full PUT would drop
        them, api-contract §12.7), then the owner tag and the stack tag."""
        body: dict[str, Any] = spec.to_api()
        kept = platform_tags(dict(current)) if current is not None else []
        named = stack_tag(_stack(props)) if tag is not None else None
        ours = [str(tag)] if tag is not None else []
        body["tags"] = [*body["tags"], *kept, *ours, *([named] if named else [])]
        return body

    def after_put(
        self, current: Mapping[str, Any] | None, body: Mapping[str, Any], id_: str
    ) -> dict[str, Any]:
        # The read before the PUT stands for the object after it (the server stores the body):
        # an edit stays one read (often the snapshot's) and one PUT.
        return after_put(current, body, id_)

    def before_delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """A policy routing to a deleted model would fail at inference time: refuse instead of
        leaving a broken route (policies declared in the same stack that reference this Model
        are deleted first, by dependency order), unless ``force_delete``."""
        name = props.get("name")
        if not isinstance(name, str) or props.get("force_delete"):
            return
        from pulumi_wxo.api.errors import ServerObjectError
        from pulumi_wxo.schema.server_objects import policy_targets

        policies = self.runtime.client().collection(POLICY.collection)
        try:
            listed = from_snapshot(self.runtime, POLICY.collection, lambda s: s.objects(), policies.list)
        except WxoError as err:
            raise WxoError(
                f"delete model '{name}': cannot check which policies still route to it: {err}"
            ) from None
        try:
            users = [p for p in listed if name in policy_model_names(policy_targets(p))]
        except ServerObjectError as err:
            raise ServerObjectError(
                kind=err.kind,
                name=err.name,
                field=err.field,
                reason=err.reason,
                action=f"delete model '{name}'",
                hint="cannot tell whether that policy routes to this model: fix it on the instance, "
                "or set force_delete=True on the model to delete it anyway",
            ) from None
        if users:
            raise ModelInUseError(
                action=f"delete model '{name}'",
                policies=[f"{p.get('name')} (id {p.get('id')})" for p in users],
            )


#: The most text a program list may be (the SDK's holds at most 101 short entries).
PROGRAM_TEXT_MAX = 256 * 1024


def program_list(program: Any) -> list[Any]:
    """``program_models`` as the SDK sends it (one JSON text) or as a list; anything else, or
    text that is too long or not a JSON list, is no list (the check goes on without it)."""
    if isinstance(program, str) and len(program) <= PROGRAM_TEXT_MAX:
        try:
            program = json.loads(program)
        except (ValueError, RecursionError):
            return []
    return program if isinstance(program, list) else []

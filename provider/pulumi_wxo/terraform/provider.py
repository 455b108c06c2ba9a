"""``tfplugin6.Provider``: OpenTofu's and Terraform's requests as lifecycle calls, nothing else.

Host 3 beside :mod:`pulumi_wxo.dynamic` and :mod:`pulumi_wxo.native`, over the same
:mod:`pulumi_wxo.lifecycle`. Each RPC decodes its msgpack values (:mod:`.cty`) with the schema
derived from the declarations (:mod:`.schema`), turns them into the lifecycle's plain data
(:mod:`.values`), makes the same calls the Pulumi engine makes through the native plugin
(check, diff, preview, create, read, update, delete) and encodes the answer. What differs:

* **Plans.** ``PlanResourceChange`` is check, then diff against the prior state, then the
  lifecycle's preview: values the configuration sets are planned as written, computed ones from
  the preview (or kept from the prior state when nothing changes), unknown when the preview
  cannot know them; ``requires_replace`` names the diff's replacing fields.
  ``ApplyResourceChange`` keeps every planned value and fills in the unknown ones, so an apply
  never answers other than its plan.
* **Owner.** Terraform hands a provider no resource address, workspace or run: the owner id the
  lifecycle writes into each object's owner tag is computed from the provider's ``owner``
  attribute (default ``terraform``), the workspace (``TF_WORKSPACE``, else ``default``), the
  resource type and the object's name, so a killed ``apply`` is recovered by the next one.
* **Validation** (``ValidateResourceConfig``) runs the schema's own validation on the known
  part of a configuration, with no request: failures become diagnostics on their attribute.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.api.setting_table import SETTINGS
from pulumi_wxo.errors import ModelInUseError
from pulumi_wxo.lifecycle import LIFECYCLES, RUNTIME, Lifecycle, Runtime
from pulumi_wxo.lifecycle.ownership import owner_id, stack_tag
from pulumi_wxo.lifecycle.runtime import setting_text
from pulumi_wxo.resources import Resource
from pulumi_wxo.schema import Failure
from pulumi_wxo.terraform import cty, values
from pulumi_wxo.terraform.names import NameClash, Names
from pulumi_wxo.terraform.schema import (
    BY_TYPE,
    OWNER_ATTRIBUTE,
    SCHEMA_VERSION,
    provider_attrs,
    provider_type,
    resource_attrs,
    state_type,
    to_proto,
)

#: The lifecycle of each resource, by its declaration.
BY_RESOURCE: dict[str, type[Lifecycle]] = {cls.resource.name: cls for cls in LIFECYCLES}
DEFAULT_OWNER = "terraform"
#: A model that a policy still routes to is not deleted; OpenTofu deletes before it creates.
IN_USE_HINT = (
    "In OpenTofu and Terraform: to rename a model that a policy of this configuration routes to, "
    "add `lifecycle { create_before_destroy = true }` to the wxo_model resource, so that the new "
    "model is created and the policy moved to it before the old one is deleted. To delete it "
    "while policies still route to it, set `force_delete = true` on the resource."
)
_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def attribute_path(path: str, pb: Any) -> Any:
    """``provider_config.api_key`` or ``targets[0].weight`` as a ``tfplugin6.AttributePath``."""
    steps = []
    for index, name in _STEP.findall(path):
        if index:
            steps.append(pb.AttributePath.Step(element_key_int=int(index)))
        elif name.isdigit() and steps:
            steps.append(pb.AttributePath.Step(element_key_int=int(name)))
        else:
            steps.append(pb.AttributePath.Step(attribute_name=name))
    return pb.AttributePath(steps=steps)


class Problem(Exception):
    """Diagnostics to answer with instead of a result."""

    def __init__(self, *diagnostics: Any) -> None:
        super().__init__("; ".join(d.summary for d in diagnostics))
        self.diagnostics = list(diagnostics)


class WxoTerraformProvider:
    """The RPCs of ``tfplugin6.Provider``; ``pb`` is the generated message module."""

    def __init__(self, pb: Any, runtime: Runtime = RUNTIME, environ: Mapping[str, str] | None = None) -> None:
        self.pb = pb
        self.runtime = runtime
        self.environ = os.environ if environ is None else environ
        self.owner = DEFAULT_OWNER
        self.stopped = False
        self.names = Names()

    # ------------------------------------------------------------------ helpers

    def error(self, summary: str, detail: str = "", path: str | None = None) -> Any:
        pb = self.pb
        diag = pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=redact(summary), detail=redact(detail))
        if path:
            diag.attribute.CopyFrom(attribute_path(path, pb))
        return diag

    def failures(self, failures: list[Failure]) -> list[Any]:
        return [self.error(f"{f.reason}", str(f), f.path or None) for f in failures]

    def _resource(self, type_name: str) -> tuple[Resource, Lifecycle]:
        found = BY_TYPE.get(type_name)
        if found is None:
            raise Problem(self.error(f"unknown resource type {type_name!r}", f"served: {', '.join(BY_TYPE)}"))
        return found, BY_RESOURCE[found.name](self.runtime)

    def _dv(self, value: Any, ty: Any) -> Any:
        return self.pb.DynamicValue(msgpack=cty.pack(value, ty))

    def _owned(
        self, core: Lifecycle, props: dict[str, Any], *, private: bytes | None = None
    ) -> dict[str, Any]:
        """``props`` with the owner controls the host computes (for a resource that has them),
        from the name as check stores it (``openai/x`` is ``virtual-model/openai/x``).

        With ``private`` (a state's), the key becomes the one the lifecycle's outputs recorded:
        a state holds the configuration's spelling, the lifecycle compares the server's
        (a policy ``route`` is ``virtual-policy/route`` there)."""
        resource = core.resource
        given = {k: v for k, v in values.inputs(resource, props).items() if k in resource.api_fields}
        spec = None if values.has_unknown(given) else core.validate(given)[0]
        name = core.name_of(spec) if spec is not None else props.get(resource.key)
        if private is not None:
            recorded = values.recorded_key(private)
            props[resource.key] = recorded if recorded is not None else name
        workspace = self.environ.get("TF_WORKSPACE") or "default"
        controls = resource.control_inputs
        if "owner" in controls and isinstance(name, str):
            token = BY_TYPE_NAME[resource.name]
            props["owner"] = owner_id(
                project=self.owner, stack=workspace, type_token=token, resource_name=name
            )
        if "owner_stack" in controls:
            props["owner_stack"] = f"{self.owner}/{workspace}"
        return props

    def _claim(self, name: Any, claim: Callable[[str], None]) -> None:
        """One name, one object (:mod:`.names`): a clash is a diagnostic on this resource."""
        if not isinstance(name, str):
            return  # unknown until apply: the apply's create claims it
        try:
            claim(name)
        except NameClash as clash:
            raise Problem(self.error(clash.summary, clash.detail)) from None

    def _call(self, label: str, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except ModelInUseError as err:
            raise Problem(self.error(f"{label}: {err}", IN_USE_HINT)) from None
        except WxoError as err:
            raise Problem(self.error(f"{label}: {err}")) from None

    def _guard(self, response: Any, fn: Callable[[], Any]) -> Any:
        """``fn()``'s response, or ``response`` carrying the diagnostics of a :class:`Problem`."""
        try:
            return fn()
        except Problem as problem:
            response.diagnostics.extend(problem.diagnostics)
            return response

    # ------------------------------------------------------------------ provider

    def GetMetadata(self, request: Any, context: Any) -> Any:
        pb = self.pb
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=False),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=t) for t in BY_TYPE],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        pb = self.pb
        return pb.GetProviderSchema.Response(
            provider=to_proto(provider_attrs(), pb),
            resource_schemas={
                t: to_proto(resource_attrs(r), pb, version=SCHEMA_VERSION, description=r.description)
                for t, r in BY_TYPE.items()
            },
            server_capabilities=pb.ServerCapabilities(plan_destroy=False),
        )

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        """``owner`` must be usable in the stack tag the lifecycle writes (letters, digits,
        ``_.-``); the settings themselves are checked where the runtime reads them."""
        response = self.pb.ValidateProviderConfig.Response()
        config = cty.unpack(request.config.msgpack, provider_type()) or {}
        owner = config.get(OWNER_ATTRIBUTE)
        if isinstance(owner, str) and stack_tag(f"{owner}/default") is None:
            response.diagnostics.append(
                self.error(
                    f"{OWNER_ATTRIBUTE}: use letters, digits, '_', '.' and '-' only (at most 100)",
                    path=OWNER_ATTRIBUTE,
                )
            )
        return response

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        config = cty.unpack(request.config.msgpack, provider_type()) or {}
        by_key = {s.key: s.attr for s in SETTINGS}
        owner = config.get(OWNER_ATTRIBUTE)
        self.owner = owner if isinstance(owner, str) and owner else DEFAULT_OWNER

        def get(key: str) -> str | None:
            return setting_text(config.get(by_key.get(key, "")))

        self.runtime.configure(get, self.environ)
        return self.pb.ConfigureProvider.Response()

    def StopProvider(self, request: Any, context: Any) -> Any:
        self.stopped = True
        return self.pb.StopProvider.Response()

    # ------------------------------------------------------------------ resources

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        response = self.pb.ValidateResourceConfig.Response()

        def run() -> Any:
            resource, core = self._resource(request.type_name)
            config = cty.unpack(request.config.msgpack, state_type(resource)) or {}
            given = {k: v for k, v in values.inputs(resource, config).items() if k in resource.api_fields}
            known = {k: v for k, v in given.items() if not values.has_unknown(v)}
            fails = core.partial_failures(known) if len(known) != len(given) else core.validate(known)[1]
            response.diagnostics.extend(self.failures(fails))
            return response

        return self._guard(response, run)

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        response = self.pb.UpgradeResourceState.Response()

        def run() -> Any:
            resource, _ = self._resource(request.type_name)
            raw = json.loads(request.raw_state.json or b"{}")
            types = {a.name: a.type for a in resource_attrs(resource)}
            # Any earlier version: attributes no longer declared are dropped, new ones are null.
            kept = {k: cty.from_json(v, types[k]) for k, v in raw.items() if k in types}
            if not kept.get("id") and isinstance(raw.get(resource.id_output), str):
                kept["id"] = raw[resource.id_output]
            response.upgraded_state.CopyFrom(self._dv(kept, state_type(resource)))
            return response

        return self._guard(response, run)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        response = self.pb.PlanResourceChange.Response()

        def run() -> Any:
            resource, core = self._resource(request.type_name)
            ty = state_type(resource)
            proposed = cty.unpack(request.proposed_new_state.msgpack, ty)
            if proposed is None:  # destroy
                response.planned_state.CopyFrom(self._dv(None, ty))
                return response
            config = cty.unpack(request.config.msgpack, ty) or {}
            prior = cty.unpack(request.prior_state.msgpack, ty)
            news = self._owned(core, values.inputs(resource, config))
            olds = (
                self._owned(core, values.olds(resource, prior), private=request.prior_private)
                if prior
                else {}
            )
            label = f"{request.type_name} '{news.get(resource.key, '?')}'"
            checked = self._call(label, core.check, olds, self._unknown_internal(resource, news))
            if checked.failures:
                raise Problem(*self.failures(checked.failures))
            # A replace is planned twice, the second time as a create with the first's private
            # data: the id kept there makes both one claim on the name.
            found = (prior or {}).get("id")
            prior_id = found if isinstance(found, str) and found else None
            replan = None if prior_id else values.claimed(request.prior_private)
            claim = prior_id or replan
            key, written = checked.inputs.get(resource.key), str(config.get(resource.key))
            self._claim(
                key, lambda n: self.names.plan(request.type_name, n, written, prior_id, replan=replan)
            )
            if prior is None:
                base = self._call(label, core.preview, {}, checked.inputs)
                plan = values.planned(resource, config, base, fresh=True)
            else:
                outcome = self._call(label, core.diff, olds, checked.inputs)
                base = self._call(label, core.preview, olds, checked.inputs) if outcome.changes else prior
                plan = values.planned(resource, config, {**prior, **base}, fresh=outcome.changes)
                names = {a.name for a in resource_attrs(resource)}
                for key in outcome.replaces:
                    if key in names:
                        response.requires_replace.append(attribute_path(key, self.pb))
            response.planned_state.CopyFrom(self._dv(plan, ty))
            response.planned_private = (
                values.with_claim(request.prior_private, claim) if claim else request.prior_private
            )
            return response

        return self._guard(response, run)

    def _unknown_internal(self, resource: Resource, news: dict[str, Any]) -> dict[str, Any]:
        """Internal controls a Pulumi program computes and Terraform cannot (a policy's
        ``declared_models``) are unknown at plan: their checks wait for the apply."""
        from pulumi_wxo.lifecycle.values import UNKNOWN

        for name in resource.internal_inputs - {"owner", "owner_stack"}:
            news[name] = UNKNOWN
        return news

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        response = self.pb.ApplyResourceChange.Response()

        def run() -> Any:
            resource, core = self._resource(request.type_name)
            ty = state_type(resource)
            prior = cty.unpack(request.prior_state.msgpack, ty)
            plan = cty.unpack(request.planned_state.msgpack, ty)
            config = cty.unpack(request.config.msgpack, ty) or {}
            olds = (
                self._owned(core, values.olds(resource, prior), private=request.planned_private)
                if prior
                else {}
            )
            label = f"{request.type_name} '{(plan or prior or {}).get(resource.key, '?')}'"
            if plan is None:
                self._call(label, core.delete, str(prior.get("id")), olds)
                response.new_state.CopyFrom(self._dv(None, ty))
                return response
            news = self._owned(core, values.inputs(resource, config))
            checked = self._call(label, core.check, olds, news)
            if checked.failures:
                raise Problem(*self.failures(checked.failures))
            if prior is None:
                key = checked.inputs.get(resource.key)
                written = str(config.get(resource.key))
                self._claim(key, lambda n: self.names.create(request.type_name, n, written))
                outputs = self._call(label, core.create, checked.inputs).outputs
            else:
                outputs = self._call(label, core.update, str(prior.get("id")), olds, checked.inputs)
            new = values.settled(plan, values.state(resource, outputs))
            response.new_state.CopyFrom(self._dv(new, ty))
            response.private = values.private(resource, outputs)
            return response

        return self._guard(response, run)

    def ReadResource(self, request: Any, context: Any) -> Any:
        response = self.pb.ReadResource.Response()

        def run() -> Any:
            resource, core = self._resource(request.type_name)
            ty = state_type(resource)
            prior = cty.unpack(request.current_state.msgpack, ty) or {}
            olds = self._owned(core, values.olds(resource, prior), private=request.private)
            label = f"{request.type_name} '{prior.get(resource.key, '?')}'"
            outcome = self._call(label, core.read, str(prior.get("id")), olds)
            if outcome.id is None:  # gone: the next plan creates it again
                response.new_state.CopyFrom(self._dv(None, ty))
                return response
            read = values.state(resource, outcome.outputs)
            same = self._unchanged(core, resource, outcome.outputs, olds)
            new = values.kept_spelling(resource_attrs(resource), read, prior, same)
            response.new_state.CopyFrom(self._dv(new, ty))
            response.private = values.private(resource, outcome.outputs)
            return response

        return self._guard(response, run)

    def _unchanged(
        self, core: Lifecycle, resource: Resource, outputs: Mapping[str, Any], olds: Mapping[str, Any]
    ) -> list[str]:
        """The API fields whose read value the lifecycle finds equal to the prior state's."""
        news = values.inputs(resource, olds)
        try:
            changed, _ = core.diff_fields(outputs, news)
        except WxoError:
            return []
        return [k for k in resource.api_fields if k not in changed]

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        response = self.pb.ImportResourceState.Response()

        def run() -> Any:
            resource, core = self._resource(request.type_name)
            outcome = self._call(f"import {request.type_name} '{request.id}'", core.read, request.id, {})
            if outcome.id is None:
                raise Problem(self.error(f"import {request.type_name}: no object with id '{request.id}'"))
            imported = self.pb.ImportResourceState.ImportedResource(
                type_name=request.type_name,
                state=self._dv(values.state(resource, outcome.outputs), state_type(resource)),
                private=values.private(resource, outcome.outputs),
            )
            response.imported_resources.append(imported)
            return response

        return self._guard(response, run)

    # Not served: no data sources, functions or moves.

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        return self.pb.ValidateDataResourceConfig.Response(
            diagnostics=[self.error(f"no data source {request.type_name!r}")]
        )

    def GetFunctions(self, request: Any, context: Any) -> Any:
        return self.pb.GetFunctions.Response()


#: The Terraform type name of each resource, by its declaration's class name.
BY_TYPE_NAME: dict[str, str] = {r.name: t for t, r in BY_TYPE.items()}

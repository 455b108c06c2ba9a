"""The Terraform host at the protocol level, in process: what OpenTofu sends, and its rules.

:class:`Tofu` calls the servicer of :mod:`pulumi_wxo.terraform.provider` directly with the
generated ``tfplugin6`` messages, values packed as msgpack with cty's rules, as OpenTofu does
over the socket. :meth:`Tofu.up` plans and applies one resource and asserts the two rules
OpenTofu enforces on every provider: a configured value is planned as written, and an apply
answers every value the plan knew. :class:`Memory` is an instance's ``/models`` and
``/model_policy`` collections in memory (an ``httpx.MockTransport`` handler: no sockets).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
from tf.gen import tfplugin_pb2 as pb

from pulumi_wxo.lifecycle import UNKNOWN, Runtime
from pulumi_wxo.terraform import cty
from pulumi_wxo.terraform.names import Names
from pulumi_wxo.terraform.provider import WxoTerraformProvider
from pulumi_wxo.terraform.schema import BY_TYPE, provider_type, resource_attrs, state_type
from pulumi_wxo.terraform.values import strip

URL = "https://wxo.example"
COLLECTIONS = ("/models", "/model_policy")


class Memory:
    """The collections of one instance, in memory, with every write recorded."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in COLLECTIONS}
        self.writes: list[str] = []
        self._next = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1/orchestrate")
        collection = next((c for c in COLLECTIONS if path == c or path.startswith(c + "/")), None)
        if collection is None:
            return httpx.Response(404, json={"detail": "not found"})
        objects = self.objects[collection]
        if request.method == "GET":
            names, ids = request.url.params.get_list("name"), request.url.params.get_list("id")
            found = [
                o
                for o in objects.values()
                if (not names or o["name"] in names) and (not ids or o["id"] in ids)
            ]
            return httpx.Response(200, json=found)
        self.writes.append(f"{request.method} {collection}")
        if request.method == "POST":
            self._next += 1
            obj = {**json.loads(request.content), "id": f"id-{self._next}"}
            objects[obj["id"]] = obj
            return httpx.Response(200, json=obj)
        id_ = path.rsplit("/", 1)[-1]
        if id_ not in objects:
            return httpx.Response(404, json={"detail": "not found"})
        if request.method == "PUT":
            objects[id_] = {**json.loads(request.content), "id": id_}
        else:
            del objects[id_]
        return httpx.Response(200, json={})

    def models(self) -> list[dict[str, Any]]:
        return list(self.objects["/models"].values())


def memory_runtime(memory: Memory) -> Runtime:
    runtime = Runtime()
    runtime.transport = httpx.MockTransport(memory)
    return runtime


def diagnostics(response: Any) -> list[tuple[str, str]]:
    """Each error diagnostic as (summary and detail, the attribute path as dotted text)."""
    out = []
    for d in response.diagnostics:
        steps = [s.attribute_name or str(s.element_key_int) for s in d.attribute.steps]
        out.append((f"{d.summary} {d.detail}", ".".join(steps)))
    return out


def known(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, Mapping):
        return all(known(v) for v in value.values())
    if isinstance(value, list):
        return all(known(v) for v in value)
    return True


class Tofu:
    """OpenTofu's side of the protocol, for one provider configuration."""

    def __init__(self, runtime: Runtime, environ: Mapping[str, str] | None = None) -> None:
        self.provider = WxoTerraformProvider(pb, runtime, environ=dict(environ or {}))
        #: The private data OpenTofu keeps beside each state, by the state's id.
        self.private: dict[str, bytes] = {}

    def _private(self, state: Any) -> bytes:
        return self.private.get(state.get("id"), b"") if isinstance(state, Mapping) else b""

    def configure(self, **config: Any) -> Any:
        value = pb.DynamicValue(
            msgpack=cty.pack({"url": URL, "token": "unit-token", **config}, provider_type())
        )
        return self.provider.ConfigureProvider(pb.ConfigureProvider.Request(config=value), None)

    def schema(self) -> Any:
        return self.provider.GetProviderSchema(pb.GetProviderSchema.Request(), None)

    def _dv(self, type_name: str, value: Any) -> Any:
        return pb.DynamicValue(msgpack=cty.pack(value, state_type(BY_TYPE[type_name])))

    def _value(self, type_name: str, dv: Any) -> Any:
        return cty.unpack(dv.msgpack, state_type(BY_TYPE[type_name]))

    def validate(self, type_name: str, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        request = pb.ValidateResourceConfig.Request(type_name=type_name, config=self._dv(type_name, config))
        return diagnostics(self.provider.ValidateResourceConfig(request, None))

    def plan(self, type_name: str, prior: Any, config: Mapping[str, Any] | None) -> Any:
        # Each call here is a walk of its own: OpenTofu starts the plugin anew for each walk,
        # so the names one walk claims (pulumi_wxo.terraform.names) start empty.
        self.provider.names = Names()
        request = pb.PlanResourceChange.Request(
            type_name=type_name,
            prior_state=self._dv(type_name, prior),
            proposed_new_state=self._dv(type_name, config),
            config=self._dv(type_name, config),
            prior_private=self._private(prior),
        )
        return self.provider.PlanResourceChange(request, None)

    def planned(self, response: Any, type_name: str) -> Any:
        return self._value(type_name, response.planned_state)

    def apply(self, type_name: str, prior: Any, planned: Any, config: Any) -> Any:
        self.provider.names = Names()
        request = pb.ApplyResourceChange.Request(
            type_name=type_name,
            prior_state=self._dv(type_name, prior),
            planned_state=self._dv(type_name, planned),
            config=self._dv(type_name, config),
            planned_private=self._private(prior),
        )
        response = self.provider.ApplyResourceChange(request, None)
        state = self._value(type_name, response.new_state)
        if isinstance(state, Mapping) and isinstance(state.get("id"), str):
            self.private[state["id"]] = response.private
        return response

    def up(self, type_name: str, prior: Any, config: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
        """Plan and apply ``config``, checking OpenTofu's rules; the new state and the plan."""
        plan = self.plan(type_name, prior, config)
        assert diagnostics(plan) == []
        planned = self.planned(plan, type_name)
        for attr in resource_attrs(BY_TYPE[type_name]):
            if config.get(attr.name) is not None or not attr.computed:
                want = strip(config.get(attr.name))
                assert strip(planned[attr.name]) == want, f"planned {attr.name} differs from config"
        applied = self.apply(type_name, prior, planned, config)
        assert diagnostics(applied) == []
        state = self._value(type_name, applied.new_state)
        for key, value in planned.items():
            if known(value):
                assert state[key] == value, f"apply answered {key} other than planned"
        assert known(state)
        return state, plan

    def read(self, type_name: str, state: Any) -> Any:
        request = pb.ReadResource.Request(
            type_name=type_name, current_state=self._dv(type_name, state), private=self._private(state)
        )
        response = self.provider.ReadResource(request, None)
        assert diagnostics(response) == []
        new = self._value(type_name, response.new_state)
        if new is not None:
            self.private[new["id"]] = response.private
        return new

    def import_(self, type_name: str, id_: str) -> Any:
        request = pb.ImportResourceState.Request(type_name=type_name, id=id_)
        return self.provider.ImportResourceState(request, None)

    def upgrade(self, type_name: str, version: int, raw: Mapping[str, Any]) -> Any:
        request = pb.UpgradeResourceState.Request(
            type_name=type_name, version=version, raw_state=pb.RawState(json=json.dumps(raw).encode())
        )
        response = self.provider.UpgradeResourceState(request, None)
        assert diagnostics(response) == []
        return self._value(type_name, response.upgraded_state)

"""A protocol-level lifecycle harness for the native plugin, as pulumi-go-provider's ``LifeCycleTest``.

The plugin's servicer (:class:`~pulumi_wxo.native.server.CleanErrorsServicer` over
:class:`~pulumi_wxo.native.plugin.WxoProvider`) is called in process with the engine's own
``pulumi.runtime.proto`` messages, in the order the engine sends them; a test states the steps:

    LifeCycle(
        resource="wxo:index:Model",
        create={"name": "openai/gpt-4o", "provider_config": {"api_key": Secret("sk-1")}},
        updates=[Step({...}, expect_changes=["display_name"]), Step({...}, expect_replace=True)],
    ).run(Plugin(runtime, settings))

Each step: Check → Diff → Update, or Create then Delete of the old id for a replace (the engine's
create-before-delete order, unless the diff asks for delete-before-replace) → Read. The last
step is followed by Delete and a Read that must find nothing. Every answer is checked on the
wire: a value given as :class:`Secret` never appears outside a secret envelope, and where the
answer has a value at a path the inputs marked secret, it is marked secret there too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from pulumi_wxo.lifecycle import Runtime
from pulumi_wxo.native.plugin import WxoProvider
from pulumi_wxo.native.schema import package_version
from pulumi_wxo.native.server import CleanErrorsServicer

STACK, PROJECT = "dev", "harness"


@dataclass(frozen=True, repr=False)
class Secret:
    """An input the program marks secret (``pulumi.Output.secret``); its text stays out of messages."""

    value: Any

    def __repr__(self) -> str:
        return "Secret(...)"


@dataclass
class Step:
    """New inputs, and what the engine must be told: the changed fields, whether it replaces.

    ``expect_outputs`` is a subset the Read after the step must answer (plain values);
    ``check`` gets the outputs and may assert anything else.
    """

    inputs: Mapping[str, Any]
    expect_changes: Sequence[str] = ()
    expect_replace: bool = False
    expect_outputs: Mapping[str, Any] = field(default_factory=dict)
    check: Callable[[dict[str, Any]], None] | None = None


class PluginAbort(Exception):
    """What the servicer sent the engine instead of an answer (``context.abort``)."""


class _Context:
    async def abort(self, code: Any, details: str) -> None:
        raise PluginAbort(details)


def urn(resource: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{resource}::{name}"


def _engine_value(value: Any) -> PropertyValue:
    if isinstance(value, Secret):
        return _engine_value(value.value).with_secret(True)
    if isinstance(value, Mapping):
        return PropertyValue({str(k): _engine_value(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([_engine_value(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def to_struct(inputs: Mapping[str, Any]) -> struct_pb2.Struct:
    """Plain inputs (with :class:`Secret` marks) as the engine's property struct."""
    return PropertyValue.marshal_map({k: _engine_value(v) for k, v in inputs.items()})


def _secrets(value: Any, path: str = "") -> dict[str, str]:
    """The paths the inputs mark secret, and their plain text."""
    if isinstance(value, Secret):
        return {path: str(value.value)}
    if isinstance(value, Mapping):
        found: dict[str, str] = {}
        for k, v in value.items():
            found.update(_secrets(v, f"{path}.{k}" if path else str(k)))
        return found
    return {}


def plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    """An answer's struct as plain data (secrets unwrapped), to compare with expectations."""

    def unwrap(v: PropertyValue) -> Any:
        inner = v.value
        if isinstance(inner, Mapping):
            return {k: unwrap(x) for k, x in inner.items()}
        if isinstance(inner, Sequence) and not isinstance(inner, str):
            return [unwrap(x) for x in inner]
        return inner

    return {k: unwrap(v) for k, v in PropertyValue.unmarshal_map(struct).items()}


def assert_secrets_kept(
    where: str, struct: struct_pb2.Struct, texts: set[str], secrets: Mapping[str, str]
) -> None:
    """No secret's text (``texts``: every one given so far) outside an envelope anywhere in
    ``struct``; each path of ``secrets`` (the resource's own), where the answer has a value,
    marked secret there (or inside a secret parent)."""
    raw = json_format.MessageToDict(struct)

    def walk(node: Any, inside: bool, path: str) -> None:
        if isinstance(node, dict):
            sealed = inside or node.get(_special_sig_key) == _special_secret_sig
            for k, v in node.items():
                walk(v, sealed, path if k == "value" and sealed and not inside else f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, inside, f"{path}[{i}]")
        elif isinstance(node, str) and not inside:
            for text in texts:
                assert text not in node, f"{where}: a secret in plain text at {path.lstrip('.')}"

    walk(raw, False, "")
    values = PropertyValue.unmarshal_map(struct)
    for dotted in secrets:
        head, *rest = dotted.split(".")
        found: PropertyValue | None = values.get(head)
        sealed = found is not None and found.is_secret
        for key in rest:
            inner = found.value if found is not None else None
            found = inner.get(key) if isinstance(inner, Mapping) else None
            sealed = sealed or (found is not None and found.is_secret)
        if found is not None and found.value is not None:
            assert sealed, f"{where}: {dotted} is not marked secret"


class Plugin:
    """The plugin's servicer in process, configured once with ``settings`` (``url``, ``token``...)."""

    def __init__(self, runtime: Runtime, settings: Mapping[str, Any]) -> None:
        self.provider = WxoProvider(runtime, workers=2)
        self.servicer = CleanErrorsServicer([], package_version(), self.provider, engine_address="")
        self.loop = asyncio.new_event_loop()
        self.texts: set[str] = set()  # every secret's text given so far, by any resource
        self.secrets: dict[str, dict[str, str]] = {}  # by URN: the paths its last inputs mark secret
        provider_urn = urn("pulumi:providers:wxo", "p")
        self.secrets[provider_urn] = _secrets(settings)
        self.texts.update(self.secrets[provider_urn].values())
        props = to_struct(settings)
        checked = self.call("CheckConfig", provider_pb2.CheckRequest(urn=provider_urn, news=props))
        assert not checked.failures, checked.failures
        self.seen("CheckConfig", provider_urn, checked.inputs)
        self.call("Configure", provider_pb2.ConfigureRequest(args=checked.inputs, acceptSecrets=True))

    def close(self) -> None:
        self.loop.close()
        self.provider._pool.shutdown(wait=True)

    def call(self, method: str, request: Any) -> Any:
        return self.loop.run_until_complete(getattr(self.servicer, method)(request, _Context()))

    def seen(self, op: str, resource_urn: str, struct: struct_pb2.Struct) -> struct_pb2.Struct:
        """``struct`` (the answer to ``op``), once its secrets are checked."""
        where = f"{op} {resource_urn}"
        assert_secrets_kept(where, struct, self.texts, self.secrets.get(resource_urn, {}))
        return struct

    # -- one engine operation each ------------------------------------------------------------

    def check(
        self, resource_urn: str, olds: struct_pb2.Struct, inputs: Mapping[str, Any]
    ) -> struct_pb2.Struct:
        self.secrets[resource_urn] = _secrets(inputs)
        self.texts.update(self.secrets[resource_urn].values())
        resp = self.call(
            "Check", provider_pb2.CheckRequest(urn=resource_urn, olds=olds, news=to_struct(inputs))
        )
        assert not resp.failures, [(f.property, f.reason) for f in resp.failures]
        return self.seen("Check", resource_urn, resp.inputs)

    def create(self, resource_urn: str, checked: struct_pb2.Struct) -> tuple[str, struct_pb2.Struct]:
        resp = self.call("Create", provider_pb2.CreateRequest(urn=resource_urn, properties=checked))
        assert resp.id, f"Create {resource_urn}: no id"
        return resp.id, self.seen("Create", resource_urn, resp.properties)

    def read(self, resource_urn: str, id_: str, state: struct_pb2.Struct, inputs: struct_pb2.Struct) -> Any:
        resp = self.call(
            "Read", provider_pb2.ReadRequest(urn=resource_urn, id=id_, properties=state, inputs=inputs)
        )
        self.seen("Read", resource_urn, resp.properties)
        self.seen("Read (inputs)", resource_urn, resp.inputs)
        return resp

    def delete(self, resource_urn: str, id_: str, state: struct_pb2.Struct) -> None:
        self.call("Delete", provider_pb2.DeleteRequest(urn=resource_urn, id=id_, properties=state))


@dataclass
class LifeCycle:
    """Create ``create``, apply each of ``updates`` in turn, delete; see the module's doc."""

    resource: str
    create: Mapping[str, Any]
    updates: Sequence[Step] = ()
    name: str = "res"
    expect_outputs: Mapping[str, Any] = field(default_factory=dict)
    gone: Callable[[str], bool] | None = None  # the server no longer holds the object at this id
    ids: list[str] = field(default_factory=list)  # every id the resource had, in order

    def run(self, plugin: Plugin) -> dict[str, Any]:
        """Run every step; the last outputs (plain)."""
        u = urn(self.resource, self.name)
        inputs = plugin.check(u, struct_pb2.Struct(), self.create)
        id_, state = plugin.create(u, inputs)
        self.ids.append(id_)
        outputs = self._read(
            plugin, u, id_, state, inputs, Step(self.create, expect_outputs=self.expect_outputs)
        )
        for step in self.updates:
            news = plugin.check(u, inputs, step.inputs)
            diff = plugin.call("Diff", provider_pb2.DiffRequest(urn=u, id=id_, olds=state, news=news))
            where = f"Diff {u} to {dict(step.inputs)}"
            assert not any(text in str(diff) for text in plugin.texts), f"{where}: a secret in the diff"
            assert sorted(diff.diffs) == sorted(step.expect_changes), f"{where}: {list(diff.diffs)}"
            some = (
                provider_pb2.DiffResponse.DIFF_SOME
                if step.expect_changes
                else provider_pb2.DiffResponse.DIFF_NONE
            )
            assert diff.changes == some, f"{where}: changes={diff.changes}"
            assert bool(diff.replaces) == step.expect_replace, f"{where}: replaces={list(diff.replaces)}"
            if diff.replaces:
                old_id, old_state = id_, state
                if diff.deleteBeforeReplace:
                    plugin.delete(u, old_id, old_state)
                id_, state = plugin.create(u, news)
                if not diff.deleteBeforeReplace:
                    plugin.delete(u, old_id, old_state)
                self.ids.append(id_)
                assert id_ != old_id, f"{where}: the replacement kept the id {id_}"
                self._assert_gone(plugin, u, old_id, old_state)
            elif step.expect_changes:
                resp = plugin.call(
                    "Update",
                    provider_pb2.UpdateRequest(urn=u, id=id_, olds=state, news=news),
                )
                state = plugin.seen("Update", u, resp.properties)
            inputs = news
            outputs = self._read(plugin, u, id_, state, inputs, step)
        plugin.delete(u, id_, state)
        self._assert_gone(plugin, u, id_, state)
        return outputs

    def _read(
        self,
        plugin: Plugin,
        u: str,
        id_: str,
        state: struct_pb2.Struct,
        inputs: struct_pb2.Struct,
        step: Step,
    ) -> dict[str, Any]:
        resp = plugin.read(u, id_, state, inputs)
        assert resp.id == id_, f"Read {u}: id {resp.id!r}, expected {id_!r}"
        outputs = plain(resp.properties)
        assert plain(state) == outputs, f"Read {u}: the state drifted from what the step answered"
        for key, want in step.expect_outputs.items():
            assert outputs.get(key) == want, f"Read {u}: {key} = {outputs.get(key)!r}, expected {want!r}"
        if step.check is not None:
            step.check(outputs)
        return outputs

    def _assert_gone(self, plugin: Plugin, u: str, id_: str, state: struct_pb2.Struct) -> None:
        plugin.provider.runtime.snapshot("models").invalidate()  # a later run: no cached list
        plugin.provider.runtime.snapshot("policies").invalidate()
        resp = plugin.read(u, id_, state, struct_pb2.Struct())
        assert not resp.id, f"Read {u} after delete: still found as {resp.id}"
        if self.gone is not None:
            assert self.gone(id_), f"{u}: the server still holds {id_}"

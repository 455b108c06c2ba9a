"""Resources, configurations and a real CrossGuard analyzer for the policy tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_wxo.policy import PackConfig, Resource, parse_pack_config

SECRET = "sk-planted-SECRET-value-0042"
MODEL_TYPES = ("pulumi-python:dynamic/wxo:Model", "wxo:index:Model")
POLICY_TYPES = ("pulumi-python:dynamic/wxo:ModelPolicy", "wxo:index:ModelPolicy")
# The engine's wire forms (pulumi_policy's deserialize and proxy modules).
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def model(stack: str | None = "dev", resource: str = "gpt", **props: Any) -> Resource:
    base: dict[str, Any] = {"name": "openai/gpt-4o", "connection_id": "conn", "tags": ["team-a"]}
    return Resource("model", resource, {**base, **props}, stack)


def policy(stack: str | None = "dev", resource: str = "route", **props: Any) -> Resource:
    base: dict[str, Any] = {
        "name": "route",
        "strategy": "loadbalance",
        "targets": [{"model_name": "openai/gpt-4o", "weight": 1}],
    }
    return Resource("policy", resource, {**base, **props}, stack)


def config(**entries: Any) -> PackConfig:
    """A pack config from ``policy_name=entry`` (underscores for dashes)."""
    return parse_pack_config({k.replace("_", "-"): v for k, v in entries.items()})


def secret(value: Any) -> dict[str, Any]:
    """``value`` as the engine sends a secret."""
    return {**SECRET_SIG, "value": value}


class Analyzer:
    """The pack's policies behind pulumi_policy's own servicer: the engine's requests in, the
    reported violations out (``(policy, message, urn)``)."""

    def __init__(self, pack_config: Mapping[str, Any] | None = None) -> None:
        import pulumi_policy as pp
        from google.protobuf import json_format, struct_pb2
        from pulumi.runtime import proto
        from pulumi_policy.policy import _PolicyAnalyzerServicer

        from pulumi_wxo.policy.crossguard import PACK_NAME, build_policies

        self._proto, self._json, self._struct = proto, json_format, struct_pb2
        self.servicer = _PolicyAnalyzerServicer(
            PACK_NAME, "0.0.1", build_policies(), pp.EnforcementLevel.ADVISORY, None,
            None, None, None, None, None, None,
        )  # fmt: skip
        from pulumi.runtime.proto import analyzer_pb2

        levels = {name.lower(): value for name, value in analyzer_pb2.EnforcementLevel.items()}
        request = proto.ConfigureAnalyzerRequest()
        for name, given in (pack_config or {}).items():
            entry = given if isinstance(given, Mapping) else {"enforcementLevel": given}
            props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            cfg = request.policyConfig[name]
            cfg.enforcementLevel = levels[entry.get("enforcementLevel", "advisory")]
            cfg.properties.update(props)
        self.servicer.Configure(request, None)

    def _struct_of(self, props: Mapping[str, Any]) -> Any:
        return self._json.ParseDict(dict(props), self._struct.Struct())

    def analyze(
        self, type_: str, props: Mapping[str, Any], name: str = "gpt", stack: str = "dev"
    ) -> list[tuple[str, str, str]]:
        urn = f"urn:pulumi:{stack}::proj::{type_}::{name}"
        req = self._proto.AnalyzeRequest(type=type_, properties=self._struct_of(props), urn=urn, name=name)
        return [(d.policyName, d.message, d.urn) for d in self.servicer.Analyze(req, None).diagnostics]

    def analyze_stack(
        self, resources: list[tuple[str, str, Mapping[str, Any]]], stack: str = "dev"
    ) -> list[tuple[str, str, str]]:
        req = self._proto.AnalyzeStackRequest()
        for type_, name, props in resources:
            req.resources.append(
                self._proto.AnalyzerResource(
                    type=type_, name=name, urn=f"urn:pulumi:{stack}::proj::{type_}::{name}",
                    properties=self._struct_of(props),
                )
            )  # fmt: skip
        return [(d.policyName, d.message, d.urn) for d in self.servicer.AnalyzeStack(req, None).diagnostics]

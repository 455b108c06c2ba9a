"""Explicit providers: one program, several Orchestrate instances.

``pulumi_wxo.Provider("prod", url=..., api_key=...)`` (dynamic host) and
``pulumi_wxo.native.Provider("prod", url=..., api_key=...)`` (the plugin) take the same
keyword arguments: every setting the provider reads from stack config (``wxo:url`` ->
``url``, ``wxo:apiKey`` -> ``api_key``; :data:`pulumi_wxo.api.setting_table.SETTINGS`), and
pass them as the provider's inputs, so ``opts=ResourceOptions(provider=prod)`` sends a
resource to that instance. A setting left out falls back to its ``WXO_*`` environment
variable, as for stack config. Credentials are secret in state.

The dynamic host's provider is a ``pulumi-python`` provider resource: the engine starts one
``python -m pulumi.dynamic`` process for it, whose ``configure`` receives its inputs under
their stack-config keys (``wxo:url``), exactly as the default provider receives the stack's
config (docs/guide/hosts.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

import pulumi

from pulumi_wxo.api.setting_table import SETTINGS
from pulumi_wxo.lifecycle.runtime import config_name, setting_text


class ProviderArgs(TypedDict, total=False):
    """The settings of one instance (docs/guide/client.md has each one's default and range).

    Written out for type checkers, one key per row of the settings table
    (:data:`~pulumi_wxo.api.setting_table.SETTINGS`), in its order and with its annotation
    (``Setting.python``): tests/unit/test_provider_resource.py holds the two equal."""

    url: pulumi.Input[str]
    api_key: pulumi.Input[str]
    token: pulumi.Input[str]
    auth_type: pulumi.Input[str]
    iam_url: pulumi.Input[str]
    username: pulumi.Input[str]
    password: pulumi.Input[str]
    ca_bundle: pulumi.Input[str]
    insecure: pulumi.Input[bool]
    timeout: pulumi.Input[float]
    max_retries: pulumi.Input[int]
    max_retry_time: pulumi.Input[float]
    base_path: pulumi.Input[str]
    allow_http: pulumi.Input[bool]
    max_response_bytes: pulumi.Input[int]
    instance_aliases: pulumi.Input[str | Sequence[str]]
    move_instance: pulumi.Input[bool]
    snapshot_max_age: pulumi.Input[float]


def arg_name(key: str) -> str:
    """``wxo:apiKey`` -> ``api_key``."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", config_name(key)).lower()


def provider_inputs(given: Mapping[str, Any], *, kind: str, prefixed: bool) -> dict[str, Any]:
    """The provider resource's inputs: each setting as the string stack config would hold,
    under ``wxo:<key>`` (``prefixed``, the dynamic host) or ``<key>`` (the plugin)."""
    known = {row.attr: (row.key, row.secret) for row in SETTINGS}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TypeError(f"{kind}: unknown argument {unknown[0]!r}; the settings are {', '.join(known)}")
    out: dict[str, Any] = {}
    for arg, value in given.items():
        if value is None:
            continue
        key, secret = known[arg]
        text = pulumi.Output.from_input(value).apply(setting_text)
        out[key if prefixed else config_name(key)] = pulumi.Output.secret(text) if secret else text
    return out


class Provider(pulumi.ProviderResource):
    """An explicit dynamic-host provider for one Orchestrate instance (see the module docstring)."""

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        **settings: Unpack[ProviderArgs],
    ) -> None:
        props = provider_inputs(settings, kind=f"Provider '{resource_name}'", prefixed=True)
        super().__init__("pulumi-python", resource_name, props, opts)

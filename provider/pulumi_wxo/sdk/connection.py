"""The Connection's property builder, shared by both hosts' ``Connection``.

:class:`pulumi_wxo.Connection` and :class:`pulumi_wxo.native.Connection` both register what
:func:`connection_props` builds; this module imports neither host. Credentials are secret from
the start: the shorthand ``credentials`` and the ``environments`` that carry any are secret
inputs, and both outputs are secret whatever the server answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from pulumi_wxo.inputs import to_plain
from pulumi_wxo.resources import CONNECTION
from pulumi_wxo.sdk.common import Declared, DeclaredNames, merge_args
from pulumi_wxo.sdk.declared import ConnectionArgs

__all__ = [
    "CONNECTION_NAMES",
    "CONNECTION_SECRET_OUTPUTS",
    "ConnectionArgs",
    "connection_opts",
    "connection_props",
]

# The outputs that hold credentials: secret in state whatever the engine would infer.
CONNECTION_SECRET_OUTPUTS: tuple[str, ...] = ("credentials", "environments")


# One app_id, one Connection per program (as one name, one Model).
CONNECTION_NAMES = DeclaredNames(CONNECTION.name, str)


def _secret(value: Any) -> Any:
    return None if value is None else pulumi.Output.secret(value)


def _environments(value: Any) -> Any:
    """The environments, secret as a whole when any of them may carry credentials."""
    value = to_plain(value)
    if isinstance(value, Mapping) and all(
        isinstance(block, Mapping) and block.get("credentials") is None for block in value.values()
    ):
        return value
    return _secret(value)


def connection_props(resource: object, call: Declared) -> dict[str, Any]:
    """A Connection's properties as both hosts register them (credentials secret)."""
    given = merge_args(
        call.args,
        call.given,
        kind=CONNECTION.name,
        resource_name=call.resource_name,
        required=CONNECTION.required_fields,
    )
    return {
        **{k: to_plain(v) for k, v in given.items()},
        "app_id": CONNECTION_NAMES.input(given["app_id"], call.resource_name, resource, call.opts),
        "credentials": _secret(to_plain(given.get("credentials"))),
        "environments": _environments(given.get("environments")),
        **{key: given.get(key) or default for key, default in CONNECTION.arg_defaults.items()},
        **dict.fromkeys(CONNECTION.seeded_outputs),
    }


def connection_opts(opts: pulumi.ResourceOptions | None, **more: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(CONNECTION_SECRET_OUTPUTS), **more)
    )

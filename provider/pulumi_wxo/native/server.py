"""Serve a provider to the engine: the SDK's gRPC servicer, with clean error messages.

The SDK's servicer (``pulumi.provider.experimental.server``) turns any exception into a gRPC
error whose message ends with the Python traceback. For a :class:`PluginError` (a lifecycle
error the user can act on: bad input, a name taken, the server's answer) the engine should show
the message alone, as it does for any first-class provider; anything else is a bug in the
plugin, and its traceback is what a bug report needs, so it is left as the SDK renders it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import grpc  # type: ignore[import-untyped]  # grpcio ships no stubs
import grpc.aio  # type: ignore[import-untyped]
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

Handler = Callable[[Any, Any, Any], Awaitable[Any]]

# The servicer methods that reach the provider's code.
METHODS = (
    "CheckConfig",
    "DiffConfig",
    "Configure",
    "GetSchema",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
)


class PluginError(Exception):
    """An error the user can act on, as the one line the engine shows next to the resource."""


def _plugin_error(err: BaseException) -> PluginError | None:
    """The PluginError ``err`` is, or wraps (the SDK re-raises it as a new Exception)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, PluginError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _clean(method: Handler) -> Handler:
    async def handler(self: Any, request: Any, context: Any) -> Any:
        try:
            return await method(self, request, context)
        except Exception as err:  # the SDK wraps every error in a bare Exception
            found = _plugin_error(err)
            if found is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, str(found))

    return handler


class CleanErrorsServicer(ProviderServicer):
    """The SDK's servicer; a :class:`PluginError` reaches the engine as its message alone."""


for _name in METHODS:
    setattr(CleanErrorsServicer, _name, _clean(getattr(ProviderServicer, _name)))


def serve(
    args: list[str], version: str, provider: Provider, *, engine: Callable[[str], None] | None = None
) -> None:
    """What ``pulumi.provider.experimental.server.main`` does, with :class:`CleanErrorsServicer`.

    The engine starts the plugin with its own address as the first argument and reads the
    port the plugin listens on from its first line of stdout. ``engine`` is told that address
    (the plugin logs to the engine's log service through it).
    """
    parser = argparse.ArgumentParser(description="pulumi-resource-wxo: the wxo provider plugin (gRPC)")
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--logflow", action="store_true", help="ignored")
    parser.add_argument("--logtostderr", action="store_true", help="ignored")
    parser.add_argument("-v", type=int, default=0, help="ignored")
    known, _ = parser.parse_known_args(args)
    if engine is not None:
        engine(known.engine)

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = CleanErrorsServicer(args, version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        print(port, flush=True)
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())

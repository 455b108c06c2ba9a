"""Warnings to the Pulumi engine's log service, for the preview's reader (both hosts).

The engine starts every provider plugin with its own gRPC address as the first argument; its
``Log`` call shows a message in the run's output as a warning, beside the resource whose URN
it names (or among the run's diagnostics without one). A check's notes (an adoption, a
takeover: lifecycle/claims.py) reach the reviewer of a ``pulumi preview`` this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pulumi_wxo.redaction import logger

EngineLog = Callable[[str, str], None]


def engine_address(argv: Sequence[str]) -> str | None:
    """The engine's address among a plugin's arguments: the engine passes its flags
    (``--logtostderr``, ``-v=N``, ``--tracing <endpoint>``) first and its address last."""
    found: str | None = None
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--tracing":
            skip = True
        elif not arg.startswith("-"):
            found = arg
    return found


def engine_logger(address: str) -> EngineLog:
    """``log(urn, message)``: a warning on ``urn`` ("" for none) through the engine at ``address``."""
    import grpc  # type: ignore[import-untyped]  # grpcio ships no stubs
    from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

    stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))

    def log(urn: str, message: str) -> None:
        stub.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn))

    return log


def stderr_log(urn: str, message: str) -> None:
    """Without the engine's address: a line on stderr, which the engine shows as a diagnostic."""
    logger.warning("%s", message)

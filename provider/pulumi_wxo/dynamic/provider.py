"""The dynamic-provider classes: translate ``pulumi.dynamic`` requests and results, nothing else.

Facts from Pulumi's dynamic providers that shape this module (docs/dev/lifecycle.md):

* The provider object is pickled into state by reference: keep nothing on ``self``.
  Connection settings are read in :meth:`configure` from stack config with an environment
  fallback into the process-wide :data:`~pulumi_wxo.lifecycle.RUNTIME`, never into state.
* ``check`` returns the inputs the engine stores (it *replaces* them); ``diff``/``update``/
  ``delete``/``read`` receive the old **outputs**; during preview ``check`` and ``diff`` see
  :class:`pulumi.output.Unknown` values, which become :data:`~pulumi_wxo.lifecycle.UNKNOWN`.
* ``__provider`` (the pickled provider) rides along in every property bag: it is kept out of
  the lifecycle and put back into check's inputs.
* ``DiffResult.stables`` is ignored; the default ``update`` wipes outputs, so ``update``
  returns every output.
* ``check`` gets no URN: its notes (an adoption, a takeover; lifecycle/claims.py) go to the
  engine's log service as warnings of the run, each naming its model (_engine_log.py).
* The host answers any exception with ``traceback.format_exc()`` as the gRPC error's text,
  which the engine prints in full. For a :class:`~pulumi_wxo.api.errors.WxoError` (bad input, a
  name taken, the server's answer: something the user acts on) :func:`quiet_dynamic_host`
  makes that text the message alone, as the native plugin sends it; any other exception is a
  bug, and keeps its traceback for the report.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_wxo._engine_log import EngineLog, engine_address, engine_logger, stderr_log
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.lifecycle import (
    RUNTIME,
    UNKNOWN,
    CheckOutcome,
    ConnectionLifecycle,
    DiffOutcome,
    Lifecycle,
    ModelLifecycle,
    PolicyLifecycle,
    Runtime,
)
from pulumi_wxo.schema import Failure
from pulumi_wxo.schema.bounds import MAX_DEPTH

PROVIDER_KEY = "__provider"
# The class path stored in users' state (see the package docstring).
STATE_MODULE = "pulumi_wxo._provider"


class _OneLineErrors:
    """The ``traceback`` module as the dynamic host sees it: a WxoError formats as its message."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def format_exc(self, limit: int | None = None, chain: bool = True) -> str:
        err = sys.exc_info()[1]
        if isinstance(err, WxoError):
            return str(err)  # names the resource's field or request; never a secret (api/redaction)
        return str(self._real.format_exc(limit, chain))


def quiet_dynamic_host(host: ModuleType | None = None) -> bool:
    """In the dynamic-provider process, send lifecycle errors to the engine without a traceback.

    The process runs ``python -m pulumi.dynamic``, so its ``__main__`` is the SDK's host, whose
    error wrapper (``_abort_with_traceback``) calls the module-level ``traceback.format_exc()``
    when a method raises. This swaps that module for :class:`_OneLineErrors` there and nowhere
    else: ``False`` (nothing done) in any other process, such as the program's, or when the
    SDK's host no longer looks the same. Called when this module is imported, which in that
    process happens when the engine's first call unpickles the provider.
    """
    host = host if host is not None else sys.modules.get("__main__")
    if host is None or not hasattr(host, "DynamicResourceProviderServicer"):
        return False
    current = getattr(host, "traceback", None)
    if isinstance(current, _OneLineErrors):
        return True
    if not isinstance(current, ModuleType) or not callable(getattr(current, "format_exc", None)):
        return False
    setattr(host, "traceback", _OneLineErrors(current))  # noqa: B010  # the host's own global
    return True


def from_engine(value: Any, depth: int = 1) -> Any:
    """Engine properties as the lifecycle reads them: SDK unknowns become ``UNKNOWN``.

    Bounded: below ``MAX_DEPTH`` levels a value is passed on as it is, because the lifecycle
    refuses anything that deep before it looks inside (schema/bounds.py).
    """
    if isinstance(value, Unknown):
        return UNKNOWN
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {k: from_engine(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_engine(v, depth + 1) for v in value]
    return value


def _props(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: from_engine(v) for k, v in value.items() if k != PROVIDER_KEY}


def _check_failures(fails: Iterable[Failure]) -> list[CheckFailure]:
    # The engine prints the reason next to the resource's URN; the path is repeated in the
    # reason so the message names the field even where the engine drops ``property``.
    return [CheckFailure(f.path, str(f)) for f in fails]


def _check_result(news: Mapping[str, Any], given: Mapping[str, Any], outcome: CheckOutcome) -> CheckResult:
    # Values the lifecycle did not change (the very objects it was ``given``) go back as the
    # engine sent them, unknowns included; by identity, as an equality test would walk them.
    inputs = {k: (news[k] if k in news and given.get(k) is v else v) for k, v in outcome.inputs.items()}
    if PROVIDER_KEY in news:
        inputs[PROVIDER_KEY] = news[PROVIDER_KEY]
    return CheckResult(inputs, _check_failures(outcome.failures))


def _diff_result(outcome: DiffOutcome) -> DiffResult:
    return DiffResult(
        changes=outcome.changes,
        replaces=outcome.replaces,
        delete_before_replace=outcome.delete_before_replace,
    )


_ENGINE: list[EngineLog] = []


def _engine_log() -> EngineLog:
    """The engine's log service in the dynamic-provider process (started, like every plugin,
    with the engine's address as its first argument), else stderr."""
    if not _ENGINE:
        main = sys.modules.get("__main__")
        address = engine_address(sys.argv[1:]) if hasattr(main, "DynamicResourceProviderServicer") else None
        _ENGINE.append(engine_logger(address) if address else stderr_log)
    return _ENGINE[0]


def _config_getter(req: ConfigureRequest) -> Callable[[str], str | None]:
    def get(key: str) -> str | None:
        value = req.config.get(key)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    return get


class _LifecycleHost(ResourceProvider):
    """Every ``pulumi.dynamic`` method, translated to the lifecycle object of ``_lifecycle``."""

    _lifecycle: ClassVar[Callable[[Runtime], Lifecycle]]

    # __provider stays secret in state (the default since pulumi 3.75); it carries no
    # credentials, but a secret costs nothing with the passphrase backend.
    serialize_as_secret_always = True

    def _core(self) -> Lifecycle:
        return type(self)._lifecycle(RUNTIME)

    def configure(self, req: ConfigureRequest) -> None:
        RUNTIME.configure(_config_getter(req), os.environ)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        given = _props(news)
        outcome = self._core().check(_props(_olds), given)
        for note in outcome.notes:
            _engine_log()("", note)
        return _check_result(news, given, outcome)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _diff_result(self._core().diff(_props(olds), _props(news)))

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self._core().create(_props(props))
        return CreateResult(created.id, created.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        outcome = self._core().read(id_, _props(props))
        return ReadResult(outcome.id, outcome.outputs, inputs=outcome.inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._core().update(id_, _props(_olds), _props(news)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._core().delete(id_, _props(props))


class ModelProvider(_LifecycleHost):
    """Lifecycle of one virtual model (``/models``, api-contract §2): :mod:`pulumi_wxo.lifecycle.model`."""

    __module__ = STATE_MODULE
    _lifecycle = ModelLifecycle


class ModelPolicyProvider(_LifecycleHost):
    """Lifecycle of one routing policy (``/model_policy``, api-contract §6).

    See :mod:`pulumi_wxo.lifecycle.policy`.
    """

    __module__ = STATE_MODULE
    _lifecycle = PolicyLifecycle


class ConnectionProvider(_LifecycleHost):
    """Lifecycle of one connection (``/connections/applications``, api-contract §13).

    See :mod:`pulumi_wxo.lifecycle.connection`.
    """

    __module__ = STATE_MODULE
    _lifecycle = ConnectionLifecycle


quiet_dynamic_host()

"""The ``pulumi-resource-wxo`` plugin: translate the engine's gRPC requests to lifecycle calls, nothing else.

Host 2 beside :mod:`pulumi_wxo.dynamic`, over the same :mod:`pulumi_wxo.lifecycle`. The SDK's
``pulumi.provider.experimental`` package serves the gRPC protocol on an asyncio loop; this
module turns each request's property values into plain data (:mod:`pulumi_wxo.native.values`),
calls the lifecycle and turns the result back. What differs from the dynamic host:

* The type token comes from the URN (``wxo:index:Model``); no pickled provider rides along.
* Configuration arrives as the provider's inputs without the ``wxo:`` prefix (``url``,
  ``apiKey``), from stack config or an explicit ``wxo.Provider``; unset keys fall back to
  ``WXO_*`` exactly as in the dynamic host (:meth:`Runtime.configure`).
* ``diff`` answers with a detailed diff, one entry per changed field, so ``pulumi preview
  --diff`` marks the field.
* The engine calls up to ``--parallel`` (default 8) methods at once. The lifecycle is
  synchronous over a pooled ``httpx.Client``; each call runs on a thread of a pool larger than
  any parallelism the engine asks for, so that throughput follows ``--parallel`` without a
  second, asynchronous copy of the lifecycle or the HTTP layer (docs/guide/hosts.md).
* ``owner`` (lifecycle/ownership.py) is always the one computed from the URN, with the same
  formula the Python SDK uses; a program that sends another one (a YAML or TypeScript program
  naming another stack's owner, to take its model back without ``adopt``) is refused at check.
* A check's notes (an adoption, a takeover: lifecycle/claims.py) go to the engine's log
  service as warnings on the resource, so that the preview shows them beside it.
* The plugin supports preview: a previewed create or update answers with the lifecycle's
  ``preview`` (the inputs with the server's defaults, the id and instance kept, the rest
  unknown), without a request, so what reads ``model_id`` stays known across an update.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_wxo._engine_log import EngineLog, engine_address, engine_logger, stderr_log
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.lifecycle import LIFECYCLES, RUNTIME, DiffOutcome, Lifecycle, Runtime, is_unknown
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.lifecycle.runtime import config_name, setting_text
from pulumi_wxo.native.schema import package_version, schema_json
from pulumi_wxo.native.server import PluginError, serve
from pulumi_wxo.native.values import engine_map, plain_map

T = TypeVar("T")

#: The lifecycle of each type token the plugin serves (the declarations' ``native_token``).
BY_TOKEN: dict[str, type[Lifecycle]] = {cls.resource.native_token: cls for cls in LIFECYCLES}

#: Threads for lifecycle calls: above any ``--parallel`` the engine is likely to be given
#: (default 8), so no engine call waits for a thread; each holds one pooled connection.
WORKERS = 32


def _resource_type(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>
    parts = urn.split("::")
    return parts[-2].rsplit("$", 1)[-1] if len(parts) > 2 else ""


def _resource_name(urn: str) -> str:
    return urn.rsplit("::", maxsplit=1)[-1]


OWNER_REFUSED = (
    "owner: is computed from the resource's URN (its project, stack, type and name) and is not an "
    "input; remove it from the program (to manage an existing model, set adopt=True)"
)


def stack_from_urn(urn: str) -> str:
    """``<project>/<stack>`` of the resource ``urn`` names."""
    parts = urn.split("::")
    return f"{parts[1]}/{parts[0].rsplit(':', 1)[-1]}" if len(parts) > 2 else ""


def owner_from_urn(urn: str) -> str:
    """The owner id of the resource ``urn`` names (project, stack, type token, resource name)."""
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1]
    return owner_id(project=parts[1], stack=stack, type_token=_resource_type(urn), resource_name=parts[-1])


def _label(urn: str) -> str:
    kind = _resource_type(urn).rsplit(":", 1)[-1] or "resource"
    return f"{kind} '{_resource_name(urn)}'"


def config_getter(args: Mapping[str, Any], variables: Mapping[str, str]) -> Callable[[str], str | None]:
    """``get("wxo:url")`` over the provider's inputs (``url``), else the engine's variables."""

    def get(key: str) -> str | None:
        found = setting_text(args.get(config_name(key)))
        return found if found is not None else variables.get(key)

    return get


def _diff_kind(key: str, olds: Mapping[str, Any], news: Mapping[str, Any], replace: bool) -> PropertyDiff:
    old, new = olds.get(key), news.get(key)
    if old in (None, {}, []) and new not in (None, {}, []):
        kind = PropertyDiffKind.ADD_REPLACE if replace else PropertyDiffKind.ADD
    elif new is None and old is not None:
        kind = PropertyDiffKind.DELETE_REPLACE if replace else PropertyDiffKind.DELETE
    else:
        kind = PropertyDiffKind.UPDATE_REPLACE if replace else PropertyDiffKind.UPDATE
    # ``instance`` (a move, lifecycle/instance.py) is no input: the change is the provider's.
    return PropertyDiff(kind, input_diff=key in news)


def diff_response(outcome: DiffOutcome, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffResponse:
    return DiffResponse(
        changes=outcome.changes,
        replaces=list(outcome.replaces),
        delete_before_replace=outcome.delete_before_replace,
        diffs=list(outcome.changed),
        detailed_diff={k: _diff_kind(k, olds, news, k in outcome.replaces) for k in outcome.changed},
    )


class WxoProvider(Provider):
    """Every resource method of the protocol, translated to the lifecycle of the URN's type."""

    def __init__(self, runtime: Runtime = RUNTIME, *, workers: int = WORKERS) -> None:
        self.runtime = runtime
        self.engine: EngineLog = stderr_log  # until serve() learns the engine's address
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wxo-lifecycle")
        self._schema: str | None = None

    async def _call(self, urn: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the pool; a lifecycle error becomes a :class:`PluginError`."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))
        except WxoError as err:
            raise PluginError(f"{_label(urn)}: {err}") from None

    def _core(self, urn: str) -> Lifecycle:
        token = _resource_type(urn)
        found = BY_TOKEN.get(token)
        if found is None:
            raise PluginError(f"unknown resource type {token!r}: the wxo plugin serves {', '.join(BY_TOKEN)}")
        return found(self.runtime)

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        if self._schema is None:
            self._schema = schema_json()
        return GetSchemaResponse(schema=self._schema)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        get = config_getter(plain_map(request.args), request.variables)
        await self._call("", self.runtime.configure, get, os.environ)
        # Preview create/update answer from the lifecycle's preview (no request); no output
        # values or resource references in inputs (unknowns arrive as the engine's sentinel).
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        core = self._core(request.urn)
        news = plain_map(request.new_inputs)
        failures: list[CheckFailure] = []
        # The control inputs the Python SDK computes from the URN, for a resource that declares them.
        controls = core.resource.control_inputs
        if "owner" in controls:
            own, given = owner_from_urn(request.urn), news.get("owner")
            if given is not None and not is_unknown(given) and given != own:
                failures.append(CheckFailure("owner", OWNER_REFUSED))
            news["owner"] = own
        if "owner_stack" in controls:
            news["owner_stack"] = stack_from_urn(request.urn)
        name = request.new_inputs.get("name")
        if "secret_name" in controls and name is not None and name.is_secret:
            news["secret_name"] = True  # messages say "a secret name" (lifecycle/model.py)
        outcome = await self._call(request.urn, core.check, plain_map(request.old_inputs), news)
        for note in outcome.notes:
            await self._call(request.urn, self.engine, request.urn, note)
        return CheckResponse(
            inputs=engine_map(outcome.inputs, request.new_inputs),
            failures=failures + [CheckFailure(f.path, str(f)) for f in outcome.failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds, news = plain_map(request.old_state), plain_map(request.new_inputs)
        outcome = await self._call(request.urn, self._core(request.urn).diff, olds, news)
        return diff_response(outcome, olds, news)

    async def create(self, request: CreateRequest) -> CreateResponse:
        core = self._core(request.urn)
        if request.preview:
            outs = await self._call(request.urn, core.preview, {}, plain_map(request.properties))
            return CreateResponse("", engine_map(outs, request.properties))
        created = await self._call(request.urn, core.create, plain_map(request.properties))
        return CreateResponse(created.id, engine_map(created.outputs, request.properties))

    async def read(self, request: ReadRequest) -> ReadResponse:
        props = plain_map(request.properties)
        outcome = await self._call(request.urn, self._core(request.urn).read, request.resource_id, props)
        if outcome.id is None:
            return ReadResponse()  # gone: the engine drops it from state
        inputs = engine_map(outcome.inputs or {}, request.inputs, request.properties)
        return ReadResponse(
            outcome.id, engine_map(outcome.outputs, request.properties, request.inputs), inputs
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        core = self._core(request.urn)
        if request.preview:
            outs = await self._call(
                request.urn, core.preview, plain_map(request.olds), plain_map(request.news)
            )
            return UpdateResponse(engine_map(outs, request.news, request.olds))
        outs = await self._call(
            request.urn, core.update, request.resource_id, plain_map(request.olds), plain_map(request.news)
        )
        return UpdateResponse(engine_map(outs, request.news, request.olds))

    async def delete(self, request: DeleteRequest) -> None:
        await self._call(
            request.urn, self._core(request.urn).delete, request.resource_id, plain_map(request.properties)
        )


def main(argv: list[str] | None = None) -> None:
    """The ``pulumi-resource-wxo`` console script: serve :class:`WxoProvider` to the engine."""
    provider = WxoProvider()
    args = sys.argv[1:] if argv is None else argv

    def found(address: str) -> None:
        # The engine's flags come first (``--tracing <endpoint>`` too), its address last.
        provider.engine = engine_logger(engine_address(args) or address)

    serve(args, package_version(), provider, engine=found)


if __name__ == "__main__":
    main()

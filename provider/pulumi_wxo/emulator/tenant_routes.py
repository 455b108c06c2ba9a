"""HTTP layer for the other endpoints that IBM's ADK CLI (``orchestrate``) calls (api-contract §12).

HTTP only, like :mod:`.routes`; state and rules are in :mod:`.tenant_objects` and :mod:`.store`.
Every route needs a tenant token (as the models API does) and is mounted under every prefix of
:data:`~.routes.API_PREFIXES` and ``/api/v1/orchestrate`` (the connections manager of a local
Developer Edition, api-contract §12.4):

* ``GET /knowledge-bases`` -- ``[]``: the check ``orchestrate env activate`` makes (§12.1).
* ``POST /models/validate`` -- a validation report (§12.2).
* ``GET|PUT|PATCH|DELETE /model-selection`` (§12.3).
* ``/connections/applications[...]`` -- list, look up by ``app_id`` or ``connection_id``, create,
  delete, configurations and credentials (§12.4, §13; shapes and rules in :mod:`.connections`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Response
from fastapi.responses import JSONResponse

from .connections import (
    ConnectionConfigIn,
    ConnectionEnvironment,
    ConnectionIn,
    CredentialsIn,
    CredentialSlot,
    credentials_answer,
)
from .models import (
    SECRET_PROVIDER_CONFIG_KEYS,
    ModelSelectionIn,
    ModelSelectionPatchIn,
    ValidateIn,
)
from .routes import API_PREFIXES, OUT_OF_THE_BOX_MODELS, ScopeDep, require_tenant_token
from .runtime import TenantScope
from .store import NotFound

__all__ = ["TENANT_PREFIXES", "mount_tenant_routes", "tenant_router"]

# The local connections manager answers under /api/v1/orchestrate (api-contract §12.4 [SRC]).
TENANT_PREFIXES: tuple[str, ...] = (*API_PREFIXES, "/api/v1/orchestrate")

# Providers that need no credential of their own (a local server) [INF].
_KEYLESS_PROVIDERS = frozenset({"ollama"})

tenant_router = APIRouter(dependencies=[Depends(require_tenant_token)])


@tenant_router.get("/knowledge-bases")
def list_knowledge_bases() -> JSONResponse:
    """The activation check of ``orchestrate env activate``: any 2xx passes, a 4xx fails it
    (api-contract §12.1 [SRC]). The emulator has no knowledge bases [INF]."""
    return JSONResponse([])


# ---------------------------------------------------------------------------------------------
# POST /models/validate (api-contract §12.2)


def _test(name: str, status: str, message: str) -> dict[str, Any]:
    return {"test_name": name, "status": status, "message": message, "duration_ms": 0}


def _validation_tests(runtime: TenantScope, model: str) -> list[dict[str, Any]]:
    """The static checks the emulator can make; it never calls a model provider [INF]."""
    if any(entry.id == model for entry in OUT_OF_THE_BOX_MODELS):
        return [_test("model_exists", "success", "built-in model")]
    matches = runtime.store.list_models(names=[model])
    if not matches:
        raise NotFound(f"Model '{model}' not found")
    record = matches[-1]
    config = record["provider_config"]
    has_secret = any(config.get(key) for key in SECRET_PROVIDER_CONFIG_KEYS)
    if has_secret or record["connection_id"] or record["provider"] in _KEYLESS_PROVIDERS:
        credentials = _test("credentials", "success", "credentials or a connection are configured")
    else:
        credentials = _test("credentials", "failed", "no credentials: set api_key or a connection (app_id)")
    return [
        _test("model_exists", "success", "virtual model found"),
        credentials,
        _test("inference", "skipped", "the emulator does not call model providers"),
    ]


@tenant_router.post("/models/validate")
def validate_model(body: ValidateIn, runtime: ScopeDep) -> JSONResponse:
    """A report shaped as ``orchestrate models add/import`` prints it (api-contract §12.2):
    ``overall_status`` "passed" unless a test failed; 404 for an unknown model [INF]."""
    tests = _validation_tests(runtime, body.model)
    failed = sum(t["status"] == "failed" for t in tests)
    passed = sum(t["status"] == "success" for t in tests)
    return JSONResponse(
        {
            "model": body.model,
            "overall_status": "failed" if failed else "passed",
            "summary": {
                "total_tests": len(tests),
                "passed": passed,
                "failed": failed,
                "success_rate": round(100 * passed / len(tests), 1),
                "total_duration_ms": 0,
            },
            "tests": tests,
        }
    )


# ---------------------------------------------------------------------------------------------
# /model-selection (api-contract §12.3)


def _selection(runtime: TenantScope) -> dict[str, Any]:
    settings = runtime.tenant.selection()
    if settings["default_llm"] is None:
        default = next(e.id for e in OUT_OF_THE_BOX_MODELS if "default" in e.tags)
        settings = {**settings, "default_llm": default}
    return settings


@tenant_router.get("/model-selection")
def get_model_selection(runtime: ScopeDep) -> JSONResponse:
    """The ADK's ``GetModelSelectionResponse``: settings and warnings (api-contract §12.3 [SRC])."""
    return JSONResponse({"model_selection_settings": _selection(runtime), "warnings": []})


# PUT and PATCH answer a list of warnings: the ADK logs each item of the answer (§12.3 [SRC]).


@tenant_router.put("/model-selection")
def replace_model_selection(body: ModelSelectionIn, runtime: ScopeDep) -> JSONResponse:
    runtime.tenant.replace_selection(body)
    return JSONResponse([])


@tenant_router.patch("/model-selection")
def patch_model_selection(body: ModelSelectionPatchIn, runtime: ScopeDep) -> JSONResponse:
    runtime.tenant.patch_selection(body)
    return JSONResponse([])


@tenant_router.delete("/model-selection")
def reset_model_selection(runtime: ScopeDep) -> Response:
    runtime.tenant.reset_selection()
    return Response(status_code=200)


# ---------------------------------------------------------------------------------------------
# /connections/applications (api-contract §12.4, §13)


@tenant_router.get("/connections/applications")
def get_connections(
    runtime: ScopeDep,
    app_id: str | None = None,
    connection_id: str | None = None,
    connection_ids: Annotated[str | None, Query(alias="connectionIds")] = None,
) -> JSONResponse:
    """Three answers on one path, by query (api-contract §12.4 [SRC] ``ConnectionsClient``):
    ``?app_id=`` one connection, ``?connection_id=`` one connection, otherwise
    ``{"applications": [...]}`` (optionally only ``?connectionIds=a,b``)."""
    tenant = runtime.tenant
    if app_id is not None or connection_id is not None:
        record = (
            tenant.connection_by_app_id(app_id)
            if app_id is not None
            else tenant.connection_by_id(connection_id or "")
        )
        body = {k: record[k] for k in ("connection_id", "app_id", "tenant_id")}
        return JSONResponse({**body, "resource": record["resource"]})
    wanted = [c for c in (connection_ids or "").split(",") if c]
    entries = [entry for record in tenant.connections(wanted) for entry in tenant.listing(record)]
    return JSONResponse({"applications": entries})


@tenant_router.post("/connections/applications", status_code=201)
def create_connection(body: ConnectionIn, runtime: ScopeDep) -> JSONResponse:
    record = runtime.tenant.create_connection(body.app_id, body.resource)
    return JSONResponse(
        {"app_id": record["app_id"], "connection_id": record["connection_id"]}, status_code=201
    )


@tenant_router.delete("/connections/applications/{app_id}")
def delete_connection(app_id: str, runtime: ScopeDep) -> Response:
    runtime.tenant.delete_connection(app_id, refuse_in_use=runtime.switches.connection_in_use == "refuse")
    return Response(status_code=200)


@tenant_router.post("/connections/applications/{app_id}/configurations", status_code=201)
def create_configuration(app_id: str, body: ConnectionConfigIn, runtime: ScopeDep) -> JSONResponse:
    environment = body.environment or ConnectionEnvironment.DRAFT
    config = runtime.tenant.set_configuration(app_id, environment, body, create=True)
    return JSONResponse(config, status_code=201)


@tenant_router.get("/connections/applications/{app_id}/configurations/{environment}")
def get_configuration(app_id: str, environment: ConnectionEnvironment, runtime: ScopeDep) -> JSONResponse:
    return JSONResponse(runtime.tenant.configuration(app_id, environment))


@tenant_router.patch("/connections/applications/{app_id}/configurations/{environment}")
def update_configuration(
    app_id: str, environment: ConnectionEnvironment, body: ConnectionConfigIn, runtime: ScopeDep
) -> JSONResponse:
    return JSONResponse(runtime.tenant.set_configuration(app_id, environment, body, create=False))


_CREDENTIALS: dict[CredentialSlot, str] = {
    "credentials": "/connections/applications/{app_id}/configs/{environment}/credentials",
    "runtime_credentials": "/connections/applications/{app_id}/configs/{environment}/runtime_credentials",
}


def _credential_routes(slot: CredentialSlot) -> None:
    # One slot's POST, PATCH and DELETE (api-contract §13.4): the values are stored, never answered.
    def create(
        app_id: str, environment: ConnectionEnvironment, body: CredentialsIn, runtime: ScopeDep
    ) -> Response:
        runtime.tenant.set_credentials(app_id, environment, slot, body, create=True)
        return JSONResponse({})

    def update(
        app_id: str, environment: ConnectionEnvironment, body: CredentialsIn, runtime: ScopeDep
    ) -> Response:
        runtime.tenant.set_credentials(app_id, environment, slot, body, create=False)
        return JSONResponse({})

    def delete(app_id: str, environment: ConnectionEnvironment, runtime: ScopeDep) -> Response:
        runtime.tenant.delete_credentials(app_id, environment, slot)
        return Response(status_code=200)

    tenant_router.add_api_route(_CREDENTIALS[slot], create, methods=["POST"], name=f"create_{slot}")
    tenant_router.add_api_route(_CREDENTIALS[slot], update, methods=["PATCH"], name=f"update_{slot}")
    tenant_router.add_api_route(_CREDENTIALS[slot], delete, methods=["DELETE"], name=f"delete_{slot}")


for _slot in _CREDENTIALS:
    _credential_routes(_slot)


def _credentials_answer(
    runtime: TenantScope, app_id: str, environment: ConnectionEnvironment, slot: CredentialSlot
) -> JSONResponse:
    # The ADK only tests the answer for truth before it chooses POST or PATCH, and maps 404 (and
    # 400 for runtime credentials while only app credentials exist) to "none" (api-contract §13.4
    # [SRC]). What the body holds is not known: the switch connection_credentials [INF].
    slots = runtime.tenant.credentials(app_id, environment)
    if slot not in slots:
        if slots and slot == "runtime_credentials":
            return JSONResponse(
                {"detail": f"No {environment.value} {slot} for connection '{app_id}'"}, status_code=400
            )
        raise NotFound(f"No {environment.value} credentials for connection '{app_id}'")
    mode = runtime.switches.connection_credentials
    return JSONResponse(credentials_answer(app_id, environment, slots[slot], mode))


@tenant_router.get("/connections/applications/runtime_credentials")
def get_runtime_credentials(app_id: str, env: ConnectionEnvironment, runtime: ScopeDep) -> JSONResponse:
    return _credentials_answer(runtime, app_id, env, "runtime_credentials")


@tenant_router.get("/connections/applications/{app_id}/credentials/{environment}")
def get_app_credentials(app_id: str, environment: ConnectionEnvironment, runtime: ScopeDep) -> JSONResponse:
    return _credentials_answer(runtime, app_id, environment, "credentials")


def mount_tenant_routes(app: FastAPI) -> None:
    """After :func:`~.routes.mount_routes`: ``POST /models/validate`` must not be taken for a
    model id (the models router has only PUT and DELETE on ``/models/{id}``)."""
    for prefix in TENANT_PREFIXES:
        app.include_router(tenant_router, prefix=prefix)

"""HTTP layer of the emulator: the Models / Model-policy API and the token endpoints.

Only HTTP lives here: parse the request, call the :class:`~.store.Store`, render the wire
shape, map domain errors to status codes. The same API handlers are mounted under every prefix
in :data:`API_PREFIXES` (api-contract §1).

* ``POST/GET /models``, ``GET /models/list``, ``PUT/DELETE /models/{id}`` (api-contract §2).
  ``GET /models/{id}`` is deliberately not defined (api-contract §2 "Get one by path": unknown
  upstream), so it answers 405.
* ``POST/GET /model_policy``, ``PUT/DELETE /model_policy/{id}`` (api-contract §6).
* Token endpoints for IAM, MCSP v1/v2, CPD and the local Developer Edition (api-contract §7.2).

Successful DELETE answers **200 with an empty body** (api-contract §10 item 4 allows 200-empty or
204; the ADK maps an empty body to ``{}``).
"""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any, cast
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .catalog import CUSTOM_MODEL_TAG, DENIED_TAG, OUT_OF_THE_BOX_MODELS
from .models import (
    CatalogEntry,
    CatalogList,
    ModelPolicyIn,
    ModelPolicyOut,
    TenantIn,
    VirtualModelIn,
    VirtualModelOut,
    provider_config_to_wire,
)
from .runtime import Runtime, TenantScope
from .store import Conflict, Invalid, NotFound, StoreError
from .switches import Switches

__all__ = [
    "API_PREFIXES",
    "OUT_OF_THE_BOX_MODELS",
    "ScopeDep",
    "api_router",
    "auth_router",
    "install_error_handlers",
    "mount_routes",
]

# api-contract §1: remote /v1/orchestrate, local ADK /v1, local docs /api/v1; plus the SaaS instance
# form {instance}/v1/orchestrate with instance = /instances/<tenant_id> (api-contract §1 table).
API_PREFIXES: tuple[str, ...] = (
    "/v1/orchestrate",
    "/v1",
    "/api/v1",
    "/instances/{instance_id}/v1/orchestrate",
)

INVALID_TOKEN = "Invalid or expired token"
IAM_APIKEY_GRANT = "urn:ibm:params:oauth:grant-type:apikey"


def runtime_of(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
QueryList = Annotated[list[str] | None, Query()]


def _error(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


class _AuthError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_tenant_token(request: Request, runtime: RuntimeDep) -> TenantScope:
    """Every API route needs ``Authorization: Bearer <token>`` (api-contract §1, §10 item 5);
    the request then sees the objects of the token's tenant only (docs/guide/emulator.md, "Tenants").

    Valid: the fixed token, or a minted token that is neither expired nor revoked -> else 401.
    A local *user* token (no tenant, api-contract §7.2 step 1) is refused with 403 [INF].
    """
    token = _bearer(request)
    check = runtime.check_token(token) if token else "invalid"
    if check == "invalid" or token is None:
        raise _AuthError(401, INVALID_TOKEN)
    if check == "user":
        raise _AuthError(403, "Token is not scoped to a tenant")
    tenant = runtime.token_tenant(token)
    instance_id = request.path_params.get("instance_id")
    if instance_id is not None and instance_id != tenant:
        raise _AuthError(404, "Instance not found")
    return runtime.scope(tenant)


ScopeDep = Annotated[TenantScope, Depends(require_tenant_token)]


def require_any_token(request: Request, runtime: RuntimeDep) -> None:
    """Local tenant management accepts the user token too (api-contract §7.2 step 2)."""
    token = _bearer(request)
    if not token or runtime.check_token(token) == "invalid":
        raise _AuthError(401, INVALID_TOKEN)


# ---------------------------------------------------------------------------------------------
# Rendering (canonical record -> wire)


def render_model(record: dict[str, Any], switches: Switches) -> dict[str, Any]:
    """A stored model as GET shows it (api-contract §2.1): camelCase provider_config plus ``provider``."""
    wire_config = provider_config_to_wire(record["provider_config"], secrets=switches.secrets)
    out = VirtualModelOut.model_validate({**record, "provider_config": wire_config})
    return out.model_dump(mode="json")


def render_policy(record: dict[str, Any]) -> dict[str, Any]:
    """A stored policy as GET shows it: the documented ListModelConfig (api-contract §6 [DOC]).

    A null description (a record loaded through the control API) shows as the name: the ADK
    cannot read null (api-contract §6).
    """
    record = {**record, "description": record.get("description") or record["name"]}
    return ModelPolicyOut.model_validate(record).model_dump(mode="json")


def _write_response(body: dict[str, Any], object_id: str, switches: Switches, status: int) -> Response:
    """Create/replace answer per the ``create_response`` switch (api-contract §2 "Create", §11).

    object -> ``status`` with the object as GET shows it; empty -> 200 with an empty body;
    id -> ``status`` with the id as a JSON string.
    """
    if switches.create_response == "empty":
        return Response(status_code=200)
    if switches.create_response == "id":
        return JSONResponse(object_id, status_code=status)
    return JSONResponse(body, status_code=status)


def _list_response(items: list[dict[str, Any]], switches: Switches, what: str) -> Response:
    """Bare JSON array (api-contract §2 [DOC][LIVE-3P]); 404 when empty under ``empty_list=404`` (§8)."""
    if not items and switches.empty_list == "404":
        return _error(404, f"No {what} found")
    return JSONResponse(items)


# ---------------------------------------------------------------------------------------------
# Models and policies API

api_router = APIRouter(dependencies=[Depends(require_tenant_token)])


@api_router.post("/models", status_code=201)
def create_model(body: VirtualModelIn, runtime: ScopeDep) -> Response:
    """``POST /models`` (api-contract §2 "Create", §10 item 2)."""
    switches = runtime.switches
    record = runtime.store.create_model(body, reject_duplicates=switches.duplicates == "reject")
    return _write_response(render_model(record, switches), record["id"], switches, 201)


@api_router.get("/models")
def list_models(
    runtime: ScopeDep,
    name: QueryList = None,
    display_name: QueryList = None,
    ids: Annotated[list[str] | None, Query(alias="id")] = None,
) -> Response:
    """``GET /models[?name=&display_name=&id=]`` (api-contract §2).

    Repeatable filters; ``/`` raw or %-encoded.
    """
    switches = runtime.switches
    records = runtime.store.list_models(names=name or (), display_names=display_name or (), ids=ids or ())
    return _list_response([render_model(r, switches) for r in records], switches, "models")


@api_router.get("/models/list")
def list_catalog(runtime: ScopeDep, ids: Annotated[list[str] | None, Query(alias="id")] = None) -> Response:
    """``GET /models/list``: out-of-the-box plus virtual models in ``{"resources": [...]}`` (api-contract §2).

    The ADK's ``get_drafts_by_ids`` sends ``?id=`` here [SRC]; an entry matches by its ``id``
    (the model name) or, for a virtual model, its uuid [INF].
    """
    entries = list(OUT_OF_THE_BOX_MODELS)
    matches_uuid: set[str] = set()
    for record in runtime.store.list_models():
        entries.append(
            CatalogEntry(
                id=record["name"], description=record["description"], tags=[*record["tags"], CUSTOM_MODEL_TAG]
            )
        )
        if ids and record["id"] in ids:
            matches_uuid.add(record["name"])
    if ids:
        entries = [e for e in entries if e.id in ids or e.id in matches_uuid]
    denied = set(runtime.tenant.selection()["llm_denylist"])
    entries = [
        e.model_copy(update={"tags": [*e.tags, DENIED_TAG]})
        if e.id in denied and DENIED_TAG not in e.tags
        else e
        for e in entries
    ]
    return JSONResponse(CatalogList(resources=entries).model_dump(mode="json"))


@api_router.put("/models/{model_id}")
def replace_model(model_id: str, body: VirtualModelIn, runtime: ScopeDep) -> Response:
    """``PUT /models/{id}``: full replace (api-contract §2 "Update", §10 item 4)."""
    switches = runtime.switches
    record = runtime.store.replace_model(model_id, body, reject_duplicates=switches.duplicates == "reject")
    return _write_response(render_model(record, switches), record["id"], switches, 200)


@api_router.delete("/models/{model_id}")
def delete_model(model_id: str, runtime: ScopeDep) -> Response:
    """``DELETE /models/{id}`` -> 200 with an empty body (api-contract §2 "Delete", §10 item 4)."""
    runtime.store.delete_model(model_id)
    return Response(status_code=200)


@api_router.post("/model_policy", status_code=201)
def create_policy(body: ModelPolicyIn, runtime: ScopeDep) -> Response:
    """``POST /model_policy`` (api-contract §6)."""
    switches = runtime.switches
    record = runtime.store.create_policy(body, reject_duplicates=switches.duplicates == "reject")
    return _write_response(render_policy(record), record["id"], switches, 201)


@api_router.get("/model_policy")
def list_policies(
    runtime: ScopeDep,
    name: QueryList = None,
    display_name: QueryList = None,
    ids: Annotated[list[str] | None, Query(alias="id")] = None,
) -> Response:
    """``GET /model_policy[?name=&display_name=&id=]`` (api-contract §6)."""
    switches = runtime.switches
    records = runtime.store.list_policies(names=name or (), display_names=display_name or (), ids=ids or ())
    return _list_response([render_policy(r) for r in records], switches, "model policies")


@api_router.put("/model_policy/{policy_id}")
def replace_policy(policy_id: str, body: ModelPolicyIn, runtime: ScopeDep) -> Response:
    """``PUT /model_policy/{id}``: full replace (api-contract §6)."""
    switches = runtime.switches
    record = runtime.store.replace_policy(policy_id, body, reject_duplicates=switches.duplicates == "reject")
    return _write_response(render_policy(record), record["id"], switches, 200)


@api_router.delete("/model_policy/{policy_id}")
def delete_policy(policy_id: str, runtime: ScopeDep) -> Response:
    """``DELETE /model_policy/{id}`` -> 200 with an empty body (api-contract §6)."""
    runtime.store.delete_policy(policy_id)
    return Response(status_code=200)


# ---------------------------------------------------------------------------------------------
# Token endpoints (api-contract §7.2). No bearer needed; faults apply to them too.

auth_router = APIRouter()


def _form(raw: bytes) -> dict[str, str]:
    parsed = parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@auth_router.post("/identity/token")
async def iam_token(request: Request) -> JSONResponse:
    """IBM Cloud IAM api-key grant (api-contract §7.2 [SRC] ibm_cloud_sdk_core IAMTokenManager).

    Wrong api key -> 400 BXNIM0415E; an unsupported grant type -> 400 BXNIM0109E [INF].
    """
    runtime = runtime_of(request)
    form = _form(await request.body())
    if form.get("grant_type") != IAM_APIKEY_GRANT:
        return JSONResponse(
            {"errorCode": "BXNIM0109E", "errorMessage": "Provided grant type is not supported."},
            status_code=400,
        )
    if form.get("apikey") not in runtime.settings.api_keys:
        return JSONResponse(
            {"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found."},
            status_code=400,
        )
    token, _iat, exp = runtime.mint_token("iam", subject="iam-apikey")
    ttl = runtime.switches.token_ttl
    return JSONResponse(
        {
            "access_token": token,
            "refresh_token": secrets.token_urlsafe(32),
            "token_type": "Bearer",
            "expires_in": ttl,
            "expiration": exp,
            "scope": "ibm openid",
        }
    )


def _mcsp_response(runtime: Runtime, flow: str) -> JSONResponse:
    token, _iat, _exp = runtime.mint_token(flow, subject="mcsp-apikey")
    return JSONResponse({"token": token, "token_type": "jwt", "expires_in": runtime.switches.token_ttl})


_MCSP_BAD_KEY = "Provided API key could not be found."


@auth_router.post("/siusermgr/api/1.0/apikeys/token")
async def mcsp_v1_token(request: Request) -> JSONResponse:
    """MCSP v1: JSON ``{"apikey"}`` -> ``{"token", "token_type": "jwt", "expires_in"}`` (api-contract §7.2).

    Switch ``mcsp_v1=off`` answers 404 so a client's v2 fallback can be tested (api-contract §7.1).
    Wrong key -> 401 [INF].
    """
    runtime = runtime_of(request)
    if runtime.switches.mcsp_v1 == "off":
        return _error(404, "Not Found")
    body = _json_object(await request.body())
    if body.get("apikey") not in runtime.settings.api_keys:
        return _error(401, _MCSP_BAD_KEY)
    return _mcsp_response(runtime, "mcsp_v1")


async def _mcsp_v2(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    body = _json_object(await request.body())
    apikey = body.get("apikey") or request.headers.get("x-api-key")
    if apikey not in runtime.settings.api_keys:
        return _error(401, _MCSP_BAD_KEY)
    return _mcsp_response(runtime, "mcsp_v2")


@auth_router.post("/api/2.0/services/{instance_id}/apikeys/token")
async def mcsp_v2_token(instance_id: str, request: Request) -> JSONResponse:
    """MCSP v2 scoped: ``instance_id`` must be the tenant id (api-contract §7.2; the check is [INF]).

    Query parameters (``includeRoles`` ...) are tolerated and ignored.
    """
    if instance_id != runtime_of(request).settings.tenant_id:
        return _error(404, "Service instance not found")
    return await _mcsp_v2(request)


@auth_router.post("/api/2.0/apikeys/token")
async def mcsp_v2_scopeless_token(request: Request) -> JSONResponse:
    """MCSP v2 scopeless: what the installed ADK 2.19.1 calls, key in the body or ``X-API-Key`` [SRC]."""
    return await _mcsp_v2(request)


@auth_router.post("/icp4d-api/v1/authorize")
async def cpd_authorize(request: Request) -> JSONResponse:
    """CPD: JSON ``{"username", "password"|"api_key"}``, exactly one of the two.

    api-contract §7.2 [SRC][DOC].

    Answers ``{"_messageCode_": "200", "message": "Success", "token"}``; bad credentials -> 401
    with the same envelope [INF].
    """
    runtime = runtime_of(request)
    body = _json_object(await request.body())
    password, api_key = body.get("password"), body.get("api_key")
    ok = body.get("username") == runtime.settings.username and (
        (password is not None and api_key is None and password == runtime.settings.password)
        or (api_key is not None and password is None and api_key in runtime.settings.api_keys)
    )
    if not ok:
        return JSONResponse(
            {"_messageCode_": "401", "message": "Invalid username or password"}, status_code=401
        )
    token, _iat, _exp = runtime.mint_token("cpd", subject=runtime.settings.username)
    return JSONResponse({"_messageCode_": "200", "message": "Success", "token": token})


@auth_router.post("/api/v1/auth/token")
async def local_token(request: Request, tenant_id: str | None = None) -> JSONResponse:
    """Local Developer Edition login, form-encoded ``username``/``password`` (api-contract §7.2 [SRC]).

    Without ``tenant_id``: a user token (only good for ``/api/v1/tenants``). With it: a tenant
    token for the API. Local tokens carry no ``exp`` ("the local token does not have exp claim",
    api-contract §7.2 [SRC]); ``expire-tokens`` still revokes them. Bad credentials -> 401,
    unknown tenant -> 404 [INF].
    """
    runtime = runtime_of(request)
    form = _form(await request.body())
    if form.get("username") != runtime.settings.username or form.get("password") != runtime.settings.password:
        return _error(401, "Invalid username or password")
    if tenant_id is None:
        token, _iat, _exp = runtime.mint_token(
            "local_user", subject=runtime.settings.username, scope="user", expires=False
        )
    else:
        if not runtime.store.tenant_exists(tenant_id):
            return _error(404, "Tenant not found")
        token, _iat, _exp = runtime.mint_token(
            "local_tenant", subject=runtime.settings.username, expires=False, tenant_id=tenant_id
        )
    return JSONResponse({"access_token": token, "token_type": "bearer"})


@auth_router.get("/api/v1/tenants", dependencies=[Depends(require_any_token)])
def list_tenants(runtime: RuntimeDep) -> JSONResponse:
    """Local tenants, a bare list (api-contract §7.2 step 2)."""
    return JSONResponse(runtime.store.list_tenants())


@auth_router.post("/api/v1/tenants", status_code=201, dependencies=[Depends(require_any_token)])
def create_tenant(body: TenantIn, runtime: RuntimeDep) -> JSONResponse:
    """Create a local tenant -> 201 (api-contract §7.2 step 2)."""
    return JSONResponse(runtime.store.create_tenant(body.name, body.title, body.tags), status_code=201)


# ---------------------------------------------------------------------------------------------
# Wiring


def _validation_items(errors: Any) -> list[dict[str, Any]]:
    # Only loc/msg/type: FastAPI's default handler also sends "input" (which would echo a
    # secret from the request body back) and "ctx"/"url" (api-contract §8 shape).
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Map validation and domain errors to FastAPI-shaped bodies (api-contract §8)."""

    async def on_validation(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"detail": _validation_items(exc.errors())}, status_code=422)

    async def on_store_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StoreError)
        if isinstance(exc, Invalid):
            item = {"loc": list(exc.loc), "msg": exc.message, "type": exc.type}
            return JSONResponse({"detail": [item]}, status_code=422)
        if isinstance(exc, NotFound):
            return _error(404, exc.message)
        if isinstance(exc, Conflict):
            return _error(409, exc.message)
        return _error(400, exc.message)

    async def on_auth_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _AuthError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _error(exc.status, exc.detail, headers)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StoreError, on_store_error)
    app.add_exception_handler(_AuthError, on_auth_error)


def mount_routes(app: FastAPI) -> None:
    """Token endpoints first (``/api/v1/auth/token`` must not be shadowed), then the API per prefix."""
    app.include_router(auth_router)
    for prefix in API_PREFIXES:
        app.include_router(api_router, prefix=prefix)

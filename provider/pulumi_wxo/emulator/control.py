"""Control API under ``/_emulator/`` (no faults, not logged) and :class:`EmulatorControl`, its client.

It needs ``Authorization: Bearer <control_token>`` when the emulator has one (required beyond
loopback), JSON bodies, and the emulator's own origin (:mod:`.guard` checks all three).

This is the only way for tests to tamper with or look into the emulator:

==========================  ===============================================================
``GET  health``             ``{"status": "ok", "tenant_id", "pid", "db"}``: the serving process
                            and its database (absolute path, or ``:memory:``), so that whoever
                            started an emulator can tell it from another one on the port
``POST reset``              clear models, policies, tenants, token counts, faults and the
                            request log; restore start-up switches, then apply the optional
                            body (switches) -> the switches now in force
``GET  settings``           the switches
``PUT  settings``           partial update of the switches -> the switches now in force
``POST faults``             add a fault (:class:`~.runtime.FaultSpec`) -> 201 ``{"id"}``
``GET  faults``             active faults with ``remaining`` and ``hits``
``DELETE faults``           remove every fault -> ``{"cleared": n}``
``GET  requests``           the request log: ``[{"method", "path", "query", "status", "fault"}]``
``DELETE requests``         clear the request log
``GET  state``              raw stored objects, secrets included:
                            ``{"models", "policies", "tenants", "connections", "settings"}``
``PUT  state``              replace every model and policy with those of a ``GET state``
                            answer (a recorded server, replayed) -> ``{"models": n, "policies": n}``
``POST expire-tokens``      revoke every minted token (the fixed token stays valid)
``GET  tokens``             tokens minted per flow since the last reset
``GET  fixed-token``        the fixed token and its JWT form (for the ADK): ``{"token", "jwt"}``
``POST models/{id}/tags``   an administrator's tag change: ``{"add": [...], "remove": [...]}``
                            -> the stored model (api-contract §12.7)
==========================  ===============================================================
"""

from __future__ import annotations

import os
import ssl
from types import TracebackType
from typing import Annotated, Any, Self, Unpack, cast

import httpx
from fastapi import APIRouter, Body, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .middleware import CONTROL_PREFIX
from .runtime import FaultSpec, Runtime
from .switches import SwitchArgs, parse_patch

__all__ = ["EmulatorControl", "control_router"]


def _runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _patch(body: Any) -> dict[str, Any]:
    # The body is checked against the switch table's SwitchesPatch here rather than by FastAPI
    # (the model is built at run time); the 422 is the same, its loc starts at "body".
    try:
        return parse_patch(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors, body=body) from exc


control_router = APIRouter(prefix=CONTROL_PREFIX)


@control_router.get("/health")
def health(runtime: RuntimeDep) -> dict[str, Any]:
    db = runtime.settings.db
    return {
        "status": "ok",
        "tenant_id": runtime.settings.tenant_id,
        "pid": os.getpid(),
        "db": db if db == ":memory:" else os.path.abspath(db),
    }


@control_router.post("/reset")
def reset(runtime: RuntimeDep, body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    return runtime.reset(_patch(body)).model_dump()


@control_router.get("/settings")
def get_settings(runtime: RuntimeDep) -> dict[str, Any]:
    return runtime.switches.model_dump()


@control_router.put("/settings")
def put_settings(runtime: RuntimeDep, body: Annotated[Any, Body()]) -> dict[str, Any]:
    return runtime.update_switches(_patch(body)).model_dump()


@control_router.post("/faults", status_code=201)
def add_fault(runtime: RuntimeDep, spec: FaultSpec) -> dict[str, str]:
    return {"id": runtime.add_fault(spec).id}


@control_router.get("/faults")
def list_faults(runtime: RuntimeDep) -> list[dict[str, Any]]:
    return runtime.list_faults()


@control_router.delete("/faults")
def clear_faults(runtime: RuntimeDep) -> dict[str, int]:
    return {"cleared": runtime.clear_faults()}


@control_router.get("/requests")
def get_requests(runtime: RuntimeDep) -> list[dict[str, Any]]:
    return runtime.requests()


@control_router.delete("/requests")
def clear_requests(runtime: RuntimeDep) -> JSONResponse:
    runtime.clear_requests()
    return JSONResponse({})


@control_router.get("/state")
def state(runtime: RuntimeDep) -> dict[str, list[dict[str, Any]]]:
    return runtime.store.dump()


@control_router.put("/state")
def load_state(
    runtime: RuntimeDep, body: Annotated[dict[str, list[dict[str, Any]]], Body()]
) -> dict[str, int]:
    return runtime.store.load(body)


@control_router.post("/expire-tokens")
def expire_tokens(runtime: RuntimeDep) -> dict[str, int]:
    return {"generation": runtime.expire_tokens()}


@control_router.get("/tokens")
def tokens_issued(runtime: RuntimeDep) -> dict[str, int]:
    return runtime.tokens_issued()


@control_router.get("/fixed-token")
def fixed_token(runtime: RuntimeDep) -> dict[str, str]:
    return {"token": runtime.settings.token, "jwt": runtime.fixed_token_jwt}


class TagEdit(BaseModel):
    """Body of ``POST /_emulator/models/{id}/tags``."""

    model_config = ConfigDict(extra="forbid")

    add: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        default_factory=list, max_length=100
    )
    remove: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        default_factory=list, max_length=100
    )


@control_router.post("/models/{model_id}/tags")
def edit_model_tags(model_id: str, body: TagEdit, runtime: RuntimeDep) -> dict[str, Any]:
    """Tags an administrator sets on the platform side, e.g. ``wxo-reserved-tag-admin-disallowed``
    (api-contract §12.7); a later full PUT replaces them like any tag."""
    return runtime.store.edit_model_tags(model_id, add=body.add, remove=body.remove)


def _switches(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class EmulatorControl:
    """Typed client of the control API. ``base_url`` is the emulator root (``http://127.0.0.1:PORT``);
    ``control_token`` the emulator's ``--control-token``, if it has one.

    Every method raises :class:`httpx.HTTPStatusError` when the control API answers an error.
    """

    def __init__(
        self,
        base_url: str,
        *,
        control_token: str | None = None,
        timeout: float = 10.0,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {control_token}"} if control_token else {}
        self._http = httpx.Client(
            base_url=f"{self.base_url}{CONTROL_PREFIX}", headers=headers, timeout=timeout, verify=verify
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        response = self._http.request(method, path, json=json)
        response.raise_for_status()
        return response.json() if response.content else None

    def health(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("GET", "/health"))

    def reset(self, **switches: Unpack[SwitchArgs]) -> dict[str, Any]:
        """Clear all state and restore start-up switches, then apply the given ones."""
        body = _switches(**switches)
        return cast(dict[str, Any], self._call("POST", "/reset", json=body or None))

    def settings(self, **switches: Unpack[SwitchArgs]) -> dict[str, Any]:
        """Change the given switches (none given: just read them); return the switches in force."""
        body = _switches(**switches)
        if not body:
            return cast(dict[str, Any], self._call("GET", "/settings"))
        return cast(dict[str, Any], self._call("PUT", "/settings", json=body))

    def add_fault(
        self,
        *,
        method: str = "*",
        path: str = ".*",
        status: int | None = None,
        detail: Any = None,
        html: str | None = None,
        retry_after: int | None = None,
        quota: bool = False,
        delay: float = 0.0,
        delay_after: bool = False,
        count: int | None = None,
        fraction: float | None = None,
        seed: int | None = None,
    ) -> str:
        """Add a fault; return its id. See :class:`~.runtime.FaultSpec` for the semantics."""
        body: dict[str, Any] = {"method": method, "path": path, "quota": quota, "delay": delay}
        body["delay_after"] = delay_after
        body.update(
            _switches(
                status=status,
                detail=detail,
                html=html,
                retry_after=retry_after,
                count=count,
                fraction=fraction,
                seed=seed,
            )
        )
        return str(self._call("POST", "/faults", json=body)["id"])

    def faults(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._call("GET", "/faults"))

    def clear_faults(self) -> int:
        return int(self._call("DELETE", "/faults")["cleared"])

    def requests(self) -> list[dict[str, Any]]:
        """The request log (API and token routes): ``method, path, query, status, fault``."""
        return cast(list[dict[str, Any]], self._call("GET", "/requests"))

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Raw stored objects, secrets included: ``{"models", "policies", "tenants"}``."""
        return cast(dict[str, list[dict[str, Any]]], self._call("GET", "/state"))

    def load_state(self, state: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Replace every model and policy with those of a :meth:`state` answer (a replay)."""
        return cast(dict[str, int], self._call("PUT", "/state", json=state))

    def expire_tokens(self) -> int:
        """Revoke every minted token; return the new token generation."""
        return int(self._call("POST", "/expire-tokens")["generation"])

    def fixed_token(self) -> dict[str, str]:
        """``{"token": <the fixed token>, "jwt": <its JWT form, for the ADK>}``."""
        return cast(dict[str, str], self._call("GET", "/fixed-token"))

    def edit_model_tags(
        self, model_id: str, *, add: list[str] | None = None, remove: list[str] | None = None
    ) -> dict[str, Any]:
        """Add (then remove) tags on a stored model, as an administrator would."""
        body = {"add": add or [], "remove": remove or []}
        return cast(dict[str, Any], self._call("POST", f"/models/{model_id}/tags", json=body))

    def tokens_issued(self) -> dict[str, int]:
        """Tokens minted per flow: ``iam, mcsp_v1, mcsp_v2, cpd, local_user, local_tenant``."""
        return cast(dict[str, int], self._call("GET", "/tokens"))

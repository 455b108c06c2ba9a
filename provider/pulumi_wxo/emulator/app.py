"""Application factory: ``create_app(settings) -> FastAPI``.

Wires the :class:`~.runtime.Runtime` (store, switches, faults, log, tokens) into
``app.state.runtime``, the guard (outermost: Host, Origin, control token, Content-Type), the
fault/log middleware, the error handlers and the routers. The store
is closed when the app shuts down, so a new app can reopen the same database file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .control import control_router
from .guard import GuardMiddleware
from .middleware import FaultAndLogMiddleware
from .routes import install_error_handlers, mount_routes
from .runtime import EmulatorSettings, Runtime
from .tenant_routes import mount_tenant_routes

__all__ = ["EmulatorSettings", "create_app"]


def create_app(settings: EmulatorSettings | None = None) -> FastAPI:
    """Build the emulator app. The database is opened now and closed on shutdown."""
    runtime = Runtime(settings or EmulatorSettings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(
        title="watsonx Orchestrate Models API emulator",
        description="Local emulator of the Orchestrate Models / Model-policy API (pulumi-wxo).",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.add_middleware(FaultAndLogMiddleware, runtime=runtime)
    app.add_middleware(GuardMiddleware, settings=runtime.settings)  # added last: runs first
    install_error_handlers(app)
    app.include_router(control_router)
    mount_routes(app)
    mount_tenant_routes(app)
    return app

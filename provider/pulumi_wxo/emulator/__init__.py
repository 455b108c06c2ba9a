"""Local watsonx Orchestrate API emulator (optional extra: ``pulumi-wxo[emulator]``).

Written from the API contract only; it imports nothing from ``pulumi_wxo`` outside this package.

    from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread

    with EmulatorThread(EmulatorSettings(token="t")) as emu:
        emu.url              # http://127.0.0.1:PORT
        emu.control.reset(duplicates="reject")

    EmulatorSettings(switches=Switches(secrets="echo"))   # start-up switches
    EmulatorSettings(allow_remote=True, control_token="...")   # beyond loopback

See docs/guide/emulator.md; the switches are declared once, in :mod:`.switches`.

Modules:

``app``             the application factory, ``create_app(settings)``
``routes``          the Models / Model-policy API and the token endpoints (HTTP only)
``tenant_routes``   the other endpoints IBM's ADK CLI calls (HTTP only)
``tenant_objects``  the tenant's other objects: connections and the like
``connections``     the connections API's shapes and rules: configurations, credentials
``models``          request and response shapes, written from the API contract
``store``           the tenant's state in SQLite, and its rules (no HTTP)
``errors``          the store's domain errors, which the routes map to the wire
``names``           model and policy names as the server treats them
``catalog``         the catalogue ``GET /models/list`` answers besides virtual models
``tokens``          HS256 JWTs for the token endpoints
``guard``           the Host, Origin, control-token and Content-Type checks
``middleware``      fault injection and the request log
``control``         the control API under ``/_emulator/`` and its client
``switches``        the variant switches, declared once
``runtime``         process-wide state that is not API data: settings, switches, faults, log
``dbfile``          the SQLite file, private to its owner
``owner``           whose emulator answers at a URL
``server``          ``serve`` (blocking) and ``EmulatorThread`` (for tests)
``__main__``        ``python -m pulumi_wxo.emulator``
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .control import EmulatorControl
    from .dbfile import DatabaseFileError
    from .runtime import (
        DEFAULT_API_KEY,
        DEFAULT_PASSWORD,
        DEFAULT_TENANT_ID,
        DEFAULT_TOKEN,
        DEFAULT_USERNAME,
        EmulatorSettings,
        FaultSpec,
    )
    from .server import EmulatorThread, TLSFiles, check_bind, serve
    from .switches import SwitchArgs, Switches

# Each name is loaded on first use (PEP 562), so that the command line's parser
# (``__main__.build_parser``, for ``pulumi-wxo emulator --help``) needs neither FastAPI nor
# uvicorn: without the ``emulator`` extra, the help still lists every option.
_HOMES = {
    "create_app": "app",
    "EmulatorControl": "control",
    "DatabaseFileError": "dbfile",
    **dict.fromkeys(
        (
            "DEFAULT_API_KEY",
            "DEFAULT_PASSWORD",
            "DEFAULT_TENANT_ID",
            "DEFAULT_TOKEN",
            "DEFAULT_USERNAME",
            "EmulatorSettings",
            "FaultSpec",
        ),
        "runtime",
    ),
    **dict.fromkeys(("EmulatorThread", "TLSFiles", "check_bind", "serve"), "server"),
    **dict.fromkeys(("SwitchArgs", "Switches"), "switches"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PASSWORD",
    "DEFAULT_TENANT_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "DatabaseFileError",
    "EmulatorControl",
    "EmulatorSettings",
    "EmulatorThread",
    "FaultSpec",
    "SwitchArgs",
    "Switches",
    "TLSFiles",
    "check_bind",
    "create_app",
    "serve",
]

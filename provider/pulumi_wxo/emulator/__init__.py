"""Local watsonx Orchestrate API emulator (optional extra: ``pulumi-wxo[emulator]``).

Written from the API contract only; it imports nothing from ``pulumi_wxo`` outside this package.

    from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread

    with EmulatorThread(EmulatorSettings(token="t")) as emu:
        emu.url              # http://127.0.0.1:PORT
        emu.control.reset(duplicates="reject")

    EmulatorSettings(switches=Switches(secrets="echo"))   # start-up switches
    EmulatorSettings(allow_remote=True, control_token="...")   # beyond loopback

See docs/guide/emulator.md; the switches are declared once, in :mod:`.switches`.
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

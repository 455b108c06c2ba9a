"""Local watsonx Orchestrate API emulator (optional extra: ``pulumi-wxo[emulator]``).

Written from the API contract only; it imports nothing from ``pulumi_wxo`` outside this package.

    from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread

    with EmulatorThread(EmulatorSettings(token="t")) as emu:
        emu.url              # http://127.0.0.1:PORT
        emu.control.reset(duplicates="reject")

    EmulatorSettings(switches=Switches(secrets="echo"))   # start-up switches
    EmulatorSettings(allow_remote=True, control_token="...")   # beyond loopback

See docs/emulator.md; the switches are declared once, in :mod:`.switches`.
"""

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

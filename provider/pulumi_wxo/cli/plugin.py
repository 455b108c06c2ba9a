"""``pulumi-wxo plugin install``: the native plugin in the engine's plugin cache.

The engine looks a resource plugin up in this order (docs/guide/hosts.md, "Installing the plugin"):
a project's ``plugins:`` entry, then an executable ``pulumi-resource-wxo`` on ``PATH`` (with
the warning "using pulumi-resource-wxo from $PATH"), then its plugin cache
``$PULUMI_HOME/plugins/resource-wxo-v<version>/``. The Python language host asks for the
plugin of every installed ``pulumi-*`` package, so even a dynamic-only program makes the
engine look for it. This command writes a launcher into the cache under exactly the version
the SDK and the language host ask for (``native.schema.package_version``), so the engine finds
it there; with the virtualenv's ``bin/`` off ``PATH`` (or ``PULUMI_IGNORE_AMBIENT_PLUGINS=true``)
no run warns.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Any

from pulumi_wxo.cli.common import add_command, err

PLUGIN = "pulumi-resource-wxo"


_SUMMARY = "install the native plugin pulumi-resource-wxo into Pulumi's plugin cache"
_DESCRIPTION = (
    "Install the native plugin into Pulumi's plugin cache "
    "($PULUMI_HOME/plugins/resource-wxo-v<version>/, PULUMI_HOME defaulting to ~/.pulumi), "
    "under the version this package's SDK asks for, as a launcher that runs this Python. "
    "`pulumi-wxo plugin path` prints where it goes."
)
_EXAMPLES = """\
  pulumi-wxo plugin install
  PULUMI_HOME=.pulumi-home pulumi-wxo plugin install   # a project's own plugin cache"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "plugin", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument("action", choices=("install", "path"), help="install the plugin, or print its path")
    parser.add_argument(
        "--pulumi-home",
        metavar="DIR",
        help="the Pulumi home to install into (default: $PULUMI_HOME or ~/.pulumi)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        default=sys.executable,
        help="the Python with pulumi-wxo installed (default: this one)",
    )


def plugin_path(pulumi_home: str | None = None) -> Path:
    """Where the engine looks for this package's plugin: ``<home>/plugins/resource-wxo-v<version>/``."""
    from pulumi_wxo.native.schema import package_version

    home = Path(pulumi_home or os.environ.get("PULUMI_HOME") or Path.home() / ".pulumi")
    return home / "plugins" / f"resource-wxo-v{package_version()}" / PLUGIN


def install(pulumi_home: str | None = None, python: str = sys.executable) -> Path:
    """Write the launcher (``exec <python> -m pulumi_wxo.native.plugin "$@"``); returns its path."""
    launcher = plugin_path(pulumi_home)
    launcher.parent.mkdir(parents=True, exist_ok=True)
    quoted = "'" + python.replace("'", "'\\''") + "'"
    launcher.write_text(f'#!/bin/sh\nexec {quoted} -m pulumi_wxo.native.plugin "$@"\n', encoding="utf-8")
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return launcher


def run(args: argparse.Namespace) -> int:
    if args.action == "path":
        print(plugin_path(args.pulumi_home))
        return 0
    launcher = install(args.pulumi_home, args.python)
    err(f"installed {launcher} (runs {args.python})")
    return 0

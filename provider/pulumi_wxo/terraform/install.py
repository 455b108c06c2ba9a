"""``terraform-provider-wxo install DIR``: the plugin as a filesystem mirror ``tofu init`` accepts.

``dev_overrides`` needs no ``tofu init`` (and ``init`` fails with it: it still asks the
registry). A configuration that runs ``init``, and wants a lock file, finds the provider in a
filesystem mirror instead. This writes one, in the *unpacked* layout:
``DIR/<registry host>/pulumi-wxo/wxo/<version>/<os>_<arch>/terraform-provider-wxo_v<version>``, a
script that execs this interpreter, for both registry hosts (OpenTofu's and Terraform's: the
source ``pulumi-wxo/wxo`` means the first in ``tofu``, the second in ``terraform``). It prints
the CLI configuration block that points at it. docs/guide/terraform.md shows both ways.
"""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

HOSTS = ("registry.opentofu.org", "registry.terraform.io")
NAMESPACE, TYPE = "pulumi-wxo", "wxo"
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i686": "386"}


def mirror_version(version: str) -> str:
    """The provider version of a package version: its release part (``0.2.0.dev0`` -> ``0.2.0``)."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        return "0.0.0"
    major, minor, patch = match.groups()
    return f"{major}.{minor or 0}.{patch or 0}"


def target() -> str:
    """``linux_amd64``, ``darwin_arm64``, ...: the platform directory of the mirror."""
    system = {"win32": "windows"}.get(sys.platform, sys.platform)
    system = "linux" if system.startswith("linux") else system
    machine = platform.machine().lower()
    return f"{system}_{_ARCH.get(machine, machine)}"


def install(mirror: Path, *, python: str = sys.executable) -> list[Path]:
    """Write the mirror under ``mirror``; the executables written."""
    from pulumi_wxo.version import __version__

    version = mirror_version(__version__)
    written = []
    for host in HOSTS:
        where = mirror / host / NAMESPACE / TYPE / version / target()
        where.mkdir(parents=True, exist_ok=True)
        script = where / f"terraform-provider-{TYPE}_v{version}"
        script.write_text(f'#!/bin/sh\nexec "{python}" -m pulumi_wxo.terraform.server "$@"\n')
        script.chmod(0o755)
        written.append(script)
    return written


def cli_config(mirror: Path) -> str:
    """The ``provider_installation`` block that makes ``tofu init`` take the provider from ``mirror``."""
    source = f"{NAMESPACE}/{TYPE}"
    return (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["{source}"]\n  }}\n'
        f'  direct {{\n    exclude = ["{source}"]\n  }}\n'
        "}\n"
    )


def main(args: list[str]) -> int:
    if len(args) != 1:
        print("usage: terraform-provider-wxo install DIR", file=sys.stderr)
        return 2
    mirror = Path(args[0]).resolve()
    for path in install(mirror):
        print(f"wrote {path}", file=sys.stderr)
    print(cli_config(mirror), end="")
    return 0

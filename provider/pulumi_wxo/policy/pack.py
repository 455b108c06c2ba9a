"""The files of a ready policy pack, as ``pulumi-wxo policy-pack --output DIR`` writes them.

A pack is a folder that both ways of running it understand (docs/guide/policy.md):

* ``pulumi preview --policy-pack DIR`` (a standard Pulumi install): the engine reads
  ``PulumiPolicy.yaml`` (``runtime: python``) and runs ``__main__.py`` through the Python
  language host, in a Python environment that has ``requirements.txt`` installed;
* ``pulumi preview --policy-pack DIR/wxo-guardrails`` (the file form): the engine starts that
  executable directly with its address as the only argument, and reads ``PulumiPolicy.yaml``
  beside it. The launcher ``exec``\\ s a chosen Python (by default the one that wrote the pack)
  on ``__main__.py``, so no language host is involved: the form to use with a Pulumi CLI whose
  Python language host cannot start packs (docs/dev/pulumi-cli.md).
"""

from __future__ import annotations

import json
import os
import shlex
import stat
from pathlib import Path

from pulumi_wxo.policy.config import LEVEL_KEY, json_schema
from pulumi_wxo.policy.rules import POLICIES

__all__ = ["LAUNCHER", "pack_files", "write_pack"]

LAUNCHER = "wxo-guardrails"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pulumi-wxo")
    except PackageNotFoundError:  # a source checkout that is not installed
        return "0.0.0"


def example_config() -> dict[str, object]:
    """A ``--policy-pack-config`` document: every policy at its default level and keys."""
    out: dict[str, object] = {}
    for d in POLICIES:
        defaults = {k: v["default"] for k, v in json_schema(d).items() if v["default"] not in (None, [])}
        out[d.name] = {LEVEL_KEY: d.level, **defaults}
    return out


def pack_files(python: str) -> dict[str, str]:
    """File name -> text of a pack whose launcher runs ``python``."""
    version = _version()
    return {
        "PulumiPolicy.yaml": (
            "# A CrossGuard policy pack of pulumi-wxo guardrails (docs/guide/policy.md).\n"
            "runtime: python\n"
            f"version: {version}\n"
            "description: Guardrails for watsonx Orchestrate models and routing policies\n"
        ),
        "__main__.py": (
            '"""The pulumi-wxo guardrails (docs/guide/policy.md); written by `pulumi-wxo policy-pack`."""\n\n'
            "from pulumi_wxo.policy.crossguard import serve\n\n"
            "serve()\n"
        ),
        "requirements.txt": f"pulumi-wxo[policy]=={version}\n",
        LAUNCHER: (
            "#!/bin/sh\n"
            "# `pulumi preview --policy-pack <this file>`: the engine starts it with its address as\n"
            "# the only argument (docs/guide/policy.md, The file form).\n"
            f'exec {shlex.quote(python)} "$(dirname "$0")/__main__.py" "$@"\n'
        ),
        "policy-config.json": json.dumps(example_config(), indent=2) + "\n",
    }


def write_pack(output: str | os.PathLike[str], python: str) -> list[Path]:
    """Write the pack into ``output`` (created if missing); returns the files written."""
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pack_files(python).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        if name == LAUNCHER:
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written.append(path)
    return written

"""The plugin's Pulumi package schema: ``schema.json`` beside this module, and its version.

``schema.json`` is generated from the declarations of :mod:`pulumi_wxo.resources` and the
connection settings by ``make generate`` (tools/gen_schema.py), committed, and shipped as
package data, as pulumi-random commits its schema; a unit test fails while it is stale. It
carries no version: the plugin serves it with the installed package's (:func:`package_version`),
the version the SDK and the language host ask for. ``python -m pulumi_wxo.native.schema``
prints what the plugin serves (``pulumi package get-schema`` asks the plugin for the same).

Property names are the ADK's snake_case (``watsonx_space_id``, not ``watsonxSpaceId``), as in spec
files and the Python resources, so a stack's state has the same keys under both hosts
(docs/guide/hosts.md says why). The engine hands the plugin the same names; nothing is translated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from pulumi_wxo.resources import MODEL, POLICY

PACKAGE = "wxo"
MODEL_TOKEN = MODEL.native_token
POLICY_TOKEN = POLICY.native_token

_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}


def semver(version: str) -> str:
    """A PEP 440 version as the SemVer the engine asks of this package's plugin.

    The Python language host derives the plugin version of an installed ``pulumi-*`` package
    from its PEP 440 version (``a``/``b``/``rc`` -> ``-alpha.N``/``-beta.N``/``-rc.N``,
    ``.postN`` -> ``+postN``, ``.devN`` -> ``+devN``), and ``pulumi import`` asks for exactly
    that version: the plugin and the SDK use the same rule, so every path names one plugin
    (``0.2.0.dev0`` -> ``0.2.0+dev0``; docs/guide/hosts.md). A version the rule cannot read (an
    epoch, a local part) becomes ``0.0.0+unknown``.
    """
    match = re.fullmatch(
        r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?", version
    )
    if match is None:
        return "0.0.0+unknown"
    major, minor, patch, pre, pre_n, post, dev = match.groups()
    out = f"{major}.{minor or 0}.{patch or 0}"
    if pre:
        out += f"-{_PRE[pre]}.{pre_n}"
    if post is not None:
        out += f"+post{post}"
    if dev is not None:
        out += ("" if post is not None else "+") + f"dev{dev}"
    return out


def package_version() -> str:
    from pulumi_wxo.version import __version__

    return semver(__version__)


@cache
def _committed() -> str:
    return files("pulumi_wxo.native").joinpath("schema.json").read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    """The package schema the plugin serves from ``get_schema``: the committed one, versioned."""
    stored: dict[str, Any] = json.loads(_committed())
    out: dict[str, Any] = {}
    for key, value in stored.items():
        out[key] = value
        if key == "displayName":
            out["version"] = package_version()
    return out


def schema_json(value: Mapping[str, Any] | None = None) -> str:
    return json.dumps(schema() if value is None else value, indent=2, sort_keys=False)


def main() -> int:
    print(schema_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``pulumi-wxo export --format pulumi-import``: the file ``pulumi import --file`` takes, for a
whole tenant, so that every connection, model and policy comes under the native provider in one
command. A connection is imported by its ``app_id`` (what ``pulumi import wxo:index:Connection``
takes, docs/guide/connections.md), named by the same rule from it.

The file is Pulumi's import file (``{"resources": [{"type", "name", "id"}, ...]}``): the engine
reads each object through the plugin's ``read`` by its id and writes the program code for it.
``name`` is the Pulumi resource name, by the one rule every export format uses
(``specs.names.resource_name``: ``virtual-model/openai/gpt-4.1`` -> ``openai-gpt-4.1``, as in
``--format python``, in the spec file's name and in ``declare()``), so that a program written
from any of them declares what was imported. Two objects of one kind whose names map to the same
resource name are not both exported, as in the other formats. Nothing secret is in it: ids and
names only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pulumi_wxo._text import inert_json
from pulumi_wxo.cli.common import count, err, name_matches
from pulumi_wxo.schema.server_objects import id_problem, object_name

__all__ = ["CONNECTION_TYPE", "MODEL_TYPE", "POLICY_TYPE", "import_file", "resource_name", "write"]

# The native plugin's type tokens (issue 11): what `pulumi import` resolves through the plugin.
MODEL_TYPE = "wxo:index:Model"
POLICY_TYPE = "wxo:index:ModelPolicy"
CONNECTION_TYPE = "wxo:index:Connection"
DEFAULT_FILE = "pulumi-import.json"
_MAX_NAME = 80


def resource_name(object_name_: str) -> str:
    """The Pulumi resource name of the object named ``object_name_``: the spec exporter's stable
    name (``specs.names.resource_name``), the same in every format of ``export``."""
    from pulumi_wxo.specs.names import resource_name as spec_resource_name

    return spec_resource_name(object_name_)


def import_file(
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]],
    patterns: Sequence[str] = (),
    *,
    version: str | None = None,
    connections: Sequence[dict[str, Any]] = (),
) -> tuple[dict[str, Any], list[str]]:
    """The import file for these server objects (``GET /models``, ``GET /model_policy``), and
    notes: objects left out (a duplicate name, an unusable id), each named.

    ``version`` (default: this package's, as SemVer) pins the plugin, as the native SDK does:
    the engine then runs the plugin of this version and records the same default provider
    (``default_X_Y_Z``) that the generated program will ask for, instead of one per run.
    """
    if version is None:
        from pulumi_wxo.native.schema import package_version

        version = package_version()
    resources: list[dict[str, str]] = []
    notes: list[str] = []
    # A connection by its app_id, its import id (with --name: matching, or used by a model that is).
    used = {m.get("connection_id") for m in models if name_matches(str(m.get("name")), patterns)}
    by_app_id = [
        {**c, "name": c.get("app_id"), "id": c.get("app_id")}
        for c in connections
        if name_matches(str(c.get("app_id")), patterns) or c.get("connection_id") in used
    ]
    kinds = (
        ("connection", CONNECTION_TYPE, by_app_id),
        ("model", MODEL_TYPE, models),
        ("policy", POLICY_TYPE, policies),
    )
    for kind, token, objects in kinds:
        seen: dict[str, str] = {}
        named: dict[str, str] = {}  # resource name, letter case aside -> the object that has it
        for obj in sorted(objects, key=lambda o: str(o.get("name"))):
            name = obj.get("name")
            if (
                not isinstance(name, str)
                or not name
                or not (kind == "connection" or name_matches(name, patterns))
            ):
                continue
            problem = id_problem(obj.get("id"))
            if problem is not None:
                notes.append(f"left out {kind} '{object_name(obj)}': its id {problem}")
                continue
            if name in seen:
                # The server may hold duplicates (api-contract §8); one resource per name.
                notes.append(
                    f"left out {kind} '{object_name(obj)}' id {obj['id']}: a second {kind} of that name "
                    f"(imported id {seen[name]}); delete it on the server"
                )
                continue
            seen[name] = str(obj["id"])
            resource = resource_name(name)
            other = named.setdefault(resource.casefold(), name)
            if other != name:
                # The words of the other formats (cli/export.py, _one_per_file).
                notes.append(
                    f"left out {kind} '{object_name(obj)}': it maps to the same resource name ({resource}, "
                    f"letter case aside) as {kind} '{other}', which was exported; rename one of them on "
                    "the server to export both"
                )
                continue
            resources.append(
                {
                    "type": token,
                    "name": resource,
                    "id": str(obj["id"]),
                    "version": version,
                }
            )
    return {"resources": resources}, notes


def write(
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]],
    args: argparse.Namespace,
    connections: Sequence[dict[str, Any]] = (),
) -> int:
    """Write the file (``-o`` a ``.json`` path, or a directory for ``pulumi-import.json``; else
    stdout) and say how to use it."""
    document, notes = import_file(models, policies, args.name, connections=connections)
    resources = document["resources"]
    if not resources:
        err("pulumi-wxo export: nothing to export" + (" (no name matched --name)" if args.name else ""))
        return 1
    text = json.dumps(document, indent=2) + "\n"
    target: Path | None = None
    if args.output:
        out = Path(args.output)
        target = out if out.suffix == ".json" else out / DEFAULT_FILE
        if target.exists() and not args.force:
            err(f"pulumi-wxo export: {target} already exists; pass --force to overwrite")
            return 2
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        n_models = sum(r["type"] == MODEL_TYPE for r in resources)
        n_connections = sum(r["type"] == CONNECTION_TYPE for r in resources)
        n_policies = len(resources) - n_models - n_connections
        conns = f"{count(n_connections, 'connection')}, " if n_connections else ""
        policies_ = count(n_policies, "policy", "policies")
        err(f"wrote {conns}{count(n_models, 'model')} and {policies_} to {target}")
    else:
        sys.stdout.write(inert_json(text))  # no line a CI log reads as a command (docs/guide/cli.md)
    for note in notes:
        err(f"warning: {note}")
    err(
        "Import them with the native provider (`pulumi-wxo plugin install` once; wxo:url and credentials "
        "in the stack config):",
        f"  pulumi import --file {target or DEFAULT_FILE} --yes --generate-code=false",
        "(secrets cannot be read back from the server: the engine warns about each model's missing api_key, "
        "and no connection's credentials are imported; declare the secrets in the program before the next "
        "`pulumi up`; docs/guide/hosts.md, Import)",
    )
    return 0

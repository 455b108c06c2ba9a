"""``pulumi-wxo export``: spec files (or a Pulumi program) for the connections, models and
policies on an instance, with ``${secret:KEY}`` placeholders instead of secret values (``--for
pulumi``), or for IBM's ADK without any credential (``--for adk``, docs/guide/specs.md "Two
audiences"): then the ``orchestrate connections set-credentials`` lines are printed, each value
read from an environment variable."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi_wxo.cli.common import add_command, count, err, name_matches, write_files
from pulumi_wxo.cli.connection import add_connection_flags, client_from_args
from pulumi_wxo.cli.console import Status

if TYPE_CHECKING:
    from pulumi_wxo.specs import ExportedSpec
    from pulumi_wxo.specs.export import Audience

EXPORT_HEADER = (
    "Exported by `pulumi-wxo export`. Secrets are ${secret:KEY} placeholders:\n"
    "set them with `pulumi config set --secret KEY <value>`."
)
MARKED_HEADER = (
    "For pulumi-wxo only: `orchestrate models import` refuses secrets_resolved_by\n"
    "(it would store the placeholders as credentials); `pulumi-wxo export --for adk` writes its file."
)


CONNECTION_HEADER = (
    "Exported by `pulumi-wxo export`: the ADK's connection file (`orchestrate connections import -f`).\n"
    "Credentials are ${secret:KEY} placeholders (the ADK ignores them):\n"
    "set them with `pulumi config set --secret KEY <value>`."
)


def adk_header(e: ExportedSpec) -> str:
    """How to import one ``--for adk`` file with the ADK (the file holds no credential)."""
    if e.kind == "policy":
        return (
            "Exported by `pulumi-wxo export --for adk`, for the ADK:\n"
            f"  orchestrate models policy import -f {e.filename}"
        )
    if e.kind == "connection":
        lines = [
            "Exported by `pulumi-wxo export --for adk`, for the ADK: no credentials in this file.",
            f"  orchestrate connections import -f {e.filename}",
        ]
        if e.commands:
            lines.append("then set its credentials, each value from an environment variable:")
            lines += [f"  {command}" for command in e.commands]
        return "\n".join(lines)
    if e.app_id is not None:
        return (
            "Exported by `pulumi-wxo export --for adk`, for the ADK: no credentials in this file.\n"
            "Import its connection first (its file is beside this one), then:\n"
            f"  orchestrate models import -f {e.filename} --app-id {shlex.quote(e.app_id)}"
        )
    return (
        "Exported by `pulumi-wxo export --for adk`, for the ADK: no credentials in this file.\n"
        f"Import it with a key_value connection holding {e.connection_needs}:\n"
        f"  orchestrate models import -f {e.filename} --app-id <app id>"
    )


_SUMMARY = (
    "write spec files (or a Pulumi program, or OpenTofu configuration) for the connections, models and "
    "policies on an instance"
)
_DESCRIPTION = (
    "Read connections, models and policies from an instance and write ADK-compatible spec files "
    "(one per object) or a Pulumi Python program with adopt=True, so an existing tenant comes "
    "under management without duplicates. Secret values are never written: placeholders "
    "${secret:KEY} are, and the `pulumi config set --secret` commands to run are printed "
    "(with --for adk: the `orchestrate connections set-credentials` commands, values from "
    "environment variables). A model whose connection is exported names it by app_id. "
    "--format hcl writes OpenTofu/Terraform resource and import blocks instead, each secret a "
    "sensitive variable. "
    "A spinner shows on a terminal with the table extra (pip install 'pulumi-wxo[table]')."
)
_EXAMPLES = """\
  export WXO_URL=http://127.0.0.1:4321 WXO_TOKEN=demo-token   # or WXO_API_KEY
  pulumi-wxo export --output specs/
  vault kv get -field=token secret/wxo | pulumi-wxo export --token-stdin --output specs/
  pulumi-wxo export --name 'openai/*' --format python --output prog/   # WXO_* settings
  pulumi-wxo export --format python --host native --output prog/   # for the native plugin
  pulumi-wxo export --for adk --output adk/  # then run the orchestrate commands it prints
  pulumi-wxo export --format pulumi-import -o tenant.json
  pulumi import --file tenant.json --yes --generate-code=false   # docs/guide/hosts.md, Import
  pulumi-wxo export --format hcl -o tf/ && cd tf && tofu plan   # docs/guide/terraform.md"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "export", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument(
        "--name", action="append", default=[], metavar="PATTERN", help="only names matching (repeatable)"
    )
    parser.add_argument(
        "--format",
        choices=("yaml", "python", "pulumi-import", "hcl"),
        default="yaml",
        help="what to write (pulumi-import: the file `pulumi import --file` takes, for the native provider; "
        "hcl: OpenTofu/Terraform resource and import blocks, for terraform-provider-wxo)",
    )
    parser.add_argument(
        "--host",
        choices=("dynamic", "native"),
        default="dynamic",
        help="with --format python: a program for the dynamic provider (default, import pulumi_wxo) "
        "or the native plugin (import pulumi_wxo.native)",
    )
    parser.add_argument(
        "--for",
        dest="audience",
        choices=("pulumi", "adk"),
        default="pulumi",
        help="pulumi (default): ${secret:KEY} placeholders, refused by the ADK; "
        "adk: files for `orchestrate models import --app-id`, without credentials",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="directory to write to (default: stdout); for pulumi-import also a .json file path, "
        "for hcl a .tf file path",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    add_connection_flags(parser)


def _unique(objects: Iterable[dict[str, Any]], kind: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The first object per name; the server may hold duplicates (api-contract §8)."""
    seen: dict[str, list[str]] = {}
    kept: list[dict[str, Any]] = []
    for obj in objects:
        name = str(obj.get("name") or "")
        if name in seen:
            seen[name].append(str(obj.get("id")))
            continue
        seen[name] = [str(obj.get("id"))]
        kept.append(obj)
    notes = [
        f"the server holds {len(ids)} {kind}s named '{name}' (ids {', '.join(ids)}); exported the "
        f"first only: delete the others before adopting it"
        for name, ids in seen.items()
        if len(ids) > 1
    ]
    return kept, notes


def export_objects(
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]],
    patterns: Sequence[str] = (),
    audience: Audience = "pulumi",
    connections: Sequence[dict[str, Any]] = (),
) -> tuple[list[ExportedSpec], list[str]]:
    """Server objects (``GET /models``, ``GET /model_policy``, ``client.connections.list()``) as
    exported specs, connections first, plus notes. With ``patterns``, a connection is exported
    when its app_id matches or an exported model uses it; such a model names it by app_id."""
    from pulumi_wxo.schema import normalize_model
    from pulumi_wxo.specs import export_connection, export_model, export_policy
    from pulumi_wxo.specs.export import credential_fields
    from pulumi_wxo.specs.export_connections import point_at_connection

    chosen_models, notes = _unique((m for m in models if name_matches(str(m.get("name")), patterns)), "model")
    chosen_policies, more = _unique(
        (p for p in policies if name_matches(str(p.get("name")), patterns)), "policy"
    )
    bound: dict[str, set[str]] = {}  # connection_id -> the credential fields of its models
    for m in chosen_models:
        if connection_id := normalize_model(m)["connection_id"]:
            bound.setdefault(str(connection_id), set()).update(credential_fields(m))
    chosen_connections, dup_connections = _unique(
        (
            {**c, "name": c.get("app_id")}
            for c in connections
            if name_matches(str(c.get("app_id")), patterns) or str(c.get("connection_id")) in bound
        ),
        "connection",
    )
    notes += dup_connections
    # A connection configured in no environment cannot be declared (a file needs one at least):
    # it stays on the instance, and its models keep its connection_id.
    unconfigured = [c for c in chosen_connections if not c.get("environments")]
    chosen_connections = [c for c in chosen_connections if c.get("environments")]
    notes += [
        f"left out connection '{c.get('app_id')}': it is configured in no environment (configure "
        "draft or live, e.g. with `orchestrate connections configure`, and export again); the "
        "models that use it keep its connection_id"
        for c in unconfigured
    ]
    app_ids = {str(c.get("connection_id")): str(c.get("app_id")) for c in chosen_connections}
    exported = [
        export_connection(c, audience=audience, bound=bound.get(str(c.get("connection_id")), ()))
        for c in sorted(chosen_connections, key=lambda c: str(c.get("app_id")))
    ]
    for m in sorted(chosen_models, key=lambda m: str(m.get("name"))):
        spec = export_model(m, audience=audience)
        app_id = app_ids.get(str(normalize_model(m)["connection_id"]))
        exported.append(spec if app_id is None else point_at_connection(spec, app_id))
    exported += [
        export_policy(p, audience=audience) for p in sorted(chosen_policies, key=lambda p: str(p.get("name")))
    ]
    notes += more
    exported, clashes = _one_per_file(exported)
    notes += clashes
    for e in exported:
        notes += list(e.notes)
    return exported, notes


def _one_per_file(exported: Sequence[ExportedSpec]) -> tuple[list[ExportedSpec], list[str]]:
    """The first object per file name, letter case aside (and so per resource name): two
    server names can map to one (``openai/clash'x`` and ``openai/clash x`` both give
    ``openai-clash-x``), and one file, or one resource of the program, must not silently stand
    for two objects. Each one left out is named in a note."""
    first: dict[str, ExportedSpec] = {}
    kept: list[ExportedSpec] = []
    notes: list[str] = []
    for e in exported:
        other = first.setdefault(e.filename.casefold(), e)
        if other is e:
            kept.append(e)
            continue
        notes.append(
            f"left out {e.kind} '{e.name}': it maps to the same file ({e.filename}, letter case aside) "
            f"and resource name as {other.kind} '{other.name}', which was exported; rename one of them "
            "on the server to export both"
        )
    return kept, notes


def secrets_summary(exported: Sequence[ExportedSpec]) -> list[str]:
    """The ``pulumi config set --secret`` commands the exported specs need, one per key."""
    users: dict[str, list[str]] = {}
    for e in exported:
        where = "credentials" if e.kind == "connection" else "provider_config"
        for field_name, key in e.secrets:
            users.setdefault(key, []).append(f"{e.name} {where}.{field_name}")
    return [
        f"  pulumi config set --secret {key} <value>   # {'; '.join(used)}"
        for key, used in sorted(users.items())
    ]


def adk_summary(exported: Sequence[ExportedSpec]) -> None:
    """How to import the connections and the models that name them with the ADK, in order."""
    conns = [e for e in exported if e.kind == "connection"]
    if not conns:
        return
    err("Import with the ADK: each connection, its credentials (values are never exported), its models:")
    for e in conns:
        err(f"  orchestrate connections import -f {e.filename}")
        for command in e.commands:
            err(f"  {command}")
    for e in exported:
        if e.app_id is not None:
            err(f"  orchestrate models import -f {e.filename} --app-id {shlex.quote(e.app_id)}")


def header(e: ExportedSpec) -> str:
    """The comment lines above one exported file."""
    if e.audience == "adk":
        return adk_header(e)
    if e.kind == "connection":
        return CONNECTION_HEADER
    return EXPORT_HEADER + ("\n" + MARKED_HEADER if e.secrets else "")


def import_ids(
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]],
    connections: Sequence[dict[str, Any]],
) -> dict[tuple[str, str], str]:
    """(kind, object name) -> the id ``tofu import`` takes: a model's or a policy's id (the first
    of a name, the one ``export_objects`` keeps), a connection's app_id."""
    ids: dict[tuple[str, str], str] = {}
    for kind, objects in (("model", models), ("policy", policies)):
        for obj in objects:
            ids.setdefault((kind, str(obj.get("name"))), str(obj.get("id")))
    for conn in connections:
        ids.setdefault(("connection", str(conn.get("app_id"))), str(conn.get("app_id")))
    return ids


def write_hcl(
    models: Sequence[dict[str, Any]],
    policies: Sequence[dict[str, Any]],
    connections: Sequence[dict[str, Any]],
    args: argparse.Namespace,
    source: str,
) -> int:
    """``--format hcl``: one configuration (``-o`` a ``.tf`` path, or a directory for ``wxo.tf``;
    else stdout), then the variables to set and how to plan it."""
    from pulumi_wxo.specs.export_hcl import DEFAULT_FILE, hcl_config

    exported, notes = export_objects(models, policies, args.name, "pulumi", connections)
    if not exported:
        err("pulumi-wxo export: nothing to export" + (" (no name matched --name)" if args.name else ""))
        return 1
    config = hcl_config(exported, import_ids(models, policies, connections), source=source)
    # The notes of the spec export speak of ${secret:KEY} placeholders: here the variables say it.
    notes = [n for n in notes if "${secret:" not in n] + list(config.notes)
    target: Path | None = None
    if args.output:
        out = Path(args.output)
        target = out if out.suffix == ".tf" else out / DEFAULT_FILE
        if target.exists() and not args.force:
            err(f"pulumi-wxo export: {target} already exists; pass --force to overwrite")
            return 2
        target.parent.mkdir(parents=True, exist_ok=True)
        write_files({target: config.text})
        err(f"wrote {count(config.imports, 'resource')} with import blocks to {target}")
    else:
        sys.stdout.write(config.text)
    for note in notes:
        err(f"warning: {note}")
    if config.variables:
        err("Set these variables before `tofu plan` (values are never exported):")
        for name, used in config.variables:
            err(f"  export TF_VAR_{name}=<value>   # {used}")
    err(
        "Then `tofu plan` shows each object to import and no change (a secret the server cannot return "
        "shows as an update once); `tofu apply` imports them (docs/guide/terraform.md)."
    )
    return 0


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import dump_yaml, python_program

    if args.audience == "adk" and args.format != "yaml":
        err(f"pulumi-wxo export: --for adk writes spec files; --format {args.format} is not for the ADK")
        return 2
    if args.host != "dynamic" and args.format != "python":
        err(f"pulumi-wxo export: --host is for --format python (--format {args.format} names no host)")
        return 2
    with Status("connecting...") as status, client_from_args(args) as client:
        status.update(f"reading models from {client.base_url}")
        models = client.models.list()
        status.update(f"reading policies from {client.base_url}")
        policies = client.policies.list()
        status.update(f"reading connections from {client.base_url}")
        connections = client.connections.list()
        source = client.base_url
    if args.format == "pulumi-import":
        from pulumi_wxo.cli import import_file

        return import_file.write(models, policies, args, connections)
    if args.format == "hcl":
        return write_hcl(models, policies, connections, args, source)
    exported, notes = export_objects(models, policies, args.name, args.audience, connections)
    if not exported:
        err("pulumi-wxo export: nothing to export" + (" (no name matched --name)" if args.name else ""))
        return 1

    outputs: dict[str, str] = {}
    if args.format == "python":
        outputs["__main__.py"] = python_program(exported, source=source, host=args.host)
    else:
        for e in exported:
            outputs[e.filename] = dump_yaml(e.document, header=header(e))
    if args.output:
        out_dir = Path(args.output)
        clashes = sorted(name for name in outputs if (out_dir / name).exists())
        if clashes and not args.force:
            err(
                f"pulumi-wxo export: {len(clashes)} file(s) already exist in {out_dir} "
                f"({', '.join(clashes[:5])}{', ...' if len(clashes) > 5 else ''}); pass --force to overwrite"
            )
            return 2
        out_dir.mkdir(parents=True, exist_ok=True)
        # Every file whole or none (a file name the system refuses, a full disk): no half export.
        write_files({out_dir / name: text for name, text in outputs.items()})
        n_models = sum(e.kind == "model" for e in exported)
        n_policies = sum(e.kind == "policy" for e in exported)
        n_connections = len(exported) - n_models - n_policies
        conns = f"{count(n_connections, 'connection')}, " if n_connections else ""
        err(
            f"exported {conns}{count(n_models, 'model')} and {count(n_policies, 'policy', 'policies')} "
            f"to {out_dir} ({count(len(outputs), 'file')})"
        )
    elif args.format == "python":
        sys.stdout.write(outputs["__main__.py"])
    else:
        sys.stdout.write("---\n".join(outputs.values()))
    for note in notes:
        err(f"warning: {note}")
    if args.audience == "adk":
        adk_summary(exported)
        needing = [e for e in exported if e.connection_needs]
        if needing:
            err("Import with the ADK, each model with a key_value connection (values are never exported):")
            for e in needing:
                command = f"orchestrate models import -f {e.filename} --app-id <app id>"
                err(f"  {command}   # holding {e.connection_needs}")
        return 0
    commands = secrets_summary(exported)
    if commands:
        err("Set these secrets in each stack before `pulumi up` (values are never exported):")
        for line in commands:
            err(line)
    if args.format == "yaml":
        err(
            "Then declare them with adopt, so existing objects are taken over, not duplicated:",
            '  wxo.declare("specs/*.yaml", adopt=True)   # or: pulumi config set wxo-specs:adopt true',
        )
    return 0

"""The ``pulumi-wxo`` command line: a thin layer over the spec, schema and client modules.

``main(argv) -> int`` never raises for a user error: it prints a message naming what to fix
and returns a non-zero exit code (2 for usage and settings, 1 for problems found).
argparse (standard library) rather than typer: the commands are few, and the CLI then adds
no dependency to a provider that runs inside every ``pulumi up``.

Import cost matters: ``validate`` runs as a pre-commit hook over hundreds of files, so this
module imports nothing heavy at the top; each command imports what it needs (``validate``
and ``schema`` never import ``pulumi``, ``httpx`` or ``rich``). docs/cli.md has the measurements.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi_wxo._errors import WxoError

if TYPE_CHECKING:
    from pulumi_wxo._client import WxoClient
    from pulumi_wxo.specs import ExportedSpec, Problem

EPILOG = """examples:
  pulumi-wxo validate specs/                   # offline; exit 1 on any problem
  pulumi-wxo schema --output specs/wxo-spec.schema.json
  pulumi-wxo export --url https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/<id> \\
      --output specs/                           # WXO_API_KEY in the environment
  pulumi-wxo list --url http://127.0.0.1:4321 --token demo-token
  pulumi-wxo list --json --name 'virtual-model/openai/*'
  pulumi-wxo emulator --port 4321 --db .demo/emulator.db --token demo-token
"""

# Connection flags shared by the commands that talk to an instance; each falls back to the
# WXO_* variable the provider also reads (docs/client.md).
_CONNECTION_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--url", "wxo:url", "instance URL (WXO_URL)"),
    ("--token", "wxo:token", "bearer token (WXO_TOKEN)"),
    ("--api-key", "wxo:apiKey", "API key to exchange for a token (WXO_API_KEY)"),
    ("--auth-type", "wxo:authType", "bearer, ibm_iam, mcsp, mcsp_v1, mcsp_v2, cpd or local (WXO_AUTH_TYPE)"),
    ("--iam-url", "wxo:iamUrl", "token service base URL (WXO_IAM_URL)"),
    ("--username", "wxo:username", "CPD / local username (WXO_USERNAME)"),
    ("--password", "wxo:password", "CPD / local password (WXO_PASSWORD)"),
    ("--ca-bundle", "wxo:caBundle", "CA bundle for TLS (WXO_CA_BUNDLE)"),
    ("--base-path", "wxo:basePath", "API prefix, e.g. /v1/orchestrate (WXO_BASE_PATH)"),
)


def add_connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (flags win over WXO_* environment variables)")
    for flag, _key, help_text in _CONNECTION_FLAGS:
        group.add_argument(flag, help=help_text)
    group.add_argument("--insecure", action="store_true", help="skip TLS verification (WXO_INSECURE)")


def client_from_args(args: argparse.Namespace) -> WxoClient:
    """A WxoClient from the connection flags, falling back to the environment."""
    from pulumi_wxo._client import WxoClient
    from pulumi_wxo._config import ConnectionSettings

    given: dict[str, str] = {}
    for flag, key, _help in _CONNECTION_FLAGS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if value:
            given[key] = value
    if getattr(args, "insecure", False):
        given["wxo:insecure"] = "true"
    return WxoClient(ConnectionSettings.from_sources(given.get, os.environ))


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def name_matches(name: str, patterns: Sequence[str]) -> bool:
    """True when ``name`` matches one of the shell-style ``patterns`` (none: everything).

    A pattern without the ``virtual-model/`` / ``virtual-policy/`` prefix matches as if the
    prefix were there, so ``--name 'openai/*'`` finds ``virtual-model/openai/gpt-4o``.
    """
    if not patterns:
        return True
    short = name.split("/", 1)[1] if name.startswith(("virtual-model/", "virtual-policy/")) else name
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(short, p) for p in patterns)


class _Status:
    """A rich spinner on stderr when it is a terminal; silent otherwise (logs, pipes, CI)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._status: Any = None

    def __enter__(self) -> _Status:
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self._text)
            self._status.__enter__()
        return self

    def update(self, text: str) -> None:
        if self._status is not None:
            self._status.update(text)

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)


# --------------------------------------------------------------------------- list


def cmd_list(args: argparse.Namespace) -> int:
    from pulumi_wxo._schema import normalize_model

    with client_from_args(args) as client:
        models = [normalize_model(m) for m in client.list_models()]
        policies = client.list_policies()
    models = [m for m in models if name_matches(m["name"], args.name)]
    policies = [p for p in policies if name_matches(str(p.get("name")), args.name)]
    if args.json:
        print(json.dumps({"models": models, "policies": policies}, indent=2, sort_keys=True))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        # Piped or in CI (make demo): rich would assume 80 columns and fold every uuid.
        console = Console(width=200)
    table = Table(title=f"Models ({len(models)})", show_lines=False)
    for col in ("name", "display name", "type", "provider", "tags", "id"):
        table.add_column(col, overflow="fold")
    for m in sorted(models, key=lambda x: x["name"]):
        table.add_row(
            m["name"], m["display_name"], m["model_type"], m["provider"], ", ".join(m["tags"]), m["id"]
        )
    console.print(table)
    if policies:
        ptable = Table(title=f"Policies ({len(policies)})")
        for col in ("name", "mode", "targets", "id"):
            ptable.add_column(col, overflow="fold")
        for p in sorted(policies, key=lambda x: str(x.get("name"))):
            inner = p.get("policy") or {}
            targets = [str(t.get("model_name", "(nested)")) for t in inner.get("targets") or []]
            mode = str((inner.get("strategy") or {}).get("mode", ""))
            ptable.add_row(str(p.get("name")), mode, ", ".join(targets), str(p.get("id")))
        console.print(ptable)
    return 0


# --------------------------------------------------------------------------- validate


def _read_overrides(file: str) -> Mapping[str, Any]:
    """``wxo-specs:overrides`` from a ``Pulumi.<stack>.yaml`` (or a plain YAML mapping)."""
    import yaml

    from pulumi_wxo.specs import OVERRIDES_KEY, OVERRIDES_NAMESPACE

    try:
        data = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise WxoError(f"read overrides from {file}: {err}") from None
    key = f"{OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}"
    if isinstance(data, Mapping) and isinstance(data.get("config"), Mapping):
        data = data["config"].get(key) or {}  # a stack file: only its overrides
    if not isinstance(data, Mapping):
        raise WxoError(f"read overrides from {file}: expected a mapping of spec name -> fields")
    return data


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "field": p.field, "message": p.message, "severity": p.severity}


def cmd_validate(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import OVERRIDES_KEY, OVERRIDES_NAMESPACE, find_spec_files, read_specs

    overrides = _read_overrides(args.overrides) if args.overrides else None
    source = f"{args.overrides}: {OVERRIDES_NAMESPACE}:{OVERRIDES_KEY}" if args.overrides else "overrides"
    specs, problems = read_specs(args.paths, overrides=overrides, override_source=source)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.format == "json":
        print(json.dumps([_problem_json(p) for p in problems], indent=2))
    else:
        for p in problems:
            if not (args.quiet and not p.is_error):
                print(p)
    if not args.quiet:
        files, _ = find_spec_files(args.paths)
        _err(
            f"{_count(len(specs), 'valid spec')} in {_count(len(files), 'file')}: "
            f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}"
            + (" (--strict: warnings fail)" if args.strict and warnings else "")
        )
    return 1 if failed else 0


# --------------------------------------------------------------------------- schema


def cmd_schema(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import spec_json_schema

    text = json.dumps(spec_json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        _err(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


# --------------------------------------------------------------------------- export


def _unique(objects: Iterable[dict[str, Any]], kind: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The first object per name; the server may hold duplicates (contract §8)."""
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
    models: Sequence[dict[str, Any]], policies: Sequence[dict[str, Any]], patterns: Sequence[str] = ()
) -> tuple[list[ExportedSpec], list[str]]:
    """Server objects (``GET /models``, ``GET /model_policy``) as exported specs, plus notes."""
    from pulumi_wxo.specs import export_model, export_policy

    chosen_models, notes = _unique((m for m in models if name_matches(str(m.get("name")), patterns)), "model")
    chosen_policies, more = _unique(
        (p for p in policies if name_matches(str(p.get("name")), patterns)), "policy"
    )
    exported = [export_model(m) for m in sorted(chosen_models, key=lambda m: str(m.get("name")))]
    exported += [export_policy(p) for p in sorted(chosen_policies, key=lambda p: str(p.get("name")))]
    notes += more
    for e in exported:
        notes += list(e.notes)
    return exported, notes


def secrets_summary(exported: Sequence[ExportedSpec]) -> list[str]:
    """The ``pulumi config set --secret`` commands the exported specs need, one per key."""
    users: dict[str, list[str]] = {}
    for e in exported:
        for field_name, key in e.secrets:
            users.setdefault(key, []).append(f"{e.name} provider_config.{field_name}")
    return [
        f"  pulumi config set --secret {key} <value>   # {'; '.join(used)}"
        for key, used in sorted(users.items())
    ]


EXPORT_HEADER = (
    "Exported by `pulumi-wxo export`. Secrets are ${secret:KEY} placeholders:\n"
    "set them with `pulumi config set --secret KEY <value>`."
)


def cmd_export(args: argparse.Namespace) -> int:
    from pulumi_wxo.specs import dump_yaml, python_program

    with _Status("connecting...") as status, client_from_args(args) as client:
        status.update(f"reading models from {client.base_url}")
        models = client.list_models()
        status.update(f"reading policies from {client.base_url}")
        policies = client.list_policies()
        source = client.base_url
    exported, notes = export_objects(models, policies, args.name)
    if not exported:
        _err("pulumi-wxo export: nothing to export" + (" (no name matched --name)" if args.name else ""))
        return 1

    outputs: dict[str, str] = {}
    if args.format == "python":
        outputs["__main__.py"] = python_program(exported, source=source)
    else:
        for e in exported:
            outputs[e.filename] = dump_yaml(e.document, header=EXPORT_HEADER)
    if args.output:
        out_dir = Path(args.output)
        clashes = sorted(name for name in outputs if (out_dir / name).exists())
        if clashes and not args.force:
            _err(
                f"pulumi-wxo export: {len(clashes)} file(s) already exist in {out_dir} "
                f"({', '.join(clashes[:5])}{', ...' if len(clashes) > 5 else ''}); pass --force to overwrite"
            )
            return 2
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in outputs.items():
            (out_dir / name).write_text(text, encoding="utf-8")
        n_models = sum(e.kind == "model" for e in exported)
        n_policies = len(exported) - n_models
        _err(
            f"exported {_count(n_models, 'model')} and {_count(n_policies, 'policy', 'policies')} "
            f"to {out_dir} ({_count(len(outputs), 'file')})"
        )
    elif args.format == "python":
        sys.stdout.write(outputs["__main__.py"])
    else:
        sys.stdout.write("---\n".join(outputs.values()))
    for note in notes:
        _err(f"warning: {note}")
    commands = secrets_summary(exported)
    if commands:
        _err("Set these secrets in each stack before `pulumi up` (values are never exported):")
        for line in commands:
            _err(line)
    if args.format == "yaml":
        _err(
            "Then declare them with adopt, so existing objects are taken over, not duplicated:\n"
            '  wxo.declare("specs/*.yaml", adopt=True)   # or: pulumi config set wxo-specs:adopt true'
        )
    return 0


# --------------------------------------------------------------------------- main


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": cmd_list,
    "validate": cmd_validate,
    "schema": cmd_schema,
    "export": cmd_export,
}


def _sub(sub: Any, name: str, *, help_text: str, description: str, example: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=f"example{'s' if example.count(chr(10)) else ''}:\n{example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-wxo",
        description="Tools for watsonx Orchestrate models and policies managed with Pulumi.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_validate = _sub(
        sub,
        "validate",
        help_text="check spec files offline (no credentials); exit 1 on any problem",
        description="Check model and policy spec files with the provider's own rules, offline. "
        "Prints one `file:line: field: message` line per problem; exit 1 on any error "
        "(warnings too with --strict), 0 when clean.",
        example="  pulumi-wxo validate specs/\n"
        "  pulumi-wxo validate 'specs/**/*.yaml' --overrides Pulumi.prod.yaml --strict\n"
        "  # .pre-commit-config.yaml: entry: pulumi-wxo validate, files: ^specs/",
    )
    p_validate.add_argument("paths", nargs="+", metavar="PATH", help="spec files, directories or globs")
    p_validate.add_argument(
        "--overrides",
        metavar="FILE",
        help="apply a stack's wxo-specs:overrides first (a Pulumi.<stack>.yaml, or a YAML mapping)",
    )
    p_validate.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p_validate.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p_validate.add_argument("-q", "--quiet", action="store_true", help="errors only; no summary line")

    p_schema = _sub(
        sub,
        "schema",
        help_text="print the JSON Schema of spec files (for editors and CI)",
        description="Print the JSON Schema (2020-12) of a spec document, built from the provider's "
        "schema: every field with its description; secret fields marked `secret: true` and "
        "accepting only ${secret:NAME}.",
        example="  pulumi-wxo schema --output specs/wxo-spec.schema.json\n"
        "  # then, first line of a spec: # yaml-language-server: $schema=./wxo-spec.schema.json",
    )
    p_schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    p_export = _sub(
        sub,
        "export",
        help_text="write spec files (or a Pulumi program) for the models and policies on an instance",
        description="Read models and policies from an instance and write ADK-compatible spec files "
        "(one per object) or a Pulumi Python program with adopt=True, so an existing tenant comes "
        "under management without duplicates. Secret values are never written: placeholders "
        "${secret:KEY} are, and the `pulumi config set --secret` commands to run are printed.",
        example="  pulumi-wxo export --url http://127.0.0.1:4321 --token demo-token --output specs/\n"
        "  pulumi-wxo export --name 'openai/*' --format python --output prog/   # WXO_* settings",
    )
    p_export.add_argument(
        "--name", action="append", default=[], metavar="PATTERN", help="only names matching (repeatable)"
    )
    p_export.add_argument("--format", choices=("yaml", "python"), default="yaml", help="what to write")
    p_export.add_argument("-o", "--output", metavar="DIR", help="directory to write to (default: stdout)")
    p_export.add_argument("--force", action="store_true", help="overwrite existing files")
    add_connection_flags(p_export)

    p_list = _sub(
        sub,
        "list",
        help_text="table of the models and policies on an instance",
        description="List the models and policies on an instance (a table on a terminal, JSON with --json).",
        example="  pulumi-wxo list --url http://127.0.0.1:4321 --token demo-token --json\n"
        "  pulumi-wxo list --name 'virtual-model/openai/*' --name 'watsonx/*'",
    )
    p_list.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p_list.add_argument(
        "--name", action="append", default=[], metavar="PATTERN", help="only names matching (repeatable)"
    )
    add_connection_flags(p_list)
    sub.add_parser(
        "emulator",
        help="run the local Orchestrate API emulator (needs pulumi-wxo[emulator])",
        description="Run the local emulator; `pulumi-wxo emulator --help` lists its options.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["emulator"]:
        try:
            from pulumi_wxo.emulator.__main__ import main as emulator_main
        except ImportError:
            print(
                "pulumi-wxo emulator needs the emulator extra: pip install 'pulumi-wxo[emulator]'",
                file=sys.stderr,
            )
            return 2
        return emulator_main(args[1:], prog="pulumi-wxo emulator")
    parser = build_parser()
    try:
        parsed = parser.parse_args(args)
    except SystemExit as exc:  # --help (0) or a usage error (2): a return code, not an exit
        return int(exc.code or 0)
    command = COMMANDS.get(parsed.command or "")
    if command is None:
        parser.print_help()
        return 2
    try:
        return command(parsed)
    except WxoError as err:
        print(f"pulumi-wxo {parsed.command}: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"pulumi-wxo {parsed.command}: {err}", file=sys.stderr)
        return 2

"""The ``pulumi-wxo`` command line: a thin layer over the spec, schema and client modules.

``main(argv) -> int`` never raises for a user error: it prints a message naming what to fix
and returns a non-zero exit code (2 for usage and settings, 1 for problems found).
argparse (standard library) rather than typer: the commands are few, and the CLI then adds
no dependency to a provider that runs inside every ``pulumi up``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pulumi_wxo._errors import WxoError

EPILOG = """examples:
  pulumi-wxo list --url http://127.0.0.1:4321 --token demo-token
  pulumi-wxo list --json                       # settings from WXO_URL, WXO_API_KEY, ...
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


def client_from_args(args: argparse.Namespace) -> Any:
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


# --------------------------------------------------------------------------- list


def cmd_list(args: argparse.Namespace) -> int:
    from pulumi_wxo._schema import normalize_model

    with client_from_args(args) as client:
        models = [normalize_model(m) for m in client.list_models()]
        policies = client.list_policies()
    if args.json:
        print(json.dumps({"models": models, "policies": policies}, indent=2, sort_keys=True))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
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


# --------------------------------------------------------------------------- main


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"list": cmd_list}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-wxo",
        description="Tools for watsonx Orchestrate models and policies managed with Pulumi.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_list = sub.add_parser(
        "list",
        help="table of the models and policies on an instance",
        description="List the models and policies on an instance (a table on a terminal, JSON with --json).",
        epilog="example:\n  pulumi-wxo list --url http://127.0.0.1:4321 --token demo-token --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p_list.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_connection_flags(p_list)
    sub.add_parser("emulator", help="run the local Orchestrate API emulator (needs pulumi-wxo[emulator])")
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
    parsed = parser.parse_args(args)
    command = COMMANDS.get(parsed.command or "")
    if command is None:
        parser.print_help()
        return 2
    try:
        return command(parsed)
    except WxoError as err:
        print(f"pulumi-wxo {parsed.command}: {err}", file=sys.stderr)
        return 2

"""The ``pulumi-wxo`` command line: a thin layer over the spec, schema and client modules.

``main(argv) -> int`` never raises for a user error: it prints a message naming what to fix
and returns a non-zero exit code (2 for usage and settings, 1 for problems found).
argparse (standard library) rather than typer: the commands are few, and the CLI then adds
no dependency to a provider that runs inside every ``pulumi up``.

One module per command, each with ``add_parser(sub)`` and ``run(args)``, and what they share.
Modules:

``validate``       ``validate``: spec files checked offline
``schema``         ``schema``: the JSON Schema of a spec document
``export``         ``export``: server objects as specs, a program or import files
``import_file``    the ``pulumi import --file`` document of ``export``
``listing``        ``list``: the objects on an instance
``masking``        what ``list`` hides: secret values
``migrate_state``  ``migrate-state``: a stack from the dynamic host to the plugin
``policy_pack``    ``policy-pack``: the files of a CrossGuard pack
``review``         ``review``: preview documents into a pull-request comment
``plugin``         ``plugin install``: the plugin into the engine's cache
``emulator``       ``emulator``: the local emulator
``common``         messages on stderr, counted words, name patterns
``connection``     the client a command builds from settings
``console``        printing server text safely

A reader that closes the pipe early (``pulumi-wxo validate --format json | head``) ends the
command quietly, as the Python documentation recommends for SIGPIPE: no traceback, no errno.

Import cost matters: ``validate`` runs as a pre-commit hook over hundreds of files, so these
modules import nothing heavy at the top; each command imports what it needs (``validate``
and ``schema`` never import ``pulumi``, ``httpx`` or ``rich``). docs/guide/cli.md has the measurements.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from pulumi_wxo._text import inert
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.cli import (
    emulator,
    export,
    listing,
    migrate_state,
    plugin,
    policy_pack,
    review,
    schema,
    validate,
)

__all__ = ["COMMANDS", "EPILOG", "build_parser", "main"]

EPILOG = """examples:
  pulumi-wxo validate specs/                   # offline; exit 1 on any problem
  pulumi-wxo schema --output specs/wxo-spec.schema.json
  pulumi-wxo export --url https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/<id> \\
      --output specs/                           # WXO_API_KEY in the environment
  WXO_URL=http://127.0.0.1:4321 WXO_TOKEN=demo-token pulumi-wxo list
  pulumi-wxo list --json --name 'virtual-model/openai/*'
  pulumi-wxo migrate-state s.json -o s2.json     # dynamic host -> native plugin (docs/guide/migration.md)
  pulumi-wxo policy-pack --output policy/      # guardrails for pulumi preview --policy-pack
  pulumi-wxo review dev.json prod.json           # `pulumi preview --json` -> PR comment; exit 3 on changes
  pulumi-wxo plugin install                    # the native plugin into Pulumi's plugin cache
  pulumi-wxo emulator --port 4321 --db .demo/emulator.db --token demo-token
"""

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": listing.run,
    "validate": validate.run,
    "schema": schema.run,
    "export": export.run,
    "migrate-state": migrate_state.run,
    "policy-pack": policy_pack.run,
    "review": review.run,
    "plugin": plugin.run,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-wxo",
        description="Tools for watsonx Orchestrate models and policies managed with Pulumi.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The order of --help's command list.
    for command in (validate, schema, export, listing, migrate_state, policy_pack, review, plugin, emulator):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        return _closed_pipe()
    return code


def _closed_pipe() -> int:
    """The reader went away: point stdout at /dev/null, so that the interpreter's last flush
    at exit finds no pipe to fail on (the Python documentation's recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (a test's capture): nothing to flush later
        pass
    return 1


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["emulator"]:
        return emulator.run(args[1:])
    parser = build_parser()
    try:
        parsed = parser.parse_args(args)
    except SystemExit as exc:  # --help (0) or a usage error (2): a return code, not an exit
        return int(exc.code or 0)
    command = COMMANDS.get(parsed.command or "")
    if parsed.version and command is None:
        from pulumi_wxo.version import __version__

        print(f"pulumi-wxo {__version__}")
        return 0
    if command is None:
        parser.print_help()
        return 2
    try:
        return command(parsed)
    except BrokenPipeError:
        raise
    except (WxoError, OSError) as err:
        # The text can carry what a server or a file said: no control character reaches the
        # terminal, no line is a CI workflow command (pulumi_wxo._text).
        print(inert(f"pulumi-wxo {parsed.command}: {err}"), file=sys.stderr)
        return 2

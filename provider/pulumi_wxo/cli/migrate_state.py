"""``pulumi-wxo migrate-state``: a ``pulumi stack export`` rewritten so that its models and
policies belong to the native plugin instead of the dynamic host (the rewrite itself is
``pulumi_wxo.native.migration``; docs/guide/migration.md has the whole recipe)."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from pulumi_wxo._text import inert_json
from pulumi_wxo.cli.common import add_command, count, err, write_files
from pulumi_wxo.specs.limits import MAX_NUMBER_CHARS

RECIPE = (
    "  pulumi stack export --file s.json\n"
    "  pulumi-wxo migrate-state s.json -o s2.json\n"
    "  pulumi stack import --file s2.json      # then: import pulumi_wxo.native as wxo"
)


_SUMMARY = "move a stack's models and policies from the dynamic host to the native plugin"
_DESCRIPTION = (
    "Rewrite a `pulumi stack export` file so that its pulumi-wxo resources are served by "
    "the native plugin (pulumi-resource-wxo): new type tokens and URNs, every reference to them, a "
    "default wxo provider with the stack's wxo:* config. Ids, outputs and encrypted secrets are kept "
    "as they are; nothing is decrypted and no request is sent. A state it does not understand, or "
    "with pending operations, is refused and nothing is written."
)


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "migrate-state", _SUMMARY, _DESCRIPTION, RECIPE)
    parser.add_argument("state", metavar="EXPORT", help="the file `pulumi stack export --file` wrote")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write ('-': stdout)")
    parser.add_argument(
        "--provider-version",
        metavar="SEMVER",
        help="the plugin version the program's native SDK pins (default: this pulumi-wxo's, which names "
        "the default provider default_X_Y_Z)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite the output file")


class _NumberTooLong(ValueError):
    pass


def _bounded_int(text: str) -> int:
    # int() of 5,000 digits raises ValueError, not a JSON error: refuse it by its length first.
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text)
    return int(text)


def _parse(data: bytes, path: Path) -> object:
    """The export's JSON, read as ``validate`` reads a spec file: refused with the file, line
    and reason when it is not UTF-8 or holds a number too long to be one."""
    from pulumi_wxo.native.migration import MigrationError
    from pulumi_wxo.specs.files import Unreadable, decode_text

    text = decode_text(data)
    if isinstance(text, Unreadable):
        raise MigrationError(text.reason, where=f"{path}:{text.line}")
    try:
        return json.loads(text, parse_int=_bounded_int)
    except _NumberTooLong as exc:
        digits = len(str(exc))
        line = text.count("\n", 0, max(text.find(str(exc)), 0)) + 1
        raise MigrationError(
            f"a number of {digits:,} digits is too long (at most {MAX_NUMBER_CHARS})", where=f"{path}:{line}"
        ) from None
    except json.JSONDecodeError as exc:
        raise MigrationError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise MigrationError("nested too deeply to be a stack export", where=str(path)) from None


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.native.migration import MAX_STATE_BYTES, MigrationError, migrate_deployment
    from pulumi_wxo.native.schema import package_version
    from pulumi_wxo.specs.files import Unreadable, read_bounded

    source = Path(args.state)
    target = None if args.output == "-" else Path(args.output)
    if target is not None and target.exists() and not args.force:
        err(f"pulumi-wxo migrate-state: {target} already exists; pass --force to overwrite")
        return 2
    # A regular file only, and at most MAX_STATE_BYTES of it: never a FIFO (it would block) or a
    # device (/dev/zero would fill memory), whatever st_size says (specs/files.py).
    data = read_bounded(str(source), MAX_STATE_BYTES)
    if isinstance(data, Unreadable) and data.cause == "os":
        err(f"pulumi-wxo migrate-state: {source}: {data.reason}")
        return 2
    try:
        if isinstance(data, Unreadable):
            raise MigrationError(data.reason, where=f"{source}:{data.line}" if data.line else str(source))
        migrated = migrate_deployment(
            _parse(data, source),
            provider_id=str(uuid.uuid4()),
            version=args.provider_version or package_version(),
        )
    except MigrationError as exc:
        # Name the file once: a problem of the file itself already starts with its path.
        where = "" if exc.where.startswith(str(source)) else f"{source}: "
        err(f"pulumi-wxo migrate-state: {where}{exc}")
        err("nothing was written")
        return 1
    for where in migrated.plaintext:
        # Never the value: where it is, so that the user can see the export was made in clear.
        err(
            f"warning: {where}: a secret in plaintext (the export was made with --show-secrets); it is "
            "carried over in clear: delete both files once imported, and export without --show-secrets"
        )
    text = json.dumps(migrated.export, indent=4) + "\n"
    if target is None:
        sys.stdout.write(inert_json(text))  # no line a CI log reads as a command (docs/guide/cli.md)
    else:
        write_files({target: text})
    n = len(migrated.moved)
    err(f"moved {count(n, 'resource')} to {migrated.provider_urn}" + (f"; wrote {target}" if target else ""))
    err(
        "Next: `pulumi stack import --file "
        + (str(target) if target else "<file>")
        + "`, switch the program to "
        "`import pulumi_wxo.native as wxo`, and check that `pulumi preview` shows no change."
    )
    return 0

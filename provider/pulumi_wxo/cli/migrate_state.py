"""``pulumi-wxo migrate-state``: a ``pulumi stack export`` rewritten so that its models and
policies belong to the native plugin instead of the dynamic host (the rewrite itself is
``pulumi_wxo._migration``; docs/migration.md has the whole recipe)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from pulumi_wxo.cli.common import add_command, count, err

RECIPE = (
    "  pulumi stack export --file s.json\n"
    "  pulumi-wxo migrate-state s.json -o s2.json\n"
    "  pulumi stack import --file s2.json      # then: import pulumi_wxo.native as wxo"
)


def add_parser(sub: Any) -> None:
    parser = add_command(
        sub,
        "migrate-state",
        help_text="move a stack's models and policies from the dynamic host to the native plugin",
        description="Rewrite a `pulumi stack export` file so that its pulumi-wxo resources are served by "
        "the native plugin (pulumi-resource-wxo): new type tokens and URNs, every reference to them, a "
        "default wxo provider with the stack's wxo:* config. Ids, outputs and encrypted secrets are kept "
        "as they are; nothing is decrypted and no request is sent. A state it does not understand, or "
        "with pending operations, is refused and nothing is written.",
        example=RECIPE,
    )
    parser.add_argument("state", metavar="EXPORT", help="the file `pulumi stack export --file` wrote")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write ('-': stdout)")
    parser.add_argument(
        "--provider-version",
        metavar="SEMVER",
        help="the plugin version the program's native SDK pins (default: this pulumi-wxo's, which names "
        "the default provider default_X_Y_Z)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite the output file")


def _load(path: Path) -> object:
    from pulumi_wxo._migration import MAX_STATE_BYTES, MigrationError

    size = path.stat().st_size
    if size > MAX_STATE_BYTES:
        raise MigrationError(
            f"is {size} bytes, more than the {MAX_STATE_BYTES} a stack export may be", where=str(path)
        )
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MigrationError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise MigrationError("nested too deeply to be a stack export", where=str(path)) from None


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside the target, renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo._migration import MigrationError, migrate_deployment
    from pulumi_wxo.native.schema import package_version

    source = Path(args.state)
    target = None if args.output == "-" else Path(args.output)
    if target is not None and target.exists() and not args.force:
        err(f"pulumi-wxo migrate-state: {target} already exists; pass --force to overwrite")
        return 2
    try:
        migrated = migrate_deployment(
            _load(source), provider_id=str(uuid.uuid4()), version=args.provider_version or package_version()
        )
    except MigrationError as exc:
        # Name the file once: a problem of the file itself already starts with its path.
        where = "" if exc.where.startswith(str(source)) else f"{source}: "
        err(f"pulumi-wxo migrate-state: {where}{exc}")
        err("nothing was written")
        return 1
    text = json.dumps(migrated.export, indent=4) + "\n"
    if target is None:
        sys.stdout.write(text)
    else:
        _write(target, text)
    n = len(migrated.moved)
    err(f"moved {count(n, 'resource')} to {migrated.provider_urn}" + (f"; wrote {target}" if target else ""))
    err(
        "Next: `pulumi stack import --file "
        + (str(target) if target else "<file>")
        + "`, switch the program to "
        "`import pulumi_wxo.native as wxo`, and check that `pulumi preview` shows no change."
    )
    return 0

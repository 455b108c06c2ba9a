"""``python -m pulumi_wxo.emulator``: run the emulator from the command line.

``build_parser()`` and ``main(argv) -> int`` are public so that the project CLI
(``pulumi-wxo emulator ...``) can delegate to :func:`main`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from .runtime import DEFAULT_API_KEY, EmulatorSettings
from .server import serve
from .switches import add_switch_arguments, switches_from_args

__all__ = ["build_parser", "main", "settings_from_args"]


def build_parser(prog: str = "python -m pulumi_wxo.emulator") -> argparse.ArgumentParser:
    defaults = EmulatorSettings()
    parser = argparse.ArgumentParser(
        prog=prog, description="Local emulator of the watsonx Orchestrate Models / Model-policy API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=4321, help="port, 0 for a free one (default: %(default)s)"
    )
    parser.add_argument("--db", default=defaults.db, help="SQLite file, or :memory: (default: %(default)s)")
    parser.add_argument("--token", default=defaults.token, help="fixed bearer token that never expires")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"accepted API key for the token flows; repeatable (default: {DEFAULT_API_KEY})",
    )
    parser.add_argument("--username", default=defaults.username, help="accepted CPD / local username")
    parser.add_argument("--password", default=defaults.password, help="accepted CPD / local password")
    parser.add_argument("--tenant-id", default=defaults.tenant_id, help="tenant (and instance) id")
    parser.add_argument("--tenant-name", default=defaults.tenant_name, help="tenant name")
    add_switch_arguments(parser, defaults.switches)  # --duplicates ... --token-ttl, from the table
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn log level; info shows an access log (default: %(default)s)",
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> EmulatorSettings:
    """The settings for parsed ``args``; ``ValueError`` (a usage error) for a switch out of bounds."""
    return EmulatorSettings(
        db=args.db,
        token=args.token,
        tenant_id=args.tenant_id,
        tenant_name=args.tenant_name,
        api_keys=tuple(args.api_keys) if args.api_keys else (DEFAULT_API_KEY,),
        username=args.username,
        password=args.password,
        switches=switches_from_args(args),
    )


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    parser = build_parser(prog) if prog else build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))

    def ready(url: str) -> None:
        print(f"wxO emulator listening on {url} (db: {settings.db})", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port, settings, log_level=args.log_level, on_ready=ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m pulumi_wxo.emulator``: run the emulator from the command line.

``build_parser()`` and ``main(argv) -> int`` are public so that the project CLI
(``pulumi-wxo emulator ...``) can delegate to :func:`main`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from .runtime import DEFAULT_API_KEY, EmulatorSettings
from .switches import add_switch_arguments, switches_from_args

# The parser needs neither FastAPI nor uvicorn (``main`` imports the server), so that
# `pulumi-wxo emulator --help` lists every option without the extra installed.
EXTRA_HINT = "Needs the emulator extra: pip install 'pulumi-wxo[emulator]'."

__all__ = ["CONTROL_TOKEN_ENV", "build_parser", "main", "settings_from_args"]

# The control token from the environment keeps it out of the process list (``ps``), which
# every user of the machine can read.
CONTROL_TOKEN_ENV = "WXO_EMULATOR_CONTROL_TOKEN"


def build_parser(prog: str = "python -m pulumi_wxo.emulator") -> argparse.ArgumentParser:
    defaults = EmulatorSettings()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Local emulator of the watsonx Orchestrate Models / Model-policy API. " + EXTRA_HINT,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to bind (default: %(default)s); anything but loopback needs --allow-remote",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (needs --control-token): the API then serves "
        "whoever can reach it with the token, so set your own --token, --api-key and --password",
    )
    parser.add_argument(
        "--control-token",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        metavar="TOKEN",
        help=f"bearer token the control API /_emulator/ requires (default: ${CONTROL_TOKEN_ENV}; "
        "none: no token on loopback)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        default=[],
        metavar="NAME",
        help="also accept this Host header name (besides loopback and the address reached), "
        "e.g. a compose service name; repeatable; '*' accepts any",
    )
    parser.add_argument(
        "--port", type=int, default=4321, help="port, 0 for a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--also-port",
        type=int,
        action="append",
        dest="also_ports",
        default=[],
        metavar="PORT",
        help="serve the same emulator on this port too; repeatable. The ADK CLI looks for a local "
        "Developer Edition's connections on 3001 (docs/guide/emulator.md)",
    )
    parser.add_argument(
        "--tls-cert",
        metavar="PEM",
        help="serve HTTPS with this certificate chain (with --tls-key), for the ADK CLI's remote-style "
        "environments, which must be https:// (docs/guide/emulator.md)",
    )
    parser.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
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
        allow_remote=args.allow_remote,
        control_token=args.control_token,
        allowed_hosts=tuple(args.allowed_hosts),
    )


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    parser = build_parser(prog) if prog else build_parser()
    args = parser.parse_args(argv)
    from .dbfile import DatabaseFileError
    from .guard import is_loopback
    from .server import TLSFiles, check_bind, serve

    try:
        settings = settings_from_args(args)
        check_bind(args.host, settings)
    except ValueError as exc:
        parser.error(str(exc))
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    tls = TLSFiles(args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None

    def ready(url: str) -> None:
        print(f"wxO emulator listening on {url} (db: {settings.db})", flush=True)
        if not is_loopback(args.host):
            print(
                f"warning: bound to {args.host or 'all interfaces'}, reachable from other machines; "
                "the control API needs the control token, the API its --token or a minted token",
                file=sys.stderr,
                flush=True,
            )

    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(
                args.host,
                args.port,
                settings,
                log_level=args.log_level,
                on_ready=ready,
                tls=tls,
                also_ports=tuple(args.also_ports),
            )
    except DatabaseFileError as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a port in use, an unreadable certificate
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m pulumi_wxo.emulator``: run the emulator from the command line.

``build_parser()`` and ``main(argv) -> int`` are public so that the project CLI
(``pulumi-wxo emulator ...``) can delegate to :func:`main`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from .runtime import DEFAULT_API_KEY, EmulatorSettings, Switches
from .server import serve

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
        "--token-ttl", type=int, default=defaults.token_ttl, help="lifetime of minted tokens in seconds"
    )
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
    fields = Switches.model_fields
    for name in ("duplicates", "create_response", "secrets", "empty_list", "mcsp_v1"):
        choices = list(fields[name].annotation.__args__)  # type: ignore[union-attr]
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            choices=choices,
            default=getattr(defaults, name),
            help="variant switch (default: %(default)s)",
        )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn log level; info shows an access log (default: %(default)s)",
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> EmulatorSettings:
    return EmulatorSettings(
        db=args.db,
        token=args.token,
        token_ttl=args.token_ttl,
        tenant_id=args.tenant_id,
        tenant_name=args.tenant_name,
        api_keys=tuple(args.api_keys) if args.api_keys else (DEFAULT_API_KEY,),
        username=args.username,
        password=args.password,
        duplicates=args.duplicates,
        create_response=args.create_response,
        secrets=args.secrets,
        empty_list=args.empty_list,
        mcsp_v1=args.mcsp_v1,
    )


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    parser = build_parser(prog) if prog else build_parser()
    args = parser.parse_args(argv)
    if args.token_ttl < 0:
        parser.error("--token-ttl must be >= 0")
    settings = settings_from_args(args)

    def ready(url: str) -> None:
        print(f"wxO emulator listening on {url} (db: {settings.db})", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port, settings, log_level=args.log_level, on_ready=ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())

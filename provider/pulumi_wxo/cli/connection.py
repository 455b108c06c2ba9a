"""Connection flags of the commands that talk to an instance (``export``, ``list``).

Each flag falls back to the WXO_* variable the provider also reads (docs/guide/client.md). A
credential is read from the environment or from standard input (``--token-stdin``), never
documented on the command line, where it would land in shell history and in ``ps``; the
``--token``, ``--api-key`` and ``--password`` flags stay for scripts that already use them.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_wxo.api.client import WxoClient

# (flag, stack config key it stands for, help)
CONNECTION_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--url", "wxo:url", "instance URL (WXO_URL)"),
    ("--token", "wxo:token", "bearer token; prefer WXO_TOKEN or --token-stdin (a flag shows in ps)"),
    ("--api-key", "wxo:apiKey", "API key to exchange for a token; prefer WXO_API_KEY (a flag shows in ps)"),
    ("--auth-type", "wxo:authType", "bearer, ibm_iam, mcsp, mcsp_v1, mcsp_v2, cpd or local (WXO_AUTH_TYPE)"),
    ("--iam-url", "wxo:iamUrl", "token service base URL (WXO_IAM_URL)"),
    ("--username", "wxo:username", "CPD / local username (WXO_USERNAME)"),
    ("--password", "wxo:password", "CPD / local password; prefer WXO_PASSWORD (a flag shows in ps)"),
    ("--ca-bundle", "wxo:caBundle", "CA bundle for TLS (WXO_CA_BUNDLE)"),
    ("--base-path", "wxo:basePath", "API prefix, e.g. /v1/orchestrate (WXO_BASE_PATH)"),
)


def add_connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (flags win over WXO_* environment variables)")
    for flag, _key, help_text in CONNECTION_FLAGS:
        group.add_argument(flag, help=help_text)
    group.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the bearer token from standard input (first line), e.g. from a secret manager",
    )
    group.add_argument("--insecure", action="store_true", help="skip TLS verification (WXO_INSECURE)")


def client_from_args(args: argparse.Namespace) -> WxoClient:
    """A WxoClient from the connection flags, falling back to the environment."""
    from pulumi_wxo.api.client import WxoClient
    from pulumi_wxo.api.settings import ConnectionSettings

    given: dict[str, str] = {}
    for flag, key, _help in CONNECTION_FLAGS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if value:
            given[key] = value
    if getattr(args, "token_stdin", False):
        token = sys.stdin.readline().strip()
        if not token:
            from pulumi_wxo.api.errors import ConfigError

            raise ConfigError(
                "--token-stdin: standard input holds no token (its first line is empty); "
                "pipe the token in, e.g. `secret-tool lookup wxo token | pulumi-wxo list --token-stdin`",
                field="--token-stdin",
            )
        given["wxo:token"] = token
    if getattr(args, "insecure", False):
        given["wxo:insecure"] = "true"
    return WxoClient(ConnectionSettings.from_sources(given.get, os.environ))

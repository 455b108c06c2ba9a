"""``pulumi-wxo list``: the connections, models and policies on an instance, as tables or JSON.

A connection is shown by its app id, its kind and type, and whether its credentials are set in
each environment (draft, live): the API never answers a credential value (api-contract §13.4),
and none is printed.

What a server answers is untrusted: the value of every secret key is replaced by ``<secret>``
before anything is printed (cli/masking.py, the rule ``export`` follows), and the tables show
names and other strings as text, never as terminal control (cli/console.py).

(The module is not called ``list``: as an attribute of the package it would shadow the builtin.)
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from pulumi_wxo._text import inert_json
from pulumi_wxo.cli.common import add_command, name_matches
from pulumi_wxo.cli.connection import add_connection_flags, client_from_args
from pulumi_wxo.cli.console import Table, print_tables
from pulumi_wxo.resources import MODEL, Resource


def add_parser(sub: Any) -> None:
    parser = add_command(
        sub,
        "list",
        help_text="table of the connections, models and policies on an instance",
        description="List the connections, models and policies on an instance (a table on a terminal, "
        "JSON with --json); a connection's credentials as set or not per environment, never a value. "
        "Boxed tables need the table extra (pip install 'pulumi-wxo[table]'); else plain text columns.",
        example="  WXO_URL=http://127.0.0.1:4321 WXO_TOKEN=demo-token pulumi-wxo list --json\n"
        "  pulumi-wxo list --name 'virtual-model/openai/*' --name 'watsonx/*'   # settings from WXO_*",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--name", action="append", default=[], metavar="PATTERN", help="only names matching (repeatable)"
    )
    add_connection_flags(parser)


def column_title(resource: Resource, field: str) -> str:
    """The heading of a listed API field: its words, without the resource's kind before them
    (for the model: ``display name``, ``type``)."""
    return field.removeprefix(f"{resource.kind}_").replace("_", " ")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def targets_text(targets: Any) -> str:
    """A policy's targets as one cell: each model with its weight when it has one, a nested
    rule as its mode over its own targets: ``a (0.75), b (0.25)``, ``fallback[a, b]``."""
    from pulumi_wxo.schema.targets import fold_targets

    def leaf(_path: str, target: Any) -> str:
        if not isinstance(target, dict):
            return _text(target)
        weight = target.get("weight")
        return _text(target.get("model_name")) + ("" if weight is None else f" ({_text(weight)})")

    def rule(_path: str, node: Any, inner: list[str]) -> str:
        strategy = node.get("strategy") if isinstance(node, dict) else None
        mode = strategy.get("mode") if isinstance(strategy, dict) else strategy
        return f"{_text(mode) or 'rule'}[{', '.join(inner)}]"

    return ", ".join(fold_targets(targets if isinstance(targets, list) else [], leaf, rule))


# What an environment of a connection shows (schema.connection.normalize_connection's keys).
_ENVIRONMENT_KEYS: tuple[str, ...] = ("kind", "type", "server_url", "sso", "idp_config", "app_config")
_ENVIRONMENT_KEYS += ("custom_config_entries", "credentials_set")


def connection_view(obj: dict[str, Any]) -> dict[str, Any]:
    """What ``list`` shows of a connection (``client.connections.list()``): its app id, its
    connection id and each configured environment's settings with ``credentials_set``; nothing
    else (no credential value is ever part of it)."""
    raw = obj.get("environments")
    envs: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "app_id": obj.get("app_id"),
        "connection_id": obj.get("connection_id"),
        "environments": {
            env: {k: v[k] for k in _ENVIRONMENT_KEYS if k in v}
            for env, v in envs.items()
            if isinstance(v, dict)
        },
    }


def _per_environment(envs: dict[str, Any], key: str) -> str:
    """One setting across the environments: its value when they agree, else each one's."""
    values = {env: _text(v.get(key)) for env, v in envs.items()}
    if len(set(values.values())) <= 1:
        return next(iter(values.values()), "")
    return ", ".join(f"{env}: {value}" for env, value in values.items())


def _credentials(envs: dict[str, Any], env: str) -> str:
    if env not in envs:
        return "-"  # not configured
    return "set" if envs[env].get("credentials_set") is True else "not set"


def connections_table(connections: list[dict[str, Any]]) -> Table:
    """app id, kind, type, whether credentials are set in draft and in live, connection id."""
    rows = [
        (
            _text(c["app_id"]),
            _per_environment(c["environments"], "kind"),
            _per_environment(c["environments"], "type"),
            _credentials(c["environments"], "draft"),
            _credentials(c["environments"], "live"),
            _text(c["connection_id"]),
        )
        for c in sorted(connections, key=lambda x: _text(x["app_id"]))
    ]
    columns = ("app id", "kind", "type", "draft credentials", "live credentials", "id")
    return Table(f"Connections ({len(connections)})", columns, rows)


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.cli.masking import mask_secrets
    from pulumi_wxo.schema import normalize_model

    with client_from_args(args) as client:
        models = [mask_secrets(normalize_model(m)) for m in client.models.list()]
        policies = [mask_secrets(p) for p in client.policies.list()]
        connections = [mask_secrets(connection_view(c)) for c in client.connections.list()]
    models = [m for m in models if name_matches(m["name"], args.name)]
    policies = [p for p in policies if name_matches(str(p.get("name")), args.name)]
    connections = [c for c in connections if name_matches(str(c["app_id"]), args.name)]
    if args.json:
        listed = {"connections": connections, "models": models, "policies": policies}
        print(inert_json(json.dumps(listed, indent=2, sort_keys=True)))
        return 0
    tables = []
    if connections:
        tables.append(connections_table(connections))
    tables += [
        Table(
            f"Models ({len(models)})",
            ("name", *(column_title(MODEL, f) for f in MODEL.listed), "provider", "tags", "id"),
            [
                (
                    _text(m["name"]),
                    *(_text(m[f]) for f in MODEL.listed),
                    _text(m["provider"]),
                    ", ".join(_text(t) for t in m["tags"]),
                    _text(m["id"]),
                )
                for m in sorted(models, key=lambda x: _text(x["name"]))
            ],
        )
    ]
    if policies:
        # A policy's row is its routing (mode, targets), not POLICY.listed: that is its text.
        rows = []
        for p in sorted(policies, key=lambda x: str(x.get("name"))):
            inner = p.get("policy") if isinstance(p.get("policy"), dict) else {}
            strategy = inner.get("strategy")
            mode = strategy.get("mode") if isinstance(strategy, dict) else strategy
            rows.append(
                (str(p.get("name")), _text(mode), targets_text(inner.get("targets")), str(p.get("id")))
            )
        tables.append(Table(f"Policies ({len(policies)})", ("name", "mode", "targets (weight)", "id"), rows))
    print_tables(tables)
    return 0

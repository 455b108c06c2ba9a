"""Exported specs -> a Pulumi Python program that adopts them (:func:`python_program`), for
either host: ``import pulumi_wxo as wxo`` (the dynamic provider) or ``import pulumi_wxo.native
as wxo`` (the native plugin); both take the same arguments (docs/guide/hosts.md).

Connections come first, then the models (``connection_id=<connection>.connection_id`` when
their connection was exported too), then the policies (their exported targets as the Model
resources). Every secret is read from stack config, ``cfg.require_secret(KEY)``; no value is
ever written.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_wxo._text import inert_literal
from pulumi_wxo.schema.targets import fold_targets
from pulumi_wxo.specs.export import ExportedSpec
from pulumi_wxo.specs.syntax import AUDIENCE_KEY, META_KEYS

__all__ = ["python_program"]


class _Code(str):
    """Python source to be written as is (not as a string literal)."""

    __slots__ = ()


def _py(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, _Code):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{pad}    {_literal(str(k))}: {_py(v, indent + 4)}," for k, v in value.items()]
        one_line = "{" + ", ".join(i.strip().rstrip(",") for i in items) + "}"
        if len(one_line) + indent < 90 and "\n" not in one_line:
            return one_line
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{pad}    {_py(v, indent + 4)}," for v in value]
        one_line = "[" + ", ".join(i.strip().rstrip(",") for i in items) + "]"
        if len(one_line) + indent < 90 and "\n" not in one_line:
            return one_line
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if isinstance(value, str):
        return _literal(value)
    return repr(value)


def _literal(text: str) -> str:
    """``text`` as a Python string literal that reads back as ``text`` and prints inert.

    Printable text as JSON writes it (its escapes are Python's); anything else (a control, a
    bidi override, a lone surrogate) as ``repr`` writes it, every such character escaped.
    """
    literal = json.dumps(text, ensure_ascii=False) if text.isprintable() else repr(text)
    return inert_literal(literal)


def _identifier(name: str, taken: set[str]) -> str:
    # ASCII only: Python folds Unicode identifiers (NFKC), so two names could become one variable.
    ident = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower() or "spec"
    if ident[0].isdigit() or keyword.iskeyword(ident) or ident in {"pulumi", "wxo", "cfg"}:
        ident = f"m_{ident}"
    base, n = ident, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


def python_program(exported: Sequence[ExportedSpec], *, source: str = "", host: str = "dynamic") -> str:
    """A Pulumi Python program declaring every exported object with ``adopt=True``, for the
    dynamic provider (``import pulumi_wxo as wxo``) or, with ``host="native"``, the native plugin
    (``import pulumi_wxo.native as wxo``): both hosts take the same arguments (docs/guide/hosts.md).

    Secrets are read from stack config (``cfg.require_secret(KEY)``); a model whose connection
    was exported too takes that Connection's ``connection_id``, and a policy's targets that
    were exported too are passed as the Model resources.
    """
    module = {"dynamic": "pulumi_wxo", "native": "pulumi_wxo.native"}[host]
    taken: set[str] = set()
    # The source (an operator's URL and base path) is shown escaped: every quote and backslash
    # escaped, all ASCII, so no text can end the docstring and become code.
    shown = inert_literal(json.dumps(source)) if source else ""
    lines = [
        f'"""Exported by `pulumi-wxo export`{f" from {shown}" if shown else ""}.',
        "",
        "Every resource adopts the existing object of the same name (adopt=True): the first",
        "`pulumi up` takes it over instead of creating a duplicate. Set the secrets first:",
    ]
    keys = sorted({key for e in exported for _, key in e.secrets})
    lines += [f"    pulumi config set --secret {k} <value>" for k in keys] or ["    (none needed)"]
    if host == "native":
        lines += [
            "",
            "For the native plugin: install it once with `pulumi-wxo plugin install` (docs/guide/hosts.md).",
        ]
    lines += ['"""', "", "import pulumi", "", f"import {module} as wxo", "", "cfg = pulumi.Config()", ""]
    connections: dict[str, str] = {}
    for e in [x for x in exported if x.kind == "connection"]:
        var = _identifier(e.resource_name, taken)
        connections[e.name] = var
        lines += _connection(var, e)
    variables: dict[str, str] = {}
    for e in [x for x in exported if x.kind == "model"]:
        var = _identifier(e.resource_name, taken)
        variables[e.name] = var
        doc = dict(e.document)
        secret_fields = dict(e.secrets)
        kwargs: dict[str, Any] = {}
        for k, v in doc.items():
            if k == "app_id" and e.app_id in connections:  # the exported connection's output
                kwargs["connection_id"] = _Code(f"{connections[e.app_id]}.connection_id")
            elif k not in META_KEYS:
                kwargs[k] = v
        if "provider_config" in kwargs:
            kwargs["provider_config"] = {
                k: (_Code(f"cfg.require_secret({json.dumps(secret_fields[k])})") if k in secret_fields else v)
                for k, v in kwargs["provider_config"].items()
                if k != AUDIENCE_KEY  # a spec file's marker, never an input
            }
        kwargs["adopt"] = True
        lines.append(f"{var} = wxo.Model(")
        lines.append(f"    {json.dumps(e.resource_name)},")
        lines += [f"    {k}={_py(v, 4)}," for k, v in kwargs.items()]
        lines += [")", ""]
    for e in [x for x in exported if x.kind == "policy"]:
        var = _identifier(e.resource_name, taken)
        body = dict(e.document.get("policy") or {})
        kwargs = {k: v for k, v in e.document.items() if k not in (*META_KEYS, "policy")}
        kwargs["strategy"] = body.get("strategy")
        kwargs["targets"] = _py_targets(body.get("targets") or [], variables)
        for k in ("retry", "cache"):
            if body.get(k) is not None:
                kwargs[k] = body[k]
        kwargs["adopt"] = True
        lines.append(f"{var} = wxo.ModelPolicy(")
        lines.append(f"    {json.dumps(e.resource_name)},")
        lines += [f"    {k}={_py(v, 4)}," for k, v in kwargs.items()]
        lines += [")", ""]
    names = {e.name: variables.get(e.name) for e in exported if e.kind == "model"}
    if names:
        ids = {n: _Code(f"{v}.model_id") for n, v in names.items() if v}
        lines.append(f'pulumi.export("model_ids", {_py(ids, 0)})')
    return "\n".join(lines).rstrip() + "\n"


def _connection(var: str, e: ExportedSpec) -> list[str]:
    """``wxo.Connection(...)`` for an exported connection: its environments as the file has them,
    each credential read from stack config."""
    secret_keys = dict(e.secrets)
    environments: dict[str, Any] = {}
    for env, block in (e.document.get("environments") or {}).items():
        settings = {k: v for k, v in block.items() if k != "credentials"}
        credentials = block.get("credentials") or {}
        if credentials:
            settings["credentials"] = {
                k: _Code(f"cfg.require_secret({json.dumps(secret_keys[k])})") for k in credentials
            }
        environments[env] = settings
    kwargs: dict[str, Any] = {"app_id": e.name, "environments": environments, "adopt": True}
    return [
        f"{var} = wxo.Connection(",
        f"    {json.dumps(e.resource_name)},",
        *[f"    {k}={_py(v, 4)}," for k, v in kwargs.items()],
        ")",
        "",
    ]


def _py_targets(targets: Any, variables: Mapping[str, str]) -> list[Any]:
    """Raw (exported) targets as program values; an exported model is passed as its variable."""

    def leaf(_path: str, target: Any) -> Any:
        if not isinstance(target, Mapping):
            return target
        var = variables.get(str(target["model_name"]))
        item: dict[str, Any] = {"model": _Code(var)} if var else {"model_name": target["model_name"]}
        if target.get("weight") is not None:
            item["weight"] = target["weight"]
        return item

    def rule(_path: str, target: Mapping[str, Any], nested: list[Any]) -> Any:
        out = dict(target)
        out["targets"] = nested
        return out

    return fold_targets(targets, leaf, rule)

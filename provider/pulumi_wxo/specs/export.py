"""Server objects -> spec documents (:func:`export_model`, :func:`export_policy`), written as
YAML (:func:`dump_yaml`) or as a Pulumi Python program that adopts them (:func:`python_program`).

Secret values are never written, whatever the server shows. Two audiences (docs/guide/specs.md):
``pulumi`` files hold ``${secret:KEY}`` placeholders and the marker the ADK refuses
(``provider_config.secrets_resolved_by: pulumi-wxo``); ``adk`` files hold no credential at all,
for ``orchestrate models import --app-id`` (a connection), with every field the ADK requires.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from pulumi_wxo._text import inert, inert_literal, is_inert
from pulumi_wxo.resources import MODEL, POLICY
from pulumi_wxo.schema import (
    SECRET_FIELDS,
    Failure,
    is_secret_key,
    normalize_model,
    normalize_policy,
    provider_of,
    secret_field_of,
    to_snake_key,
    validate_model,
    validate_policy,
)
from pulumi_wxo.schema.model import is_server_owned_tag
from pulumi_wxo.schema.targets import fold_targets
from pulumi_wxo.specs.adk import adk_credentials_missing
from pulumi_wxo.specs.names import resource_name, secret_config_key
from pulumi_wxo.specs.results import SecretRef
from pulumi_wxo.specs.syntax import AUDIENCE_KEY, AUDIENCE_PULUMI, META_KEYS, POLICY_BODY, SPEC_VERSION, Kind

Audience = Literal["pulumi", "adk"]

#: The longest file name ``export`` writes, before ``.yaml`` (names are ASCII: resource names).
MAX_FILE_STEM = 100

# Containers nested deeper than this are not searched for credentials but left out whole (as
# ``list`` does, cli/masking.py): a real model nests a few levels.
_MAX_SEARCH_DEPTH = 64

# When the server shows no credential (it omits them, api-contract §2.1), the fields it does
# show tell which kind the model uses: (any of these shown) -> (the credentials to ask for).
# Without a hint the schema's own requirement is asked for (api_key for most providers).
_CREDENTIAL_HINTS: dict[str, tuple[tuple[frozenset[str], tuple[str, ...]], ...]] = {
    "bedrock": (
        (
            frozenset({"aws_region", "aws_auth_type", "aws_role_arn", "aws_external_id"}),
            ("aws_access_key_id", "aws_secret_access_key"),
        ),
    ),
    "vertex-ai": ((frozenset({"vertex_project_id", "vertex_region"}), ("vertex_service_account_json",)),),
    "azure-openai": (
        (frozenset({"azure_entra_client_id", "azure_entra_tenant_id"}), ("azure_entra_client_secret",)),
    ),
    "azure-ai": (
        (frozenset({"azure_entra_client_id", "azure_entra_tenant_id"}), ("azure_entra_client_secret",)),
    ),
    "watsonx": ((frozenset({"watsonx_cpd_url", "watsonx_cpd_username"}), ("watsonx_cpd_password",)),),
}


@dataclass(frozen=True)
class ExportedSpec:
    """A server object as a spec document; ``secrets`` are (field, config key) placeholders
    written instead of values; ``notes`` tell the user what to check."""

    kind: Kind
    name: str
    resource_name: str
    document: dict[str, Any]
    secrets: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    audience: Audience = "pulumi"
    # adk files: what the key_value connection given to `--app-id` must hold (None: nothing).
    connection_needs: str | None = None

    @property
    def filename(self) -> str:
        """``<resource name>.yaml`` (``policy-`` before a policy's), at most
        :data:`MAX_FILE_STEM` characters before ``.yaml``: a longer one is cut and ends with a
        digest of the object's name, so that it stays unique and every file system takes it."""
        stem = f"{'policy-' if self.kind == 'policy' else ''}{self.resource_name}"
        if len(stem) > MAX_FILE_STEM:
            digest = hashlib.sha256(self.name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
            stem = f"{stem[: MAX_FILE_STEM - len(digest) - 1]}-{digest}"
        return f"{stem}.yaml"


def export_model(obj: Mapping[str, Any], *, audience: Audience = "pulumi") -> ExportedSpec:
    """A ``GET /models`` object as an ADK-compatible spec document (api-contract §5).

    The declaration's API fields (``MODEL.api_fields``) in its order, each one the server holds;
    provider_config comes out snake_case (``normalize_model``); the texts that default to the
    name are always written (the ADK requires them of policies, and a model's then reads the
    same both ways). Secret values are **never** written, even when the server
    echoes them. ``pulumi``: each secret field the server shows, and each one the model needs
    when no connection is bound (:data:`_CREDENTIAL_HINTS`), becomes ``${secret:KEY}``, and the
    marker ``secrets_resolved_by: pulumi-wxo`` keeps the file from the ADK; ``connection_id`` is
    kept. ``adk``: no credential and no ``connection_id`` (the ADK takes both from
    ``--app-id``); ``connection_needs`` says what that connection must hold.
    """
    norm = normalize_model(obj)
    name = norm["name"]
    plain: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    withheld: list[str] = []
    for key, value in norm["provider_config"].items():
        # Secrets by meaning (schema.is_secret_key): any spelling of a credential field
        # (``APIKey``, ``api-key``) becomes that field's placeholder; a credential under a key
        # the schema does not know (``password``, ``clientSecret``) is withheld, with a note.
        field_name = secret_field_of(key)
        if field_name is not None:
            secrets[field_name] = secret_config_key(name, field_name)
        elif is_secret_key(key):
            if value is not None:
                withheld.append(f"provider_config.{key}")
        else:
            plain[to_snake_key(key)] = _without_credentials(value, f"provider_config.{key}", withheld)
    # Every API field of the declaration, in its order, where the server holds a value (the
    # normaliser fills in the defaulted ones, so those always). Three are written as the
    # audience reads them, below: the tags without the server's own, provider_config without
    # its credentials (a placeholder each, or nothing for the ADK) and config likewise.
    fields_: dict[str, Any] = {f: norm[f] for f in MODEL.api_fields if not _empty(norm[f])}
    # The provider's owner tag belongs to the stack that made the model (docs/guide/recovery.md), the
    # platform's tags to the platform (docs/dev/lifecycle.md): an exported file carries neither.
    fields_["tags"] = [t for t in norm["tags"] if not is_server_owned_tag(t)]
    if audience == "adk":
        # The ADK takes the connection from `--app-id`, which replaces connection_id.
        fields_["connection_id"] = None
    fields_["provider_config"] = fields_["config"] = None  # below, once the secrets are known

    def check() -> list[Failure]:
        pc = {**plain, **{k: SecretRef(k, key).placeholder() for k, key in secrets.items()}}
        _, fails = validate_model(
            {
                **{k: v for k, v in fields_.items() if not _empty(v)},
                "connection_id": norm["connection_id"],
                "provider_config": pc or None,
                "config": norm["config"] or None,
            }
        )
        return fails

    # Secrets the server did not show but the model needs (no connection bound): ask for
    # them too, so the spec validates and `pulumi up` sends them. The fields shown tell
    # which credential (AWS keys, a service account, ...); else the schema's requirement.
    if not norm["connection_id"] and not secrets:
        for shown, wanted in _CREDENTIAL_HINTS.get(provider_of(name), ()):
            if shown & set(plain):
                secrets.update({k: secret_config_key(name, k) for k in wanted})
                break
    for f in check():
        head, _, key = f.path.partition(".")
        if head == "provider_config" and key in SECRET_FIELDS and key not in secrets:
            secrets[key] = secret_config_key(name, key)
    notes = tuple(f"{name}: {f}" for f in check())
    needs: str | None = None
    if audience == "adk":
        pc_out = dict(sorted(plain.items()))
        needs = " and ".join(sorted(secrets)) or adk_credentials_missing(provider_of(name), set())
        if norm["connection_id"]:
            needs = f"{needs} (the model was bound to connection {norm['connection_id']})"
        secrets = {}
    else:
        pc_out = dict(sorted({**plain, **{k: f"${{secret:{key}}}" for k, key in secrets.items()}}.items()))
        if secrets:
            pc_out = {AUDIENCE_KEY: AUDIENCE_PULUMI, **pc_out}
    fields_["provider_config"] = pc_out
    if norm["config"]:
        fields_["config"] = _without_credentials(norm["config"], "config", withheld)
    doc: dict[str, Any] = {"spec_version": SPEC_VERSION, "kind": "model"}
    doc |= {f: fields_[f] for f in MODEL.api_fields if f in fields_ and not _empty(fields_[f])}
    return ExportedSpec(
        "model",
        name,
        resource_name(name),
        doc,
        tuple(sorted(secrets.items())),
        notes + _withheld_notes(name, withheld),
        audience,
        needs,
    )


def export_policy(obj: Mapping[str, Any], *, audience: Audience = "pulumi") -> ExportedSpec:
    """A ``GET /model_policy`` object as a spec document in the ADK's form (``policy:``), with
    the texts that default to the name always (``POLICY.defaults_to_name``: the ADK requires
    them). It holds no secret, so it is the same for both audiences."""
    norm = normalize_policy(obj)
    name = norm["name"]
    doc: dict[str, Any] = {"spec_version": SPEC_VERSION, "kind": "model", "name": name}
    # The texts that default to the name, always written: the ADK requires them of a policy.
    doc |= {f: norm[f] or name for f in POLICY.defaults_to_name}
    withheld: list[str] = []
    inner = {
        k: _without_credentials(norm[k], f"policy.{k}", withheld)
        for k in POLICY_BODY
        if norm.get(k) is not None
    }
    doc["policy"] = inner
    _, fails = validate_policy({k: v for k, v in doc.items() if k not in META_KEYS and k != "policy"} | inner)
    notes = tuple(f"{name}: {f}" for f in fails) + _withheld_notes(name, withheld)
    return ExportedSpec("policy", name, resource_name(name), doc, (), notes, audience)


def _empty(value: Any) -> bool:
    """Nothing to write: unset, or an empty list or mapping (the server's "none")."""
    return value is None or value in ([], {})


def _without_credentials(value: Any, path: str, withheld: list[str], depth: int = 0) -> Any:
    """A copy of ``value`` without the value of any credential key (``is_secret_key``), at any
    depth; each one left out is added to ``withheld`` by its path. What is nested too deep to
    search is left out whole."""
    if isinstance(value, Mapping | list) and depth >= _MAX_SEARCH_DEPTH:
        withheld.append(path)
        return None
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if is_secret_key(str(key)) and item is not None:
                withheld.append(f"{path}.{key}")
            else:
                out[key] = _without_credentials(item, f"{path}.{key}", withheld, depth + 1)
        return out
    if isinstance(value, list):
        return [
            _without_credentials(item, f"{path}[{i}]", withheld, depth + 1) for i, item in enumerate(value)
        ]
    return value


def _withheld_notes(name: str, withheld: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        f"{name}: {path}: the server shows a credential under a key the schema does not know; "
        "its value is not exported (declare it in the program if the model needs it)"
        for path in withheld
    )


# --------------------------------------------------------------------------- YAML


# A width no line reaches: a folded line could start with what a server sent.
_UNFOLDED = 1 << 30


class _SpecDumper(yaml.SafeDumper):
    """Block style, multi-line strings as ``|`` blocks (descriptions stay readable)."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_SpecDumper.add_representer(str, _str_presenter)


class _QuotedDumper(yaml.SafeDumper):
    """Every string double-quoted (YAML's escapes for every control), never folded."""


def _quoted_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')


_QuotedDumper.add_representer(str, _quoted_presenter)


def _dump(
    document: Mapping[str, Any], dumper: type[yaml.SafeDumper], *, allow_unicode: bool, width: int
) -> str:
    """``document`` in block style, keys in the order given."""
    return yaml.dump(
        dict(document),
        Dumper=dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=allow_unicode,
        width=width,
    )


def dump_yaml(document: Mapping[str, Any], *, header: str | None = None) -> str:
    """One spec document as YAML, keys in the order given; ``header`` becomes comment lines.

    What a server sent is data, never an order to whoever prints the file: when the readable
    form would carry a control character or a line a CI log reads as a workflow command
    (``::error::``, pulumi_wxo._text), every string is written double-quoted, escaped, in ASCII
    and on one line instead. Either way the file reads back as the same document.
    """
    text = _dump(document, _SpecDumper, allow_unicode=True, width=100)
    if not is_inert(text):
        text = inert_literal(_dump(document, _QuotedDumper, allow_unicode=False, width=_UNFOLDED))
    if header:
        # A header may quote the server (a connection id): inert too, each line a comment.
        lines = inert(header).split("\n")
        text = "".join(f"# {line}\n" if line else "#\n" for line in lines) + text
    return text


# --------------------------------------------------------------------------- Python program


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

    Secrets are read from stack config (``cfg.require_secret(KEY)``); a policy's targets that
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
    variables: dict[str, str] = {}
    for e in [x for x in exported if x.kind == "model"]:
        var = _identifier(e.resource_name, taken)
        variables[e.name] = var
        doc = dict(e.document)
        secret_fields = dict(e.secrets)
        kwargs: dict[str, Any] = {k: v for k, v in doc.items() if k not in META_KEYS}
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

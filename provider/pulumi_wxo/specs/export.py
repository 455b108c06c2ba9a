"""Server objects -> spec documents (:func:`export_model`, :func:`export_policy`; connections in
``export_connections``), written as YAML (:func:`dump_yaml`) or as a Pulumi Python program that
adopts them (``program.python_program``).

Secret values are never written, whatever the server shows. Two audiences (docs/guide/specs.md):
``pulumi`` files hold ``${secret:KEY}`` placeholders and the marker the ADK refuses
(``provider_config.secrets_resolved_by: pulumi-wxo``); ``adk`` files hold no credential at all,
for ``orchestrate models import --app-id`` (a connection), with every field the ADK requires.
"""

from __future__ import annotations

import hashlib
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
from pulumi_wxo.specs.adk import adk_credentials_missing
from pulumi_wxo.specs.names import resource_name, secret_config_key
from pulumi_wxo.specs.results import SecretRef
from pulumi_wxo.specs.syntax import AUDIENCE_KEY, AUDIENCE_PULUMI, META_KEYS, POLICY_BODY, SPEC_VERSION

Audience = Literal["pulumi", "adk"]
#: What one exported file holds: a model, a policy or a connection (``kind: connection``).
ExportKind = Literal["model", "policy", "connection"]

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
    written instead of values (a connection's: its credential keys); ``notes`` tell the user what
    to check. ``app_id``: a model's exported connection, which the file names instead of its
    ``connection_id``; ``commands``: a connection's ``orchestrate connections set-credentials``
    lines for the ADK, each value read from an environment variable."""

    kind: ExportKind
    name: str
    resource_name: str
    document: dict[str, Any]
    secrets: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    audience: Audience = "pulumi"
    # adk files: what the key_value connection given to `--app-id` must hold (None: nothing).
    connection_needs: str | None = None
    app_id: str | None = None
    commands: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        """``<resource name>.yaml`` (``policy-`` or ``connection-`` before the others), at most
        :data:`MAX_FILE_STEM` characters before ``.yaml``: a longer one is cut and ends with a
        digest of the object's name, so that it stays unique and every file system takes it."""
        stem = f"{'' if self.kind == 'model' else self.kind + '-'}{self.resource_name}"
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


def credential_fields(obj: Mapping[str, Any]) -> tuple[str, ...]:
    """The credential fields of a ``GET /models`` object (snake_case, sorted): those it shows
    (never their values), else those it needs when no connection holds them, by the fields it
    shows (:data:`_CREDENTIAL_HINTS`: AWS keys, a service account, ...) or the schema's
    requirement. They are the keys a key_value connection bound to the model holds."""
    norm = normalize_model(obj)
    pc = norm["provider_config"]
    shown = sorted({f for k in pc if (f := secret_field_of(k)) is not None})
    if shown:
        return tuple(shown)
    plain = {to_snake_key(k): v for k, v in pc.items() if not is_secret_key(k)}
    for hint, wanted in _CREDENTIAL_HINTS.get(provider_of(norm["name"]), ()):
        if hint & set(plain):
            return wanted
    _, fails = validate_model({"name": norm["name"], "provider_config": plain or None})
    paths = (f.path.partition(".") for f in fails)
    return tuple(
        sorted({key for head, _, key in paths if head == "provider_config" and key in SECRET_FIELDS})
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

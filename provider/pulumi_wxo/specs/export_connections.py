"""Connections on an instance -> ``kind: connection`` spec files in the ADK's form
(:func:`export_connection`), and the models that use one pointed at it by ``app_id``
(:func:`point_at_connection`).

The file is what ``orchestrate connections import -f FILE`` reads and ``orchestrate connections
export`` writes (api-contract §13.2: ADK 2.19.1 ``_validate_connections_spec_content``,
``_create_connection_from_spec``, ``_combine_connection_configs``)::

    spec_version: v1
    kind: connection
    app_id: openai-creds
    environments:
      draft: {kind: key_value, type: team}
      live: {kind: key_value, type: team}

Each environment the server has configured is written with the ADK's import keys (``kind``,
``type``, ``sso``, ``server_url``, ``idp_config``, ``app_config``, ``custom_config_entries``),
a falsy value left out as the ADK's export leaves it out. ``custom_config_entries`` is the
spelling the ADK's documentation and ``ConnectionSpec`` use (the ADK's export writes its other
alias, ``custom_runtime_creds``; its import reads both).

Credentials are write-only (§13.4): no value can be read, and none is written. ``pulumi`` files
hold a ``credentials`` block of ``${secret:KEY}`` placeholders in each environment whose
credentials are set on the server (the ADK ignores the block); ``adk`` files hold none, and
``commands`` are the ``orchestrate connections set-credentials`` lines that set them, each value
read from an environment variable. The keys come from the connection's kind (its required
credentials) or, for a ``key_value`` connection, from the models bound to it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from pulumi_wxo.schema.connection import CREDENTIAL_KEYS, ENVIRONMENTS, KEY_VALUE_KINDS
from pulumi_wxo.specs.export import Audience, ExportedSpec, _withheld_notes, _without_credentials
from pulumi_wxo.specs.names import resource_name, secret_config_key
from pulumi_wxo.specs.syntax import SPEC_VERSION

__all__ = ["CONNECTION_KIND", "credential_keys", "env_variable", "export_connection", "point_at_connection"]

#: The ``kind`` of a connection spec file (the ADK's).
CONNECTION_KIND = "connection"

# The keys of an environment block, in the order written (the ADK's import names).
_BLOCK_KEYS = ("kind", "type", "sso", "server_url", "idp_config", "app_config", "custom_config_entries")

# `orchestrate connections set-credentials` flags whose name is not the credential key's.
_FLAGS = {"authorization_url": "--auth-url", "access_token_url": "--token-url"}


def credential_keys(kind: str | None, bound: Iterable[str] = ()) -> tuple[str, ...]:
    """The credential keys of a connection of ``kind``: its required ones (api-contract §13.4),
    or for ``key_value`` those of the models bound to it (``bound``: each model's credential
    fields, ``export.credential_fields``), sorted."""
    if kind in KEY_VALUE_KINDS:
        return tuple(sorted(set(bound)))
    keys = CREDENTIAL_KEYS.get(kind or "")
    return keys[0] if keys else ()


def env_variable(app_id: str, key: str) -> str:
    """The environment variable a printed ``set-credentials`` line reads a value from:
    ``openai-creds`` + ``api_key`` -> ``OPENAI_CREDS_API_KEY`` (letters, digits, ``_`` only)."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", f"{app_id}_{key}").strip("_").upper()
    return name if name[:1].isalpha() else f"WXO_{name}"


def export_connection(
    obj: Mapping[str, Any], *, audience: Audience = "pulumi", bound: Iterable[str] = ()
) -> ExportedSpec:
    """A connection as the connections collection answers it (``client.connections.list()``:
    ``app_id``, ``environments`` with each one's canonical settings and ``credentials_set``) as
    a ``kind: connection`` spec document. ``bound``: the credential fields of the models that use
    it, the keys of a ``key_value`` connection (the API never shows them)."""
    app_id = str(obj.get("app_id") or obj.get("name") or "")
    envs: Mapping[str, Any] = obj.get("environments") or {}
    fields = tuple(bound)
    blocks: dict[str, dict[str, Any]] = {}
    secrets: dict[str, str] = {}
    commands: list[str] = []
    notes: list[str] = []
    withheld: list[str] = []
    for env in ENVIRONMENTS:
        settings = envs.get(env)
        if not isinstance(settings, Mapping):
            continue
        # What a server sends is untrusted: a credential under any key in a mapping is left out.
        block = {
            k: _without_credentials(settings[k], f"environments.{env}.{k}", withheld)
            for k in _BLOCK_KEYS
            if settings.get(k)
        }
        block = {k: v for k, v in block.items() if v}  # falsy left out, as the ADK's export does
        kind = settings.get("kind")
        if kind is None:
            notes.append(
                f"connection '{app_id}': environment {env} uses a scheme the ADK has no kind for; "
                "write its kind into the file"
            )
        keys = credential_keys(kind, fields) if settings.get("credentials_set") else ()
        if settings.get("credentials_set") and not keys and kind in KEY_VALUE_KINDS:
            notes.append(
                f"connection '{app_id}': the keys of its {env} credentials are unknown (the API "
                "never shows them, and no exported model uses it); add them to the file"
            )
        if keys and audience == "pulumi":
            for key in keys:
                secrets[key] = secret_config_key(app_id, key)
            block["credentials"] = {key: f"${{secret:{secrets[key]}}}" for key in keys}
        elif keys:
            commands.append(set_credentials_line(app_id, env, kind, keys))
        blocks[env] = block
    if not blocks:
        notes.append(f"connection '{app_id}': no environment is configured; the ADK refuses such a file")
    document: dict[str, Any] = {
        "spec_version": SPEC_VERSION,
        "kind": CONNECTION_KIND,
        "app_id": app_id,
        "environments": blocks,
    }
    return ExportedSpec(
        "connection",
        app_id,
        resource_name(app_id),
        document,
        tuple(sorted(secrets.items())),
        tuple(notes) + _withheld_notes(app_id, withheld),
        audience,
        commands=tuple(commands),
    )


def set_credentials_line(app_id: str, env: str, kind: str | None, keys: Sequence[str]) -> str:
    """``orchestrate connections set-credentials`` for one environment, each value ``"$VAR"``."""
    if kind in KEY_VALUE_KINDS:
        values = [f'-e "{key}=${env_variable(app_id, key)}"' for key in keys]
    else:
        values = [f'{_flag(key)} "${env_variable(app_id, key)}"' for key in keys]
    return " ".join(
        ["orchestrate connections set-credentials --app-id", shlex.quote(app_id), "--env", env, *values]
    )


def _flag(key: str) -> str:
    return _FLAGS.get(key, "--" + key.replace("_", "-"))


def point_at_connection(spec: ExportedSpec, app_id: str) -> ExportedSpec:
    """A model's exported spec naming its (exported) connection by ``app_id`` instead of by
    ``connection_id``, at the same place in the file, as ``orchestrate models export`` writes it.
    For the ADK, the connection also goes to ``--app-id`` when the file is imported."""
    document: dict[str, Any] = {}
    for key, value in spec.document.items():
        if key == "connection_id":
            document["app_id"] = app_id
        elif key == "provider_config" and "app_id" not in document:
            document["app_id"] = app_id
            document[key] = value
        else:
            document[key] = value
    if "app_id" not in document:
        document["app_id"] = app_id
    return replace(spec, document=document, app_id=app_id, connection_needs=None)

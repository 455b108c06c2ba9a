"""Connection documents (``kind: connection``): the ADK's file, as ``orchestrate connections
import -f FILE`` reads it, plus the credentials as ``${secret:NAME}`` references.

The ADK's format (``connections_controller._create_connection_from_spec``)::

    spec_version: v1
    kind: connection
    app_id: openai-platform
    environments:
      draft: {kind: key_value, type: team, server_url: ..., sso: ..., idp_config: ..., ...}
      live: {...}

Each environment block is the ADK's ``ConnectionConfiguration`` in its import spelling, which is
:class:`~pulumi_wxo.schema.connection.EnvironmentConfig` (the one schema); an ADK export writes
``custom_runtime_creds`` for ``custom_config_entries``, accepted too. The ADK sets credentials
apart (``orchestrate connections set-credentials``) and ignores unknown keys in a block, so
pulumi-wxo adds ``credentials:`` to a block: every value a ``${secret:NAME}`` reference read from
the stack's config (as a model's credential fields), except the few keys that are settings
(:data:`PLAIN_CREDENTIAL_KEYS`, such as ``token_url``). A literal credential is an error that
never repeats the value. The ADK's top-level ``resource`` and ``catalog`` are not managed: a
warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_wxo.schema.connection import ENVIRONMENTS, EnvironmentConfig
from pulumi_wxo.specs.document import Built
from pulumi_wxo.specs.namespaces import namespace_problem
from pulumi_wxo.specs.overrides import where
from pulumi_wxo.specs.paths import join_path
from pulumi_wxo.specs.results import Problem, SecretRef
from pulumi_wxo.specs.syntax import REF_LIKE, SECRET_REF, Path_, Severity

__all__ = ["PLAIN_CREDENTIAL_KEYS", "connection_rules", "suggested_key"]

# Credential keys that hold settings, not secrets (schema/connection.py CREDENTIAL_KEYS): they
# may be written as they are. Every other credential value must be a ${secret:NAME} reference.
PLAIN_CREDENTIAL_KEYS = frozenset(
    {
        "url",
        "token_url",
        "authorization_url",
        "access_token_url",
        "scope",
        "grant_type",
        "send_via",
        "alg",
        "kid",
        "iss",
        "aud",
        "exp",
        "include_jti",
        "name",
    }
)
# The ADK's top-level keys that pulumi-wxo does not manage (warnings).
_UNMANAGED = {
    "resource": "the component a connection is tied to is not managed by pulumi-wxo; ignored",
    "catalog": "the catalog entry is not managed by pulumi-wxo; ignored",
}
# How an ADK export spells a block's key -> the import spelling (ConnectionConfiguration aliases).
_ALIASES = {"custom_runtime_creds": "custom_config_entries"}
_ENV_KEYS = frozenset(EnvironmentConfig.model_fields)


def suggested_key(app_id: str, key: str) -> str:
    """The stack config key suggested for a credential: camelCase of the app_id and the key
    (``openai-platform`` + ``api_key`` -> ``openaiPlatformApiKey``)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", f"{app_id} {key}") if w]
    if not words:
        return "connectionCredential"
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


def connection_rules(b: Built, allowed: frozenset[str] = frozenset()) -> None:
    """The file's own rules for a connection document (in place): the ADK's shape, the export's
    spelling, and the credentials' references turned into typed placeholders (``b.refs``)."""
    props = b.props
    for key in [k for k in props if k in _UNMANAGED]:
        props.pop(key)
        _add(b, (key,), _UNMANAGED[key], "warning")
    for key in [k for k in props if k in _ENV_KEYS]:
        props.pop(key)
        _add(b, (key,), "belongs in an environment block (environments.draft / environments.live)")
    envs = props.get("environments")
    if envs is None:
        _add(
            b,
            ("environments",),
            "is required: environments.draft, environments.live or both (the ADK's format)",
        )
        return
    if not isinstance(envs, Mapping):
        return  # the schema says what it must be
    props["environments"] = {str(env): _block(b, str(env), block, allowed) for env, block in envs.items()}


def _block(b: Built, env: str, block: Any, allowed: frozenset[str]) -> Any:
    if not isinstance(block, Mapping):
        return block
    out: dict[str, Any] = {}
    for raw, value in block.items():
        key = _ALIASES.get(str(raw), str(raw))
        path: Path_ = ("environments", env, str(raw))
        if key in out:
            _add(b, path, f"is {key} under another name (an export's); keep one of them")
            continue
        if key == "credentials" and isinstance(value, Mapping) and env in ENVIRONMENTS:
            out[key] = {str(k): _credential(b, env, str(k), v, allowed) for k, v in value.items()}
        else:
            _no_refs(b, value, path)
            out[key] = value
    return out


def _credential(b: Built, env: str, key: str, value: Any, allowed: frozenset[str]) -> Any:
    path: Path_ = ("environments", env, "credentials", key)
    ref = SECRET_REF.match(value) if isinstance(value, str) else None
    if ref:
        sref = SecretRef(
            key,
            f"{ref.group(1)}:{ref.group(2)}" if ref.group(1) else ref.group(2),
            f"environments.{env}.credentials",
        )
        refused = namespace_problem(sref, allowed)
        if refused is not None:
            _add(b, path, refused)
        b.refs.append(sref)
        return sref.placeholder()
    if isinstance(value, str) and value.startswith(REF_LIKE):
        _add(b, path, "malformed secret reference; write ${secret:NAME}")
        return "${secret:invalid}"
    if value is None or key in PLAIN_CREDENTIAL_KEYS:
        return value
    suggestion = suggested_key(b.name or "connection", key)
    # The value itself is never repeated: it is a credential.
    _add(
        b,
        path,
        f"credential values must not be written in spec files; write ${{secret:{suggestion}}} and "
        f"run `pulumi config set --secret {suggestion} <value>`",
    )
    return f"${{secret:{suggestion}}}"


def _no_refs(b: Built, value: Any, path: Path_) -> None:
    """A reference outside ``credentials`` would be sent as text: refuse it."""
    if isinstance(value, str) and value.startswith(REF_LIKE):
        _add(b, path, "secret references are resolved in credentials only")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _no_refs(b, v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_refs(b, v, (*path, i))


def _add(b: Built, path: Path_, message: str, severity: Severity = "error") -> None:
    file, line = where(b, path)
    b.problems.append(Problem(file, line, join_path(path), message, severity))

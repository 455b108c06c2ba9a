"""The spec format's vocabulary: version, file suffixes, meta keys, the policy body, stack
config keys and the ``${secret:NAME}`` reference syntax. No logic, no imports of the package."""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "ANTHROPIC_DEFAULT_MAX_TOKENS",
    "AUDIENCE_KEY",
    "AUDIENCE_PULUMI",
    "CONNECTION_KIND",
    "META_KEYS",
    "OVERRIDES_KEY",
    "OVERRIDES_NAMESPACE",
    "POLICY_BODY",
    "POLICY_KINDS",
    "REF_LIKE",
    "SECRET_NAMESPACES_KEY",
    "SECRET_REF",
    "SKIPPED_SUFFIX",
    "SPEC_SUFFIXES",
    "SPEC_VERSION",
    "Kind",
    "Path_",
    "Severity",
]

SPEC_VERSION = "v1"
SPEC_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
# Stack config that patches specs per stack: `wxo-specs:overrides` (an object keyed by spec
# name) and `wxo-specs:adopt` (adopt every declared object; handy once, after an export).
OVERRIDES_NAMESPACE = "wxo-specs"
OVERRIDES_KEY = "overrides"
# `wxo-specs:secretNamespaces`: the config namespaces a `${secret:NS:NAME}` may read
# (specs/namespaces.py; docs/guide/specs.md).
SECRET_NAMESPACES_KEY = "secretNamespaces"

Kind = Literal["model", "policy", "connection"]
Severity = Literal["error", "warning"]
Path_ = tuple[str | int, ...]

# `${secret:NAME}` or `${secret:namespace:NAME}`; names as Pulumi config keys allow them.
SECRET_REF = re.compile(r"^\$\{secret:(?:([A-Za-z0-9_.-]+):)?([A-Za-z0-9_.-]+)\}$")
REF_LIKE = "${secret"
META_KEYS = ("spec_version", "kind", "app_id")
POLICY_KINDS = frozenset({"policy", "model_policy"})
# `kind: connection`: the ADK's connection file (`orchestrate connections import -f FILE`).
CONNECTION_KIND = "connection"
POLICY_BODY = ("strategy", "retry", "cache", "targets")
SKIPPED_SUFFIX = ".schema.json"  # a JSON Schema next to the specs is not a spec

# The marker of a file whose secrets are `${secret:NAME}` references (docs/guide/specs.md, "Two
# audiences"): `provider_config.secrets_resolved_by: pulumi-wxo`. The ADK's ProviderConfig
# forbids unknown keys, so `orchestrate models import` refuses such a file with an error that
# names this key, instead of storing the text `${secret:NAME}` as the credential.
AUDIENCE_KEY = "secrets_resolved_by"
AUDIENCE_PULUMI = "pulumi-wxo"
# What `orchestrate models import` adds to an anthropic model without config.max_tokens.
ANTHROPIC_DEFAULT_MAX_TOKENS = 4096

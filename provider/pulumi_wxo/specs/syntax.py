"""The spec format's vocabulary: version, file suffixes, meta keys, the policy body, stack
config keys and the ``${secret:NAME}`` reference syntax. No logic, no imports of the package."""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "META_KEYS",
    "OVERRIDES_KEY",
    "OVERRIDES_NAMESPACE",
    "POLICY_BODY",
    "POLICY_KINDS",
    "REF_LIKE",
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

Kind = Literal["model", "policy"]
Severity = Literal["error", "warning"]
Path_ = tuple[str | int, ...]

# `${secret:NAME}` or `${secret:namespace:NAME}`; names as Pulumi config keys allow them.
SECRET_REF = re.compile(r"^\$\{secret:(?:([A-Za-z0-9_.-]+):)?([A-Za-z0-9_.-]+)\}$")
REF_LIKE = "${secret"
META_KEYS = ("spec_version", "kind", "app_id")
POLICY_KINDS = frozenset({"policy", "model_policy"})
POLICY_BODY = ("strategy", "retry", "cache", "targets")
SKIPPED_SUFFIX = ".schema.json"  # a JSON Schema next to the specs is not a spec

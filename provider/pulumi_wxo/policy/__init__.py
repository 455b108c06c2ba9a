"""Guardrails as a Pulumi CrossGuard policy pack, and the same rules offline (docs/guide/policy.md).

* :mod:`~pulumi_wxo.policy.rules`: the rules, pure (plain properties in, violations out), and
  the table of policies (:data:`POLICIES`);
* :mod:`~pulumi_wxo.policy.config`: the ``--policy-pack-config`` document, checked;
* :mod:`~pulumi_wxo.policy.crossguard`: the CrossGuard adapter (imports ``pulumi_policy``,
  the ``policy`` extra, only when a pack runs);
* :mod:`~pulumi_wxo.policy.pack`: the files of a ready pack (``pulumi-wxo policy-pack``).

Importing this package imports neither Pulumi nor ``pulumi_policy``.
"""

from __future__ import annotations

from pulumi_wxo.policy.config import LEVELS, PackConfig, PolicyConfigError, PolicyDef
from pulumi_wxo.policy.rules import (
    POLICIES,
    TYPE_KINDS,
    UNKNOWN,
    Resource,
    Violation,
    evaluate,
    parse_pack_config,
)

__all__ = [
    "LEVELS",
    "POLICIES",
    "TYPE_KINDS",
    "UNKNOWN",
    "PackConfig",
    "PolicyConfigError",
    "PolicyDef",
    "Resource",
    "Violation",
    "evaluate",
    "parse_pack_config",
]

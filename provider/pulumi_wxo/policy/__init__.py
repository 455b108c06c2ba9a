"""Guardrails as a Pulumi CrossGuard policy pack, and the same rules offline (docs/guide/policy.md).

Modules:

``rules``       the rules, pure (plain properties in, violations out), and the table of policies
``config``      the ``--policy-pack-config`` document, checked
``crossguard``  the CrossGuard adapter (imports ``pulumi_policy``, the ``policy`` extra, only
                when a pack runs)
``pack``        the files of a ready pack (``pulumi-wxo policy-pack``)
``offline``     the same rules over spec files (``validate --policy-config``)

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

"""The one lifecycle per resource: plain data in, plain results out, owned by no host.

Every host (the dynamic provider in :mod:`pulumi_wxo.dynamic`, later the native plugin)
translates its SDK's requests into these calls and the results back, and nothing else:

* :class:`~pulumi_wxo.lifecycle.model.ModelLifecycle` and
  :class:`~pulumi_wxo.lifecycle.policy.PolicyLifecycle` — ``check``, ``diff``, ``create``,
  ``read``, ``update``, ``delete`` over plain ``dict`` properties;
* :mod:`~pulumi_wxo.lifecycle.results` — what they return;
* :mod:`~pulumi_wxo.lifecycle.values` — :data:`UNKNOWN`, the one spelling of a preview unknown
  (a host replaces its SDK's unknown values by it);
* :mod:`~pulumi_wxo.lifecycle.runtime` — connection settings and pooled clients, outside any
  object a host might serialise;
* :mod:`~pulumi_wxo.lifecycle.create` — the transactional create shared by both resources.

Contract (as in ``pulumi/dynamic/dynamic.py``): create is transactional — it never leaves a
second object of the same name behind, even when a POST times out after the server acted;
read returns no id when the object is gone; delete treats 404 as done.
"""

from __future__ import annotations

from pulumi_wxo.lifecycle.model import ModelLifecycle
from pulumi_wxo.lifecycle.policy import PolicyLifecycle
from pulumi_wxo.lifecycle.results import (
    CheckOutcome,
    Created,
    DiffOutcome,
    ReadOutcome,
)
from pulumi_wxo.lifecycle.runtime import RUNTIME, Runtime
from pulumi_wxo.lifecycle.values import UNKNOWN, is_unknown

__all__ = [
    "RUNTIME",
    "UNKNOWN",
    "CheckOutcome",
    "Created",
    "DiffOutcome",
    "ModelLifecycle",
    "PolicyLifecycle",
    "ReadOutcome",
    "Runtime",
    "is_unknown",
]

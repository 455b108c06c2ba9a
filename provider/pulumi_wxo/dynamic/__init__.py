"""Host 1: the dynamic provider. Thin adapters from ``pulumi.dynamic`` to :mod:`pulumi_wxo.lifecycle`.

The Pulumi engine drives these classes through ``python -m pulumi.dynamic`` (one process per
stack, four worker threads). The provider object is pickled into state **by reference**:
its class path ``pulumi_wxo._provider.ModelProvider`` (and ``...ModelPolicyProvider``) is a
compatibility contract with every stack ever written, so the classes declare that module as
theirs and ``pulumi_wxo._provider`` re-exports them (docs/dev/layout.md).

Modules:

``provider``  ``ModelProvider`` and ``ModelPolicyProvider``
"""

from __future__ import annotations

from pulumi_wxo.dynamic.provider import ModelPolicyProvider, ModelProvider

__all__ = ["ModelPolicyProvider", "ModelProvider"]

"""Compatibility shim: the class paths pickled into users' state. Never remove a name here.

Every stack that ever ran ``pulumi_wxo.Model`` or ``ModelPolicy`` stores its provider as a
reference to ``pulumi_wxo._provider.ModelProvider`` / ``pulumi_wxo._provider.ModelPolicyProvider``
(the dynamic provider is pickled by reference). The classes live in :mod:`pulumi_wxo.dynamic`
and declare this module as theirs, so new stacks store the same paths; the lifecycle itself is
:mod:`pulumi_wxo.lifecycle`. ``tests/unit/test_compat.py`` pins these paths and the type tokens,
and ``tests/e2e/test_golden_state.py`` replays a stack written by v0.1.0.
"""

from __future__ import annotations

from pulumi_wxo.dynamic.provider import ConnectionProvider, ModelPolicyProvider, ModelProvider

__all__ = ["ConnectionProvider", "ModelPolicyProvider", "ModelProvider"]

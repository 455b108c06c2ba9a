"""The one lifecycle per resource: plain data in, plain results out, owned by no host.

Every host (the dynamic provider in :mod:`pulumi_wxo.dynamic`, the plugin in
:mod:`pulumi_wxo.native`) translates its SDK's requests into these calls and the results back,
and nothing else.

Modules:

``engine``     ``Lifecycle``: check, diff, preview, create, read, update, delete of any resource
``model``      ``ModelLifecycle``: a model's hooks (owner tags, claims, the in-use check on delete)
``policy``     ``PolicyLifecycle``: a routing policy's hooks (its targets must exist)
``connection``  ``ConnectionLifecycle``: a connection's hooks (write-only credentials, drift)
``links``      a model's connection: app_id resolved, a connection_id that names none refused
``create``     the transactional create every resource shares
``common``     small rules all share: control inputs, a taken name, refreshed inputs, a 404
``model_values``  a model's outputs from a server object, and the fields its diff compares
``ownership``  the owner tag on each object this provider creates, checked at a state's id
``claims``     ownership between stacks (adopt, takeover) and the inputs kept out of diffs
``instance``   which instance holds an object; a stack re-pointed at another one
``runtime``    connection settings and pooled clients, outside anything a host serialises
``snapshot``   one list request serving many calls per collection and instance
``results``    what the lifecycle returns
``values``     ``UNKNOWN``, the one spelling of a preview unknown

Contract (as in ``pulumi/dynamic/dynamic.py``): create is transactional — it never leaves a
second object of the same name behind, even when a POST times out after the server acted;
read returns no id when the object is gone; delete treats 404 as done.
"""

from __future__ import annotations

from pulumi_wxo.lifecycle.connection import ConnectionLifecycle
from pulumi_wxo.lifecycle.engine import Lifecycle
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

#: The lifecycle of every resource (docs/dev/lifecycle.md, "Adding a resource"); a host picks
#: one by the declaration's type token (``cls.resource.native_token``).
LIFECYCLES: tuple[type[Lifecycle], ...] = (ModelLifecycle, PolicyLifecycle, ConnectionLifecycle)

__all__ = [
    "LIFECYCLES",
    "RUNTIME",
    "UNKNOWN",
    "CheckOutcome",
    "ConnectionLifecycle",
    "Created",
    "DiffOutcome",
    "Lifecycle",
    "ModelLifecycle",
    "PolicyLifecycle",
    "ReadOutcome",
    "Runtime",
    "is_unknown",
]

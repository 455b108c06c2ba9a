"""The one declaration per resource: everything a resource is, stated once.

A resource is its API fields (the pydantic spec of :mod:`pulumi_wxo.schema`, whose field marks
say which are secret, which force a replace, which default to the name and which are always
present), its control inputs (what the lifecycle reads that is not part of the API body), its
computed outputs and its names (class, type tokens, collection). Everything else is derived
from it: both hosts' typed arguments, outputs and signatures, the plugin's package schema, the
reference docs and the lifecycle's field sets.

Modules:

``base``    Resource, Control, Computed, Link: the shape of a declaration and what it derives
``types``   the one walker over the schema's annotations, and each consumer's spelling of a type
``model``   MODEL, the virtual model (``/models``)
``policy``  POLICY, the routing policy (``/model_policy``)
``connection``  CONNECTION, the connection (``/connections/applications``)
"""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Control, Link, Resource
from pulumi_wxo.resources.connection import CONNECTION
from pulumi_wxo.resources.model import MODEL
from pulumi_wxo.resources.policy import POLICY

#: Every resource, in the order the docs and the package schema list them.
RESOURCES: tuple[Resource, ...] = (MODEL, POLICY, CONNECTION)

__all__ = ["CONNECTION", "MODEL", "POLICY", "RESOURCES", "Computed", "Control", "Link", "Resource"]

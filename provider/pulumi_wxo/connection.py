"""The Connection resource: the credentials a model uses, by ``connection_id``.

The type token ``pulumi-python:dynamic/wxo:Connection`` is stored in users' state: keep it. The
arguments and the property builder it shares with the plugin's SDK live in :mod:`pulumi_wxo.sdk`.
"""

from __future__ import annotations

from pulumi.dynamic import Resource

from pulumi_wxo._provider import ConnectionProvider
from pulumi_wxo.sdk.common import Declared
from pulumi_wxo.sdk.connection import ConnectionArgs, connection_opts, connection_props
from pulumi_wxo.sdk.declared import ConnectionSignature

__all__ = ["Connection", "ConnectionArgs"]


class Connection(ConnectionSignature, Resource, module="wxo", name="Connection"):
    """An Orchestrate connection (``/connections/applications``): ``app_id``, ``kind``, ``type``
    and ``credentials`` (secret, never read back), for both environments unless
    ``environments`` sets ``draft`` and ``live`` apart. A model uses it by
    ``connection_id=conn.connection_id``. Changing ``app_id`` replaces the connection.
    """

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else connection_props(self, d)
        opts = connection_opts(d.opts, **d.read_only())
        Resource.__init__(self, ConnectionProvider(), d.resource_name, props, opts)

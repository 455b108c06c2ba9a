"""Transition shim: import from :mod:`pulumi_wxo.schema`."""

from pulumi_wxo.schema import *  # noqa: F403
from pulumi_wxo.schema import __all__ as __all__  # noqa: PLC0414

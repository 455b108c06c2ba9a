"""The secret registry and the package logger, where ``api/`` has always imported them from.

They live in the leaf module :mod:`pulumi_wxo.redaction` (the error tree, a leaf too, redacts
every message with it); this module re-exports all of it.
"""

from __future__ import annotations

from pulumi_wxo import redaction as _registry
from pulumi_wxo.redaction import *  # noqa: F403 (everything in its __all__)

__all__ = list(_registry.__all__)

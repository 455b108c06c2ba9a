"""The error tree, where the client's callers have always imported it from.

The tree lives in the leaf module :mod:`pulumi_wxo.errors` (drawn in its docstring), so that
``schema/`` can raise it without importing ``api/``; this module re-exports all of it, with the
parsing of error bodies (``parse_detail``, from :mod:`pulumi_wxo.api.error_bodies`).
"""

from __future__ import annotations

from pulumi_wxo import errors as _tree
from pulumi_wxo.api.error_bodies import parse_detail
from pulumi_wxo.errors import *  # noqa: F403 (the whole tree, as listed in its __all__)

__all__ = [*_tree.__all__, "parse_detail"]  # noqa: PLE0604

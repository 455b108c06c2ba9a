"""The installed pulumi-wxo version, a leaf module every layer may import.

``pulumi_wxo.__version__`` re-exports it; the lifecycle stamps it into outputs
(``provider_version``) and the plugin's schema carries it, without importing the package's
public facade.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("pulumi-wxo")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

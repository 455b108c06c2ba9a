"""The store's domain errors (drawn in :mod:`.store`'s docstring); the routes map them to the
wire's status and FastAPI-shaped body. Messages are safe to show: they never hold secrets."""

from __future__ import annotations

__all__ = ["Conflict", "Invalid", "NotFound", "StoreError"]


class StoreError(Exception):
    """Base of the store's domain errors; ``message`` is safe to show (never holds secrets)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """No object with that id (api-contract §10 item 4 [INF])."""


class Conflict(StoreError):
    """Duplicate name while the ``duplicates=reject`` switch is on (api-contract §8 [INF])."""


class Invalid(StoreError):
    """A rule violation reported in FastAPI's 422 shape (api-contract §8)."""

    def __init__(self, message: str, *, loc: tuple[str | int, ...], type_: str = "value_error") -> None:
        super().__init__(message)
        self.loc = loc
        self.type = type_

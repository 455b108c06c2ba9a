"""One problem with the inputs (:class:`Failure`) and pydantic errors turned into Failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Failure:
    """One problem with the inputs: a dotted property path and what to do about it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


# pydantic puts the union member into ``loc`` (``cache.str``); it says nothing to a user.
_UNION_TAGS = frozenset({"str", "list[str]", "dict[str,any]", "function-after[_name_rules(), str]"})


def failures_from(
    error: ValidationError, *, suggest: Callable[[tuple[str | int, ...]], str] | None = None
) -> list[Failure]:
    """Pydantic errors as Failures; never echoes the offending value (it may be a secret).

    ``suggest`` adds a did-you-mean to an unknown key, given the key's path.
    """
    out: list[Failure] = []
    for err in error.errors(include_input=False, include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        path = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            reason = f"unknown field{suggest(loc) if suggest else ''}"
        elif err["type"] == "missing":
            reason = "is required"
        else:
            reason = str(err["msg"])
            if reason.startswith("Value error, "):
                reason = reason[len("Value error, ") :]
        out.append(Failure(path, reason))
    return out

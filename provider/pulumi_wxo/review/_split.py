"""Markdown blocks into parts that each fit one GitHub comment.

A comment holds at most 65,536 characters; sizes here are UTF-8 bytes, which is never fewer.
The renderer hands over :class:`Block` s: a head that is never cut (a heading, a paragraph, a
whole code block, a table's header) and rows that may go to the next part, where the block's
``continued`` head (the heading again, and the table header) is written first, so that every
part is valid Markdown on its own and no table row or code block is ever cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["MIN_PART_BYTES", "Block", "split_parts"]

#: The smallest ``max_bytes`` accepted: a part must hold the largest head the renderer makes
#: (values in cells are capped, and a diagram that would not fit is left out).
MIN_PART_BYTES = 4096
# Room kept in each part for its "part i of n" line.
_PART_LINE_BYTES = 96


@dataclass(frozen=True)
class Block:
    head: tuple[str, ...]
    rows: tuple[str, ...] = ()
    continued: tuple[str, ...] = ()
    """Written before rows that continue in a new part (empty: the head again)."""
    tail: tuple[str, ...] = field(default=("",))


def _size(lines: Sequence[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def split_parts(blocks: Sequence[Block], max_bytes: int) -> list[str]:
    """The blocks as Markdown parts of at most ``max_bytes`` bytes each (at least one part).

    Raises ValueError when ``max_bytes`` is below :data:`MIN_PART_BYTES`, or when one head
    with its first row does not fit in a part (the renderer never makes one).
    """
    if max_bytes < MIN_PART_BYTES:
        raise ValueError(f"a part must be allowed at least {MIN_PART_BYTES} bytes")
    budget = max_bytes - _PART_LINE_BYTES
    parts: list[list[str]] = [[]]
    used = 0

    def place(lines: Sequence[str]) -> None:
        nonlocal used
        parts[-1].extend(lines)
        used += _size(lines)

    def new_part() -> None:
        nonlocal used
        parts.append([])
        used = 0

    for block in blocks:
        first = list(block.head) + list(block.rows[:1])
        if _size(first) > budget:
            raise ValueError("a Markdown block is larger than one part")
        if used + _size(first) > budget and parts[-1]:
            new_part()
        place(block.head)
        for row in block.rows:
            if used + _size([row]) > budget:
                new_part()
                place(block.continued or block.head)
            place([row])
        if used + _size(block.tail) > budget:
            new_part()
        else:
            place(block.tail)
    texts = ["\n".join(lines).rstrip("\n") + "\n" for lines in parts]
    if len(texts) == 1:
        return texts
    n = len(texts)
    return [f"_pulumi-wxo review, part {i} of {n}_\n\n{text}" for i, text in enumerate(texts, 1)]

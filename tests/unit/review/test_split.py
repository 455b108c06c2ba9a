"""Parts under ``max_bytes``: every part is valid Markdown on its own, no table row or code
block is cut, and a table that continues repeats its heading and header."""

from __future__ import annotations

import pytest

from pulumi_wxo.review import MIN_PART_BYTES, Block, split_parts
from tests.support.gfm import code_blocks, tables
from tests.unit.review.support import digest, review, step

pytestmark = pytest.mark.unit


def _many(n: int) -> dict[str, object]:
    models = [
        step(
            "create",
            f"m{i}",
            new={"name": f"virtual-model/openai/m{i}", "description": "d" * 100, "tags": ["t"]},
        )
        for i in range(n)
    ]
    targets = [{"model_name": f"virtual-model/openai/m{i}", "weight": 0.05} for i in range(20)]
    policy = step(
        "create",
        "route",
        kind="ModelPolicy",
        new={"name": "virtual-policy/r", "strategy": {"mode": "loadbalance"}, "targets": targets},
    )
    return digest(*models, policy)


@pytest.mark.parametrize("max_bytes", [MIN_PART_BYTES, 10_000, 65536])
def test_every_part_fits_and_parses_whole(max_bytes: int) -> None:
    whole = review(_many(300), max_bytes=10**9).parts
    assert len(whole) == 1
    parts = review(_many(300), max_bytes=max_bytes).parts
    assert len(parts) > 1
    for i, part in enumerate(parts, 1):
        assert len(part.encode()) <= max_bytes
        assert part.startswith(f"_pulumi-wxo review, part {i} of {len(parts)}_")
        assert part.count("```") % 2 == 0  # no code block cut
        for table in tables(part):
            assert table.header and all(len(row) == len(table.header) for row in table.rows)
    rows = lambda texts: sorted(tuple(r) for t in texts for table in tables(t) for r in table.rows)  # noqa: E731
    assert rows(parts) == rows(whole)  # every row once, none cut or lost
    assert [c for p in parts for c in code_blocks(p)] == code_blocks(whole[0])


def test_a_table_that_continues_repeats_its_heading_and_header() -> None:
    rows = tuple(f"| r{i} | {'x' * 200} |" for i in range(60))
    block = Block(
        head=("#### T", "", "| a | b |", "| --- | --- |"),
        rows=rows,
        continued=("#### T (continued)", "", "| a | b |", "| --- | --- |"),
    )
    parts = split_parts([block], MIN_PART_BYTES)
    assert len(parts) > 1
    for part in parts[1:]:
        [table] = tables(part)
        assert table.heading == "T (continued)" and table.header == ["a", "b"]


def test_a_part_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 4096 bytes"):
        split_parts([Block(head=("x",))], MIN_PART_BYTES - 1)
    with pytest.raises(ValueError, match="larger than one part"):
        split_parts([Block(head=("x" * MIN_PART_BYTES,))], MIN_PART_BYTES)


def test_a_diagram_too_large_for_a_part_is_left_out_but_its_table_stays() -> None:
    targets = [
        {"model_name": f"virtual-model/openai/model-with-a-long-name-{i}", "weight": 0.01} for i in range(100)
    ]
    policy = step(
        "create",
        "route",
        kind="ModelPolicy",
        new={"name": "virtual-policy/r", "strategy": {"mode": "loadbalance"}, "targets": targets},
    )
    small = "\n".join(review(digest(policy), max_bytes=MIN_PART_BYTES * 2).parts)
    assert code_blocks(small) == []
    assert "The diagram of 100 targets is left out" in small
    assert sum(len(t.rows) for t in tables(small) if t.header[0] == "Target") == 100
    large = review(digest(policy), max_bytes=65536).parts[0]
    [(_, diagram)] = code_blocks(large)
    assert diagram.count("==>") == 100

"""specs.bounded: YAML aliases counted while composing (bombs and recursive aliases refused
before anything expands), nesting and number length bounded, JSON scanned before json.loads;
each a ``file:line`` problem, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import BROKEN, write

pytestmark = pytest.mark.unit

HEAD = "spec_version: v1\nname: openai/gpt-4o\nprovider_config:\n  api_key: ${secret:k}\n"


def problems_of(path: Path) -> list[tuple[int | None, str, str]]:
    _, problems = read_specs(path)
    return [(p.line, p.field, p.message) for p in problems]


@pytest.mark.timeout(10)  # a guard only: today's main spends minutes and gigabytes here
def test_the_534_byte_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = BROKEN / "alias-bomb.yaml"
    assert len(bomb.read_bytes()) == 534
    assert len(re.findall(r"[\[,]\*[a-z]\b", bomb.read_text())) == 8 * 9  # nine aliases per level
    assert problems_of(bomb) == [
        (
            13,
            "config.f[0]",
            "expands to more than 100,000 nodes (YAML aliases count as the nodes they repeat); "
            "split the file or write fewer aliases",
        )
    ]


@pytest.mark.timeout(10)
def test_merge_keys_and_json_lists_are_counted_too(tmp_path: Path) -> None:
    # `<<:` copies the merged mapping's pairs: nine merges per level grow as fast as aliases.
    levels = ["  l0: &l0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    levels += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 8)]
    levels.append("  merged: {<<: [" + ", ".join(["*l7"] * 3) + "]}")
    write(tmp_path, "merge.yaml", HEAD + "config:\n" + "\n".join(levels) + "\n")
    [(line, _, message)] = problems_of(tmp_path / "merge.yaml")
    assert line == 10 and message.startswith("expands to more than 100,000 nodes")
    (tmp_path / "merge.yaml").unlink()
    write(tmp_path, "list.json", "[" + ",".join(["1"] * 150_000) + "]")
    assert problems_of(tmp_path / "list.json") == [
        (
            1,
            "[99999]",
            "expands to more than 100,000 nodes (YAML aliases count as the nodes they repeat); "
            "split the file or write fewer aliases",
        )
    ]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("&a [*a]\n", 1, "[0]"),
        (HEAD + "config: &c\n  nested: *c\n", 6, "config.nested"),
        (HEAD + "config: &c\n  - {deeper: [*c]}\n", 6, "config[0].deeper[0]"),
        (HEAD + "config: &c\n  <<: *c\n", 6, "config.<<"),
    ],
)
def test_a_recursive_alias_is_a_problem(tmp_path: Path, text: str, line: int, field: str) -> None:
    write(tmp_path, "r.yaml", text)
    [(got_line, got_field, message)] = problems_of(tmp_path / "r.yaml")
    assert (got_line, got_field) == (line, field)
    assert "is inside the node it repeats (a recursive alias)" in message


def test_an_alias_is_found_recursive_in_an_overrides_file_too(tmp_path: Path) -> None:
    from pulumi_wxo.specs.overrides import read_overrides_file

    write(tmp_path, "o.yaml", "openai/gpt-4o: &o\n  config: *o\n")
    _, [problem] = read_overrides_file(str(tmp_path / "o.yaml"))  # type: ignore[misc]
    assert (problem.line, problem.field) == (2, "openai/gpt-4o.config")
    assert "a recursive alias" in problem.message


def test_nesting_is_bounded_at_64_levels(tmp_path: Path) -> None:
    def nested(levels: int) -> str:
        return "[" * levels + "]" * levels

    for name, text, deep in [
        ("ok.yaml", nested(64), False),
        ("deep.yaml", nested(65), True),
        ("ok.json", nested(64), False),
        ("deep.json", "\n" + nested(65), True),
        ("very-deep.json", nested(3000), True),
        ("very-deep.yaml", nested(3000), True),
        ("blocks.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(70)), True),
        ("alias.yaml", f"a: &a {nested(40)}\nb: {nested(30)[:30]}*a{nested(30)[30:]}\n", True),
    ]:
        path = write(tmp_path, f"case/{name}", text)
        got = problems_of(path)
        # (libyaml stops at 1,000 levels itself, in its own words)
        assert any("levels deep" in m or "nesting depth" in m for _, _, m in got) == deep, (name, got)
        assert all(line is not None for line, _, _ in got)
    [(line, field, message)] = problems_of(tmp_path / "case" / "alias.yaml")
    assert (line, field) == (2, "b[0]")
    assert message == "is nested more than 64 levels deep once the alias *a is expanded; flatten it"


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_numbers_are_bounded_at_100_characters(tmp_path: Path, suffix: str) -> None:
    def spec(number: str) -> str:
        if suffix == "json":
            return (
                f'{{"spec_version": "v1", "name": "openai/gpt-4o",\n "config": {{"max_tokens": {number}}}}}'
            )
        return HEAD + f"config:\n  max_tokens: {number}\n"

    write(tmp_path, f"ok.{suffix}", spec("9" * 100))
    _, problems = read_specs(tmp_path / f"ok.{suffix}")
    assert [p.message for p in problems if "characters" in p.message] == []
    for number in ("9" * 5000, "9" * 101, "1." + "5" * 5000):
        write(tmp_path, f"long.{suffix}", spec(number))
        [(line, field, message)] = problems_of(tmp_path / f"long.{suffix}")
        assert (line, field) == (2 if suffix == "json" else 6, "config.max_tokens")
        assert message.startswith(f"a number of {len(number):,} characters is too long (at most 100)")
    write(tmp_path, "quoted.yaml", HEAD + f"description: '{'9' * 5000}'\n")
    assert problems_of(tmp_path / "quoted.yaml") == []  # text, not a number


def test_a_file_over_1_mib_is_refused_at_the_line_reading_stopped(tmp_path: Path) -> None:
    text = HEAD + "description: |\n" + ("  " + "x" * 1021 + "\n") * 1100
    path = write(tmp_path, "big.yaml", text)
    [(line, field, message)] = problems_of(path)
    assert (line, field) == (text[: 1024 * 1024].count("\n") + 1, "")
    assert message == "is larger than 1 MiB, the limit for a spec file; split it"


def test_the_node_budget_is_shared_by_the_files_of_one_read() -> None:
    from pulumi_wxo.specs.bounded import NodeBudget
    from pulumi_wxo.specs.parse import parse_json, parse_yaml

    budget = NodeBudget(left=13)
    docs, problems = parse_yaml("a.yaml", HEAD + "tags: [a, b]\n", budget)
    assert problems == [] and len(docs) == 1 and budget.left == 0
    _, [problem] = parse_yaml("b.yaml", "tags: [a, b]\n", budget)
    assert (problem.file, problem.line) == ("b.yaml", 1)
    assert problem.message.startswith("the files read together expand to more than 1,000,000 nodes")
    _, [problem] = parse_json("c.json", '{"tags": ["a", "b"]}', NodeBudget(left=3))
    assert problem.message.startswith("the files read together expand")


def test_the_bounds_hold_without_libyaml_too() -> None:
    # PyYAML's pure-Python parser is used where libyaml is not installed.
    script = textwrap.dedent(
        f"""
        import yaml
        del yaml.CSafeLoader
        from pulumi_wxo.specs import read_specs
        from pulumi_wxo.specs.bounded import BoundedLoader
        assert yaml.SafeLoader in BoundedLoader.__mro__
        for name in ("alias-bomb.yaml", "recursive-alias.yaml", "odd-key.yaml"):
            print(*[(p.line, p.field) for p in read_specs({str(BROKEN)!r} + "/" + name)[1]])
        good = read_specs({str(BROKEN)!r} + "/../specs-good", secret_namespaces=["shared"])
        print(*[p.line for p in good[1] if p.is_error])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.stdout.splitlines() == [
        "(13, 'config.f[0]')",
        "(7, 'config.nested')",
        "(7, 'config.\u00b2')",
        "",
    ], proc.stderr

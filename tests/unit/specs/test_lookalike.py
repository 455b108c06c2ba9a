"""specs.lookalike: names a reviewer can mistake for each other are warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.specs import read_specs
from pulumi_wxo.specs.lookalike import skeleton
from tests.unit.specs.support import write

pytestmark = pytest.mark.unit

SPEC = "spec_version: v1\nname: {}\nprovider_config:\n  api_key: ${{secret:openaiKey}}\n"


def specs_of(tmp: Path, *names: str) -> Path:
    for i, name in enumerate(names):
        write(tmp, f"m{i}.yaml", SPEC.format(name))
    return tmp


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("openai/gpt-4\u043e", "openai/gpt-4o"),  # CYRILLIC SMALL LETTER O
        ("openai/GPT-4o", "openai/gpt-4o"),  # case only
        ("openai/\uff47pt-4o", "openai/gpt-4o"),  # FULLWIDTH LATIN SMALL LETTER G (NFKC)
        ("openai/gpt-4o\u200b", "openai/gpt-4o"),  # a zero-width space
        ("openai/\u0261pt-4o", "openai/gpt-4o"),  # LATIN SMALL LETTER SCRIPT G looks like g
        ("openai/stra\u00dfe", "openai/stra\u00dfe"),  # ß looks like β, not like any Latin letter
    ],
)
def test_skeleton(name: str, looks_like: str) -> None:
    assert skeleton(name) == looks_like.casefold()


def test_lookalike_and_case_only_twins_warn_naming_both_files(tmp_path: Path) -> None:
    root = specs_of(tmp_path, "openai/gpt-4o", "openai/gpt-4\u043e", "openai/GPT-4o", "openai/gpt-4o-mini")
    specs, problems = read_specs(root)
    assert len(specs) == 4  # warnings: every spec stays valid
    first = f"'virtual-model/openai/gpt-4o' ({root / 'm0.yaml'}:2)"
    tail = "; a reviewer cannot tell the two apart: rename or remove one"
    assert [str(p) for p in problems] == [
        f"{root / 'm1.yaml'}:2: name: warning: 'virtual-model/openai/gpt-4\u043e' looks the same as "
        f"{first}: '\u043e' (U+043E CYRILLIC SMALL LETTER O) looks like 'o'{tail}",
        f"{root / 'm2.yaml'}:2: name: warning: 'virtual-model/openai/GPT-4o' differs only in case "
        f"from {first}{tail}",
    ]


def test_a_lone_name_with_lookalike_letters_warns(tmp_path: Path) -> None:
    _, [problem] = read_specs(specs_of(tmp_path, "openai/m\u043edel"))
    assert (problem.line, problem.field, problem.severity) == (2, "name", "warning")
    assert problem.message == (
        "'virtual-model/openai/m\u043edel' holds characters a reviewer cannot see as they are: "
        "'\u043e' (U+043E CYRILLIC SMALL LETTER O) looks like 'o'; write the name in Latin letters"
    )


def test_distinct_and_foreign_script_names_pass(tmp_path: Path) -> None:
    # Not a look-alike: different letters, or a script with no Latin look-alike in the name.
    _, problems = read_specs(specs_of(tmp_path, "openai/gpt-4o", "openai/gpt-40", "openai/\u6a21\u578b"))
    assert problems == []

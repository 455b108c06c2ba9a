"""The emulator's switch table (emulator/switches.py) and every form derived from it.

``Switches`` is the one declaration. The CLI flags, the control API's ``SwitchesPatch`` and the
start-up settings are built from it; ``SwitchArgs`` (the control client's keyword arguments)
must stay static for mypy, so these tests make sure it cannot drift from the table. No sockets.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Literal, Unpack, get_origin, get_type_hints

import pytest
from pydantic import ValidationError

from pulumi_wxo.emulator import EmulatorControl, EmulatorSettings, SwitchArgs, Switches
from pulumi_wxo.emulator.__main__ import build_parser, main, settings_from_args
from pulumi_wxo.emulator.models import VirtualModelIn
from pulumi_wxo.emulator.runtime import Runtime
from pulumi_wxo.emulator.switches import SwitchesPatch, parse_patch, switch_choices

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
TABLE = Switches.model_fields
NAMES = list(TABLE)


def _flag_actions() -> dict[str, argparse.Action]:
    return {action.dest: action for action in build_parser()._actions}


def test_the_table_has_the_known_switches_with_help_and_the_default_first() -> None:
    assert NAMES == [
        "duplicates",
        "create_response",
        "secrets",
        "empty_list",
        "mcsp_v1",
        "token_ttl",
        "connection_credentials",
        "connection_in_use",
    ]
    for name, field in TABLE.items():
        assert field.description, name
        choices = switch_choices(name)
        if choices is None:
            assert field.annotation is int, name
        else:
            assert get_origin(field.annotation) is Literal, name
            assert choices[0] == field.default, name  # docs/guide/emulator.md lists the default first


def test_switch_args_typed_dict_matches_the_table_exactly() -> None:
    hints = get_type_hints(SwitchArgs)
    assert list(hints) == NAMES  # same names, same order: no switch missing, none extra
    assert hints == {name: field.annotation | None for name, field in TABLE.items()}
    assert SwitchArgs.__required_keys__ == frozenset()
    assert SwitchArgs.__optional_keys__ == frozenset(NAMES)


def test_the_control_client_takes_switch_args() -> None:
    for method in (EmulatorControl.reset, EmulatorControl.settings):
        assert get_type_hints(method)["switches"] == Unpack[SwitchArgs], method.__name__


def test_switches_patch_is_the_table_with_every_field_optional() -> None:
    patch_fields = SwitchesPatch.model_fields
    assert list(patch_fields) == NAMES
    for name, field in TABLE.items():
        assert patch_fields[name].annotation == field.annotation | None, name
        assert patch_fields[name].default is None, name
        assert patch_fields[name].metadata == field.metadata, name  # the same bounds
    assert parse_patch(None) == {}
    assert parse_patch({}) == {}
    assert parse_patch({"secrets": "mask", "token_ttl": None}) == {"secrets": "mask"}


@pytest.mark.parametrize("name", [n for n in NAMES if switch_choices(n) is not None])
def test_patch_and_flags_accept_exactly_the_choices(name: str) -> None:
    choices = switch_choices(name)
    assert choices is not None
    for choice in choices:
        assert parse_patch({name: choice}) == {name: choice}
    with pytest.raises(ValidationError) as info:
        parse_patch({name: "sometimes"})
    [error] = info.value.errors()
    assert (error["loc"], error["type"]) == ((name,), "literal_error")
    action = _flag_actions()[name]
    assert action.option_strings == ["--" + name.replace("_", "-")]
    assert action.choices == list(choices)
    assert action.default == TABLE[name].default


def test_token_ttl_bounds_come_from_the_table() -> None:
    assert parse_patch({"token_ttl": 0}) == {"token_ttl": 0}
    for bad, type_ in ((-1, "greater_than_equal"), (10 * 365 * 24 * 3600 + 1, "less_than_equal")):
        with pytest.raises(ValidationError) as info:
            parse_patch({"token_ttl": bad})
        assert [e["type"] for e in info.value.errors()] == [type_]
    action = _flag_actions()["token_ttl"]
    assert (action.option_strings, action.type, action.default) == (["--token-ttl"], int, 3600)


def test_patch_rejects_unknown_switches() -> None:
    with pytest.raises(ValidationError) as info:
        parse_patch({"bogus": 1})
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [(("bogus",), "extra_forbidden")]


def test_every_flag_shows_its_help_text() -> None:
    help_text = re.sub(r"\s+", " ", build_parser().format_help())
    for name, field in TABLE.items():
        assert f"{field.description} (default: {field.default})" in help_text, name


def test_flags_map_onto_start_up_switches(capsys: pytest.CaptureFixture[str]) -> None:
    assert settings_from_args(build_parser().parse_args([])) == EmulatorSettings()
    assert EmulatorSettings().switches == Switches()
    args = build_parser().parse_args(["--secrets", "echo", "--token-ttl", "5"])
    assert settings_from_args(args).switches == Switches(secrets="echo", token_ttl=5)
    for argv, message in (
        (["--token-ttl", "-1"], "--token-ttl must be >= 0"),
        (["--token-ttl", str(10**10)], "--token-ttl must be <= 315360000"),
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert message in capsys.readouterr().err


def test_reset_restores_start_up_switches_and_refuses_a_bad_patch_before_clearing() -> None:
    runtime = Runtime(EmulatorSettings(switches=Switches(duplicates="reject")))
    try:
        runtime.update_switches({"secrets": "echo"})
        runtime.store.create_model(VirtualModelIn(name="openai/gpt-4o"), reject_duplicates=False)
        with pytest.raises(ValidationError):
            runtime.reset({"secrets": "sometimes"})
        assert len(runtime.store.list_models()) == 1  # nothing cleared
        assert runtime.switches.secrets == "echo"
        assert runtime.reset({"empty_list": "404"}) == Switches(duplicates="reject", empty_list="404")
        assert runtime.store.list_models() == []
    finally:
        runtime.close()


def _docs_switch_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "guide" / "emulator.md").read_text()
    section = text.split("\n## Switches\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 3:
            rows[cells[0].strip("`")] = re.findall(r"`([^`]+)`", cells[1])
    return rows


def test_docs_list_every_switch_with_its_values_default_first() -> None:
    rows = _docs_switch_rows()
    assert list(rows) == NAMES
    for name, field in TABLE.items():
        choices = switch_choices(name)
        expected = list(choices) if choices is not None else [str(field.default)]
        assert rows[name] == expected, name

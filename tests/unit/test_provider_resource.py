"""Explicit providers: their arguments are exactly the settings the runtime reads."""

from __future__ import annotations

import pytest

from pulumi_wxo import provider_resource
from pulumi_wxo.api.setting_table import SETTINGS, Setting
from pulumi_wxo.api.settings import SOURCES
from pulumi_wxo.lifecycle import UNKNOWN
from pulumi_wxo.lifecycle.runtime import setting_text, settings
from pulumi_wxo.provider_resource import ProviderArgs, arg_name, provider_inputs


def test_provider_args_is_the_settings_table_exactly() -> None:
    """ProviderArgs is written out for type checkers: the same names, order and types as the table."""
    written = [(name, getattr(t, "__forward_arg__", t)) for name, t in ProviderArgs.__annotations__.items()]
    assert written == [(row.attr, f"pulumi.Input[{row.python}]") for row in SETTINGS]
    assert ProviderArgs.__total__ is False


def test_a_setting_added_to_the_table_is_an_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = Setting("region_hint", "secret", "A made-up setting.")
    monkeypatch.setattr(provider_resource, "SETTINGS", (*SETTINGS, extra))
    out = provider_inputs({"region_hint": "eu"}, kind="Provider 'p'", prefixed=True)
    assert list(out) == ["wxo:regionHint"]


def test_the_arguments_are_the_settings_and_the_settings_attributes() -> None:
    keys = [key for key, *_ in settings()]
    assert list(ProviderArgs.__annotations__) == [arg_name(k) for k in keys]
    # The connection settings' own attribute names, where they have one.
    assert {arg_name(key): attr for attr, key, _env, _kind in SOURCES} == {a: a for a, *_ in SOURCES}
    assert arg_name("wxo:maxResponseBytes") == "max_response_bytes"


def test_an_unknown_argument_is_refused_naming_it() -> None:
    with pytest.raises(TypeError, match="unknown argument 'api_kye'"):
        provider_inputs({"api_kye": "x"}, kind="Provider 'p'", prefixed=False)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (3.0, "3"),
        (2.5, "2.5"),
        (7, "7"),
        (["a", "b"], "a,b"),
        ("s", "s"),
        (None, None),
        (UNKNOWN, None),
    ],
)
def test_setting_text_is_what_stack_config_would_hold(value: object, text: str | None) -> None:
    assert setting_text(value) == text

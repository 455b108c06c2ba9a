"""The Connection resource under pulumi.runtime.set_mocks: what both hosts register.

Mocks never run provider code; they show what the program registers with the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from pulumi_wxo.model import DuplicateNameError
from tests.support.mocks import Recorder, mocked, registered

pytestmark = pytest.mark.unit

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    yield from mocked(preview=True)


@pytest.mark.parametrize("sdk", [wxo, native], ids=["dynamic", "native"])
def test_both_hosts_register_the_declared_fields_and_seed_the_outputs(mocks: Recorder, sdk: Any) -> None:
    def program() -> None:
        sdk.Connection("c", app_id="creds", kind="key_value", credentials={"api_key": "k"})

    assert registered(program) is None
    args = mocks.resources["c"]
    assert args.inputs["app_id"] == "creds" and args.inputs["kind"] == "key_value"
    # Secret from the program on: the engine gets a secret envelope.
    assert args.inputs["credentials"] == {
        "4dabf18193072939515e22adb298388d": SECRET_SIG,
        "value": {"api_key": "k"},
    }
    assert args.typ.endswith("wxo:Connection") or args.typ == "wxo:index:Connection"


def test_the_same_app_id_twice_is_refused_naming_both_resources(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Connection("a", app_id="creds", kind="key_value")
        wxo.Connection("b", app_id="creds", kind="key_value")

    err = registered(program)
    assert isinstance(err, DuplicateNameError)
    assert str(err) == (
        "Connection 'b': 'creds' is declared twice (also by Connection 'a'); keep one of them"
    )
    assert sorted(mocks.resources) == ["a"]


@pytest.fixture
def linked_mocks() -> Iterator[Recorder]:
    rec = Recorder(extra={"connection_id": "cid-{name}"})
    pulumi.runtime.set_mocks(rec, preview=False)
    yield rec


@pytest.mark.parametrize("sdk", [wxo, native], ids=["dynamic", "native"])
def test_a_model_takes_the_connection_itself_and_depends_on_it(linked_mocks: Recorder, sdk: Any) -> None:
    def program() -> None:
        conn = sdk.Connection("c", app_id="creds", kind="key_value", credentials={"api_key": "k"})
        sdk.Model("m", name="openai/gpt-4o", connection=conn)

    assert registered(program) is None
    model = linked_mocks.resources["m"]
    assert model.inputs["connection_id"] == "cid-c" and "connection" not in model.inputs


@pytest.mark.parametrize("sdk", [wxo, native], ids=["dynamic", "native"])
def test_connection_and_connection_id_together_are_refused(mocks: Recorder, sdk: Any) -> None:
    def program() -> None:
        conn = sdk.Connection("c", app_id="creds", kind="key_value")
        sdk.Model("m", name="openai/gpt-4o", connection=conn, connection_id="c-1")

    with pytest.raises(TypeError) as err:
        registered(program)
    assert str(err.value) == "m: give connection= or connection_id=, not both"
    assert "m" not in mocks.resources


def test_connection_takes_only_a_connection(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("m", name="openai/gpt-4o", connection="creds")  # type: ignore[arg-type]

    with pytest.raises(TypeError) as err:
        registered(program)
    assert "connection= takes a pulumi_wxo Connection resource (got str)" in str(err.value)

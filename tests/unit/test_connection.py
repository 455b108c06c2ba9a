"""The Connection resource under pulumi.runtime.set_mocks: what both hosts register.

Mocks never run provider code; they show what the program registers with the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

"""The compatibility contract with users' state: class paths and type tokens never change.

Every stack stores its providers pickled by reference (``pulumi_wxo._provider.ModelProvider``)
and its resources under type tokens (``pulumi-python:dynamic/wxo:Model``). A change to either
breaks or replaces every existing stack; tests/e2e/test_golden_state.py replays a real one.
"""

from __future__ import annotations

import base64
import importlib

import dill
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _deserialize, _serialize

import pulumi_wxo as wxo
from tests.support.mocks import Recorder

pytestmark = pytest.mark.unit

CLASS_PATHS = {
    "ModelProvider": "pulumi_wxo._provider",
    "ModelPolicyProvider": "pulumi_wxo._provider",
    "ConnectionProvider": "pulumi_wxo._provider",
}
TYPE_TOKENS = {
    "Model": "pulumi-python:dynamic/wxo:Model",
    "ModelPolicy": "pulumi-python:dynamic/wxo:ModelPolicy",
    "Connection": "pulumi-python:dynamic/wxo:Connection",
}


@pytest.mark.parametrize(("name", "module"), sorted(CLASS_PATHS.items()))
def test_provider_classes_keep_their_stored_path(name: str, module: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert cls.__module__ == module and cls.__qualname__ == name
    blob, _ = _serialize(True, serialize_provider, cls())
    raw = base64.b64decode(blob)
    # By reference: the pickle names the module and the class, and holds no code.
    assert module.encode() in raw and name.encode() in raw
    assert b"pulumi_wxo.dynamic" not in raw and len(raw) < 200
    assert isinstance(_deserialize(lambda: dill.loads(raw)), cls)


@pytest.fixture
def recorder() -> Recorder:
    rec = Recorder()
    pulumi.runtime.set_mocks(rec, preview=False)
    return rec


def test_type_tokens_are_registered_unchanged(recorder: Recorder) -> None:
    def program() -> None:
        m = wxo.Model("m", name="openai/gpt-4o", provider_config={"api_key": "k"})
        wxo.ModelPolicy("p", name="p", strategy="single", targets=[{"model": m}])
        wxo.Connection("c", app_id="c", kind="key_value", credentials={"api_key": "k"})

    pulumi.runtime.test(program)()
    registered = {name: r.typ for name, r in recorder.resources.items()}
    assert registered == {
        "m": TYPE_TOKENS["Model"],
        "p": TYPE_TOKENS["ModelPolicy"],
        "c": TYPE_TOKENS["Connection"],
    }

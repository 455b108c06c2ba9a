"""The servicer: a PluginError reaches the engine as its message alone; a bug keeps its traceback."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.native.server import METHODS, CleanErrorsServicer, PluginError, _clean
from tests.support.mocks import arun


class Context:
    def __init__(self) -> None:
        self.aborted: tuple[Any, str] | None = None

    async def abort(self, code: Any, details: str) -> None:
        self.aborted = (code, details)
        raise RuntimeError("aborted")  # grpc.aio raises AbortError here


def test_a_plugin_error_wrapped_by_the_sdk_aborts_with_its_message_alone() -> None:
    async def method(_self: Any, _request: Any, _context: Any) -> Any:
        try:
            raise PluginError("Model 'gpt': create model 'x': refused")
        except PluginError as e:
            # What the SDK's _raise_with_traceback does: a new Exception, the old one as context.
            raise Exception(f'{e}:\n  File "plugin.py", line 1, in create')  # noqa: B904

    context = Context()
    with pytest.raises(RuntimeError, match="aborted"):
        arun(_clean(method)(None, None, context))
    assert context.aborted is not None
    assert context.aborted[1] == "Model 'gpt': create model 'x': refused"


def test_any_other_error_is_left_as_the_sdk_renders_it() -> None:
    async def method(_self: Any, _request: Any, _context: Any) -> Any:
        raise Exception("KeyError: 'x':\n  File \"plugin.py\", line 1")

    context = Context()
    with pytest.raises(Exception, match="File"):
        arun(_clean(method)(None, None, context))
    assert context.aborted is None


def test_every_provider_method_is_wrapped() -> None:
    for name in METHODS:
        assert getattr(CleanErrorsServicer, name).__qualname__.startswith("_clean"), name

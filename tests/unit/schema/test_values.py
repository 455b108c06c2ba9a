"""schema.values: numbers as a diff sees them, masked secrets."""

from __future__ import annotations

import pytest

from pulumi_wxo import schema as s
from tests.unit.schema.support import WATSONX

pytestmark = pytest.mark.unit


def test_whole_floats_from_the_engine_are_ints() -> None:
    spec, _ = s.validate_model({**WATSONX, "config": {"max_tokens": 2048.0, "seed": 7.0, "temperature": 1.0}})
    assert spec is not None
    body = spec.to_api()
    assert body["config"] == {"max_tokens": 2048, "seed": 7, "temperature": 1}
    assert isinstance(body["config"]["max_tokens"], int)


@pytest.mark.parametrize(
    ("value", "masked"), [("********", True), ("****abcd", True), ("sk-1", False), (None, False)]
)
def test_masked_detection(value: object, masked: bool) -> None:
    assert s.is_masked(value) is masked

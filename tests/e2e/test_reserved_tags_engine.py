"""An administrator's deny tag through the real engine: no drift on refresh, kept by `pulumi up`.

The platform owns the tags under ``wxo-reserved-tag-`` (api-contract §12.7). An administrator
adds one after the stack was deployed: a refresh must not show it as a change of ``tags``, and
the next `pulumi up` edits the model with a full PUT that must send it back. One program, one
stack, every assertion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi_wxo as wxo
from tests.support.engine import Engine, user_tags

KEY = "sk-e2e-reserved-tags-7731"
DENY = "wxo-reserved-tag-admin-disallowed"


def program(description: str) -> Callable[[], None]:
    def run() -> None:
        wxo.Model(
            "gpt",
            name="openai/gpt-4o",
            description=description,
            tags=["team-a"],
            provider_config={"api_key": KEY},
        )

    return run


def changes(summary: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def test_an_administrators_deny_tag_is_no_drift_and_survives_up(
    engine_factory: Callable[..., Engine],
) -> None:
    eng = engine_factory(program("first"))
    eng.up()
    [model] = eng.models()
    eng.emulator.control.edit_model_tags(model["id"], add=[DENY])

    refresh = eng.refresh()
    assert changes(refresh.summary.resource_changes) == {}, eng.text()

    up = eng.up(program("edited"))
    assert changes(up.summary.resource_changes) == {"update": 1}, eng.text()
    [model] = eng.models()
    assert model["description"] == "edited"
    assert user_tags(model) == ["team-a", DENY]  # the user's tags, then the platform's, kept
    assert changes(eng.preview(program("edited")).change_summary) == {}, eng.text()
    assert changes(eng.refresh().summary.resource_changes) == {}, eng.text()

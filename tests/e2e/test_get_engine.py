"""``Model.get`` / ``ModelPolicy.get`` through the real engine: read an existing object, never touch it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pulumi

import pulumi_wxo as wxo
from tests.support.engine import Engine

BODY = {
    "name": "virtual-model/openai/gpt-4o-mini",
    "display_name": "Shared GPT",
    "description": "made by another team",
    "tags": ["shared"],
    "model_type": "chat",
    "provider_config": {"provider": "openai", "api_key": "sk-get-SECRET-1", "customHost": "https://gw"},
    "config": {"max_tokens": 512},
}
POLICY = {
    "name": "virtual-policy/shared",
    "display_name": "Shared",
    "description": "shared routing",
    "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": BODY["name"]}]},
}


def test_get_reads_an_existing_model_and_policy_and_destroy_leaves_them(
    engine_factory: Callable[..., Engine],
) -> None:
    def program_for(model_id: str, policy_id: str) -> Callable[[], None]:
        def program() -> None:
            m = wxo.Model.get("shared", model_id)
            p = wxo.ModelPolicy.get("shared-policy", policy_id)
            pulumi.export(
                "model",
                {
                    "name": m.name,
                    "display": m.display_name,
                    "pc": m.provider_config,
                    "config": m.config,
                    "tags": m.tags,
                    "id": m.model_id,
                },
            )
            pulumi.export("policy", {"name": p.name, "strategy": p.strategy, "targets": p.targets})

        return program

    eng = engine_factory(lambda: None)
    with httpx.Client(base_url=eng.emulator.url, headers={"Authorization": "Bearer test-token"}) as http:
        model_id = http.post("/v1/orchestrate/models", json=BODY).json()["id"]
        policy_id = http.post("/v1/orchestrate/model_policy", json=POLICY).json()["id"]
    eng.emulator.control.clear_requests()

    up = eng.up(program_for(model_id, policy_id))
    model = up.outputs["model"].value
    assert model["name"] == BODY["name"] and model["display"] == "Shared GPT" and model["id"] == model_id
    assert model["pc"] == {"custom_host": "https://gw"}  # every non-secret key, none secret
    assert model["config"] == {"max_tokens": 512}
    assert model["tags"] == ["shared"]
    policy = up.outputs["policy"].value
    assert policy["name"] == POLICY["name"] and policy["strategy"] == {"mode": "single"}
    assert policy["targets"] == [{"model_name": BODY["name"]}]
    assert "sk-get-SECRET-1" not in eng.text()
    writes = [r for r in eng.emulator.control.requests() if r["method"] != "GET"]
    assert writes == []  # read, never written

    eng.destroy()
    assert [m["id"] for m in eng.models()] == [model_id]
    assert [p["id"] for p in eng.emulator.control.state()["policies"]] == [policy_id]

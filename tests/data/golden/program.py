"""The golden program: pulumi-wxo's public API as users wrote it at v0.1.0. Never edit it.

``record.py`` ran it once against the emulator (``state.json``, ``server.json``);
``tests/e2e/test_golden_state.py`` replays that stack with the code of every later commit.
Editing this file would make the replay test the new code against itself, not against the
state an old release wrote: add a new golden directory instead.
"""

from __future__ import annotations

import pulumi

import pulumi_wxo as wxo


def program(*, edited: bool = False) -> None:
    cfg = pulumi.Config()
    granite = wxo.Model(
        "granite",
        name="watsonx/ibm/granite-3-3-8b-instruct",
        display_name="Granite 3.3 8B",
        tags=["golden", "ibm"],
        provider_config={
            "api_key": cfg.require_secret("watsonxKey"),
            "watsonx_space_id": "space-golden-1",
        },
        config={"max_tokens": 1024, "temperature": 0.2, "decoding_method": "greedy"},
    )
    gpt = wxo.Model(
        "gpt-4o",
        wxo.ModelArgs(
            name="openai/gpt-4o",
            display_name="GPT-4o (golden)" if edited else "GPT-4o",
            provider_config={"api_key": "sk-golden-PLAIN-0001"},  # plain: the resource forces it secret
            config={"max_tokens": 2048},
            tags=["golden", "openai"],
        ),
    )
    azure = wxo.Model(
        "azure-mini",
        name="azure-openai/gpt-4o-mini",
        provider_config={
            "api_key": cfg.require_secret("azureKey"),
            "azure_resource_name": "golden-resource",
            "azure_deployment_id": "gpt-4o-mini",
            "azure_api_version": "2024-06-01",
        },
    )
    claude = wxo.Model(
        "claude",
        name="anthropic/claude-3-7-sonnet-latest",
        description="Credentials in an Orchestrate connection",
        connection_id="conn-golden-anthropic",
        config={"max_tokens": 4096},
    )
    policy = wxo.ModelPolicy(
        "balanced",
        name="golden-balanced",
        description="Balances GPT-4o and Granite",
        strategy="loadbalance",
        retry={"attempts": 2, "on_status_codes": [503]},
        targets=[{"model": gpt, "weight": 0.7}, {"model": granite, "weight": 0.3}],
    )
    pulumi.export(
        "ids",
        {
            "granite": granite.model_id,
            "gpt-4o": gpt.model_id,
            "azure-mini": azure.model_id,
            "claude": claude.model_id,
            "policy": policy.policy_id,
        },
    )

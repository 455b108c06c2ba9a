"""A realistic model catalogue, one stack per environment (Pulumi.dev.yaml, Pulumi.prod.yaml).

The root Pulumi.yaml (project ``wxo-catalogue``) runs this directory: ``make demo`` deploys the
dev stack to the local emulator; tests/e2e/test_example_project.py runs it through the engine.

Connection settings (``wxo:url``, ``wxo:apiKey`` or ``wxo:token``) come from the stack config
or the WXO_* environment variables; they never appear in this program or in state.

Stack settings read here (namespace ``wxo-catalogue``):
  env            dev | prod; goes into every model's tags
  maxTokens      decoding budget for the chat models
  temperature    sampling temperature for the chat models
  watsonxSpaceId the watsonx.ai deployment space
  watsonxKey     secret: `pulumi config set --secret watsonxKey ...`
  openaiKey      secret: `pulumi config set --secret openaiKey sk-...`
  azureKey       secret: `pulumi config set --secret azureKey ...`
  azureResource  the Azure OpenAI resource name
  anthropicKey   secret: `pulumi config set --secret anthropicKey ...`, kept in a connection
  anthropicConnection  the app_id of that Orchestrate connection (anthropic-dev, anthropic-prod)
"""

from __future__ import annotations

import pulumi

import pulumi_wxo as wxo

cfg = pulumi.Config()
env = cfg.require("env")
max_tokens = cfg.get_int("maxTokens", 1024)
# A default, not `or 0.2`: prod sets temperature 0, which must stay 0.
temperature = cfg.get_float("temperature", 0.2)
tags = ["catalogue", env]

granite = wxo.Model(
    "granite",
    name="watsonx/ibm/granite-3-3-8b-instruct",
    display_name=f"Granite 3.3 8B ({env})",
    description="IBM Granite on watsonx.ai, scoped to the team's deployment space.",
    tags=[*tags, "ibm"],
    provider_config={
        "watsonx_space_id": cfg.require("watsonxSpaceId"),
        "custom_host": "https://us-south.ml.cloud.ibm.com",
        "api_key": cfg.require_secret("watsonxKey"),
    },
    config={"max_tokens": max_tokens, "temperature": temperature, "decoding_method": "greedy"},
)

gpt = wxo.Model(
    "gpt-4o",
    name="openai/gpt-4o",
    display_name=f"GPT-4o ({env})",
    tags=[*tags, "openai"],
    provider_config={"api_key": cfg.require_secret("openaiKey")},
    config={"max_tokens": max_tokens, "temperature": temperature},
)

azure = wxo.Model(
    "azure-gpt-4o-mini",
    name="azure-openai/gpt-4o-mini",
    display_name=f"GPT-4o mini on Azure ({env})",
    tags=[*tags, "azure"],
    provider_config={
        "api_key": cfg.require_secret("azureKey"),
        "azure_resource_name": cfg.require("azureResource"),
        "azure_deployment_id": "gpt-4o-mini",
        "azure_api_version": "2024-06-01",
    },
    config={"max_tokens": max_tokens},
)

# The Anthropic key lives in an Orchestrate connection, not in the model: the model carries only
# the connection's id, and a key rotation updates the connection alone.
anthropic = wxo.Connection(
    "anthropic",
    app_id=cfg.require("anthropicConnection"),
    kind="key_value",
    credentials={"api_key": cfg.require_secret("anthropicKey")},
)

claude = wxo.Model(
    "claude",
    name="anthropic/claude-3-7-sonnet-latest",
    display_name=f"Claude 3.7 Sonnet ({env})",
    description="Credentials come from the anthropic connection, not from the model.",
    tags=[*tags, "anthropic"],
    connection=anthropic,
    config={"max_tokens": 4096, "anthropic_version": "2023-06-01"},
)

pulumi.export(
    "model_ids",
    {"granite": granite.model_id, "gpt-4o": gpt.model_id, "azure": azure.model_id, "claude": claude.model_id},
)
pulumi.export("model_names", [granite.name, gpt.name, azure.name, claude.name])

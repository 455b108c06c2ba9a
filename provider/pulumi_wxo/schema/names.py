"""Names: the ``virtual-model/<provider>/<model>`` and ``virtual-policy/<name>`` rules (api-contract §4.1)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

MODEL_PREFIX = "virtual-model/"
POLICY_PREFIX = "virtual-policy/"

# Union of the ADK's ModelProvider enum (api-contract §4.2, ADK 2.19 adds redhat-ai) and the
# Fetch Models response enum (api-contract §2.1). A name whose provider segment is not here is
# refused by the ADK ("Unsupported model provider").
PROVIDERS: frozenset[str] = frozenset(
    {
        "openai", "openai-oauth2-client-creds", "a21", "ai21", "anthropic", "anyscale",
        "azure-openai", "azure-ai", "bedrock", "cerebras", "cohere", "google", "vertex-ai",
        "groq", "huggingface", "mistral-ai", "mistralai", "jina", "ollama", "openrouter",
        "stability-ai", "together-ai", "watsonx", "x-ai", "redhat-ai", "palm", "perplexity-ai",
        "nomic", "segmind", "deepinfra", "novita-ai", "fireworks-ai", "deepseek", "voyage",
        "vllm", "reka-ai", "moonshot", "lingyi", "zhipu", "monsterapi", "predibase", "github",
        "deepbricks", "siliconflow", "workers-ai", "ibm_bam", "specialized_routing_model",
        "product_rag",
    }
)  # fmt: skip

ModelType = Literal["chat", "chat_vision", "completion", "embedding"]
MODEL_TYPES: tuple[str, ...] = ("chat", "chat_vision", "completion", "embedding")


def normalize_model_name(name: str) -> str:
    """Add ``virtual-model/`` when missing and check the provider segment (api-contract §4.1)."""
    name = name.strip()
    if not name:
        raise ValueError("must not be empty")
    if not name.startswith(MODEL_PREFIX):
        name = MODEL_PREFIX + name
    parts = name.split("/")
    if len(parts) < 3 or not all(parts[1:]):
        raise ValueError(f"'{name}' must look like virtual-model/<provider>/<model>")
    provider = parts[1]
    if provider not in PROVIDERS:
        hint = did_you_mean(provider, PROVIDERS) or f"; known providers: {', '.join(sorted(PROVIDERS))}"
        raise ValueError(f"unknown provider '{provider}' in '{name}'{hint}")
    return name


def provider_of(name: str) -> str:
    """First ``/`` segment that is not ``virtual-model``/``virtual-policy`` (api-contract §4.1)."""
    for part in name.split("/"):
        if part not in ("virtual-model", "virtual-policy") and part:
            return part
    return ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""

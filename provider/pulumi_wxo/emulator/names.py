"""Model and policy names as the server treats them (api-contract §4.1, §10): the known
provider ids, the ``virtual-model/`` and ``virtual-policy/`` prefixes, and the provider and
model name derived from a model's name. Written from the contract, never from the package's
schema."""

from __future__ import annotations

from .errors import Invalid

__all__ = ["KNOWN_PROVIDERS", "MODEL_PREFIX", "POLICY_PREFIX", "policy_name", "split_model_name"]

# Union of the Fetch Models response enum (api-contract §2.1 [DOC]) and the ADK's ModelProvider
# (api-contract §4.2 [SRC]); "redhat-ai" is in the installed ADK 2.19.1 enum [SRC].
KNOWN_PROVIDERS: frozenset[str] = frozenset(
    {
        # api-contract §2.1 response enum
        "openai", "anthropic", "azure-openai", "azure-ai", "anyscale", "cohere", "cerebras", "palm",
        "google", "together-ai", "mistral-ai", "perplexity-ai", "stability-ai", "nomic", "ollama",
        "bedrock", "ai21", "groq", "segmind", "vertex-ai", "deepinfra", "novita-ai", "fireworks-ai",
        "deepseek", "voyage", "vllm", "jina", "reka-ai", "moonshot", "openrouter", "lingyi", "zhipu",
        "monsterapi", "predibase", "huggingface", "github", "deepbricks", "siliconflow", "workers-ai",
        "ibm_bam", "watsonx", "mistralai", "specialized_routing_model", "product_rag", "x-ai",
        # api-contract §4.2 ADK enum (adds these)
        "openai-oauth2-client-creds", "a21",
        # installed ADK 2.19.1
        "redhat-ai",
    }
)  # fmt: skip

MODEL_PREFIX = "virtual-model/"
POLICY_PREFIX = "virtual-policy/"
_PREFIX_SEGMENTS = ("virtual-model", "virtual-policy")


def split_model_name(raw_name: str) -> tuple[str, str, str]:
    """Return ``(full_name, provider, model_name)`` for a model name (api-contract §4.1 [SRC], §10 [INF]).

    ``virtual-model/`` is prepended when missing. The provider is the first ``/``-segment that
    is not ``virtual-model``/``virtual-policy``; it must be a known provider id. The model name
    is the rest after the provider segment, and must not be empty (it is a required field of the
    Fetch Models schema, api-contract §2.1).
    """
    full = raw_name if raw_name.startswith(MODEL_PREFIX) else MODEL_PREFIX + raw_name
    segments = full.split("/")
    index = next((i for i, seg in enumerate(segments) if seg not in _PREFIX_SEGMENTS), None)
    provider = segments[index] if index is not None else ""
    if provider not in KNOWN_PROVIDERS:
        raise Invalid(f"Value error, Unsupported model provider '{provider}'", loc=("body", "name"))
    assert index is not None
    model_name = "/".join(segments[index + 1 :])
    if not model_name:
        raise Invalid(
            "Value error, Model name must have the form virtual-model/<provider>/<model>",
            loc=("body", "name"),
        )
    return full, provider, model_name


def policy_name(raw_name: str) -> str:
    # The CLI prefixes policy names with virtual-policy/ (api-contract §4.1); the server is assumed
    # to do the same as for models [INF].
    return raw_name if raw_name.startswith(POLICY_PREFIX) else POLICY_PREFIX + raw_name

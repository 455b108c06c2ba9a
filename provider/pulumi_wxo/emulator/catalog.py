"""The catalogue ``GET /models/list`` answers besides the tenant's virtual models
(api-contract §2, §12.3): the out-of-the-box entries and the tags the ADK reads."""

from __future__ import annotations

from .models import CatalogEntry

__all__ = ["CUSTOM_MODEL_TAG", "DENIED_TAG", "OUT_OF_THE_BOX_MODELS"]

# Out-of-the-box catalogue entries of GET /models/list (api-contract §2: ids are model names; tags
# "default", "recommended" are what the ADK looks for [SRC]). The selection is illustrative [INF].
OUT_OF_THE_BOX_MODELS: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        id="watsonx/meta-llama/llama-3-2-90b-vision-instruct",
        description="Llama 3.2 90B Vision Instruct on watsonx.ai",
        tags=["default", "recommended"],
    ),
    CatalogEntry(
        id="watsonx/ibm/granite-3-8b-instruct",
        description="IBM Granite 3 8B Instruct on watsonx.ai",
        tags=["recommended"],
    ),
    CatalogEntry(
        id="watsonx/meta-llama/llama-3-405b-instruct",
        description="Llama 3.1 405B Instruct on watsonx.ai",
        tags=[],
    ),
    CatalogEntry(
        id="watsonx/mistralai/mistral-large",
        description="Mistral Large on watsonx.ai",
        tags=[],
    ),
)
CUSTOM_MODEL_TAG = "third party"  # the ADK marks virtual models in the catalogue by it (api-contract §2)
# The ADK shows a catalogue entry with this tag as denied (api-contract §12.3): the emulator tags
# the entries of the model-selection denylist with it [INF].
DENIED_TAG = "wxo-reserved-tag-admin-disallowed"

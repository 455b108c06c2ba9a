"""Names derived from a spec's name: its stable Pulumi resource name, the stack config key
suggested for one of its secrets, and the API name of a document's ``name``."""

from __future__ import annotations

import re
from typing import Any

from pulumi_wxo.schema import MODEL_PREFIX, POLICY_PREFIX, normalize_model_name, provider_of
from pulumi_wxo.specs.syntax import Kind


def resource_name(name: str) -> str:
    """The stable Pulumi resource name of a spec: its name without the ``virtual-model/`` /
    ``virtual-policy/`` prefix, ``/`` and anything unusual turned into ``-``.

    ``virtual-model/openai/gpt-4o`` -> ``openai-gpt-4o``. It depends on the name only, so
    moving a spec between files or reordering files never replaces anything.
    """
    for prefix in (MODEL_PREFIX, POLICY_PREFIX):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "spec"


def secret_config_key(name: str, field_name: str) -> str:
    """The stack config key suggested for a secret field of a model: camelCase of the
    provider and the field (``openai`` + ``api_key`` -> ``openaiApiKey``; a field that starts
    with the provider's name is not repeated: ``watsonx_cpd_password`` -> ``watsonxCpdPassword``).
    """
    provider = provider_of(name) or "model"
    words = re.split(r"[^A-Za-z0-9]+", provider) + [
        w for w in field_name.split("_") if w and w not in re.split(r"[^A-Za-z0-9]+", provider)
    ]
    words = [w for w in words if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


def normal_name(kind: Kind, raw: Any) -> str | None:
    """The API name of a document's ``name`` (prefix added), or None when it is unusable."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if kind == "policy":
        return text if text.startswith(POLICY_PREFIX) else POLICY_PREFIX + text
    try:
        return normalize_model_name(text)
    except ValueError:
        return None

"""A virtual model: ``config``, the declared spec, its validation and the API object normalised back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pulumi_wxo.schema.bounds import split_bounded, under
from pulumi_wxo.schema.failures import Failure, failures_from
from pulumi_wxo.schema.names import ModelType, did_you_mean, normalize_model_name, provider_of
from pulumi_wxo.schema.provider_config import (
    _CAMEL_TO_SNAKE,
    ALIAS_PAIRS,
    PROVIDER_CONFIG_ALIASES,
    ProviderConfig,
    to_snake_key,
)
from pulumi_wxo.schema.values import canonical, marked

# The namespace of the provider's own tag (lifecycle/ownership.py keeps the format).
OWNER_TAG_PREFIX = "pulumi-wxo-owner:"
# Tags the platform sets (api-contract §12.7): the ADK's reserved namespace (an administrator's
# deny, premier models) and the marker the catalogue puts on every virtual model. Like the
# owner tag they are server-owned: never a user's, never diffed, kept on every PUT.
PLATFORM_TAG_PREFIXES: tuple[str, ...] = ("wxo-reserved-tag-",)
PLATFORM_TAGS: frozenset[str] = frozenset({"third party"})


def is_platform_tag(tag: Any) -> bool:
    """A tag the platform sets on a model (api-contract §12.7)."""
    return isinstance(tag, str) and (tag in PLATFORM_TAGS or tag.startswith(PLATFORM_TAG_PREFIXES))


def is_server_owned_tag(tag: Any) -> bool:
    """A tag that is not the user's: the provider's owner tag or one the platform sets."""
    return isinstance(tag, str) and (tag.startswith(OWNER_TAG_PREFIX) or is_platform_tag(tag))


class ModelConfig(BaseModel):
    """Inference parameters sent as ``config`` (snake_case on the wire; api-contract §3.2)."""

    # "nan"/"inf" strings parse as floats otherwise, and JSON cannot carry them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    decoding_method: Literal["greedy", "sample"] | None = None
    prompt: str | None = None
    max_tokens: int | None = Field(None, gt=0)
    max_completion_tokens: int | None = Field(None, gt=0)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    n: int | None = Field(None, ge=1)
    stream: bool | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=20)
    echo: bool | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    best_of: int | None = Field(None, ge=1)
    logit_bias: dict[str, float] | None = None
    user: str | None = None
    context: str | None = None
    examples: list[Any] | None = None
    top_k: int | None = Field(None, ge=1)
    response_format: dict[str, Any] | None = None
    seed: int | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None
    modalities: list[str] | None = None
    audio: dict[str, Any] | None = None
    service_tier: str | None = None
    prediction: dict[str, Any] | None = None
    safety_settings: list[dict[str, Any]] | None = None
    anthropic_beta: str | None = None
    anthropic_version: str | None = None
    thinking: dict[str, Any] | None = None
    space_id: str | None = None
    project_id: str | None = None


class ModelSpec(BaseModel):
    """A virtual model as declared (the Create Model body, api-contract §3)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="`virtual-model/<provider>/<model>`; the prefix is added when missing. "
        "Changing it replaces the model.",
        json_schema_extra={"replace": True},
    )
    display_name: str | None = Field(
        None,
        description="Shown in the UI; defaults to the name.",
        json_schema_extra={"defaults_to_name": True},
    )
    description: str | None = Field(
        None, description="Defaults to the name.", json_schema_extra={"defaults_to_name": True}
    )
    tags: list[str] | None = Field(None, description="Free-form tags.", json_schema_extra={"always": True})
    model_type: ModelType = Field("chat", description="chat, chat_vision, completion or embedding.")
    connection_id: str | None = Field(
        None, description="Orchestrate key_value connection whose values are merged into provider_config."
    )
    provider_config: ProviderConfig | None = Field(
        None, description="Gateway settings for the upstream.", json_schema_extra={"always": True}
    )
    config: ModelConfig | None = Field(
        None, description="Inference parameters.", json_schema_extra={"always": True}
    )

    @field_validator("name")
    @classmethod
    def _name_rules(cls, value: str) -> str:
        return normalize_model_name(value)

    @field_validator("tags")
    @classmethod
    def _tags_rules(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not t.strip() for t in value):
            raise ValueError("tags must be non-empty strings")
        if value is not None and any(t.startswith(OWNER_TAG_PREFIX) for t in value):
            raise ValueError(
                f"tags starting with '{OWNER_TAG_PREFIX}' are the provider's evidence of ownership "
                "(docs/dev/lifecycle.md, Ownership); remove that tag"
            )
        platform = [t for t in value or () if is_platform_tag(t)]
        if platform:
            raise ValueError(
                f"tag '{platform[0]}' is set by the platform, not by users (tags starting with "
                f"'{PLATFORM_TAG_PREFIXES[0]}', and '{sorted(PLATFORM_TAGS)[0]}'): the provider keeps "
                "such tags as the server has them on every update (docs/dev/lifecycle.md, Server-owned "
                "tags); remove it"
            )
        return value

    @property
    def provider(self) -> str:
        return provider_of(self.name)

    def effective(self) -> dict[str, Any]:
        """The canonical snake_case view of what the server holds after a create or PUT."""
        return {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "tags": list(self.tags or []),
            "model_type": self.model_type,
            "connection_id": self.connection_id,
            "provider_config": _dump(self.provider_config, by_alias=False),
            "config": _dump(self.config, by_alias=False),
        }

    def to_api(self) -> dict[str, Any]:
        """The Create/Update Model body (api-contract §3; provider_config in camelCase aliases).

        ``display_name``/``description`` are sent explicitly (the ADK defaults them to the name,
        client side), and ``provider_config.provider`` carries the derived provider as the ADK
        sends it (api-contract §4.1).
        """
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "tags": list(self.tags or []),
            "model_type": self.model_type,
        }
        if self.connection_id:
            body["connection_id"] = self.connection_id
        pc = _dump(self.provider_config, by_alias=True)
        body["provider_config"] = {"provider": self.provider, **pc}
        cfg = _dump(self.config, by_alias=False)
        if cfg:
            body["config"] = cfg
        return body


def _dump(model: BaseModel | None, *, by_alias: bool) -> dict[str, Any]:
    if model is None:
        return {}
    dumped: dict[str, Any] = canonical(model.model_dump(exclude_none=True, by_alias=by_alias))
    return dumped


# --------------------------------------------------------------------------- validation

_MODEL_FIELDS = frozenset(ModelSpec.model_fields)
_CONFIG_FIELDS = frozenset(ModelConfig.model_fields)
_PC_NAMES = frozenset(PROVIDER_CONFIG_ALIASES) | frozenset(_CAMEL_TO_SNAKE)


def _suggest(path: tuple[str | int, ...]) -> str:
    """A did-you-mean for an unknown key at ``path``."""
    key = str(path[-1])
    if len(path) == 1:
        return did_you_mean(key, _MODEL_FIELDS)
    if path[0] == "config" and len(path) == 2:
        hint = did_you_mean(key, _CONFIG_FIELDS)
        if not hint and key in _PC_NAMES:
            hint = " (it belongs in provider_config)"
        return hint
    if path[0] == "provider_config" and len(path) == 2:
        hint = did_you_mean(key, PROVIDER_CONFIG_ALIASES)
        if not hint and key in _CONFIG_FIELDS:
            hint = " (inference parameters belong in config)"
        return hint
    return ""


def _required_rules(spec: ModelSpec) -> list[Failure]:
    """Per-provider required provider_config fields (api-contract §4.4), unless a connection is bound.

    With ``connection_id`` the values come from the Orchestrate connection at inference time
    (merged server-side, api-contract §4.5), so nothing can be checked here.
    """
    provider = spec.provider
    pc = spec.provider_config or ProviderConfig()
    fails: list[Failure] = []
    if provider == "openai-oauth2-client-creds":
        if not spec.connection_id:
            fails.append(Failure("connection_id", "openai-oauth2-client-creds needs an oauth2 connection_id"))
        if not pc.custom_host:
            fails.append(Failure("provider_config.custom_host", f"is required for provider '{provider}'"))
        return fails
    if spec.connection_id:
        return fails
    hint = " (or bind a connection with connection_id)"

    def need(field: str) -> None:
        if getattr(pc, field) in (None, ""):
            fails.append(Failure(f"provider_config.{field}", f"is required for provider '{provider}'{hint}"))

    if provider == "watsonx":
        if not (pc.api_key or pc.watsonx_cpd_password):
            need("api_key")
        if not (pc.watsonx_space_id or pc.watsonx_project_id or pc.watsonx_deployment_id):
            fails.append(
                Failure(
                    "provider_config.watsonx_space_id",
                    "watsonx needs one of watsonx_space_id, watsonx_project_id or watsonx_deployment_id",
                )
            )
    elif provider == "ollama":
        need("custom_host")
    elif provider == "bedrock":
        if not pc.api_key and not (pc.aws_secret_access_key and pc.aws_access_key_id):
            fails.append(
                Failure(
                    "provider_config.api_key",
                    "bedrock needs api_key, or both aws_access_key_id and aws_secret_access_key" + hint,
                )
            )
    elif provider == "azure-openai":
        for field in ("azure_resource_name", "azure_deployment_id", "azure_api_version"):
            need(field)
        if not (pc.api_key or pc.azure_ad_token or pc.azure_entra_client_secret or pc.azure_auth_mode):
            need("api_key")
    elif provider == "azure-ai":
        if not (pc.api_key or pc.azure_ad_token or pc.azure_entra_client_secret or pc.azure_auth_mode):
            need("api_key")
    elif provider == "vertex-ai":
        if not (pc.api_key or pc.vertex_service_account_json):
            fails.append(
                Failure(
                    "provider_config.api_key", "vertex-ai needs api_key or vertex_service_account_json" + hint
                )
            )
    else:
        need("api_key")
    return fails


def _alias_rules(pc: ProviderConfig | None) -> list[Failure]:
    if pc is None:
        return []
    return [
        Failure(
            f"provider_config.{b}",
            f"set either {a} or {b}, not both: the API has one key for them ({PROVIDER_CONFIG_ALIASES[a]})",
        )
        for a, b in ALIAS_PAIRS
        if getattr(pc, a) is not None and getattr(pc, b) is not None
    ]


def validate_model(props: Mapping[str, Any]) -> tuple[ModelSpec | None, list[Failure]]:
    """Validate declared inputs: the spec, or every problem found (one Failure each).

    ``props`` must be free of preview unknowns (the caller skips those). Whole floats are
    accepted for integer fields because the engine sends every number as a double. NaN,
    infinities and nesting deeper than ``MAX_DEPTH`` are refused first (schema/bounds.py);
    the fields holding them are kept from every other rule, whose failures for the rest are
    reported as well.
    """
    bounded, bound_fails, refused = split_bounded(props)
    spec, fails = _validate_bounded(bounded)
    if not bound_fails:
        return spec, fails
    return None, bound_fails + [f for f in fails if not under(f.path, refused)]


def _validate_bounded(props: Mapping[str, Any]) -> tuple[ModelSpec | None, list[Failure]]:
    data = _snake_provider_config(props)
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as err:
        fails = failures_from(err, suggest=_suggest)
        # Report the cross-field rules too (one pass shows every problem): drop what failed
        # and validate the rest; a name that failed leaves nothing to check them against.
        pruned = _without(data, [e["loc"] for e in err.errors()])
        if "name" in pruned:
            try:
                rest = ModelSpec.model_validate(pruned)
            except ValidationError:
                return None, fails
            seen = {f.path for f in fails}
            fails += [
                f for f in _alias_rules(rest.provider_config) + _required_rules(rest) if f.path not in seen
            ]
        return None, fails
    fails = _alias_rules(spec.provider_config) + _required_rules(spec)
    return (None, fails) if fails else (spec, [])


def _without(data: Mapping[str, Any], locs: Iterable[tuple[str | int, ...]]) -> dict[str, Any]:
    """``data`` without the (top-level or second-level) keys at ``locs``."""
    out = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()}
    for loc in locs:
        if not loc:
            continue
        head = str(loc[0])
        if len(loc) >= 2 and isinstance(out.get(head), dict):
            out[head].pop(str(loc[1]), None)
        else:
            out.pop(head, None)
    return out


def _snake_provider_config(props: Mapping[str, Any]) -> dict[str, Any]:
    """Accept camelCase provider_config keys in inputs too, stored as snake_case."""
    data = {k: v for k, v in props.items() if v is not None}
    pc = data.get("provider_config")
    if isinstance(pc, Mapping):
        data["provider_config"] = {to_snake_key(k): v for k, v in pc.items() if v is not None}
    cfg = data.get("config")
    if isinstance(cfg, Mapping):
        data["config"] = {k: v for k, v in cfg.items() if v is not None}
    return data


# --------------------------------------------------------------------------- normalisation


def normalize_model(obj: Mapping[str, Any], *, prefer_keys: Iterable[str] = ()) -> dict[str, Any]:
    """An API object (GET) as the canonical snake_case view; ``id`` and ``provider`` included.

    Drops the server-derived ``provider_config.provider`` and server-only fields
    (tenant, timestamps). Secret values come back as the server sent them (absent, masked or
    echoed); the lifecycle layer decides what to keep. A field of the wrong shape raises
    ``ServerObjectError`` naming the model and the field (:func:`check_model`).
    """
    from pulumi_wxo.schema.server_objects import check_model

    obj = check_model(obj, ModelSpec)
    name = str(obj.get("name") or "")
    raw_pc = obj.get("provider_config") or obj.get("providerConfig") or {}
    prefer = list(prefer_keys)
    pc = {
        to_snake_key(str(k), prefer): v
        for k, v in (raw_pc.items() if isinstance(raw_pc, Mapping) else [])
        if k != "provider" and v is not None
    }
    provider = obj.get("provider") or (raw_pc.get("provider") if isinstance(raw_pc, Mapping) else None)
    return {
        "id": obj.get("id"),
        "name": name,
        "display_name": obj.get("display_name") or name,
        "description": obj.get("description") or name,
        "tags": list(obj.get("tags") or []),
        "model_type": obj.get("model_type") or "chat",
        "connection_id": obj.get("connection_id") or None,
        "provider_config": canonical(pc),
        "config": canonical(dict(obj.get("config") or {})),
        "provider": provider or provider_of(name),
    }


# Fields the lifecycle layer compares. ``name`` is immutable (a change is a replace);
# everything else updates in place with a full PUT (api-contract §2).
MODEL_DIFF_FIELDS: tuple[str, ...] = tuple(ModelSpec.model_fields)
MODEL_REPLACE_FIELDS: frozenset[str] = frozenset(marked(ModelSpec, "replace"))

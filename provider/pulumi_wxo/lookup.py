"""Lookups: read models that a program references but does not manage.

``get_model`` / ``get_models`` are plain synchronous calls (they run while the program
executes, at preview too: they only read); ``get_model_output`` / ``get_models_output`` take
``pulumi.Input`` arguments and return a ``pulumi.Output``, for arguments that come from other
resources.

Connection settings are the provider's (docs/guide/client.md): the program's stack config under
``wxo:`` (``wxo:url``, ``wxo:apiKey``, ``wxo:token``, ``wxo:authType``, ...) with the WXO_*
environment variables as fallback, read through :meth:`ConnectionSettings.from_sources` so
the rules and messages are the same. ``settings=`` overrides them (scripts, tests).

A :class:`ModelInfo` holds the normalised model (``normalize_model``) without credentials:
secret ``provider_config`` fields are dropped whatever the server returns (api-contract §2.1,
§9), so a lookup result can be exported or logged safely.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.schema import PROVIDERS, did_you_mean, is_secret_key, normalize_model, normalize_model_name
from pulumi_wxo.sdk.info import ModelInfoFields

if TYPE_CHECKING:
    import pulumi

__all__ = [
    "ModelInfo",
    "ModelNotFoundError",
    "get_model",
    "get_model_output",
    "get_models",
    "get_models_output",
]


class ModelNotFoundError(WxoError, LookupError):
    """No model with the requested name or id exists on the instance."""

    def __init__(self, message: str, *, name: str | None = None, model_id: str | None = None) -> None:
        self.name = name
        self.model_id = model_id
        super().__init__(message)


@dataclass(frozen=True)
class ModelInfo(ModelInfoFields):
    """A model on the instance, normalised (snake_case ``provider_config``), without secrets.

    Its fields are the model's declaration's (:mod:`pulumi_wxo.sdk.info`, generated): the id,
    every API field and the derived ``provider``.
    """

    @classmethod
    def from_api(cls, obj: Mapping[str, Any]) -> ModelInfo:
        """From a ``GET /models`` object; credential fields never make it in."""
        norm = normalize_model(obj)
        return cls(**{f.name: _info_value(norm[f.name], f.type) for f in fields(cls)})


def _info_value(value: Any, annotation: Any) -> Any:
    """A normalised value as a ModelInfo field holds it: lists as tuples, mappings without
    credential keys, the id and the other plain strings as ``str``."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if not is_secret_key(k)}
    if annotation == "str":
        return str(value)
    return value


# --------------------------------------------------------------------------- settings and clients


def settings_from_stack() -> ConnectionSettings:
    """Settings from the program's ``wxo:`` stack config, WXO_* variables as fallback.

    Outside a Pulumi program there is no stack config and only the environment counts.
    """
    import pulumi

    cfg = pulumi.Config("wxo")

    def get(key: str) -> str | None:
        # from_sources asks for "wxo:url"; pulumi.Config("wxo") wants "url". Config.get also
        # returns secret values (wxo:apiKey, wxo:token) in clear, as the provider needs them.
        return cfg.get(key.split(":", 1)[1])

    return ConnectionSettings.from_sources(get, os.environ)


_lock = threading.Lock()
_clients: dict[Any, WxoClient] = {}


def _client(settings: ConnectionSettings | None) -> WxoClient:
    """One client per distinct settings for the life of the program (tokens are reused)."""
    resolved = settings if settings is not None else settings_from_stack()
    key = resolved.cache_key()
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = WxoClient(resolved)
            _clients[key] = client
        return client


def close_clients() -> None:
    """Close the cached clients (tests; a program's process simply ends)."""
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


# --------------------------------------------------------------------------- lookups


def get_model(
    *, name: str | None = None, id: str | None = None, settings: ConnectionSettings | None = None
) -> ModelInfo:
    """The model named ``name`` (``openai/gpt-4o`` or ``virtual-model/openai/gpt-4o``) or with
    id ``id``. Raises :class:`ModelNotFoundError` naming it when there is none."""
    if (name is None) == (id is None):
        raise TypeError("get_model: pass exactly one of name= or id=")
    client = _client(settings)
    if id is not None:
        obj = client.models.get(id)
        if obj is None:
            raise ModelNotFoundError(f"get model with id '{id}': not found on {client.base_url}", model_id=id)
        return ModelInfo.from_api(obj)
    assert name is not None
    try:
        full = normalize_model_name(name)
    except ValueError as err:
        raise WxoError(f"get model '{name}': the name {err}") from None
    found = client.models.find(full)
    if not found:
        names = [str(m.get("name")) for m in client.models.list()]
        hint = did_you_mean(full, names) or f" ({len(names)} models there; `pulumi-wxo list` shows them)"
        raise ModelNotFoundError(f"get model '{full}': not found on {client.base_url}{hint}", name=full)
    if len(found) > 1:
        ids = ", ".join(str(m.get("id")) for m in found)
        raise WxoError(
            f"get model '{full}': {len(found)} models have this name (ids {ids}); pass id= to choose one"
        )
    return ModelInfo.from_api(found[0])


def get_models(
    *,
    tags: Sequence[str] | None = None,
    provider: str | None = None,
    settings: ConnectionSettings | None = None,
) -> list[ModelInfo]:
    """Every model carrying **all** of ``tags`` and, if given, from ``provider``; by name."""
    if isinstance(tags, str):
        tags = [tags]  # a lone string would otherwise be read as its characters
    if provider is not None and provider not in PROVIDERS:
        hint = did_you_mean(provider, PROVIDERS)
        raise WxoError(f"get models: unknown provider '{provider}'{hint}")
    wanted = set(tags or ())
    models = [ModelInfo.from_api(m) for m in _client(settings).models.list()]
    chosen = [m for m in models if wanted.issubset(m.tags) and (provider is None or m.provider == provider)]
    return sorted(chosen, key=lambda m: (m.name, m.id))


def get_model_output(
    *,
    name: pulumi.Input[str] | None = None,
    id: pulumi.Input[str] | None = None,
    settings: ConnectionSettings | None = None,
) -> pulumi.Output[ModelInfo]:
    """:func:`get_model` for arguments that are Outputs; resolves once they are known."""
    import pulumi

    def run(args: list[Any]) -> ModelInfo:
        return get_model(name=args[0], id=args[1], settings=settings)

    result: pulumi.Output[ModelInfo] = pulumi.Output.all(name, id).apply(run)
    return result


def get_models_output(
    *,
    tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
    provider: pulumi.Input[str] | None = None,
    settings: ConnectionSettings | None = None,
) -> pulumi.Output[list[ModelInfo]]:
    """:func:`get_models` for arguments that are Outputs."""
    import pulumi

    def run(args: list[Any]) -> list[ModelInfo]:
        return get_models(tags=args[0], provider=args[1], settings=settings)

    result: pulumi.Output[list[ModelInfo]] = pulumi.Output.all(tags, provider).apply(run)
    return result

"""The connection (``/connections/applications``, api-contract §13): the hooks it adds to the one
lifecycle.

What only a connection has: credentials are write-only (the API never answers them), so the
outputs keep the declared fields as given, credentials included (secret), as long as the
server's configuration is the one they stand for. A refresh that finds another configuration
records the server's, in the ``environments`` form, so the next preview shows the drift; drift
in credentials cannot be seen and is not claimed. A diff compares what the declarations stand
for (each environment's configuration and credentials), not their spelling. The HTTP sequence
(application, configurations, credentials) is the collection's (:mod:`pulumi_wxo.api.connections`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi_wxo.lifecycle.engine import Lifecycle
from pulumi_wxo.lifecycle.ownership import OwnerTag
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.resources import CONNECTION, Resource
from pulumi_wxo.schema import Failure, canonical
from pulumi_wxo.schema.bounds import readable
from pulumi_wxo.schema.connection import ConnectionSpec, validate_connection


def _view(spec: ConnectionSpec) -> Any:
    """What a declaration stands for: each environment's configuration and credentials."""
    credentials = {env: spec.environment(env)["credentials"] for env in spec.environment_names()}
    return canonical([spec.effective(), credentials])


def _configured(server: Mapping[str, Any]) -> dict[str, Any]:
    """The server's configurations, without ``credentials_set`` (which no declaration states)."""
    environments = server.get("environments")
    if not isinstance(environments, Mapping):
        return {}
    return {
        env: {k: v for k, v in config.items() if k != "credentials_set"}
        for env, config in environments.items()
        if isinstance(config, Mapping)
    }


class ConnectionLifecycle(Lifecycle):
    """check, diff, create, read, update and delete of one connection, over plain dicts."""

    resource: ClassVar[Resource] = CONNECTION

    def validate(self, given: Mapping[str, Any]) -> tuple[Any | None, list[Failure]]:
        return validate_connection(given)

    def desired(self, spec: Any, given: Mapping[str, Any]) -> dict[str, Any]:
        return {k: given.get(k) for k in self.resource.api_fields}

    def body(
        self, spec: Any, tag: OwnerTag | None, current: Mapping[str, Any] | None, props: Mapping[str, Any]
    ) -> dict[str, Any]:
        envs = spec.environment_names()
        return {
            "name": spec.app_id,
            "configurations": {env: spec.configuration_body(env) for env in envs},
            "credentials": {env: spec.credential_bodies(env) for env in envs},
        }

    def server_outputs(
        self, server: Mapping[str, Any], props: Mapping[str, Any], *, reference: Mapping[str, Any]
    ) -> dict[str, Any]:
        fields = self.resource.api_fields
        spec = self.validate(self.declared(readable(props)))[0]
        configured = _configured(server)
        # An environment the declaration leaves out is not compared: the API cannot remove one.
        declared_only = {env: configured.get(env) for env in (spec.environment_names() if spec else ())}
        if spec is not None and canonical(spec.effective()["environments"]) == canonical(declared_only):
            return {k: props.get(k) for k in fields}  # as declared: the server holds what it says
        # Changed outside Pulumi, or read without state: the server's configuration. Credentials
        # cannot be read back: those declared for an environment stay.
        declared_envs = spec.environment_names() if spec is not None else ()
        environments = {
            env: {
                k: v
                for k, v in {
                    **config,
                    "credentials": spec.environment(env)["credentials"]
                    if spec is not None and env in declared_envs
                    else None,
                }.items()
                if v is not None
            }
            for env, config in configured.items()
        }
        return {**dict.fromkeys(fields), "app_id": server.get("app_id"), "environments": environments}

    def diff_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], bool]:
        """Fields that differ, when what the declarations stand for differs (spelling aside)."""
        fields = self.resource.api_fields
        olds = readable(olds)
        unknown = [k for k in fields if is_unknown(news.get(k))]
        if self.resource.key in unknown:
            return [self.resource.key], False
        raw = [k for k in fields if k not in unknown and canonical(news.get(k)) != canonical(olds.get(k))]
        if unknown:
            return [*unknown, *raw], False
        new = self.validate(self.declared(news))[0]
        old = self.validate(self.declared(olds))[0]
        if new is None or old is None or raw == []:
            return raw, True
        if new.app_id != old.app_id:
            return raw, True
        return (raw if _view(new) != _view(old) else []), True

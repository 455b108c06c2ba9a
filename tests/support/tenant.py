"""A tenant for lifecycle tests: the calls the lifecycle makes, answered from memory (no sockets)."""

from __future__ import annotations

from typing import Any

from pulumi_wxo.lifecycle import Runtime
from pulumi_wxo.lifecycle.snapshot import Snapshot


class Tenant:
    """The calls the lifecycle makes for one object, recorded (no sockets)."""

    def __init__(self, *objects: dict[str, Any]) -> None:
        self.objects = {o["id"]: o for o in objects}
        self.writes: list[tuple[str, str]] = []
        self.bodies: list[dict[str, Any]] = []

    def get_model(self, object_id: str, *, name: str | None = None) -> dict[str, Any] | None:
        return self.objects.get(object_id)

    get_policy = get_model

    def list_models(self, **_kw: Any) -> list[dict[str, Any]]:
        return list(self.objects.values())

    def list_policies(self, **_kw: Any) -> list[dict[str, Any]]:
        return []

    def update_model(self, object_id: str, body: dict[str, Any], *, name: str | None = None) -> None:
        self.writes.append(("PUT", object_id))
        self.bodies.append(body)

    update_policy = update_model

    def delete_model(self, object_id: str, *, name: str | None = None) -> bool:
        self.writes.append(("DELETE", object_id))
        return True

    delete_policy = delete_model

    def collection(self, name: str) -> _Collection:
        """The collection view the lifecycle asks for (api/collections.py's verbs)."""
        return _Collection(self, name)


class _Collection:
    """One collection of a :class:`Tenant`: models hold its objects, policies none."""

    def __init__(self, tenant: Tenant, name: str) -> None:
        self.tenant, self.name = tenant, name
        self.kind = "model" if name == "models" else "policy"

    def list(self, **_kw: Any) -> list[dict[str, Any]]:
        return self.tenant.list_models() if self.name == "models" else self.tenant.list_policies()

    def find(self, name: str) -> list[dict[str, Any]]:
        return [o for o in self.list() if o.get("name") == name]

    def get(self, object_id: str, *, name: str | None = None) -> dict[str, Any] | None:
        return self.tenant.get_model(object_id, name=name)

    def update(self, object_id: str, body: dict[str, Any], *, name: str | None = None) -> None:
        self.tenant.update_model(object_id, body, name=name)

    def delete(self, object_id: str, *, name: str | None = None) -> bool:
        return self.tenant.delete_model(object_id, name=name)


def tenant_runtime(tenant: Tenant) -> Runtime:
    runtime = Runtime()
    runtime.configure({"wxo:url": "https://wxo.example", "wxo:token": "unit-token"}.get, {})
    runtime.client = lambda: tenant  # type: ignore[method-assign,assignment,return-value]
    snaps = {
        kind: Snapshot(tenant.list_models if kind == "models" else tenant.list_policies, max_age=60)
        for kind in ("models", "policies")
    }
    runtime.snapshot = snaps.__getitem__  # type: ignore[method-assign]
    return runtime

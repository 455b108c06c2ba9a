"""Do-nothing dynamic resources for bench/engine.py: what the engine and the dynamic host cost.

bench/engine.py copies this module into its temporary directory and puts that on PYTHONPATH,
for the inline program and for the dynamic-provider process. ``NoopProvider`` is a class of an
importable module, so the provider is pickled into state by reference (a few bytes), as
``pulumi_wxo``'s provider is; ``create`` returns at once and sends no request.
"""

from typing import Any

from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class NoopProvider(ResourceProvider):
    def create(self, props: Any) -> CreateResult:
        return CreateResult(id_=f"noop-{props['key']}", outs=dict(props))

    def delete(self, _id: str, _props: Any) -> None:
        pass


class Noop(Resource):
    def __init__(self, name: str, key: str) -> None:
        super().__init__(NoopProvider(), name, {"key": key})

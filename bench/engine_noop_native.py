"""A do-nothing native provider plugin for bench/engine.py: what the engine and a Python plugin cost.

bench/engine.py copies this module into its temporary directory and puts a launcher named
``pulumi-resource-wxonoop`` (which runs it through the RSS wrapper) on the engine's PATH, the
way ``pulumi-resource-wxo`` is found. It serves resources of type ``wxonoop:index:Noop`` with
the SDK's ``pulumi.provider.experimental`` server, as the real plugin does: the base class's
check (inputs as given), diff (no change) and read, a create that answers at once with an id
and the inputs as outputs, and a delete that does nothing. No request leaves it.
"""

import sys

from pulumi.provider.experimental.provider import CreateRequest, CreateResponse, DeleteRequest, Provider
from pulumi.provider.experimental.server import main


class NoopNative(Provider):
    async def create(self, request: CreateRequest) -> CreateResponse:
        key = request.properties.get("key")
        suffix = key.value if key is not None else request.name
        return CreateResponse(resource_id=f"noop-{suffix}", properties=dict(request.properties))

    async def delete(self, request: DeleteRequest) -> None:
        return None


if __name__ == "__main__":
    main(sys.argv[1:], "0.0.1", NoopNative())

"""lifecycle.engine: the one skeleton, run for a resource that is only a declaration, a
lifecycle class with no hook of its own and one client collection (no sockets).

``Widget`` below is what docs/dev/lifecycle.md ("Adding a resource") asks of a third resource:
if the engine needed anything else (a constant in a lifecycle module, a branch in a host, a
client method), these tests could not be written this way. The client is the real
``WxoClient`` over an in-memory ``/widgets`` collection (httpx.MockTransport).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from pulumi_wxo.api.collections import Collection
from pulumi_wxo.api.errors import ModelExistsError, NotFoundError, WxoError
from pulumi_wxo.lifecycle import LIFECYCLES, UNKNOWN, Lifecycle, Runtime
from pulumi_wxo.lifecycle.instance import InstanceMismatchError
from pulumi_wxo.lifecycle.ownership import ForeignObjectError
from pulumi_wxo.native.plugin import BY_TOKEN, WxoProvider
from pulumi_wxo.resources import CONNECTION, MODEL, POLICY, Computed, Control, Resource
from pulumi_wxo.version import __version__

pytestmark = pytest.mark.unit

URL = "https://wxo.example"
HERE = {"url": URL, "tenant": None}
ELSEWHERE = {"url": "https://other.example", "tenant": None}


class WidgetSpec(BaseModel):
    """The API fields of a widget: what ``Resource.spec`` must offer (``name``, ``effective``,
    ``to_api``), with the field facts as marks."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, json_schema_extra={"replace": True})
    display_name: str | None = Field(default=None, json_schema_extra={"defaults_to_name": True})
    size: int | None = None

    def effective(self) -> dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name or self.name, "size": self.size}

    def to_api(self) -> dict[str, Any]:
        return self.effective()


WIDGET = Resource(
    name="Widget",
    kind="widget",
    collection="widgets",
    spec=WidgetSpec,
    description="A widget (`/widgets`): a resource made of a declaration alone.",
    controls=(
        Control(
            "adopt",
            {"type": "boolean"},
            "Take over an existing widget.",
            python="pulumi.Input[bool]",
            unstored=(False,),
            boolean=True,
        ),
    ),
    computed=(
        Computed("widget_id", {"type": "string"}, "The widget's id.", kept=True),
        Computed("instance", {"type": "object"}, "The instance.", kept=True),
        Computed("provider_version", {"type": "string"}, "The version.", always=False),
    ),
)


class WidgetLifecycle(Lifecycle):
    """Nothing but the declaration: every step is the engine's."""

    resource: ClassVar[Resource] = WIDGET


class Widgets:
    """The ``/widgets`` collection of an instance, in memory, with every request recorded."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self._next = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1/orchestrate")
        if path == "/models":
            return httpx.Response(200, json=[])  # the credential proof of every check
        self.requests.append(f"{request.method} {path}")
        if request.method == "GET":
            names, ids = request.url.params.get_list("name"), request.url.params.get_list("id")
            found = [
                o
                for o in self.objects.values()
                if (not names or o["name"] in names) and (not ids or o["id"] in ids)
            ]
            return httpx.Response(200, json=found)
        if request.method == "POST":
            self._next += 1
            obj = {**json.loads(request.content), "id": f"w-{self._next}"}
            self.objects[obj["id"]] = obj
            return httpx.Response(200, json=obj)
        id_ = path.rsplit("/", 1)[-1]
        if id_ not in self.objects:
            return httpx.Response(404, json={"detail": "not found"})
        if request.method == "PUT":
            self.objects[id_] = {**json.loads(request.content), "id": id_}
        else:
            del self.objects[id_]
        return httpx.Response(200, json={})


@pytest.fixture
def widgets() -> Widgets:
    return Widgets()


@pytest.fixture
def lc(widgets: Widgets) -> Iterator[WidgetLifecycle]:
    runtime = Runtime()
    runtime.transport = httpx.MockTransport(widgets)
    runtime.configure({"wxo:url": URL, "wxo:token": "unit-token"}.get, {})
    client = runtime.client()
    # The one line a third resource adds to the client (api/client.py, ``WxoClient.__init__``).
    client.collections["widgets"] = Collection(client, "/widgets", kind="widget", plural="widgets")
    yield WidgetLifecycle(runtime)
    runtime.reset()


def test_a_widget_goes_through_every_step_with_the_engine_alone(
    lc: WidgetLifecycle, widgets: Widgets
) -> None:
    checked = lc.check({}, {"name": "w", "size": 1, "adopt": False})
    assert checked.failures == [] and checked.inputs == {"name": "w", "size": 1}  # adopt=False not stored

    previewed = lc.preview({}, checked.inputs)
    assert previewed["widget_id"] is UNKNOWN and previewed["instance"] is UNKNOWN
    assert previewed["display_name"] == "w" and previewed["provider_version"] == __version__

    created = lc.create(checked.inputs)
    assert created.id == "w-1" and widgets.requests == ["GET /widgets", "POST /widgets"]
    outs = created.outputs
    assert outs == {
        "name": "w",
        "display_name": "w",
        "size": 1,
        "adopt": False,
        "widget_id": "w-1",
        "instance": HERE,
        "provider_version": __version__,
    }

    assert lc.diff(outs, {"name": "w", "size": 1}).changed == []
    edit = lc.diff(outs, {"name": "w", "size": 2})
    assert (edit.changed, edit.replaces) == (["size"], [])
    assert lc.diff(outs, {"name": "w2", "size": 1}).replaces == ["name"]
    assert lc.preview(outs, {"name": "w", "size": 2})["widget_id"] == "w-1"  # kept across an update

    updated = lc.update("w-1", outs, {"name": "w", "size": 2})
    assert updated["size"] == 2 and widgets.objects["w-1"]["size"] == 2
    assert widgets.requests[-1] == "GET /widgets"  # the read after the PUT (the engine's default)

    read = lc.read("w-1", updated)
    assert read.id == "w-1" and read.outputs == updated
    assert read.inputs == {"name": "w", "size": 2}  # display_name is the name's default: left out

    lc.delete("w-1", updated)
    assert widgets.objects == {} and "DELETE /widgets/w-1" in widgets.requests
    assert lc.read("w-1", updated).id is None  # gone: the host drops it


def test_a_taken_name_is_refused_at_check_and_create_unless_adopted(
    lc: WidgetLifecycle, widgets: Widgets
) -> None:
    widgets.objects["w-9"] = {"id": "w-9", "name": "w", "display_name": "w", "size": None}
    [fail] = lc.check({}, {"name": "w"}).failures
    assert fail.path == "name" and "a widget named 'w' already exists on the server (id w-9)" in fail.reason
    with pytest.raises(ModelExistsError, match="create widget 'w'"):
        lc.create({"name": "w"})
    assert lc.check({}, {"name": "w", "adopt": True}).failures == []
    adopted = lc.create({"name": "w", "size": 3, "adopt": True})
    assert adopted.id == "w-9" and widgets.objects["w-9"]["size"] == 3 and adopted.outputs["adopt"] is True


def test_check_refuses_unknown_inputs_bad_controls_and_invalid_fields(lc: WidgetLifecycle) -> None:
    got = {
        f.path: f.reason
        for f in lc.check({}, {"name": "w", "adopt": "yes", "colour": 1, "size": "x"}).failures
    }
    assert got["colour"] == "unknown input"
    assert got["adopt"] == "must be true or false"
    assert got["size"].startswith("Input should be a valid integer")


def test_a_stack_pointed_at_another_instance_is_refused_or_moved(
    lc: WidgetLifecycle, widgets: Widgets
) -> None:
    olds = {"name": "w", "display_name": "w", "size": None, "widget_id": "w-1", "instance": ELSEWHERE}
    with pytest.raises(
        InstanceMismatchError, match=r"diff widget 'w': it was created on https://other\.example"
    ):
        lc.diff(olds, {"name": "w"})
    lc.runtime.placement = type(lc.runtime.placement)(move=True)
    moved = lc.diff(olds, {"name": "w"})
    assert (moved.changed, moved.replaces) == (["instance"], ["instance"])
    with pytest.raises(
        WxoError, match="refresh widget 'w': wxo:moveInstance is set and the widget is recorded"
    ):
        lc.read("w-1", olds)
    lc.delete("w-1", olds)  # the old copy is left where it is
    assert widgets.requests == []


def test_the_object_at_a_state_id_must_be_the_recorded_one(lc: WidgetLifecycle, widgets: Widgets) -> None:
    widgets.objects["w-1"] = {"id": "w-1", "name": "someone-else", "display_name": "x", "size": None}
    olds = {"name": "w", "display_name": "w", "size": None, "widget_id": "w-1", "instance": HERE}
    for step in (lambda: lc.read("w-1", olds), lambda: lc.delete("w-1", olds)):
        with pytest.raises(ForeignObjectError, match="the state records widget id w-1 as 'w'"):
            step()
    assert widgets.objects["w-1"]["name"] == "someone-else"


def test_an_update_of_a_widget_deleted_outside_pulumi_says_how_to_recover(lc: WidgetLifecycle) -> None:
    olds = {"name": "w", "display_name": "w", "size": None, "widget_id": "w-1", "instance": HERE}
    with pytest.raises(NotFoundError, match=r"the widget \(id w-1\) was deleted outside Pulumi"):
        lc.update("w-1", olds, {"name": "w", "size": 2})


def test_the_plugin_serves_each_declaration_by_its_type_token(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [cls.resource.name for cls in LIFECYCLES] == [MODEL.name, POLICY.name, CONNECTION.name]
    assert set(BY_TOKEN) == {MODEL.native_token, POLICY.native_token, CONNECTION.native_token}
    monkeypatch.setitem(BY_TOKEN, WIDGET.native_token, WidgetLifecycle)
    runtime = Runtime()
    core = WxoProvider(runtime, workers=1)._core("urn:pulumi:dev::proj::wxo:index:Widget::w")
    assert isinstance(core, WidgetLifecycle) and core.runtime is runtime

"""lifecycle.snapshot: one list request serves many questions, bounded in age, our writes seen at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pulumi_wxo.lifecycle.snapshot import Snapshot

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Server:
    def __init__(self, objects: list[Any]) -> None:
        self.objects = objects
        self.lists = 0

    def fetch(self) -> list[dict[str, Any]]:
        self.lists += 1
        return [dict(o) if isinstance(o, dict) else o for o in self.objects]


def test_many_questions_one_list_request_until_max_age() -> None:
    clock, server = Clock(), Server([{"id": "a", "name": "m1"}, {"id": "b", "name": "m2"}])
    snap = Snapshot(server.fetch, max_age=30, clock=clock)
    assert [o["id"] for o in snap.by_name("m1")] == ["a"]
    assert snap.by_id("b") == {"id": "b", "name": "m2"}
    assert snap.by_id("zz") is None
    clock.now += 30
    assert snap.by_name("m2")
    assert server.lists == 1 and snap.fetches == 1
    clock.now += 0.001  # older than max_age: asked again
    server.objects.append({"id": "c", "name": "m1"})
    assert sorted(o["id"] for o in snap.by_name("m1")) == ["a", "c"]
    assert server.lists == 2


def test_own_writes_are_seen_without_a_new_request() -> None:
    clock, server = Clock(), Server([{"id": "a", "name": "m1"}])
    snap = Snapshot(server.fetch, max_age=30, clock=clock)
    snap.objects()
    snap.put({"id": "n", "name": "new"})
    snap.put({"id": "a", "name": "m1", "display_name": "edited"})
    assert snap.by_name("new") == [{"id": "n", "name": "new"}]
    assert snap.by_id("a") == {"id": "a", "name": "m1", "display_name": "edited"}
    snap.remove("a")
    assert snap.by_id("a") is None
    snap.put({"name": "no id"})  # ignored: nothing to key it by
    assert server.lists == 1


def test_writes_before_the_first_fetch_are_not_invented() -> None:
    server = Server([{"id": "a", "name": "m1"}])
    snap = Snapshot(server.fetch, max_age=30, clock=Clock())
    snap.put({"id": "n", "name": "new"})  # no view yet: the fetch will show the server's truth
    assert [o["id"] for o in snap.objects()] == ["a"]


def test_invalidate_forces_a_new_request_and_objects_without_an_id_are_kept_unkeyed() -> None:
    server = Server([{"id": "a", "name": "m1"}, {"name": "no id"}, {"id": 5, "name": "int id"}, "junk"])
    snap = Snapshot(server.fetch, max_age=30, clock=Clock())
    assert [o.get("id") for o in snap.objects()] == ["a", None, 5]
    assert snap.by_name("no id") == [{"name": "no id"}]  # the name is taken: a caller must see it
    assert snap.by_id("5") is None
    snap.invalidate()
    snap.objects()
    assert server.lists == 2


def test_a_failed_fetch_is_raised_and_the_next_call_tries_again() -> None:
    calls = {"n": 0}

    def flaky() -> list[dict[str, Any]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("server down")
        return [{"id": "a", "name": "m1"}]

    snap = Snapshot(flaky, max_age=30, clock=Clock())
    with pytest.raises(RuntimeError, match="server down"):
        snap.objects()
    assert snap.by_id("a") is not None
    assert calls["n"] == 2


def test_concurrent_callers_share_one_fetch_in_flight() -> None:
    release = threading.Event()
    started = threading.Event()
    server = Server([{"id": "a", "name": "m1"}])

    def slow() -> list[dict[str, Any]]:
        started.set()
        assert release.wait(5)
        return server.fetch()

    snap = Snapshot(slow, max_age=30, clock=Clock())
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(len(snap.objects()))) for _ in range(8)]
    for t in threads:
        t.start()
    assert started.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert results == [1] * 8
    assert server.lists == 1

"""lifecycle.create: the transactional create, on a scripted fake server (no sockets).

A clean POST asks nothing else; a POST that may have reached the server is never sent again
before the object is looked up by name, and the owner tag's nonce tells ours from another
process's (docs/dev/lifecycle.md). Through the emulator: tests/emulator/test_create_race.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.api.errors import (
    ApiError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    WxoError,
)
from pulumi_wxo.errors import ModelExistsError
from pulumi_wxo.lifecycle import Runtime
from pulumi_wxo.lifecycle.create import (
    FIND_AFTER_CREATE,
    ConcurrentCreateError,
    create_by_name,
    id_from_response,
)
from pulumi_wxo.lifecycle.ownership import OwnerTag

pytestmark = pytest.mark.unit

NAME = "virtual-model/openai/gpt-4o"
OURS = OwnerTag("0123456789abcdef", "0a0b0c0d")
THEIRS = OwnerTag("0123456789abcdef", "f0f0f0f0")  # the same stack, another process's POST
PATH = "/v1/orchestrate/models"
BODY: dict[str, Any] = {"name": NAME, "tags": [str(OURS)]}


def model(id_: str, tag: OwnerTag | None = OURS) -> dict[str, Any]:
    return {"id": id_, "name": NAME, "tags": [str(tag)] if tag else []}


def lost(*, reached: bool = True) -> TransportError:
    return TransportError(method="POST", path=PATH, reason="timed out", may_have_reached_server=reached)


def answered(status: int) -> ApiError:
    return ApiError(status=status, method="POST", path=PATH, detail="gateway says no")


class Server:
    """One name on a fake server. Each POST takes the next scripted step: the object it stores
    (or None) and what the caller sees (an answer, or an exception raised after storing)."""

    kind = "model"

    def __init__(
        self, *steps: tuple[dict[str, Any] | None, Any], objects: list[dict[str, Any]] | None = None
    ):
        self.steps = list(steps)
        self.objects = list(objects or [])
        self.posts = 0
        self.finds = 0
        self.removed: list[str] = []

    def create(self, body: dict[str, Any]) -> Any:
        assert body == BODY
        self.posts += 1
        stored, outcome = self.steps.pop(0)
        if stored is not None:
            self.objects.append(stored)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def find(self, name: str) -> list[dict[str, Any]]:
        assert name == NAME
        self.finds += 1
        return [dict(o) for o in self.objects]

    def delete(self, object_id: str, *, name: str | None = None) -> bool:
        assert name == NAME
        self.removed.append(object_id)
        self.objects = [o for o in self.objects if o["id"] != object_id]
        return True


def create(server: Server, runtime: Runtime, *, tagged: bool = True) -> tuple[str, dict[str, Any] | None]:
    return create_by_name(server, BODY, name=NAME, runtime=runtime, tag=OURS if tagged else None)


# --------------------------------------------------------------------------- a clean POST


def test_a_clean_post_is_one_request_and_returns_the_answered_object(runtime: Runtime) -> None:
    server = Server((model("m-1"), model("m-1")))
    assert create(server, runtime) == ("m-1", model("m-1"))
    assert (server.posts, server.finds, runtime.sleep) == (1, 0, [])


def test_a_bare_id_answer_is_taken_without_a_lookup(runtime: Runtime) -> None:
    server = Server((model("m-1"), '"m-1"'))
    assert create(server, runtime) == ("m-1", None)
    assert server.finds == 0


def test_an_answer_for_another_name_keeps_the_id_but_not_the_object(runtime: Runtime) -> None:
    server = Server((model("m-1"), {"id": "m-1", "name": "someone-else"}))
    assert create(server, runtime) == ("m-1", None)


@pytest.mark.parametrize("answer", [None, {}, "", {"id": "../m-1"}, {"id": "a/b"}, {"id": 7}])
def test_an_answer_without_a_usable_id_is_found_by_name(runtime: Runtime, answer: Any) -> None:
    server = Server((model("m-1"), answer))
    assert create(server, runtime) == ("m-1", model("m-1"))
    assert (server.posts, server.finds) == (1, 1)


def test_an_object_indexed_late_is_looked_up_again_after_a_wait(runtime: Runtime) -> None:
    server = Server((None, None))
    finds = iter([[], [], [model("m-1")]])
    server.find = lambda _name: next(finds)  # type: ignore[method-assign]
    assert create(server, runtime)[0] == "m-1"
    assert len(runtime.sleep) == 2  # type: ignore[arg-type]


def test_an_accepted_post_never_found_fails_naming_the_object_and_refresh(runtime: Runtime) -> None:
    server = Server((None, None))
    with pytest.raises(WxoError, match=f"create model '{NAME}'.*cannot be found by name.*pulumi refresh"):
        create(server, runtime)
    assert (server.posts, server.finds) == (1, FIND_AFTER_CREATE.max_attempts)
    assert len(runtime.sleep) == FIND_AFTER_CREATE.max_attempts - 1  # type: ignore[arg-type]


# --------------------------------------------------------------------------- an ambiguous POST


@pytest.mark.parametrize("failure", [lost(), answered(503), answered(502)], ids=["timeout", "503", "502"])
def test_an_applied_post_whose_answer_was_lost_is_found_by_name_and_nonce(
    runtime: Runtime, failure: WxoError
) -> None:
    server = Server((model("m-1"), failure))
    assert create(server, runtime) == ("m-1", model("m-1"))
    assert (server.posts, server.finds, server.removed) == (1, 1, [])  # never POSTed again


def test_retries_exhausted_counts_as_ambiguous(runtime: Runtime) -> None:
    exhausted = RetriesExhaustedError(method="POST", path=PATH, attempts=3, elapsed=1.0, last=answered(503))
    server = Server((model("m-1"), exhausted))
    assert create(server, runtime)[0] == "m-1"
    assert server.posts == 1


def test_a_post_that_failed_before_reaching_the_server_is_sent_again(runtime: Runtime) -> None:
    server = Server((None, lost(reached=False)), (model("m-2"), model("m-2")))
    assert create(server, runtime) == ("m-2", model("m-2"))
    assert (server.posts, server.finds, len(runtime.sleep)) == (2, 1, 1)  # type: ignore[arg-type]


def test_ambiguous_failures_stop_after_the_create_policy_and_raise_the_last(runtime: Runtime) -> None:
    failures = [(None, answered(503)) for _ in range(5)]
    server = Server(*failures)
    with pytest.raises(ApiError) as info:
        create(server, runtime)
    assert info.value.status == 503
    assert server.posts == 5 and server.finds == 4  # no lookup after the last: nothing to wait for


@pytest.mark.parametrize(
    "failure",
    [
        answered(400),
        answered(401),
        QuotaExceededError(status=429, method="POST", path=PATH, detail="quota"),
    ],
    ids=["400", "401", "quota"],
)
def test_a_refusal_is_raised_at_once_without_a_lookup(runtime: Runtime, failure: WxoError) -> None:
    server = Server((None, failure))
    with pytest.raises(type(failure)):
        create(server, runtime)
    assert (server.posts, server.finds, runtime.sleep) == (1, 0, [])


# --------------------------------------------------------------------------- duplicates after a race


def test_our_post_applied_twice_keeps_the_first_and_removes_the_copy(runtime: Runtime) -> None:
    server = Server((None, None), objects=[model("m-1"), model("m-2")])
    assert create(server, runtime) == ("m-1", model("m-1"))
    assert server.removed == ["m-2"]


def test_a_race_removes_our_copy_and_leaves_the_other_process_s_object(runtime: Runtime) -> None:
    server = Server((model("m-1"), lost()), objects=[model("m-0", THEIRS)])
    with pytest.raises(ConcurrentCreateError) as info:
        create(server, runtime)
    assert server.removed == ["m-1"]
    assert [o["id"] for o in server.objects] == ["m-0"]
    text = str(info.value)
    assert "id m-0" in text and "the copy this run made was deleted" in text and "adopt=True" in text


def test_a_race_where_only_the_other_process_s_object_exists_removes_nothing(runtime: Runtime) -> None:
    server = Server((None, None), objects=[model("m-0", THEIRS)])
    with pytest.raises(ConcurrentCreateError) as info:
        create(server, runtime)
    assert server.removed == [] and "deleted" not in str(info.value)


def test_without_tags_a_single_object_is_ours(runtime: Runtime) -> None:
    server = Server((model("m-1", None), None))
    assert create(server, runtime, tagged=False)[0] == "m-1"


def test_without_tags_two_objects_are_duplicates_named_by_id(runtime: Runtime) -> None:
    server = Server((model("m-1", None), None), objects=[model("m-0", None)])
    with pytest.raises(ModelExistsError) as info:
        create(server, runtime)
    assert info.value.ids == ["m-0", "m-1"] and info.value.duplicates
    assert server.removed == []


# --------------------------------------------------------------------------- id_from_response


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"id": "m-1"}, "m-1"),
        ('"m-1"', "m-1"),
        ("  m-1 \n", "m-1"),
        ({"id": ".."}, None),
        ("a/b", None),
        ("x" * 10_000, None),
        ({"model_id": "m-1"}, None),
        ([{"id": "m-1"}], None),
    ],
)
def test_id_from_response_takes_only_what_could_be_an_id(response: Any, expected: str | None) -> None:
    assert id_from_response(response) == expected

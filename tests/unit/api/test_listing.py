"""When a 404 stands for "none" (api/listing.py, api-contract §8): the client over MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import ApiError, NotFoundError
from pulumi_wxo.api.listing import foreign_404
from tests.support.fakes import NAME, Api, make_client

pytestmark = pytest.mark.unit

PREFIX = "/instances/inst-1/v1/orchestrate"
KINDS = [
    pytest.param("model", "/models", id="models"),
    pytest.param("policy", "/model_policy", id="policies"),
]
PAGE = b"<!DOCTYPE html><html><body><h1>Down for maintenance</h1></body></html>"


def html_404() -> httpx.Response:
    return httpx.Response(404, headers={"content-type": "text/html"}, content=PAGE)


def call(client: WxoClient, verb: str, kind: str) -> Callable[..., Any]:
    plural = {"model": "models", "policy": "policies"}[kind]
    names = {"list": f"list_{plural}", "find": f"find_{plural}"}
    return getattr(client, names.get(verb, f"{verb}_{kind}"))  # type: ignore[no-any-return]


def refused(api: Api, verb: str, kind: str, *args: Any, **kw: Any) -> ApiError:
    """The ApiError of ``verb`` on ``kind`` (``call``) when the server answers as ``api`` does."""
    client, _ = make_client(api)
    with pytest.raises(ApiError) as info:
        call(client, verb, kind)(*args, **kw)
    return info.value


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (html_404(), "an HTML page"),
        (httpx.Response(404, content=b"  <html>no type</html>"), "an HTML page"),
        (httpx.Response(404, content=b""), "an empty body"),
        (httpx.Response(404, content=b"Not Found"), "a body that is not JSON"),
        (httpx.Response(404, json={"error": "not found"}), "JSON dict without 'detail'"),
        (httpx.Response(404, json="gone"), "JSON str without 'detail'"),
        (httpx.Response(404, json={"detail": "No models found"}), None),
        (httpx.Response(404, json=[]), None),
    ],
)
def test_which_404_is_the_apis(response: httpx.Response, problem: str | None) -> None:
    assert foreign_404(response) == problem


@pytest.mark.parametrize(("kind", "collection"), KINDS)
@pytest.mark.parametrize("verb", ["list", "find", "get", "delete"])
def test_an_html_404_is_a_failure_never_none(kind: str, collection: str, verb: str) -> None:
    api = Api(html_404())
    args = ("abc",) if verb in ("get", "delete") else ((NAME,) if verb == "find" else ())
    error = refused(api, verb, kind, *args)
    assert not isinstance(error, NotFoundError)  # a caller must not read it as "gone"
    message = str(error)
    assert "HTTP 404: the answer is an HTML page, not the API's" in message
    assert "nothing was changed in the state; check wxo:url and wxo:basePath" in message
    assert "maintenance" in message and "DOCTYPE" not in message
    assert len(api.requests) == 1  # the first foreign answer stops the call


def test_an_html_404_on_the_catalogue_is_a_failure() -> None:
    client, _ = make_client(Api(html_404()))
    with pytest.raises(ApiError, match=r"^list the model catalog: HTTP 404: the answer is an HTML page"):
        client.catalog()


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_404_with_an_array_body_has_the_collections_shape(kind: str, collection: str) -> None:
    client, _ = make_client(Api(httpx.Response(404, json=[{"id": "1", "name": NAME}])))
    assert call(client, "list", kind)() == [{"id": "1", "name": NAME}]


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_read_is_gone_only_when_the_whole_collection_answers(kind: str, collection: str) -> None:
    api = Api(httpx.Response(404, json={"detail": "Not Found"}))
    error = refused(api, "get", kind, "abc", name=NAME)
    assert not isinstance(error, NotFoundError)
    message = str(error)
    assert message.startswith(
        f"read {kind} '{NAME}': HTTP 404: GET {PREFIX}{collection}?id=abc answered 404, and so did the "
        f"whole collection (GET {PREFIX}{collection})"
    )
    assert "`pulumi state delete <urn>`" in message
    assert [r.url.params.multi_items() for r in api.requests] == [[("id", "abc")], []]


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_filter_404_with_the_object_in_the_collection_returns_it(kind: str, collection: str) -> None:
    listed = httpx.Response(200, json=[{"id": "abc", "name": "n"}])
    api = Api(httpx.Response(404, json={"detail": "x"}), listed)
    client, _ = make_client(api)
    assert call(client, "get", kind)("abc") == {"id": "abc", "name": "n"}


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_200_empty_filter_needs_no_check(kind: str, collection: str) -> None:
    api = Api(httpx.Response(200, json=[]))
    client, _ = make_client(api)
    assert call(client, "get", kind)("abc") is None
    assert len(api.requests) == 1


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_delete_404_while_the_object_is_listed_is_a_failure(kind: str, collection: str) -> None:
    api = Api(httpx.Response(404, json={"detail": "Not Found"}), httpx.Response(200, json=[{"id": "abc"}]))
    assert str(refused(api, "delete", kind, "abc", name=NAME)).startswith(
        f"delete {kind} '{NAME}': HTTP 404: the server answered 404, but still lists the object; "
        "nothing was changed in the state"
    )


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_a_delete_404_with_every_list_404_is_a_failure(kind: str, collection: str) -> None:
    api = Api(httpx.Response(404, json={"detail": "Not Found"}))
    assert str(refused(api, "delete", kind, "abc", name=NAME)).startswith(
        f"delete {kind} '{NAME}': HTTP 404: DELETE {PREFIX}{collection}/abc answered 404, and so did the "
        "whole collection"
    )
    assert [(r.method, r.url.params.multi_items()) for r in api.requests] == [
        ("DELETE", []),
        ("GET", [("id", "abc")]),
        ("GET", []),
    ]

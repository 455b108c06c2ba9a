"""WxoClient over MockTransport: paths, queries, bodies, errors, logging, secrets, threads.

Retries are in test_client_retries.py.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.client import WxoClient, register_body_secrets
from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    QuotaExceededError,
    ValidationFailedError,
    WxoError,
)
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.fakes import LOCAL, MODELS, NAME, REMOTE, TOKEN, Api, FakeClock, MaxRng, make_client

pytestmark = pytest.mark.unit


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


BASES = [
    pytest.param(REMOTE, "/instances/inst-1/v1/orchestrate", id="remote"),
    pytest.param(LOCAL, "/v1", id="local"),
]
KINDS = [
    pytest.param("model", "/models", id="models"),
    pytest.param("policy", "/model_policy", id="policies"),
]


def method(client: WxoClient, verb: str, kind: str) -> Callable[..., Any]:
    plural = {"model": "models", "policy": "policies"}[kind]
    names = {"list": f"list_{plural}", "find": f"find_{plural}"}
    return getattr(client, names.get(verb, f"{verb}_{kind}"))  # type: ignore[no-any-return]


# ------------------------------------------------------------------ paths, queries, bodies


def test_base_url() -> None:
    assert make_client(Api())[0].base_url == f"{REMOTE}/v1/orchestrate"
    assert make_client(Api(), url=LOCAL)[0].base_url == f"{LOCAL}/v1"
    assert make_client(Api(), url=REMOTE, base_path="/api/v1")[0].base_url == f"{REMOTE}/api/v1"


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_list_sends_repeatable_filters(url: str, prefix: str, kind: str, collection: str) -> None:
    api = Api(httpx.Response(200, json=[{"id": "1", "name": "a/b"}, "junk", {"id": "2", "name": "c"}]))
    client, _ = make_client(api, url=url)
    items = method(client, "list", kind)(names=["a/b", "c"], ids=["1"], display_name=["D x"])
    assert items == [{"id": "1", "name": "a/b"}, {"id": "2", "name": "c"}]
    request = api.request
    assert (request.method, request.url.path) == ("GET", prefix + collection)
    assert request.url.params.multi_items() == [
        ("name", "a/b"),
        ("name", "c"),
        ("id", "1"),
        ("display_name", "D x"),
    ]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Accept"] == "application/json"


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_list_without_filters(url: str, prefix: str, kind: str, collection: str) -> None:
    api = Api(httpx.Response(200, json=[]))
    client, _ = make_client(api, url=url)
    assert method(client, "list", kind)() == []
    assert (api.request.url.path, api.request.url.query) == (prefix + collection, b"")
    assert str(api.request.url).startswith(url)


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_find_keeps_exact_name_matches(url: str, prefix: str, kind: str, collection: str) -> None:
    # The server may ignore or loosen the filter: only exact names come back.
    api = Api(
        httpx.Response(
            200, json=[{"id": "1", "name": NAME}, {"id": "2", "name": NAME + "-mini"}, {"id": "3"}]
        )
    )
    client, _ = make_client(api, url=url)
    assert method(client, "find", kind)(NAME) == [{"id": "1", "name": NAME}]
    assert api.request.url.path == prefix + collection
    assert api.request.url.params.multi_items() == [("name", NAME)]


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_get_keeps_exact_id_match(url: str, prefix: str, kind: str, collection: str) -> None:
    api = Api(httpx.Response(200, json=[{"id": "abc-1", "name": "x"}, {"id": "abc", "name": NAME}]))
    client, _ = make_client(api, url=url)
    assert method(client, "get", kind)("abc") == {"id": "abc", "name": NAME}
    assert api.request.url.path == prefix + collection
    assert api.request.url.params.multi_items() == [("id", "abc")]


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_get_absent_is_none(kind: str, collection: str) -> None:
    client, _ = make_client(Api(httpx.Response(200, json=[{"id": "other"}])))
    assert method(client, "get", kind)("abc") is None
    # A 404 on the filtered read is checked against the whole collection (test_listing.py).
    api = Api(httpx.Response(404, json={"detail": "Not Found"}), httpx.Response(200, json=[{"id": "other"}]))
    client, _ = make_client(api)
    assert method(client, "get", kind)("abc", name=NAME) is None
    assert [r.url.params.multi_items() for r in api.requests] == [[("id", "abc")], []]


@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_404_on_a_list_is_empty(kind: str, collection: str) -> None:
    # api-contract §8: the ADK maps 404 on list/filter GETs to [].
    api = Api(httpx.Response(404, json={"detail": "Not Found"}))
    client, _ = make_client(api)
    assert method(client, "list", kind)() == []
    assert method(client, "find", kind)(NAME) == []
    assert len(api.requests) == 2


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_create_posts_the_body(url: str, prefix: str, kind: str, collection: str) -> None:
    body = {
        "name": NAME,
        "display_name": "GPT-4o",
        "provider_config": {"custom_host": "https://h"},
        "tags": [],
    }
    api = Api(httpx.Response(201, json={"id": "new-1", "name": NAME}))
    client, _ = make_client(api, url=url)
    assert method(client, "create", kind)(body) == {"id": "new-1", "name": NAME}
    request = api.request
    assert (request.method, request.url.path, request.url.query) == ("POST", prefix + collection, b"")
    assert request.headers["Content-Type"] == "application/json"
    assert body_of(request) == body


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(201, json="3c90c3cc-0d44"), "3c90c3cc-0d44"),
        (httpx.Response(200, content=b""), None),
        (httpx.Response(204), None),
        (httpx.Response(200, text="3c90c3cc-0d44\n"), "3c90c3cc-0d44"),
        (httpx.Response(200, json={}), {}),
    ],
)
def test_create_returns_whatever_came_back(response: httpx.Response, expected: Any) -> None:
    client, _ = make_client(Api(response))
    assert client.create_model({"name": NAME}) == expected


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_update_puts_the_full_body(url: str, prefix: str, kind: str, collection: str) -> None:
    body = {"name": NAME, "description": "d", "model_type": "chat"}
    api = Api(httpx.Response(200, json={"ok": True}))
    client, _ = make_client(api, url=url)
    assert method(client, "update", kind)("id 1?#%", body) is None
    request = api.request
    assert request.method == "PUT"
    assert request.url.raw_path == f"{prefix}{collection}/id%201%3F%23%25".encode()  # one path segment
    assert body_of(request) == body


@pytest.mark.parametrize(("url", "prefix"), BASES)
@pytest.mark.parametrize(("kind", "collection"), KINDS)
def test_delete(url: str, prefix: str, kind: str, collection: str) -> None:
    api = Api(
        httpx.Response(200, content=b""),
        httpx.Response(404, json={"detail": "Model not found"}),
        httpx.Response(200, json=[]),
    )
    client, _ = make_client(api, url=url)
    assert method(client, "delete", kind)("m-1", name=NAME) is True
    assert method(client, "delete", kind)("m-1") is False  # already gone: the read by id agrees
    assert [(r.method, r.url.path, r.content) for r in api.requests] == [
        ("DELETE", f"{prefix}{collection}/m-1", b""),
        ("DELETE", f"{prefix}{collection}/m-1", b""),
        ("GET", f"{prefix}{collection}", b""),
    ]


@pytest.mark.parametrize(("url", "prefix"), BASES)
def test_catalog(url: str, prefix: str) -> None:
    resources = [
        {"id": "watsonx/meta-llama/llama-3", "tags": ["default"]},
        {"id": NAME, "tags": ["third party"]},
    ]
    api = Api(
        httpx.Response(200, json={"resources": resources}), httpx.Response(404, json={"detail": "Not Found"})
    )
    client, _ = make_client(api, url=url)
    assert client.catalog() == resources
    assert client.catalog() == []
    assert api.requests[0].url.path == f"{prefix}/models/list"


def test_list_answer_that_is_not_an_array() -> None:
    client, _ = make_client(Api(httpx.Response(200, json={"items": []})))
    with pytest.raises(ApiError) as info:
        client.list_models()
    assert str(info.value) == "list models: HTTP 200: expected a JSON array, got dict"
    client, _ = make_client(Api(httpx.Response(200, text="<html>oops</html>")))
    with pytest.raises(ApiError) as info:
        client.list_models()
    assert info.value.detail == "expected a JSON body, got: <html>oops</html>"


# ------------------------------------------------------------------ errors


def test_422_names_the_field_and_never_the_input() -> None:
    secret = "client-422-echo-SECRET"
    detail = [
        {
            "loc": ["body", "provider_config", "foo"],
            "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden",
            "input": secret,
        }
    ]
    api = Api(httpx.Response(422, json={"detail": detail}))
    client, _ = make_client(api)
    with pytest.raises(ValidationFailedError) as info:
        client.create_model({"name": NAME, "provider_config": {"foo": secret}})
    err = info.value
    assert (err.status, err.method, err.path) == (422, "POST", MODELS)
    assert err.detail == "provider_config.foo: Extra inputs are not permitted"
    assert str(err) == f"create model '{NAME}': HTTP 422: provider_config.foo: Extra inputs are not permitted"
    assert secret not in str(err) + repr(err)
    assert len(api.requests) == 1


def test_409_conflict() -> None:
    client, _ = make_client(Api(httpx.Response(409, json={"detail": f"Model {NAME} already exists"})))
    with pytest.raises(ConflictError) as info:
        client.create_model({"name": NAME})
    assert info.value.status == 409
    assert str(info.value) == (
        f"create model '{NAME}': HTTP 409: Model {NAME} already exists; "
        "an object with this name may already exist: adopt it or choose another name"
    )


def test_404_on_the_collection_points_at_the_base_path() -> None:
    client, _ = make_client(Api(httpx.Response(404, json={"detail": "Not Found"})))
    with pytest.raises(NotFoundError) as info:
        client.create_model({"name": NAME})
    assert str(info.value) == f"create model '{NAME}': HTTP 404: Not Found; check wxo:url and wxo:basePath"


def test_404_on_update_suggests_refresh() -> None:
    client, _ = make_client(Api(httpx.Response(404, json={"detail": "Model not found"})))
    with pytest.raises(NotFoundError) as info:
        client.update_model("m-1", {"name": NAME})
    assert info.value.path == f"{MODELS}/m-1"
    assert str(info.value) == (
        f"update model '{NAME}': HTTP 404: Model not found; "
        "it may have been deleted outside Pulumi; run `pulumi refresh`"
    )
    client, _ = make_client(Api(httpx.Response(404, json={"detail": "Policy not found"})))
    with pytest.raises(NotFoundError) as info:
        client.update_policy("p-1", {"description": "d"}, name="virtual-policy/x")
    assert str(info.value).startswith("update policy 'virtual-policy/x': HTTP 404: Policy not found")


@pytest.mark.parametrize("verb", ["GET", "POST", "PUT", "DELETE"])
def test_quota_fails_fast_for_every_method(verb: str) -> None:
    quota = httpx.Response(
        429, json={"detail": {"code": "RESOURCE_QUOTA_EXCEEDED", "message": "Model limit reached"}}
    )
    api = Api(quota, httpx.Response(200, json=[]))
    client, clock = make_client(api)
    call: Callable[[], object] = {
        "GET": client.list_models,
        "POST": lambda: client.create_model({"name": NAME}),
        "PUT": lambda: client.update_model("m-1", {"name": NAME}),
        "DELETE": lambda: client.delete_model("m-1", name=NAME),
    }[verb]
    with pytest.raises(QuotaExceededError) as info:
        call()
    assert info.value.status == 429
    assert str(info.value).endswith(
        "HTTP 429: Model limit reached (RESOURCE_QUOTA_EXCEEDED); delete unused models or raise the quota"
    )
    assert len(api.requests) == 1
    assert clock.sleeps == []


def test_forbidden_is_a_plain_api_error() -> None:
    client, _ = make_client(Api(httpx.Response(403, json={"detail": "Forbidden"})))
    with pytest.raises(ApiError) as info:
        client.list_models()
    assert type(info.value) is ApiError
    assert str(info.value) == (
        "list models: HTTP 403: Forbidden; check that the credentials may manage models on this instance"
    )


def test_non_json_error_body_is_cut() -> None:
    page = "<html><body>" + "Service Unavailable " * 30 + "</body></html>"
    client, _ = make_client(Api(httpx.Response(500, text=page)))
    with pytest.raises(ApiError) as info:
        client.create_model({"name": NAME})
    assert info.value.detail == page[:197] + "..."
    assert len(info.value.detail) == 200


def test_auth_error_carries_the_action() -> None:
    client, _ = make_client(Api(httpx.Response(401, json={"detail": "token expired"})))
    with pytest.raises(AuthError) as info:
        client.delete_model("m-1", name=NAME)
    assert str(info.value).startswith(
        f"delete model '{NAME}': the API rejected wxo:token (HTTP 401: token expired)"
    )
    assert info.value.status == 401


# ------------------------------------------------------------------ logging


def test_logging_per_request_and_per_retry(caplog: pytest.LogCaptureFixture) -> None:
    api = Api(httpx.Response(503), httpx.Response(200, json=[]))
    client, _ = make_client(api, rng=MaxRng())
    with caplog.at_level(logging.DEBUG, logger="pulumi_wxo"):
        client.list_models()
    # levelno, not levelname: the ADK (imported by the conformance tests) renames levels.
    ours = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "pulumi_wxo"]
    assert ours == [
        (logging.DEBUG, f"GET {MODELS} -> 503 in 0.00s (attempt 1)"),
        (logging.WARNING, f"retrying GET {MODELS} after HTTP 503 in 0.5s (attempt 2 of 6)"),
        (logging.DEBUG, f"GET {MODELS} -> 200 in 0.00s (attempt 2)"),
    ]


# ------------------------------------------------------------------ secrets


def test_body_secrets_are_registered_recursively() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nclient-pk-LINE-3\n-----END PRIVATE KEY-----\n"
    register_body_secrets(
        {
            "name": NAME,
            "provider_config": {
                "api_key": "client-body-key-1",
                "vertex_service_account_json": {"private_key": pem, "client_id": "client-sa-id-2"},
                "awsSecretAccessKey": "client-aws-camel-4",
                "custom_host": "https://not-a-secret.example.com",
            },
        }
    )
    register_body_secrets({"vertexServiceAccountJson": json.dumps({"private_key_id": "client-json-str-5"})})
    text = f"{pem} client-body-key-1 client-sa-id-2 client-aws-camel-4 client-json-str-5 {json.dumps(pem)}"
    redacted = redact(text)
    for leaked in (
        "client-pk-LINE-3",
        "client-body-key-1",
        "client-sa-id-2",
        "client-aws-camel-4",
        "client-json-str-5",
    ):
        assert leaked not in redacted
    assert redact("https://not-a-secret.example.com") == "https://not-a-secret.example.com"
    assert redact(NAME) == NAME


def test_a_known_key_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-test-SECRET-1234"
    minted = "client-minted-token-SECRET-9"
    iam = "https://iam.cloud.ibm.com/identity/token"
    payload_key = "client-payload-SECRET-5678"
    phase = {"name": "ok"}

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == iam:
            if phase["name"] == "exchange-fails":
                return httpx.Response(400, json={"errorMessage": f"API key {key} not found", "apikey": key})
            return httpx.Response(200, json={"access_token": minted})
        match phase["name"]:
            case "422":
                detail = [{"loc": ["body", "provider_config", "api_key"], "msg": f"bad {key}", "input": key}]
                return httpx.Response(422, json={"detail": detail})
            case "500":
                return httpx.Response(
                    500, text=f"Traceback: apikey={key} token={minted} payload={payload_key}"
                )
            case "timeout":
                raise httpx.ReadTimeout(f"timed out sending {key}")
            case "401":
                return httpx.Response(401, json={"detail": f"token {minted} rejected"})
            case "503":
                return httpx.Response(503, json={"detail": f"overloaded while handling {key}"})
        if request.method == "GET":
            return httpx.Response(200, json=[{"id": "m-1", "name": NAME}])
        return httpx.Response(200, json={"id": "m-1", "echo": key})

    clock = FakeClock()
    settings = ConnectionSettings(url=REMOTE, api_key=key, max_retries=2)
    client = WxoClient(settings, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep)
    model = {"name": NAME, "provider_config": {"api_key": payload_key}}
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        client.list_models()
        client.create_model(model)
        client.update_model("m-1", model)
        client.delete_model("m-1", name=NAME)
        for name in ("422", "500", "timeout", "401", "503", "exchange-fails"):
            phase["name"] = name
            if name == "exchange-fails":
                client._auth.invalidate(minted)
            with pytest.raises(WxoError) as info:
                client.create_model(model) if name != "503" else client.list_models()
            errors.append(info.value)
    kinds = [type(e).__name__ for e in errors]
    assert kinds == [
        "ValidationFailedError",
        "ApiError",
        "TransportError",
        "AuthError",
        "RetriesExhaustedError",
        "AuthError",
    ]
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [str(e.__cause__) for e in errors if e.__cause__ is not None]
    texts += [str(getattr(e, "last", "")) for e in errors]
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    texts += [repr(settings), str(settings), repr(client), repr(client._auth), repr(settings.cache_key())]
    for text in texts:
        assert key not in text
        assert minted not in text
        assert payload_key not in text
    assert any("***" in t for t in texts)
    assert len([r for r in caplog.records if r.name == "pulumi_wxo"]) > 5
    client.close()


# ------------------------------------------------------------------ lifecycle and threads


def test_context_manager_closes() -> None:
    api = Api()
    with make_client(api)[0] as client:
        client.list_models()
        assert repr(client) == f"WxoClient(base_url='{REMOTE}/v1/orchestrate', auth='bearer')"
    with pytest.raises(RuntimeError):
        client.list_models()


def test_four_threads_share_one_client() -> None:
    api = Api(httpx.Response(200, json=[{"id": "1", "name": NAME}]))
    client, _ = make_client(api)
    results: list[list[dict[str, Any]]] = []

    def worker() -> None:
        for _ in range(25):
            results.append(client.find_models(NAME))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 100
    assert all(result == [{"id": "1", "name": NAME}] for result in results)
    assert len(api.requests) == 100

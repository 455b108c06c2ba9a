"""The error tree, its messages, render-time redaction and error-body parsing."""

from __future__ import annotations

import json

import pytest

from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    ConfigError,
    ConflictError,
    DeadlineExceededError,
    InvalidInputError,
    ModelExistsError,
    NotFoundError,
    QuotaExceededError,
    ResponseTooLargeError,
    RetriesExhaustedError,
    ServerObjectError,
    TransportError,
    ValidationFailedError,
    WxoError,
    credentials_hint,
    parse_detail,
)
from pulumi_wxo.api.redaction import register_secret

pytestmark = pytest.mark.unit


def test_tree_shape() -> None:
    for cls in (
        ConfigError,
        InvalidInputError,
        ModelExistsError,
        AuthError,
        TransportError,
        ApiError,
        RetriesExhaustedError,
    ):
        assert cls.__bases__ == (WxoError,)
    for cls in (ValidationFailedError, NotFoundError, ConflictError, QuotaExceededError):
        assert cls.__bases__ == (ApiError,)
    assert issubclass(WxoError, Exception)


MODELS = "/instances/i-1/v1/orchestrate/models"


def test_context_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        ApiError(500, "GET", MODELS, "boom")  # type: ignore[misc]
    with pytest.raises(TypeError):
        ConfigError("bad", "wxo:url")  # type: ignore[misc]


def test_api_error_message_uses_action_and_fields() -> None:
    err = ApiError(
        status=500,
        method="POST",
        path=MODELS,
        detail="Tool deployment failed",
        action="create model 'virtual-model/openai/gpt-4o'",
    )
    assert str(err) == "create model 'virtual-model/openai/gpt-4o': HTTP 500: Tool deployment failed"
    assert (err.status, err.method, err.path, err.detail) == (500, "POST", MODELS, "Tool deployment failed")
    assert err.action == "create model 'virtual-model/openai/gpt-4o'"


def test_api_error_without_action_names_method_and_path() -> None:
    err = ApiError(status=502, method="GET", path=MODELS, detail="")
    assert str(err) == f"GET {MODELS}: HTTP 502"


@pytest.mark.parametrize(
    ("cls", "status", "path", "hint"),
    [
        (ApiError, 401, MODELS, "check wxo:apiKey / wxo:token"),
        (NotFoundError, 404, MODELS, "check wxo:url and wxo:basePath"),
        (NotFoundError, 404, "/v1/model_policy", "check wxo:url and wxo:basePath"),
        (NotFoundError, 404, f"{MODELS}/abc", "run `pulumi refresh`"),
        (QuotaExceededError, 429, MODELS, "delete unused models or raise the quota"),
        (ConflictError, 409, MODELS, "adopt it or choose another name"),
    ],
)
def test_messages_end_with_the_remedy(cls: type[ApiError], status: int, path: str, hint: str) -> None:
    err = cls(status=status, method="POST", path=path, detail="x", action="create model 'm'")
    assert str(err).startswith(f"create model 'm': HTTP {status}: x; ")
    assert str(err).endswith(hint)


def test_plain_server_error_has_no_remedy() -> None:
    err = ApiError(status=500, method="GET", path=MODELS, detail="oops", action="list models")
    assert str(err) == "list models: HTTP 500: oops"
    assert err.hint is None


def test_transport_error_fields_and_tls_hint() -> None:
    err = TransportError(
        method="GET",
        path=MODELS,
        reason="TLS certificate verification failed",
        may_have_reached_server=False,
        action="list models",
        tls=True,
    )
    assert str(
        err
    ) == "list models: TLS certificate verification failed; set wxo:caBundle to the CA bundle " + (
        "that signs the server's certificate"
    )
    assert err.may_have_reached_server is False
    plain = TransportError(method="POST", path=MODELS, reason="ReadTimeout", may_have_reached_server=True)
    assert str(plain) == f"POST {MODELS}: ReadTimeout"


def test_auth_error_fields_and_action() -> None:
    err = AuthError(
        flow="ibm_iam", reason="token exchange answered HTTP 400", status=400, endpoint="https://iam"
    )
    assert str(err) == "authenticate (ibm_iam): token exchange answered HTTP 400; check wxo:apiKey"
    told = err.with_action("create model 'm'")
    assert str(told).startswith("create model 'm': token exchange answered HTTP 400")
    assert (told.flow, told.status, told.endpoint) == ("ibm_iam", 400, "https://iam")


def test_config_error_field() -> None:
    err = ConfigError("wxo:timeout 'x' is not a number", field="wxo:timeout")
    assert err.field == "wxo:timeout"
    assert str(err) == "wxo:timeout 'x' is not a number"
    assert repr(err) == "ConfigError(\"wxo:timeout 'x' is not a number\")"


def test_invalid_input_lists_failures() -> None:
    err = InvalidInputError(
        action="create model 'm'",
        failures=["provider_config.api_kye: unknown field", "config.temperature: <= 2"],
    )
    assert err.failures == ["provider_config.api_kye: unknown field", "config.temperature: <= 2"]
    assert str(err) == (
        "create model 'm': invalid input: provider_config.api_kye: unknown field; config.temperature: <= 2"
    )


def test_model_exists_says_how_to_adopt() -> None:
    err = ModelExistsError(action="create model 'm'", ids=["id-1"])
    assert (err.ids, err.duplicates) == (["id-1"], False)
    assert str(err) == (
        "create model 'm': a model with this name already exists (id id-1); "
        "set adopt=True to manage it with Pulumi, or choose another name"
    )
    dup = ModelExistsError(action="adopt model 'm'", ids=["a", "b"], duplicates=True)
    assert str(dup).startswith(
        "adopt model 'm': 2 models with this name exist (ids a, b); delete the duplicates"
    )
    policy = ModelExistsError(action="create policy 'p'", ids=["a", "b"], duplicates=True, kind="policy")
    assert "2 policies with this name exist" in str(policy)


def test_retries_exhausted_carries_last_error() -> None:
    last = ApiError(status=503, method="GET", path=MODELS, detail="busy", action="list models")
    err = RetriesExhaustedError(
        method="GET", path=MODELS, attempts=6, elapsed=12.34, last=last, action="list models"
    )
    assert err.last is last
    assert err.status == 503
    assert (err.attempts, err.elapsed) == (6, 12.34)
    assert str(err).startswith("list models: gave up after 6 attempts in 12.3s; last error: HTTP 503: busy; ")
    assert "wxo:maxRetries" in str(err)
    one = RetriesExhaustedError(
        method="GET",
        path=MODELS,
        attempts=1,
        elapsed=0.0,
        last=TransportError(
            method="GET", path=MODELS, reason="ConnectError: refused", may_have_reached_server=False
        ),
    )
    assert str(one).startswith(
        f"GET {MODELS}: gave up after 1 attempt in 0.0s; last error: ConnectError: refused"
    )
    assert one.status is None


def test_error_message_redacted_even_if_secret_registered_later() -> None:
    err = ApiError(status=500, method="GET", path=MODELS, detail="echo errors-late-EEEE")
    register_secret("errors-late-EEEE")
    assert "errors-late-EEEE" not in str(err)
    assert "errors-late-EEEE" not in repr(err)


# ------------------------------------------------------------------ error bodies


def test_detail_string() -> None:
    assert parse_detail('{"detail": "Model not found"}') == ("Model not found", None)


def test_detail_validation_list_names_fields_without_input() -> None:
    body = {
        "detail": [
            {
                "loc": ["body", "provider_config", "foo"],
                "msg": "Extra inputs are not permitted",
                "type": "extra_forbidden",
                "input": "errors-echo-GGGG",
                "ctx": {"echo": "errors-echo-GGGG"},
            },
            {"loc": ["body", "model_type"], "msg": "Input should be 'chat'", "type": "enum"},
        ]
    }
    detail, code = parse_detail(json.dumps(body))
    assert detail == "provider_config.foo: Extra inputs are not permitted; model_type: Input should be 'chat'"
    assert code is None
    assert "GGGG" not in detail


def test_detail_object_with_code() -> None:
    body = {"detail": {"code": "RESOURCE_QUOTA_EXCEEDED", "message": "Too many models"}}
    assert parse_detail(json.dumps(body)) == (
        "Too many models (RESOURCE_QUOTA_EXCEEDED)",
        "RESOURCE_QUOTA_EXCEEDED",
    )


def test_token_service_shapes() -> None:
    iam = {"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found"}
    assert parse_detail(json.dumps(iam)) == ("Provided API key could not be found", "BXNIM0415E")
    assert parse_detail('{"message": "Unauthorized"}') == ("Unauthorized", None)


def test_non_json_is_cut_to_200_characters_after_redaction() -> None:
    register_secret("errors-cut-HHHH-HHHH")
    text = "<html>" + "x" * 180 + "errors-cut-HHHH-HHHH" + "y" * 100  # straddles the cut
    detail, code = parse_detail(text)
    assert code is None
    assert len(detail) == 200
    assert detail.endswith("...")
    assert "HHHH" not in detail
    assert "errors-cut" not in detail
    assert parse_detail("  Bad Gateway \n") == ("Bad Gateway", None)


# ------------------------------------------------------------------ limits and server objects


def test_limit_errors_are_transport_errors_told_with_the_callers_action() -> None:
    late = DeadlineExceededError(method="GET", path=MODELS, setting="wxo:maxRetryTime", seconds=120)
    assert isinstance(late, TransportError) and late.may_have_reached_server is True
    assert str(late) == (
        f"GET {MODELS}: GET {MODELS} got no complete answer within wxo:maxRetryTime (120s, the call, "
        "retries included); the request may have reached the server; if the server is just slow, "
        "raise wxo:maxRetryTime (`pulumi config set wxo:maxRetryTime 240`)"
    )
    told = late.with_action("list models")
    assert type(told) is DeadlineExceededError and (told.setting, told.seconds) == ("wxo:maxRetryTime", 120)
    assert str(told).startswith(f"list models: GET {MODELS} got no complete answer")
    assert str(late).startswith(f"GET {MODELS}: ")  # the original is unchanged
    big = ResponseTooLargeError(method="POST", path=MODELS, limit=1 << 30).with_action("create model 'm'")
    assert (type(big), big.limit, big.setting) == (ResponseTooLargeError, 1 << 30, "wxo:maxResponseBytes")
    assert str(big).endswith("(`pulumi config set wxo:maxResponseBytes 1073741824`)")  # within the range


def test_server_object_error_names_kind_name_and_field() -> None:
    err = ServerObjectError(
        kind="policy", name="virtual-policy/p", field="policy.targets", reason="is a number"
    )
    assert isinstance(err, WxoError) and not isinstance(err, TransportError)
    assert str(err).startswith(
        "read policy 'virtual-policy/p': the server's policy 'virtual-policy/p' has an unusable field "
        "'policy.targets': is a number; the answer does not follow the API"
    )


@pytest.mark.parametrize(
    ("flow", "hint"),
    [
        ("local", "check wxo:username and wxo:password (the Developer Edition login)"),
        ("cpd", "check wxo:username and wxo:password (or wxo:apiKey)"),
        ("ibm_iam", "check wxo:apiKey"),
        ("mcsp_v2", "check wxo:apiKey"),
        ("bearer", "check wxo:token (it may have expired) or configure wxo:apiKey instead"),
    ],
)
def test_an_auth_error_names_the_settings_of_its_flow(flow: str, hint: str) -> None:
    assert credentials_hint(flow) == hint
    assert str(AuthError(flow=flow, reason="HTTP 401")).endswith(f"; {hint}")
    assert AuthError(flow=flow, reason="x", hint=None).hint is None
    assert credentials_hint("cpd", cpd_api_key=True) == "check wxo:username and wxo:apiKey"

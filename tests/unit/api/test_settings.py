"""Connection settings: sources, parsing, validation, inference tables, TLS."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import certifi
import pytest

from pulumi_wxo.api.errors import ConfigError
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.api.settings import (
    ConnectionSettings,
    is_loopback_url,
    mcsp_instance_id,
    resolved_auth_type,
    resolved_base_path,
    tls_verify,
)

pytestmark = pytest.mark.unit

CLOUD = "https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/inst-1"
AWS = "https://api.ap-southeast-1.dl.watson-orchestrate.ibm.com/instances/inst-2"
CPD = "https://cpd-wxo.apps.example.com/orchestrate/ns/instances/inst-3"
KEY = "sk-test-SECRET-1234"


def getter(values: dict[str, str]) -> Callable[[str], str | None]:
    return values.get


def from_sources(config: dict[str, str], env: dict[str, str] | None = None) -> ConnectionSettings:
    return ConnectionSettings.from_sources(getter(config), env or {})


# ------------------------------------------------------------------ sources


def test_config_wins_over_env() -> None:
    settings = from_sources(
        {"wxo:url": CLOUD, "wxo:timeout": "12", "wxo:apiKey": KEY},
        {"WXO_URL": AWS, "WXO_TIMEOUT": "99", "WXO_MAX_RETRIES": "2"},
    )
    assert settings.url == CLOUD
    assert settings.timeout == 12.0
    assert settings.max_retries == 2  # only in env: env fills the gap
    assert settings.api_key == KEY


def test_every_key_has_an_env_fallback() -> None:
    bundle = certifi.where()
    env = {
        "WXO_URL": CPD,
        "WXO_API_KEY": "",
        "WXO_TOKEN": "",
        "WXO_AUTH_TYPE": "CPD",
        "WXO_IAM_URL": "https://cpd-wxo.apps.example.com/icp4d-api/",
        "WXO_USERNAME": "admin",
        "WXO_PASSWORD": "config-test-pw-1",
        "WXO_CA_BUNDLE": bundle,
        "WXO_INSECURE": "yes",
        "WXO_TIMEOUT": "7.5",
        "WXO_MAX_RETRIES": "3",
        "WXO_MAX_RETRY_TIME": "60",
        "WXO_BASE_PATH": "v1/orchestrate/",
        "WXO_ALLOW_HTTP": "0",
    }
    settings = from_sources({}, env)
    assert settings == ConnectionSettings(
        url=CPD,
        auth_type="cpd",
        password="config-test-pw-1",
        iam_url="https://cpd-wxo.apps.example.com/icp4d-api",
        username="admin",
        ca_bundle=bundle,
        insecure=True,
        allow_http=False,
        timeout=7.5,
        max_retries=3,
        max_retry_time=60.0,
        base_path="/v1/orchestrate",
    )


def test_every_key_read_from_config() -> None:
    config = {
        "wxo:url": AWS + "/",
        "wxo:apiKey": KEY,
        "wxo:authType": "mcsp_v2",
        "wxo:iamUrl": "https://account-iam.example.com",
        "wxo:insecure": "false",
        "wxo:timeout": "5",
        "wxo:maxRetries": "0",
        "wxo:maxRetryTime": "0",
        "wxo:basePath": "/",
        "wxo:allowHttp": "no",
    }
    settings = from_sources(config, {"WXO_TOKEN": "config-test-env-token"})
    assert settings.url == AWS  # trailing slash dropped
    assert settings.token == "config-test-env-token"
    assert (settings.auth_type, settings.iam_url, settings.insecure) == (
        "mcsp_v2",
        "https://account-iam.example.com",
        False,
    )
    assert (settings.timeout, settings.max_retries, settings.max_retry_time) == (5.0, 0, 0.0)
    assert settings.base_path == ""  # "/" means: the URL already carries the prefix


def test_empty_values_count_as_unset() -> None:
    settings = from_sources({"wxo:url": CLOUD, "wxo:token": ""}, {"WXO_TOKEN": "  ", "WXO_API_KEY": KEY})
    assert settings.token is None
    assert resolved_auth_type(settings) == "ibm_iam"


def test_missing_url_says_how_to_fix() -> None:
    with pytest.raises(ConfigError) as info:
        from_sources({"wxo:apiKey": KEY})
    assert info.value.field == "wxo:url"
    assert "pulumi config set wxo:url https://" in str(info.value)
    assert "WXO_URL" in str(info.value)


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("false", False),
        ("0", False),
        ("No", False),
    ],
)
def test_booleans(raw: str, expected: bool) -> None:
    assert from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY, "wxo:insecure": raw}).insecure is expected


def test_bad_boolean_in_config() -> None:
    with pytest.raises(ConfigError) as info:
        from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY, "wxo:insecure": "maybe"})
    assert info.value.field == "wxo:insecure"
    assert str(info.value) == (
        "wxo:insecure 'maybe' is not a boolean (true/false/1/0/yes/no); "
        "run `pulumi config set wxo:insecure true`"
    )


def test_bad_boolean_in_env_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY}, {"WXO_ALLOW_HTTP": "sure"})
    assert info.value.field == "WXO_ALLOW_HTTP"
    assert "set WXO_ALLOW_HTTP=true or run `pulumi config set wxo:allowHttp true`" in str(info.value)


def refused(key: str, raw: str) -> str:
    """The ConfigError's text for ``key`` set to ``raw``: it names the key and the value."""
    with pytest.raises(ConfigError) as info:
        from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY, key: raw})
    assert info.value.field == key
    assert str(info.value).startswith(f"{key} {raw!r} is not")
    return str(info.value)


# Each key: values it refuses, and the value its fix suggests (`pulumi config set <key> <value>`).
BAD_VALUES = {
    "wxo:timeout": (["abc", "-1", "nan"], "30"),
    "wxo:maxRetryTime": (["inf"], "120"),
    "wxo:maxRetries": (["2.5", "-1", "many"], "5"),
    "wxo:authType": (["oauth"], "ibm_iam"),
}


@pytest.mark.parametrize(
    ("key", "raw", "fix"),
    [
        (key, raw, f"pulumi config set {key} {value}")
        for key, (raws, value) in BAD_VALUES.items()
        for raw in raws
    ],
)
def test_bad_values_name_the_key_and_fix(key: str, raw: str, fix: str) -> None:
    assert refused(key, raw).endswith(f"run `{fix}`")


def test_whole_float_retries_accepted() -> None:
    assert from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY, "wxo:maxRetries": "4.0"}).max_retries == 4


def test_zero_timeout_rejected_on_construction() -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url=CLOUD, api_key=KEY, timeout=0)
    assert info.value.field == "wxo:timeout"


def test_url_must_be_http_or_https() -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url="ftp://example.com", api_key=KEY)
    assert info.value.field == "wxo:url"


def test_missing_ca_bundle_file() -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url=CLOUD, api_key=KEY, ca_bundle="/nonexistent/ca.pem")
    assert info.value.field == "wxo:caBundle"
    assert "pulumi config set wxo:caBundle" in str(info.value)


# ------------------------------------------------------------------ TLS rule


def test_plain_http_refused_for_remote_hosts() -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url="http://wxo.example.com/instances/x", api_key=KEY)
    assert info.value.field == "wxo:url"
    assert "plain http to wxo.example.com" in str(info.value)
    assert "pulumi config set wxo:allowHttp true" in str(info.value)


def test_plain_http_allowed_when_asked() -> None:
    settings = from_sources({"wxo:url": "http://wxo.example.com", "wxo:apiKey": KEY, "wxo:allowHttp": "true"})
    assert settings.allow_http is True


@pytest.mark.parametrize("url", ["http://localhost:4321", "http://127.0.0.1:4321", "http://[::1]:4321"])
def test_plain_http_allowed_for_loopback(url: str) -> None:
    assert ConnectionSettings(url=url).url == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:4321", True),
        ("http://api.localhost", True),
        ("http://127.0.0.2", True),
        ("http://[::1]", True),
        ("http://10.0.0.1", False),
        ("https://localhost.example.com", False),
    ],
)
def test_loopback_detection(url: str, expected: bool) -> None:
    assert is_loopback_url(url) is expected


def test_tls_verify() -> None:
    assert tls_verify(ConnectionSettings(url=CLOUD, api_key=KEY)) is True
    assert tls_verify(ConnectionSettings(url=CLOUD, api_key=KEY, insecure=True)) is False
    ctx = tls_verify(ConnectionSettings(url=CLOUD, api_key=KEY, ca_bundle=certifi.where(), insecure=True))
    assert isinstance(ctx, ssl.SSLContext)  # a CA bundle wins over insecure
    assert ctx.verify_mode == ssl.CERT_REQUIRED


# ------------------------------------------------------------------ inference


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"url": CLOUD, "token": "config-test-tok-1"}, "bearer"),
        ({"url": CLOUD, "token": "config-test-tok-1", "api_key": KEY}, "bearer"),
        ({"url": CLOUD, "api_key": KEY, "token": "config-test-tok-1", "auth_type": "ibm_iam"}, "ibm_iam"),
        ({"url": "http://localhost:4321"}, "local"),
        ({"url": "http://127.0.0.1:4321", "username": "me", "password": "config-test-pw-2"}, "local"),
        ({"url": "http://localhost:4321", "api_key": KEY}, "mcsp"),  # e.g. an emulator's MCSP stub
        ({"url": CLOUD, "api_key": KEY}, "ibm_iam"),
        ({"url": AWS, "api_key": KEY}, "mcsp"),
        ({"url": CPD, "username": "admin", "api_key": KEY}, "cpd"),
        ({"url": AWS, "api_key": KEY, "auth_type": "mcsp_v1"}, "mcsp_v1"),
    ],
)
def test_auth_type_inference(kwargs: dict[str, str], expected: str) -> None:
    assert resolved_auth_type(ConnectionSettings(**kwargs)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"url": CLOUD, "api_key": KEY}, "/v1/orchestrate"),
        ({"url": AWS, "api_key": KEY}, "/v1/orchestrate"),
        ({"url": CPD, "username": "admin", "api_key": KEY}, "/v1/orchestrate"),
        ({"url": "http://localhost:4321"}, "/v1"),
        ({"url": "http://127.0.0.1:4321", "token": "config-test-tok-1"}, "/v1"),
        ({"url": "http://localhost:4321", "base_path": "/api/v1/"}, "/api/v1"),
        ({"url": CLOUD, "api_key": KEY, "base_path": "v1"}, "/v1"),
        ({"url": CLOUD + "/v1/orchestrate", "api_key": KEY, "base_path": ""}, ""),
        ({"url": "https://wxo.internal", "auth_type": "local"}, "/v1"),
    ],
)
def test_base_path(kwargs: dict[str, str], expected: str) -> None:
    assert resolved_base_path(ConnectionSettings(**kwargs)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"url": CLOUD}, "wxo:apiKey", "pulumi config set --secret wxo:apiKey"),
        ({"url": AWS}, "wxo:apiKey", "mcsp auth needs an API key"),
        ({"url": CLOUD, "auth_type": "bearer"}, "wxo:token", "pulumi config set --secret wxo:token"),
        ({"url": "https://wxo.example.com", "api_key": KEY, "auth_type": "mcsp_v2"}, "wxo:url", "instances"),
        ({"url": CPD, "api_key": KEY}, "wxo:username", "pulumi config set wxo:username"),
        ({"url": CPD, "username": "admin"}, "wxo:password", "wxo:password"),
        ({"url": CPD, "username": "admin", "password": "config-test-pw-3", "api_key": KEY}, None, "not both"),
    ],
)
def test_missing_or_conflicting_credentials(kwargs: dict[str, str], field: str | None, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert text in str(info.value)


def test_mcsp_instance_id() -> None:
    assert mcsp_instance_id(AWS) == "inst-2"
    assert mcsp_instance_id(AWS + "/v1/orchestrate") == "inst-2"
    assert mcsp_instance_id("https://wxo.example.com") is None
    assert mcsp_instance_id("https://wxo.example.com/instances/") is None


# ------------------------------------------------------------------ secrets and identity


def test_secrets_hidden_from_repr_and_registered() -> None:
    settings = ConnectionSettings(url=CPD, username="admin", password="config-test-pw-4")
    assert "config-test-pw-4" not in repr(settings)
    assert "config-test-pw-4" not in str(settings)
    assert redact("pw=config-test-pw-4") == "pw=***"
    bearer = from_sources({"wxo:url": CLOUD, "wxo:token": "config-test-tok-5"})
    assert "config-test-tok-5" not in repr(bearer)
    assert redact("config-test-tok-5") == "***"


def test_default_local_password_is_not_registered() -> None:
    # It is public, and masking it would hide the "watsonx" provider in model names.
    ConnectionSettings(url="http://localhost:4321", password="watsonx")
    assert redact("virtual-model/watsonx/ibm/granite") == "virtual-model/watsonx/ibm/granite"


def test_cache_key() -> None:
    one = ConnectionSettings(url=CLOUD, api_key=KEY)
    same = from_sources({"wxo:url": CLOUD + "/", "wxo:apiKey": KEY})
    other_key = ConnectionSettings(url=CLOUD, api_key=KEY + "-other")
    assert one.cache_key() == same.cache_key()
    assert hash(one.cache_key()) == hash(same.cache_key())
    assert one.cache_key() != other_key.cache_key()
    assert one.cache_key() != ConnectionSettings(url=CLOUD, api_key=KEY, timeout=5).cache_key()
    assert KEY not in repr(one.cache_key())
    clients = {one.cache_key(): "client"}
    assert clients[same.cache_key()] == "client"


def test_settings_are_frozen() -> None:
    settings = ConnectionSettings(url=CLOUD, api_key=KEY)
    with pytest.raises(AttributeError):
        settings.url = AWS  # type: ignore[misc]


# ------------------------------------------------------------------ bounds (docs/guide/client.md, "Limits")


@pytest.mark.parametrize(
    ("key", "raw", "text"),
    [
        ("wxo:timeout", "1e12", "in the range of wxo:timeout (seconds, greater than 0 and at most 3600)"),
        ("wxo:timeout", "0", "greater than 0"),
        ("wxo:timeout", "3601", "at most 3600"),
        (
            "wxo:maxRetries",
            "101",
            "in the range of wxo:maxRetries (a whole number, at least 0 and at most 100)",
        ),
        ("wxo:maxRetries", "1e300", "at most 100"),
        (
            "wxo:maxRetryTime",
            "1e9",
            "in the range of wxo:maxRetryTime (seconds, at least 0 and at most 86400)",
        ),
        ("wxo:maxResponseBytes", "100", "at least 1024 and at most 1073741824"),
        ("wxo:maxResponseBytes", "4294967296", "at most 1073741824"),
        ("wxo:maxResponseBytes", "1.5", "is not a whole number"),
    ],
)
def test_numbers_out_of_range_name_the_setting_and_the_range(key: str, raw: str, text: str) -> None:
    assert text in refused(key, raw)


def test_ranges_hold_on_construction_and_from_the_environment() -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url=CLOUD, api_key=KEY, timeout=1e12)
    assert info.value.field == "wxo:timeout"
    assert "at most 3600" in str(info.value)
    with pytest.raises(ConfigError) as env:
        from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY}, {"WXO_MAX_RESPONSE_BYTES": "12"})
    assert env.value.field == "WXO_MAX_RESPONSE_BYTES"
    assert "set WXO_MAX_RESPONSE_BYTES=16777216 or run `pulumi config set wxo:maxResponseBytes" in str(
        env.value
    )
    settings = from_sources({"wxo:url": CLOUD, "wxo:apiKey": KEY, "wxo:maxResponseBytes": "1048576"})
    assert settings.max_response_bytes == 1024 * 1024
    assert ConnectionSettings(url=CLOUD, api_key=KEY).max_response_bytes == 16 * 1024 * 1024


# ------------------------------------------------------------------ URLs: userinfo, token endpoints


@pytest.mark.parametrize("key", ["wxo:url", "wxo:iamUrl"])
def test_a_password_in_a_url_is_refused_and_never_shown(key: str) -> None:
    secret = "userinfo-PASS-9911"
    config = {"wxo:url": CLOUD, "wxo:apiKey": KEY, key: f"https://admin:{secret}@iam.example.com/x"}
    with pytest.raises(ConfigError) as info:
        from_sources(config)
    assert info.value.field == key
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert "https://***@iam.example.com/x" in str(info.value)
    assert "carries a user name or password" in str(info.value)
    assert redact(f"echo {secret}") == "echo ***"  # registered before anything could echo it
    with pytest.raises(ConfigError) as direct:
        ConnectionSettings(url=f"ftp://u:{secret}@host", api_key=KEY)
    assert secret not in str(direct.value)


@pytest.mark.parametrize(
    "iam_url",
    ["http://iam.example.com", "http://10.0.0.8:8443/identity/token", "http://cpd.internal/icp4d-api"],
)
def test_a_token_endpoint_over_plain_http_is_refused_like_the_url(iam_url: str) -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url=CLOUD, api_key=KEY, iam_url=iam_url)
    assert info.value.field == "wxo:iamUrl"
    assert "refusing to send credentials over plain http to" in str(info.value)
    assert "(wxo:iamUrl)" in str(info.value)
    assert "pulumi config set wxo:allowHttp true" in str(info.value)
    allowed = ConnectionSettings(url=CLOUD, api_key=KEY, iam_url=iam_url, allow_http=True)
    assert allowed.iam_url == iam_url


@pytest.mark.parametrize(
    "iam_url", ["http://127.0.0.1:4321", "http://localhost:4321", "https://iam.example.com"]
)
def test_loopback_and_https_token_endpoints_are_fine(iam_url: str) -> None:
    assert ConnectionSettings(url=CLOUD, api_key=KEY, iam_url=iam_url).iam_url == iam_url


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://wxo.example.com:99999/instances/x", "is not a valid URL"),
        ("https://wxo.example.com:port/instances/x", "is not a valid URL"),
        ("https://wxo.example.com/instances/a b", "contains spaces or control characters"),
        ("iam.example.com/identity/token", "is not an http(s) URL"),
    ],
)
def test_malformed_urls_are_config_errors(url: str, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(url=CLOUD, api_key=KEY, iam_url=url)
    assert info.value.field == "wxo:iamUrl"
    assert text in str(info.value)


@pytest.mark.parametrize(
    ("attr", "key"), [("token", "wxo:token"), ("api_key", "wxo:apiKey"), ("password", "wxo:password")]
)
def test_a_control_character_in_a_secret_is_refused_without_echo(attr: str, key: str) -> None:
    value = "ctl-SECRET-77\r\nX-Injected: 1"
    kwargs: dict[str, object] = {"url": CPD, "username": "admin", attr: value}
    if attr == "token":
        kwargs["auth_type"] = "bearer"
    with pytest.raises(ConfigError) as info:
        ConnectionSettings(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == key
    assert "ctl-SECRET-77" not in str(info.value)
    assert "control character" in str(info.value)

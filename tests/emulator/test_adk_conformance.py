"""IBM's own client library (ibm-watsonx-orchestrate-clients, ibm_cloud_sdk_core) against the emulator.

If the ADK can create, list, find, update and delete through the emulator, and IBM's token
managers can log in to it, the emulator speaks the wire protocol its clients expect.
"""

from __future__ import annotations

import time
import types
from collections.abc import Iterator
from typing import Any

import pytest
from ibm_cloud_sdk_core.authenticators import (
    CloudPakForDataAuthenticator,
    IAMAuthenticator,
    MCSPAuthenticator,
    MCSPV2Authenticator,
)
from ibm_watsonx_orchestrate_clients.common.base_client import ClientAPIException, ResourceQuotaExceededError
from ibm_watsonx_orchestrate_clients.common.credentials import Credentials
from ibm_watsonx_orchestrate_clients.common.service_instance import local_service_instance
from ibm_watsonx_orchestrate_clients.common.service_instance.local_service_instance import (
    LocalServiceInstance,
)
from ibm_watsonx_orchestrate_clients.common.service_instance.service_instance import ServiceInstance
from ibm_watsonx_orchestrate_clients.model_policies.model_policies_client import ModelPoliciesClient
from ibm_watsonx_orchestrate_clients.models.models_client import ModelsClient
from ibm_watsonx_orchestrate_core.types.model_policies.types import (
    ModelPolicy,
    ModelPolicyInner,
    ModelPolicyRetry,
    ModelPolicyStrategy,
    ModelPolicyStrategyMode,
    ModelPolicyTarget,
)
from ibm_watsonx_orchestrate_core.types.models.types import ProviderConfig, VirtualModel

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN as TOKEN

pytestmark = pytest.mark.emulator

API_KEY = "test-api-key"
NAME = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"


@pytest.fixture(params=[True, False], ids=["local-/v1", "remote-/v1/orchestrate"])
def is_local(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def models(emulator: EmulatorThread, is_local: bool) -> ModelsClient:
    # BaseAPIClient sends api_key as "Authorization: Bearer <api_key>"; is_local appends /v1,
    # otherwise /v1/orchestrate (api-contract §1).
    return ModelsClient(base_url=emulator.url, api_key=TOKEN, is_local=is_local)


@pytest.fixture
def policies(emulator: EmulatorThread, is_local: bool) -> ModelPoliciesClient:
    return ModelPoliciesClient(base_url=emulator.url, api_key=TOKEN, is_local=is_local)


def adk_model(**overrides: Any) -> VirtualModel:
    """Built the way `orchestrate models import` builds it (api-contract §4.1, §5)."""
    fields: dict[str, Any] = {
        "name": NAME,
        "display_name": None,
        "description": "Granite via watsonx.ai",
        "config": {"max_tokens": 2048},
        "provider_config": ProviderConfig(
            provider="watsonx",
            api_key="sk-adk-secret",
            custom_host="https://us-south.ml.cloud.ibm.com",
            watsonx_space_id="space-guid",
        ),
        "tags": ["ibm"],
        "model_type": "chat",
        "spec_version": "v1",
        "kind": "model",
    }
    fields.update(overrides)
    return VirtualModel(**fields)


def adk_policy(description: str = "Balances 2 Gemini models", weight: float = 0.75) -> ModelPolicy:
    return ModelPolicy(
        name="virtual-policy/anygem",
        display_name="Any Gem",
        description=description,
        policy=ModelPolicyInner(
            strategy=ModelPolicyStrategy(mode=ModelPolicyStrategyMode.LOAD_BALANCED, on_status_codes=[503]),
            retry=ModelPolicyRetry(attempts=1, on_status_codes=[503]),
            targets=[
                ModelPolicyTarget(model_name="virtual-model/google/gemini-2.0-flash", weight=weight),
                ModelPolicyTarget(model_name="virtual-model/google/gemini-2.0-flash-lite", weight=1 - weight),
            ],
        ),
    )


# ---------------------------------------------------------------------------------------------
# ModelsClient


def test_models_lifecycle(emulator: EmulatorThread, models: ModelsClient, is_local: bool) -> None:
    prefix = "/v1" if is_local else "/v1/orchestrate"

    assert models.create(adk_model()) is None
    [stored] = emulator.control.state()["models"]
    assert stored["name"] == NAME
    assert stored["display_name"] == NAME  # the ADK's validator defaulted it to the name
    assert stored["provider_config"] == {
        "provider": "watsonx",
        "api_key": "sk-adk-secret",
        "custom_host": "https://us-south.ml.cloud.ibm.com",
        "watsonx_space_id": "space-guid",
    }
    assert "spec_version" not in stored

    [listed] = models.list()
    assert listed.id == stored["id"]
    assert listed.provider == "watsonx"
    assert listed.provider_config is not None
    # the camelCase GET form parses back into the ADK's snake_case fields
    assert listed.provider_config.watsonx_space_id == "space-guid"
    assert listed.provider_config.custom_host == "https://us-south.ml.cloud.ibm.com"
    assert listed.provider_config.api_key is None  # secrets are not read back by default

    [found] = models.get_draft_by_name(NAME)
    assert found.id == stored["id"]
    assert models.get_draft_by_name("virtual-model/watsonx/other") == []

    updated = adk_model(description="changed", tags=["ibm", "granite"], connection_id="conn-1")
    assert models.update(stored["id"], updated) is None
    [after] = emulator.control.state()["models"]
    assert (after["id"], after["created_on"]) == (stored["id"], stored["created_on"])
    assert (after["description"], after["tags"], after["connection_id"]) == (
        "changed",
        ["ibm", "granite"],
        "conn-1",
    )
    assert after["updated_at"] > stored["updated_at"]

    assert models.delete(stored["id"]) == {}
    assert emulator.control.state()["models"] == []
    assert models.list() == []

    methods_paths = [(r["method"], r["path"]) for r in emulator.control.requests()]
    assert methods_paths == [
        ("POST", f"{prefix}/models"),
        ("GET", f"{prefix}/models"),
        ("GET", f"{prefix}/models"),
        ("GET", f"{prefix}/models"),
        ("PUT", f"{prefix}/models/{stored['id']}"),
        ("DELETE", f"{prefix}/models/{stored['id']}"),
        ("GET", f"{prefix}/models"),
    ]


def test_models_list_all_and_by_id(emulator: EmulatorThread, models: ModelsClient) -> None:
    models.create(adk_model())
    [stored] = emulator.control.state()["models"]

    resources = models.list_all()

    ids = [r["id"] for r in resources]
    assert "watsonx/meta-llama/llama-3-2-90b-vision-instruct" in ids and NAME in ids
    [entry] = models.get_draft_by_id(stored["id"])
    assert entry == {"id": NAME, "description": "Granite via watsonx.ai", "tags": ["ibm", "third party"]}


@pytest.mark.parametrize("create_response", ["object", "empty", "id"])
def test_adk_tolerates_every_create_response(
    emulator: EmulatorThread, models: ModelsClient, create_response: str
) -> None:
    emulator.control.settings(create_response=create_response)  # type: ignore[arg-type]
    models.create(adk_model())
    [stored] = emulator.control.state()["models"]
    models.update(stored["id"], adk_model(description="x"))
    assert emulator.control.state()["models"][0]["description"] == "x"


def test_adk_maps_empty_list_404_to_empty_list(emulator: EmulatorThread, models: ModelsClient) -> None:
    emulator.control.settings(empty_list="404")
    assert models.list() == []
    assert models.get_draft_by_name(NAME) == []
    assert emulator.control.requests()[-1]["status"] == 404


def test_adk_errors(emulator: EmulatorThread, models: ModelsClient) -> None:
    with pytest.raises(ClientAPIException) as not_found:
        models.delete("no-such-id")
    assert not_found.value.response.status_code == 404
    assert not_found.value.response.json() == {"detail": "Model not found"}

    emulator.control.add_fault(method="POST", path="/models$", quota=True, count=1)
    with pytest.raises(ResourceQuotaExceededError) as quota:
        models.create(adk_model())
    assert str(quota.value) == "Tenant resource quota exceeded."
    assert emulator.control.state()["models"] == []

    # a model name with an unsupported provider that the ADK type does not check (api-contract §4.1)
    with pytest.raises(ClientAPIException) as invalid:
        models.create(adk_model(name="virtual-model/acme/x"))
    assert invalid.value.response.status_code == 422
    assert invalid.value.response.json()["detail"][0]["loc"] == ["body", "name"]


# ---------------------------------------------------------------------------------------------
# ModelPoliciesClient


def test_policies_lifecycle(emulator: EmulatorThread, policies: ModelPoliciesClient) -> None:
    assert policies.create(adk_policy()) is None
    [stored] = emulator.control.state()["policies"]
    assert stored["name"] == "virtual-policy/anygem"
    assert stored["policy"]["targets"][0] == {
        "model_name": "virtual-model/google/gemini-2.0-flash",
        "weight": 0.75,
    }

    [listed] = policies.list()
    assert listed.name == "virtual-policy/anygem"
    assert listed.policy.strategy.mode == ModelPolicyStrategyMode.LOAD_BALANCED
    assert listed.policy.targets[1].weight == pytest.approx(0.25)
    [found] = policies.get_draft_by_name("virtual-policy/anygem")
    assert found.model_extra is not None and found.model_extra["id"] == stored["id"]

    policies.update(stored["id"], adk_policy(description="rebalanced", weight=0.5))
    [after] = emulator.control.state()["policies"]
    assert after["description"] == "rebalanced"
    assert [t["weight"] for t in after["policy"]["targets"]] == [0.5, 0.5]
    assert after["created_on"] == stored["created_on"]

    assert policies.delete(stored["id"]) == {}
    assert emulator.control.state()["policies"] == []
    assert policies.list() == []


# ---------------------------------------------------------------------------------------------
# IBM's token managers (ibm_cloud_sdk_core) and the ADK's service instances (api-contract §7)


def _client_with(emulator: EmulatorThread, authenticator: Any) -> ModelsClient:
    return ModelsClient(base_url=emulator.url, authenticator=authenticator, is_local=False)


def test_iam_authenticator(emulator: EmulatorThread) -> None:
    client = _client_with(emulator, IAMAuthenticator(apikey=API_KEY, url=emulator.url))
    client.create(adk_model())
    assert len(client.list()) == 1
    assert emulator.control.tokens_issued()["iam"] == 1  # cached, not re-fetched per call


def test_mcsp_authenticators(emulator: EmulatorThread) -> None:
    v1 = _client_with(emulator, MCSPAuthenticator(apikey=API_KEY, url=emulator.url))
    v2 = _client_with(
        emulator,
        MCSPV2Authenticator(
            apikey=API_KEY,
            url=emulator.url,
            scope_collection_type="services",
            scope_id=emulator.settings.tenant_id,
        ),
    )
    assert v1.list() == [] and v2.list() == []
    counts = emulator.control.tokens_issued()
    assert (counts["mcsp_v1"], counts["mcsp_v2"]) == (1, 1)


@pytest.mark.parametrize("secret", ["password", "apikey"])
def test_cpd_authenticator(emulator: EmulatorThread, secret: str) -> None:
    credentials = {"password": "watsonx"} if secret == "password" else {"apikey": API_KEY}
    authenticator = CloudPakForDataAuthenticator(
        username="wxo.archer@ibm.com", url=f"{emulator.url}/icp4d-api", **credentials
    )
    assert _client_with(emulator, authenticator).list() == []
    assert emulator.control.tokens_issued()["cpd"] == 1


def test_token_manager_refetches_after_expiry(
    emulator: EmulatorThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ttl 0: every token is already past its refresh time, so each call fetches a new one.
    # The SDK compares whole seconds with a strict `<`: during the second a token was minted,
    # a ttl-0 token (exp == iat) counts as neither expired nor due, so whether the first call
    # fetched once or twice depended on a second boundary. Its clock runs one second ahead
    # here, so every ttl-0 token is expired the moment it arrives, whatever the wall clock does.
    from ibm_cloud_sdk_core.token_managers.token_manager import TokenManager

    monkeypatch.setattr(TokenManager, "_get_current_time", staticmethod(lambda: int(time.time()) + 1))
    emulator.control.settings(token_ttl=0)
    client = _client_with(emulator, IAMAuthenticator(apikey=API_KEY, url=emulator.url))
    with pytest.raises(ClientAPIException) as expired:
        client.list()
    assert expired.value.response.status_code == 401
    # The first call: a fetch (expired: none yet), then the refresh check fetches again.
    assert emulator.control.tokens_issued()["iam"] == 2
    emulator.control.settings(token_ttl=3600)
    assert client.list() == []
    assert emulator.control.tokens_issued()["iam"] == 3


def test_adk_service_instance_falls_back_from_mcsp_v1_to_v2(emulator: EmulatorThread) -> None:
    emulator.control.settings(mcsp_v1="off")
    credentials = Credentials(
        url=f"https://api.example.watson-orchestrate.ibm.com/instances/{emulator.settings.tenant_id}",
        iam_url=emulator.url,
        api_key=API_KEY,
        auth_type="mcsp",
    )
    holder = types.SimpleNamespace(credentials=credentials, token=None)

    ServiceInstance(holder)

    assert emulator.control.tokens_issued()["mcsp_v2"] == 1
    token = holder.token
    assert ModelsClient(base_url=emulator.url, api_key=token, is_local=False).list() == []
    paths = [(r["path"], r["status"]) for r in emulator.control.requests()[:2]]
    assert paths == [("/siusermgr/api/1.0/apikeys/token", 404), ("/api/2.0/apikeys/token", 200)]


@pytest.fixture
def local_endpoints(emulator: EmulatorThread, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # LocalServiceInstance hard-codes http://localhost:4321; point its module constants at the emulator.
    monkeypatch.setattr(local_service_instance, "DEFAULT_LOCAL_SERVICE_URL", emulator.url)
    monkeypatch.setattr(
        local_service_instance, "DEFAULT_LOCAL_AUTH_ENDPOINT", f"{emulator.url}/api/v1/auth/token"
    )
    monkeypatch.setattr(local_service_instance, "DEFAULT_LOCAL_TENANT_URL", f"{emulator.url}/api/v1/tenants")
    yield


@pytest.mark.usefixtures("local_endpoints")
def test_adk_local_service_instance(emulator: EmulatorThread) -> None:
    holder = types.SimpleNamespace(credentials=Credentials(url=emulator.url), token=None)

    instance = LocalServiceInstance(holder)

    assert instance.tenant_id == emulator.settings.tenant_id
    client = ModelsClient(base_url=emulator.url, api_key=holder.token, is_local=True)
    client.create(adk_model())
    assert len(client.list()) == 1
    assert emulator.control.tokens_issued()["local_tenant"] == 1


def test_adk_local_service_instance_creates_the_tenant_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server whose default tenant has another name: the ADK must create "wxo-dev" (201).
    with EmulatorThread(EmulatorSettings(tenant_name="other")) as fresh:
        monkeypatch.setattr(local_service_instance, "DEFAULT_LOCAL_SERVICE_URL", fresh.url)
        monkeypatch.setattr(
            local_service_instance, "DEFAULT_LOCAL_AUTH_ENDPOINT", f"{fresh.url}/api/v1/auth/token"
        )
        monkeypatch.setattr(local_service_instance, "DEFAULT_LOCAL_TENANT_URL", f"{fresh.url}/api/v1/tenants")
        holder = types.SimpleNamespace(credentials=Credentials(url=fresh.url), token=None)

        instance = LocalServiceInstance(holder)

        tenants = fresh.control.state()["tenants"]
        assert [t["name"] for t in tenants] == ["other", "wxo-dev"]
        assert instance.tenant_id == tenants[1]["id"]
        assert ModelsClient(base_url=fresh.url, api_key=holder.token, is_local=True).list() == []

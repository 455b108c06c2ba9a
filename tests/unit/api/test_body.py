"""Reading a body bounded in size and time: the cap, the deadline per chunk, httpx's own read()."""

from __future__ import annotations

import httpx
import pytest

from pulumi_wxo.api.body import read_body
from pulumi_wxo.api.deadline import CallBudget, Deadline, deadline_scope
from pulumi_wxo.api.errors import DeadlineExceededError, ResponseTooLargeError, TransportError
from tests.support.fakes import Drip, Endless, FakeClock, Untouchable

pytestmark = pytest.mark.unit

URL = "https://wxo.example.com/v1/orchestrate/models"


def streamed(stream: httpx.SyncByteStream | bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response as a transport hands it over with ``stream=True``: nothing read yet."""
    body = httpx.ByteStream(stream) if isinstance(stream, bytes) else stream
    return httpx.Response(200, headers=headers, stream=body, request=httpx.Request("GET", URL))


def test_a_body_within_the_cap_reads_like_a_normal_response() -> None:
    response = streamed(b'[{"id": "m-1"}]')
    assert read_body(response, max_bytes=1024) == b'[{"id": "m-1"}]'
    # httpx's own read() (it reads a 401 before an auth flow's resend) must not read again.
    assert response.read() == b'[{"id": "m-1"}]'
    assert response.json() == [{"id": "m-1"}]


def test_an_announced_length_past_the_cap_is_refused_before_reading() -> None:
    response = streamed(Untouchable(), headers={"Content-Length": str(100 * 1024 * 1024)})
    with pytest.raises(ResponseTooLargeError) as info:
        read_body(response, max_bytes=16 * 1024 * 1024)
    err = info.value
    assert (err.method, err.path, err.limit, err.announced) == (
        "GET",
        "/v1/orchestrate/models",
        16 << 20,
        100 << 20,
    )
    assert "GET /v1/orchestrate/models announced 104857600 bytes" in str(err)
    assert str(err).endswith("raise wxo:maxResponseBytes (`pulumi config set wxo:maxResponseBytes 67108864`)")


def test_an_endless_body_stops_one_chunk_past_the_cap() -> None:
    endless = Endless(chunk=64 * 1024)
    with pytest.raises(ResponseTooLargeError) as info:
        read_body(streamed(endless), max_bytes=1024 * 1024)
    assert endless.pulled == 17  # 16 chunks fill the cap, the 17th passes it
    assert "sent more, past wxo:maxResponseBytes (1048576 bytes)" in str(info.value)
    assert info.value.may_have_reached_server is True


def test_a_dripped_body_ends_at_the_exchange_deadline() -> None:
    clock = FakeClock()
    drip = Drip(clock, b"x" * 60, every=1.0)
    with deadline_scope(Deadline(clock, 2.0)), pytest.raises(DeadlineExceededError) as info:
        read_body(streamed(drip), max_bytes=1024)
    err = info.value
    assert (err.setting, err.seconds) == ("wxo:timeout", 2.0)
    assert drip.sent == 2  # not 60
    assert str(err).startswith("GET /v1/orchestrate/models: GET /v1/orchestrate/models got no complete")
    assert "within wxo:timeout (2s, one exchange)" in str(err)
    assert str(err).endswith("raise wxo:timeout (`pulumi config set wxo:timeout 30`)")


def test_the_call_budget_can_end_an_exchange_first() -> None:
    clock = FakeClock()
    budget = CallBudget(ends_at=clock.now + 3.0, seconds=10.0)
    clock.now += 2.0  # an earlier attempt used 2 of the call's seconds
    with deadline_scope(Deadline(clock, 5.0, budget)), pytest.raises(DeadlineExceededError) as info:
        read_body(streamed(Drip(clock, b"x" * 60)), max_bytes=1024)
    assert (info.value.setting, info.value.seconds) == ("wxo:maxRetryTime", 10.0)


def test_a_socket_timeout_at_the_deadline_is_reported_as_the_deadline() -> None:
    clock = FakeClock()

    class TimesOut(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            clock.now += 2.0
            raise httpx.ReadTimeout("timed out")

    with deadline_scope(Deadline(clock, 2.0)), pytest.raises(DeadlineExceededError):
        read_body(streamed(TimesOut()), max_bytes=1024)
    with pytest.raises(httpx.ReadTimeout):  # no deadline running: the caller handles it
        read_body(streamed(TimesOut()), max_bytes=1024)


def test_a_body_that_cannot_be_decoded_is_a_transport_error() -> None:
    response = streamed(b"definitely not gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(TransportError) as info:
        read_body(response, max_bytes=1024)
    assert "cannot be decoded (Content-Encoding 'gzip')" in str(info.value)

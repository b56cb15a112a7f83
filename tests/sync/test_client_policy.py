"""The client's retry policy (429 waits for Retry-After, a 401 renews the token once, a lost
connection is reported at once) and token renewal before expiry."""

from __future__ import annotations

import httpx
import pytest
from auth0.management.core.api_error import ApiError

from actions_studio.sync.client import MAX_RETRY_AFTER_S, Connection, TenantClient
from actions_studio.sync.errors import TenantAuthError, TenantRefusedError, TenantUnreachableError
from actions_studio.sync.token import RENEW_BEFORE_S, ClientCredentials



NOW = 1_800_000_000.0  # the client's wall clock in these tests (rate-limit resets are epoch seconds)


@pytest.fixture
def client():
    slept: list[float] = []
    waits: list[tuple[float, float, str]] = []
    with TenantClient(Connection("http://127.0.0.1:9", "id", "secret"), sleep=slept.append,
                      clock=lambda: NOW, on_wait=lambda s, u, w: waits.append((s, u, w))) as c:
        c.slept = slept  # type: ignore[attr-defined]
        c.waits = waits  # type: ignore[attr-defined]
        yield c


def answers(*outcomes):
    queue = list(outcomes)

    def call():
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return call


def test_429_waits_for_retry_after_then_succeeds(client) -> None:
    busy = ApiError(status_code=429, headers={"Retry-After": "2"}, body={"message": "slow down"})
    assert client._call("list", answers(busy, "ok")) == "ok"
    assert client.slept == [2.0]


def test_429_waits_until_auth0s_rate_limit_reset_and_says_until_when(client) -> None:
    """Auth0's 429 carries X-RateLimit-Limit/Remaining/Reset, the reset in epoch seconds."""
    busy = ApiError(status_code=429, body={"message": "Too Many Requests"}, headers={
        "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 3)})
    assert client._call("list actions", answers(busy, busy, "ok")) == "ok"
    assert client.slept == [pytest.approx(3.05), pytest.approx(3.05)]
    seconds, until, why = client.waits[0]
    assert until == pytest.approx(NOW + 3.05) and "rate limited by the tenant (50 requests)" in why


def test_a_reset_far_away_is_not_waited_for(client) -> None:
    far = ApiError(status_code=429, headers={"X-RateLimit-Reset": str(int(NOW) + 3600)}, body={})
    with pytest.raises(TenantRefusedError, match="resets only at .*; run sync again then"):
        client._call("list", answers(far, "ok"))
    assert client.slept == [] and MAX_RETRY_AFTER_S < 3600


def test_endless_429_gives_up_with_a_message(client) -> None:
    busy = ApiError(status_code=429, headers={}, body={"message": "rate limited"})
    with pytest.raises(TenantRefusedError, match="429: rate limited"):
        client._call("list actions", answers(*[busy] * 10))
    assert len(client.slept) == 5 and client.slept[:3] == [0.5, 1.0, 2.0]


def test_401_renews_the_token_once(client) -> None:
    expired = ApiError(status_code=401, headers={}, body={"message": "expired"})
    assert client._call("x", answers(expired, "ok")) == "ok"
    with pytest.raises(TenantAuthError):
        client._call("x", answers(expired, expired))


def test_lost_connection_is_reported_at_once(client) -> None:
    with pytest.raises(TenantUnreachableError, match="cannot reach http://127.0.0.1:9"):
        client._call("deploy", answers(httpx.ConnectError("refused")))
    with pytest.raises(TenantUnreachableError, match="in time"):
        client._call("deploy", answers(httpx.ReadTimeout("slow")))
    with pytest.raises(TenantUnreachableError):
        client.list_actions()  # nothing listens on port 9: a token cannot be had either


def test_token_is_reused_then_renewed_before_expiry(tenant_host) -> None:
    conn = tenant_host.connection()
    now = [1000.0]
    token = ClientCredentials(conn.base_url, conn.client_id, conn.client_secret, conn.audience,
                              clock=lambda: now[0])
    first = token()
    assert token() == first and token.fetches == 1
    assert token.renew_at <= 1000.0 + token.lifetime_s - RENEW_BEFORE_S / 2
    now[0] = token.renew_at - 0.5
    token()
    assert token.fetches == 1
    now[0] = token.renew_at  # renewed before the token runs out, not after
    token()
    assert token.fetches == 2
    bad = ClientCredentials(conn.base_url, conn.client_id, "wrong", conn.audience)
    with pytest.raises(TenantAuthError, match="refused the client credentials"):
        bad()

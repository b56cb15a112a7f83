"""A bug in the tenant (an exception that no handler knows) is one logged 500 in the endpoint's
shape, and the client's keep-alive connection stays open for the next request.

The bug is injected at one function each endpoint calls, autospec'd so it is called as the real
one is: the access token issuer of a password login and the listing of GET /api/v2/logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from actions_studio.tenant.authn import login
from actions_studio.tenant.management import logs as management_logs

from .test_store_outage import _connection_after_a_login, _post

BUG = "a bug the tenant did not expect"
UNEXPECTED_LINE = "unexpected error on"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _server_logs() -> Iterator[_Records]:
    """What the tenant's logger and uvicorn's (which does not propagate to the root) write."""
    records = _Records()
    loggers = [logging.getLogger("actions_studio.tenant"), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(records)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(records)


def _tracebacks(records: _Records) -> list[str]:
    return [r.getMessage() for r in records.records if r.exc_info is not None]


def test_a_bug_in_the_token_endpoint_is_one_logged_500_that_keeps_the_connection(tenant_factory) -> None:
    conn, form = _connection_after_a_login(tenant_factory())
    try:
        socket_before = conn.sock
        with _server_logs() as records, \
                mock.patch.object(login, "access_token", autospec=True, side_effect=RuntimeError(BUG)):
            status, _, body = _post(conn, "/oauth/token", form)
        assert status == 500, body
        # The OAuth shape (what auth0-python parses), naming the kind of failure, not its words.
        assert body == {"error": "server_error", "error_description": "internal error (RuntimeError)"}
        assert BUG not in json.dumps(body)
        # Logged once, with its traceback; not a second time by the server.
        assert _tracebacks(records) == ["unexpected error on POST /oauth/token"], _tracebacks(records)
        # The next request goes over the very same connection.
        status, _, body = _post(conn, "/oauth/token", form)
        assert status == 200, body
        assert conn.sock is socket_before
    finally:
        conn.close()


def test_a_bug_in_the_management_api_is_one_logged_500_in_its_own_shape(tenant_factory) -> None:
    running = tenant_factory()
    token = running.management_token()
    with running.http(token) as client:
        assert client.get("/api/v2/logs").status_code == 200
        with _server_logs() as records, \
                mock.patch.object(management_logs, "listing", autospec=True, side_effect=KeyError("q")):
            failed = client.get("/api/v2/logs")
        assert failed.status_code == 500, failed.text
        assert failed.json() == {"statusCode": 500, "error": "Internal Server Error",
                                 "message": "internal error (KeyError)", "errorCode": "server_error"}
        assert _tracebacks(records) == ["unexpected error on GET /api/v2/logs"], _tracebacks(records)
        # httpx reuses its pooled connection: a dropped one would have been opened again.
        assert client.get("/api/v2/logs").status_code == 200
        assert failed.extensions["network_stream"] is client.get("/api/v2/logs").extensions["network_stream"]

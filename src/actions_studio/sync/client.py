"""The Management API client: the one module that talks to `auth0-python` (DESIGN.md).

It speaks the SDK and hands back the sync model's plain snapshots, so nothing above it knows the
SDK's types. Retries are ours, not the SDK's (`max_retries=0`): a 429 waits for its Retry-After
(bounded), an expired token is renewed once, and a lost connection is reported at once as
`TenantUnreachableError` — the applier stops there and a rerun resumes, which is faster and more
honest than the SDK's silent backoff on every call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional, TypeVar

from actions_studio.sync.errors import (
    BuildFailedError,
    TenantAuthError,
    TenantRefusedError,
    TenantUnreachableError,
)
from actions_studio.sync.model import Content, RemoteAction, RemoteSnapshot, RemoteVersion
from actions_studio.sync.token import ClientCredentials

T = TypeVar("T")
PER_PAGE = 100            # Auth0's largest page; fewer round trips for the no-change plan
MAX_RATE_LIMIT_WAITS = 5  # 429s answered with a wait before giving up
MAX_RETRY_AFTER_S = 30.0  # a longer Retry-After is not waited for; the user reruns later


@dataclass(frozen=True)
class Connection:
    """Where a tenant is and how to get a token: what a tenant profile resolves to."""

    base_url: str
    client_id: str
    client_secret: str
    audience: Optional[str] = None
    timeout_s: float = 15.0


def _deps(items: Any) -> tuple[str, ...]:
    return tuple(f"{d.name}=={d.version}" for d in (items or ()))


def _secret_names(items: Any) -> tuple[str, ...]:
    return tuple(sorted(s.name for s in (items or ()) if s.name))


def _content(obj: Any) -> Content:
    return Content(code=obj.code or "", runtime=obj.runtime or "",
                   dependencies=_deps(obj.dependencies), secret_names=_secret_names(obj.secrets))


def _remote_action(a: Any) -> RemoteAction:
    trigger = a.supported_triggers[0] if a.supported_triggers else None
    deployed = a.deployed_version
    return RemoteAction(
        id=a.id, name=a.name, trigger_id=str(trigger.id) if trigger else "",
        trigger_version=(trigger.version or "") if trigger else "",
        draft=_content(a), deployed=_content(deployed) if deployed is not None else None,
        deployed_number=int(deployed.number) if deployed is not None and deployed.number else None,
        status=str(a.status or "built"),
        errors=tuple(_error_text(e) for e in (getattr(a, "errors", None) or ())),
    )


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("msg") or error.get("id") or error)
    return str(getattr(error, "msg", None) or error)


def _message(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    return str(body)[:200]


class TenantClient:
    def __init__(self, connection: Connection, *, sleep: Callable[[float], None] = time.sleep,
                 transport: Optional[Any] = None) -> None:
        """`transport`: an httpx transport for the Management API requests (a proxy, or the
        tests' tenant edge that fails chosen requests); None is httpx's own."""
        import httpx
        from auth0.management.client import Auth0

        self.base_url = connection.base_url.rstrip("/")
        self.token = ClientCredentials(self.base_url, connection.client_id, connection.client_secret,
                                       connection.audience, timeout_s=connection.timeout_s)
        # Our own httpx client, so `close()` can release its pooled connections (the SDK never
        # closes the one it would make).
        self._http = httpx.Client(timeout=connection.timeout_s, transport=transport)
        self._sdk = Auth0(base_url=f"{self.base_url}/api/v2", token=self.token,
                          timeout=connection.timeout_s, max_retries=0, httpx_client=self._http)
        self._sleep = sleep
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "TenantClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the error and retry policy ---------------------------------------------------------------

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import httpx
        from auth0.management.core.api_error import ApiError

        waits, renewed = 0, False
        while True:
            self.requests += 1
            try:
                return fn()
            except ApiError as exc:
                status = exc.status_code
                if status == 429 and waits < MAX_RATE_LIMIT_WAITS:
                    waits += 1
                    self._sleep(self._retry_after(exc.headers, waits))
                    continue
                if status == 401 and not renewed:
                    renewed = True  # the token may have been revoked or the tenant restarted
                    self.token.invalidate()
                    continue
                cls = TenantAuthError if status in (401, 403) else TenantRefusedError
                raise cls(f"{what}: the tenant answered {status}: {_message(exc.body)}", status) from None
            except httpx.TimeoutException:
                raise TenantUnreachableError(f"{what}: no answer from {self.base_url} in time") from None
            except httpx.TransportError as exc:
                raise TenantUnreachableError(
                    f"{what}: cannot reach {self.base_url} ({type(exc).__name__})") from None

    @staticmethod
    def _retry_after(headers: Optional[dict[str, str]], attempt: int) -> float:
        value = {k.lower(): v for k, v in (headers or {}).items()}.get("retry-after")
        try:
            seconds = float(value) if value is not None else 0.5 * 2 ** (attempt - 1)
        except ValueError:
            seconds = 1.0
        return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)

    # -- reads --------------------------------------------------------------------------------------

    def list_actions(self) -> list[RemoteAction]:
        return self._call("list actions", lambda: [
            _remote_action(a) for a in self._sdk.actions.list(per_page=PER_PAGE)])

    def trigger_ids(self) -> list[str]:
        answer = self._call("list triggers", lambda: self._sdk.actions.triggers.list())
        return sorted({str(t.id) for t in (answer.triggers or ())})

    def flow(self, trigger_id: str) -> tuple[str, ...]:
        return self._call(f"read the {trigger_id} flow", lambda: tuple(
            b.action.id for b in self._sdk.actions.triggers.bindings.list(trigger_id, per_page=PER_PAGE)
            if b.action is not None))

    def snapshot(self) -> RemoteSnapshot:
        actions = self.list_actions()
        flows = {t: f for t in self.trigger_ids() if (f := self.flow(t))}
        return RemoteSnapshot(tuple(actions), flows)

    def get_action(self, remote_id: str) -> RemoteAction:
        return self._call("read an action", lambda: _remote_action(self._sdk.actions.get(remote_id)))

    def versions(self, remote_id: str) -> list[RemoteVersion]:
        """The whole history, oldest first."""
        items = self._call("read the version history", lambda: list(
            self._sdk.actions.versions.list(remote_id, per_page=PER_PAGE)))
        out = [RemoteVersion(id=v.id, number=int(v.number), content=_content(v), deployed=bool(v.deployed))
               for v in items]
        return sorted(out, key=lambda v: v.number)

    # -- writes -------------------------------------------------------------------------------------

    @staticmethod
    def _secrets(values: dict[str, str], keep: Sequence[str]) -> list[Any]:
        from auth0.management.types import ActionSecretRequest

        # A name sent without a value keeps the tenant's value: how names only the tenant has
        # survive a push (issue 7: reported, never deleted).
        return ([ActionSecretRequest(name=n, value=v) for n, v in sorted(values.items())]
                + [ActionSecretRequest(name=n) for n in sorted(keep) if n not in values])

    @staticmethod
    def _dependencies(content: Content) -> list[Any]:
        from auth0.management.types import ActionVersionDependency

        return [ActionVersionDependency(name=d.split("==", 1)[0], version=d.split("==", 1)[1])
                for d in content.dependencies]

    def create(self, name: str, trigger_id: str, trigger_version: str, content: Content,
               secret_values: dict[str, str]) -> RemoteAction:
        from auth0.management.types import ActionTrigger

        return self._call(f"create {name}", lambda: _remote_action(self._sdk.actions.create(
            name=name, supported_triggers=[ActionTrigger(id=trigger_id, version=trigger_version)],
            code=content.code, runtime=content.runtime,
            dependencies=self._dependencies(content), secrets=self._secrets(secret_values, ()))))

    def update(self, remote_id: str, name: str, content: Content, secret_values: dict[str, str],
               keep_secret_names: Sequence[str] = ()) -> RemoteAction:
        return self._call(f"update the draft of {name}", lambda: _remote_action(self._sdk.actions.update(
            remote_id, name=name, code=content.code, runtime=content.runtime,
            dependencies=self._dependencies(content),
            secrets=self._secrets(secret_values, keep_secret_names))))

    def wait_built(self, remote_id: str, name: str, *, attempts: int = 8, first_wait_s: float = 0.05
                   ) -> RemoteAction:
        """Polls the draft until `built` (deploying earlier is the race a0deploy loses)."""
        wait = first_wait_s
        for _ in range(attempts):
            action = self.get_action(remote_id)
            if action.status == "built":
                return action
            if action.status == "failed":
                why = "; ".join(action.errors) or "no reason given"
                raise BuildFailedError(f"the tenant could not build {name}: {why}")
            self._sleep(wait)
            wait = min(wait * 2, 2.0)
        raise TenantRefusedError(f"{name} was not built after {attempts} checks; rerun to retry")

    def deploy(self, remote_id: str, name: str) -> RemoteVersion:
        v = self._call(f"deploy {name}", lambda: self._sdk.actions.deploy(remote_id))
        return RemoteVersion(id=v.id, number=int(v.number), content=_content(v), deployed=True)

    def set_flow(self, trigger_id: str, remote_ids: Sequence[str]) -> None:
        from auth0.management.types import ActionBindingRef, ActionBindingWithRef

        # The whole ordered list every time: an empty list is how a flow is emptied (the
        # "unbinding needs an explicit empty list" trap of other tools is handled here, once).
        bindings = [ActionBindingWithRef(ref=ActionBindingRef(type="action_id", value=rid))
                    for rid in remote_ids]
        self._call(f"save the {trigger_id} flow",
                   lambda: self._sdk.actions.triggers.bindings.update_many(trigger_id, bindings=bindings))

    def delete(self, remote_id: str, name: str) -> None:
        try:
            self._call(f"delete {name}", lambda: self._sdk.actions.delete(remote_id))
        except TenantRefusedError as exc:
            if exc.status != 404:  # already gone: what a resumed delete finds
                raise

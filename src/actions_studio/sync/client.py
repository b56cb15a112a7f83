"""The Management API client: the one module that talks to `auth0-python` (DESIGN.md).

It speaks the SDK and hands back the sync model's plain snapshots, so nothing above it knows the
SDK's types. Retries are ours, not the SDK's (`max_retries=0`): a 429 waits for the tenant's
rate-limit reset (bounded, and said through `on_wait`), an expired token is renewed once, and a
lost connection is reported at once as `TenantUnreachableError` — the applier stops there and a
rerun resumes, which is faster and more honest than the SDK's silent backoff on every call.

What a real Auth0 tenant does and the bundled tenant does not, and how this client meets it
(tests/sync/auth0_contract.py plays that tenant):

- Rate limits: a 429 carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
  (the UTC epoch second the bucket refills; Auth0's rate limit policy,
  auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy). We wait
  until that second (or `Retry-After` when given) and retry the same request. The SDK's own
  retry is an exponential backoff that ignores the reset (auth0-python pull request 285), and
  was for GETs only for a long time (auth0-python issue 513): its retries stay off.
- Pages: every actions list answers `{<items>, total, page, per_page}` — with its total always:
  the actions endpoints refuse the `include_totals` parameter other lists take ("Additional
  properties not allowed: include_totals", the Deploy CLI's handlers/actions.ts), so it is not
  sent. We read page after page until `total` items arrived (or a short page without a total),
  each page a request of its own — a 429 on page 3 retries page 3, a server that gives fewer
  items than asked is read to the end, and one that ignores `page` cannot make us loop.
- Builds: a saved draft is `pending`/`building` until built, and a deploy before that is refused
  with "A draft must be in the 'built' state before it can be deployed" (auth0-deploy-cli issue
  395). We poll the draft until `built` and retry the deploy on that answer, within
  `BUILD_WAIT_S` — the Deploy CLI's own budget (60 tries × 2 s, src/tools/auth0/handlers/actions.ts).
- Binding right after a deploy can fail with "Trying to create a binding for an action that has
  not been deployed yet" (auth0-deploy-cli issue 385: "newly-deployed actions aren't immediately
  available for trigger binding"); the Deploy CLI sleeps 2 s before every binding update, we
  retry that answer with backoff within `BIND_WAIT_S`.
- Bindings of an entity-bound trigger (custom-token-exchange, event-stream) are not read: such a
  trigger has no flow, and the Deploy CLI skips a trigger whose bindings cannot be listed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote
from typing import Any, Optional, TypeVar

from actions_studio.sync.errors import (
    BuildFailedError,
    RateLimitedError,
    TenantAuthError,
    TenantRefusedError,
    TenantUnreachableError,
)
from actions_studio.sync.model import (
    Content,
    RemoteAction,
    RemoteSnapshot,
    RemoteVersion,
    workspace_runtime,
)
from actions_studio.sync.token import ClientCredentials

T = TypeVar("T")
PER_PAGE = 100            # Auth0's largest page; fewer round trips for the no-change plan
MAX_RATE_LIMIT_WAITS = 5  # 429s of one request answered with a wait before giving up
MAX_RETRY_AFTER_S = 30.0  # a reset further away is not waited for: the user reruns later
BUILD_WAIT_S = 120.0      # a draft not built by then is reported (the Deploy CLI waits 2 min)
BIND_WAIT_S = 30.0        # a binding still refused as "not deployed yet" by then is reported
BUILT_MESSAGE = "must be in the 'built' state"   # Auth0's deploy refusal before a build
NOT_DEPLOYED_MESSAGE = "has not been deployed"   # Auth0's binding refusal right after a deploy

# What `on_wait` is told: (seconds to wait, the wall-clock time it ends, why).
WaitNotice = Callable[[float, float, str], None]


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
    return Content(code=obj.code or "", runtime=workspace_runtime(obj.runtime or ""),
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
        tenant_runtime=str(a.runtime or ""),
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
                 transport: Optional[Any] = None, clock: Callable[[], float] = time.time,
                 on_wait: Optional[WaitNotice] = None) -> None:
        """`transport`: an httpx transport for every request, the token's too (a proxy, or the
        tests' tenant edge); None is httpx's own. `clock` is wall-clock time (rate-limit resets
        are epoch seconds); `on_wait` hears of every wait before it starts."""
        import httpx
        from auth0.management.client import Auth0

        self.base_url = connection.base_url.rstrip("/")
        # Our own httpx client, so `close()` can release its pooled connections (the SDK never
        # closes the one it would make), and so the token request shares its transport and trust.
        self._http = httpx.Client(timeout=connection.timeout_s, transport=transport)
        self.token = ClientCredentials(self.base_url, connection.client_id, connection.client_secret,
                                       connection.audience, timeout_s=connection.timeout_s,
                                       http=self._http)
        self._sdk = Auth0(base_url=f"{self.base_url}/api/v2", token=self.token,
                          timeout=connection.timeout_s, max_retries=0, httpx_client=self._http)
        self._sleep = sleep
        self._clock = clock
        self.on_wait = on_wait
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "TenantClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the error and retry policy ---------------------------------------------------------------

    def _wait(self, seconds: float, why: str) -> None:
        if self.on_wait is not None:
            self.on_wait(seconds, self._clock() + seconds, why)
        self._sleep(seconds)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import httpx
        from auth0.management.core.api_error import ApiError

        waits, renewed = 0, False
        while True:
            self.requests += 1
            try:
                return fn()
            except RateLimitedError as exc:  # the token request
                if waits >= MAX_RATE_LIMIT_WAITS:
                    raise TenantRefusedError(f"{what}: {exc} (429), still after {waits} waits", 429) from None
                waits += 1
                self._rate_limited(what, exc.headers, waits)
            except ApiError as exc:
                status = exc.status_code
                if status == 429 and waits < MAX_RATE_LIMIT_WAITS:
                    waits += 1
                    self._rate_limited(what, exc.headers, waits)
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

    def _rate_limited(self, what: str, headers: Optional[dict[str, str]], attempt: int) -> None:
        seconds, limit = self._retry_after(headers, attempt)
        if seconds > MAX_RETRY_AFTER_S:
            until = time.strftime("%H:%M:%S", time.localtime(self._clock() + seconds))
            raise TenantRefusedError(f"{what}: the tenant's rate limit{limit} resets only at {until}; "
                                     "run sync again then", 429)
        self._wait(seconds, f"rate limited by the tenant{limit}")

    def _retry_after(self, headers: Optional[dict[str, str]], attempt: int) -> tuple[float, str]:
        """Seconds until the tenant takes requests again, and the limit's words for progress.

        `X-RateLimit-Reset` is the epoch second the bucket refills (Auth0); `Retry-After` is
        seconds or an HTTP date (RFC 9110); with neither, a short backoff."""
        h = {k.lower(): v for k, v in (headers or {}).items()}
        limit = f" ({h['x-ratelimit-limit']} requests)" if h.get("x-ratelimit-limit") else ""
        seconds: Optional[float] = None
        if h.get("retry-after"):
            value = h["retry-after"]
            try:
                seconds = float(value)
            except ValueError:
                try:
                    seconds = parsedate_to_datetime(value).timestamp() - self._clock()
                except (TypeError, ValueError):
                    seconds = None
        if seconds is None and h.get("x-ratelimit-reset"):
            try:
                # The reset is a whole second: wait to its end, or the retry may land just before.
                seconds = float(h["x-ratelimit-reset"]) - self._clock() + 0.05
            except ValueError:
                seconds = None
        if seconds is None:
            seconds = 0.5 * 2 ** (attempt - 1)
        return max(seconds, 0.0), limit

    def _pages(self, what: str, fetch: Callable[[int], Any], field: str) -> Iterator[Any]:
        """Every item of a paged list: one request per page, until `total` items arrived."""
        page, seen = 0, 0
        while True:
            answer = self._call(what, lambda: fetch(page))
            items = list(getattr(answer.response, field, None) or answer.items or ())
            yield from items
            seen += len(items)
            total = getattr(answer.response, "total", None)
            # With a total, it decides (a server may give fewer than asked per page); without
            # one, a short page is the last.
            if not items or (seen >= int(total) if total is not None else len(items) < PER_PAGE):
                return
            page += 1

    # -- reads --------------------------------------------------------------------------------------

    def list_actions(self) -> list[RemoteAction]:
        return [_remote_action(a) for a in self._pages(
            "list actions", lambda n: self._sdk.actions.list(page=n, per_page=PER_PAGE), "actions")]

    def triggers(self) -> list[Any]:
        """The tenant's `GET /actions/triggers`: id, version, runtimes, binding_policy each."""
        answer = self._call("list triggers", lambda: self._sdk.actions.triggers.list())
        return list(answer.triggers or ())

    def trigger_ids(self) -> list[str]:
        """The triggers that have a flow (entity-bound ones have no bindings to read)."""
        return _flow_triggers(self.triggers())

    def flow(self, trigger_id: str) -> tuple[str, ...]:
        return tuple(b.action.id for b in self._pages(
            f"read the {trigger_id} flow",
            lambda n: self._sdk.actions.triggers.bindings.list(trigger_id, page=n, per_page=PER_PAGE),
            "bindings") if b.action is not None)

    def snapshot(self) -> RemoteSnapshot:
        actions = self.list_actions()
        triggers = self.triggers()
        runtimes: dict[tuple[str, str], tuple[str, ...]] = {}
        for t in triggers:
            key = (str(t.id), str(t.version or ""))
            runtimes[key] = tuple(sorted(set(runtimes.get(key, ())) | set(t.runtimes or ())))
        flows = {t: f for t in _flow_triggers(triggers) if (f := self.flow(t))}
        return RemoteSnapshot(tuple(actions), flows, runtimes)

    def get_action(self, remote_id: str) -> RemoteAction:
        return self._call("read an action", lambda: _remote_action(self._sdk.actions.get(remote_id)))

    def versions(self, remote_id: str) -> list[RemoteVersion]:
        """The history the tenant keeps, oldest first (Auth0 keeps the newest 50: plan_actions.py)."""
        items = list(self._pages("read the version history", lambda n: self._sdk.actions.versions.list(
            remote_id, page=n, per_page=PER_PAGE), "versions"))
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

    def _backoff(self) -> Iterator[float]:
        """Waits of a poll: short at first (the bundled tenant builds at once), then 2 s apart,
        as the Deploy CLI polls."""
        wait = 0.05
        while True:
            yield wait
            wait = min(wait * 2, 2.0)

    def wait_built(self, remote_id: str, name: str, *, limit_s: float = BUILD_WAIT_S) -> RemoteAction:
        """Polls the draft until `built`: deploying earlier is the race the Deploy CLI retries.
        Auth0 reports `pending`, `building`, `packaged` or `retrying` on the way."""
        waited = 0.0  # the waits alone count, so a test's instant sleep gets the same verdicts
        for wait in self._backoff():
            action = self.get_action(remote_id)
            if action.status == "built":
                return action
            if action.status == "failed":
                why = "; ".join(action.errors) or "no reason given"
                raise BuildFailedError(f"the tenant could not build {name}: {why}")
            if waited + wait > limit_s:
                raise TenantRefusedError(
                    f"{name} was still {action.status} on the tenant after {limit_s:.0f} s (its "
                    "dependencies are being installed there); run sync again once it is built")
            waited += wait
            self._wait(wait, f"{name} is {action.status} on the tenant")
        raise AssertionError("unreachable")

    def deploy(self, remote_id: str, name: str, *, limit_s: float = BUILD_WAIT_S) -> RemoteVersion:
        waited = 0.0
        for wait in self._backoff():
            try:
                v = self._call(f"deploy {name}", lambda: self._sdk.actions.deploy(remote_id))
            except TenantRefusedError as exc:
                # Built when read, not yet when deployed: Auth0's builds are eventually consistent.
                if BUILT_MESSAGE not in str(exc) or waited + wait > limit_s:
                    raise
                waited += wait
                self._wait(wait, f"{name} is not built yet on the tenant")
                continue
            return RemoteVersion(id=v.id, number=int(v.number), content=_content(v), deployed=True)
        raise AssertionError("unreachable")

    def set_flow(self, trigger_id: str, remote_ids: Sequence[str], *, limit_s: float = BIND_WAIT_S) -> None:
        from auth0.management.types import ActionBindingRef, ActionBindingWithRef

        # The whole ordered list every time: an empty list is how a flow is emptied (the
        # "unbinding needs an explicit empty list" trap of other tools is handled here, once).
        bindings = [ActionBindingWithRef(ref=ActionBindingRef(type="action_id", value=rid))
                    for rid in remote_ids]
        waited = 0.0
        for wait in self._backoff():
            try:
                self._call(f"save the {trigger_id} flow", lambda: self._sdk.actions.triggers.bindings
                           .update_many(trigger_id, bindings=bindings))
                return
            except TenantRefusedError as exc:
                if NOT_DEPLOYED_MESSAGE not in str(exc) or waited + wait > limit_s:
                    raise
                waited += wait
                self._wait(wait, f"the tenant has not registered the new versions for {trigger_id} yet")

    # -- executions, for replay (issue 19): plain JSON, since the tenant's records carry fields
    # (each action's console, calls, the recorded event) that the SDK's models do not know.

    def execution(self, execution_id: str) -> dict[str, Any]:
        return self._get_json(f"read execution {execution_id}",
                              f"/api/v2/actions/executions/{quote(execution_id, safe='')}")

    def recorded_event(self, execution_id: str) -> dict[str, Any]:
        return self._get_json(f"read the event of execution {execution_id}",
                              f"/api/v2/actions/executions/{quote(execution_id, safe='')}/event")

    def recent_log_entries(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest log entries (newest first), as the tenant's `GET /api/v2/logs` gives them."""
        answer = self._get_json("read the tenant's logs", f"/api/v2/logs?per_page={int(limit)}&page=0")
        return list(answer if isinstance(answer, list) else answer.get("logs", []))

    def _get_json(self, what: str, path: str) -> Any:
        import httpx

        for attempt in (1, 2):
            self.requests += 1
            try:
                response = self._http.get(f"{self.base_url}{path}",
                                          headers={"Authorization": f"Bearer {self.token()}"})
            except httpx.TimeoutException:
                raise TenantUnreachableError(f"{what}: no answer from {self.base_url} in time") from None
            except httpx.TransportError as exc:
                raise TenantUnreachableError(
                    f"{what}: cannot reach {self.base_url} ({type(exc).__name__})") from None
            if response.status_code == 401 and attempt == 1:
                self.token.invalidate()  # revoked, or the tenant restarted
                continue
            if response.status_code >= 400:
                try:
                    body: Any = response.json()
                except ValueError:
                    body = response.text
                status = response.status_code
                cls = TenantAuthError if status in (401, 403) else TenantRefusedError
                raise cls(f"{what}: the tenant answered {status}: {_message(body)}", status)
            return response.json()
        raise TenantAuthError(f"{what}: the tenant refused the token twice", 401)

    def delete(self, remote_id: str, name: str) -> None:
        try:
            self._call(f"delete {name}", lambda: self._sdk.actions.delete(remote_id))
        except TenantRefusedError as exc:
            if exc.status != 404:  # already gone: what a resumed delete finds
                raise


def _flow_triggers(triggers: Sequence[Any]) -> list[str]:
    return sorted({str(t.id) for t in triggers
                   if str(getattr(t, "binding_policy", None) or "trigger-bound") != "entity-bound"})

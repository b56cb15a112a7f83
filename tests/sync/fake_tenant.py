"""An in-memory tenant with `TenantClient`'s interface: the applier's unit tests inject failures
here; the same scenarios run against the real bundled tenant in test_sync_tenant.py."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Optional, Sequence

from actions_studio.sync.errors import TenantRefusedError, TenantUnreachableError
from actions_studio.sync.model import Content, RemoteAction, RemoteSnapshot, RemoteVersion


class FakeTenant:
    def __init__(self) -> None:
        self.actions: dict[str, RemoteAction] = {}
        self.history: dict[str, list[RemoteVersion]] = {}
        self.flows: dict[str, tuple[str, ...]] = {}
        self.secret_values: dict[tuple[str, str], str] = {}
        self.ids = (f"act_{n}" for n in itertools.count(1))
        self.fail_after: Optional[int] = None  # writes allowed before the tenant "goes down"
        self.failure: Exception = TenantUnreachableError("cannot reach http://fake (ConnectError)")
        self.writes = 0

    def _write(self) -> None:
        if self.fail_after is not None and self.writes >= self.fail_after:
            raise self.failure
        self.writes += 1

    # reads
    def snapshot(self) -> RemoteSnapshot:
        return RemoteSnapshot(tuple(self.actions.values()), {k: v for k, v in self.flows.items() if v})

    def get_action(self, rid: str) -> RemoteAction:
        return self.actions[rid]

    def versions(self, rid: str) -> list[RemoteVersion]:
        return list(self.history.get(rid, []))

    def wait_built(self, rid: str, name: str) -> RemoteAction:
        return self.actions[rid]

    # writes
    def _secrets(self, rid: str, values: dict[str, str], keep: Sequence[str]) -> tuple[str, ...]:
        for k, v in values.items():
            self.secret_values[(rid, k)] = v
        return tuple(sorted(set(values) | set(keep)))

    def create(self, name: str, trigger_id: str, trigger_version: str, content: Content,
               secret_values: dict[str, str]) -> RemoteAction:
        self._write()
        rid = next(self.ids)
        draft = replace(content, secret_names=self._secrets(rid, secret_values, ()))
        self.actions[rid] = RemoteAction(rid, name, trigger_id, trigger_version, draft)
        return self.actions[rid]

    def update(self, rid: str, name: str, content: Content, secret_values: dict[str, str],
               keep_secret_names: Sequence[str] = ()) -> RemoteAction:
        self._write()
        draft = replace(content, secret_names=self._secrets(rid, secret_values, keep_secret_names))
        self.actions[rid] = replace(self.actions[rid], name=name, draft=draft)
        return self.actions[rid]

    def deploy(self, rid: str, name: str) -> RemoteVersion:
        self._write()
        a = self.actions[rid]
        number = (a.deployed_number or 0) + 1
        version = RemoteVersion(f"ver_{rid}_{number}", number, a.draft, True)
        self.history.setdefault(rid, []).append(version)
        self.actions[rid] = replace(a, deployed=a.draft, deployed_number=number)
        return version

    def set_flow(self, trigger_id: str, remote_ids: Sequence[str]) -> None:
        self._write()
        for rid in remote_ids:
            if self.actions[rid].deployed is None:
                raise TenantRefusedError("only deployed actions can be bound", 400)
        self.flows[trigger_id] = tuple(remote_ids)

    def delete(self, rid: str, name: str) -> None:
        self._write()
        if any(rid in f for f in self.flows.values()):
            raise TenantRefusedError(f"{name} is bound", 409)
        self.actions.pop(rid, None)

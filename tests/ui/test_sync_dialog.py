"""The Sync dialog against the real bundled tenant: the plan table, a conflict's three-way diff,
choosing a side, Apply with progress; the window's Sync menu and status-bar state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services import actions, flows
from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.sync.client import TenantClient
from actions_studio.sync.model import Content
from actions_studio.ui.session import StudioSession
from actions_studio.ui.sync.controller import SyncController
from actions_studio.ui.sync.dialog import SyncDialog

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CODE = ('"""Adds the user\'s roles to the ID and access tokens."""\n\nNAMESPACE = "https://acme.example.com"\n\n\n'
        "def on_execute_post_login(event, api):\n"
        "    roles = event.authorization.roles if event.authorization else []\n"
        "    api.id_token.set_custom_claim(f\"{NAMESPACE}/roles\", roles)\n"
        "    api.access_token.set_custom_claim(f\"{NAMESPACE}/roles\", roles)\n")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Workspace, LocalTenantHost]]:
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")
    host = LocalTenantHost(tmp_path / "tenant")
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as ws:
        try:
            yield ws, host
        finally:
            host.stop()


def _seed_conflict(ws: Workspace, host: LocalTenantHost) -> None:
    for name in ("add roles", "block risky logins", "tag new users"):
        actions.create_action(ws, name, "post-login", code=CODE)
        actions.deploy(ws, name)
    flows.set_flow(ws, "post-login", ["add roles", "block risky logins"])
    with SyncSession(ws, ensure_local_profile(ws), local_host=host) as s:
        assert s.apply(s.plan()).ok
    # Another tool edits "add roles" on the tenant; the workspace edits it too.
    with TenantClient(host.connection()) as client:
        remote = next(a for a in client.list_actions() if a.name == "add roles")
        theirs = CODE.replace("roles = event", "# edited in the dashboard\n    roles = event")
        client.update(remote.id, remote.name, Content(theirs, "python3"), {})
    actions.save_draft(ws, "add roles", code=CODE.replace("set_custom_claim(f\"{NAMESPACE}/roles\", roles)\n    api.access",
                                                          "set_custom_claim(f\"{NAMESPACE}/roles\", sorted(roles))\n    api.access"))
    actions.save_draft(ws, "tag new users", code=CODE + "    # count first logins\n")
    actions.deploy(ws, "tag new users")
    flows.set_flow(ws, "post-login", ["add roles", "block risky logins", "tag new users"])


def test_sync_dialog_shows_a_conflict_then_applies_the_choice(qtbot, env) -> None:
    ws, host = env
    _seed_conflict(ws, host)
    controller = SyncController(StudioSession(ws), host=host)
    dialog = SyncDialog(controller)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.sig_plan_shown, timeout=20_000):
        dialog.refresh()
    names = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    changes = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert dict(zip(names, changes)) == {"add roles": "Conflict", "tag new users": "Deploy",
                                          "post-login flow": "—"}
    dialog.table.selectRow(names.index("add roles"))
    assert dialog.keep_button.isVisible() and dialog.take_button.isVisible()
    left = dialog.diff.left_text.toPlainText()
    right = dialog.diff.right_text.toPlainText()
    assert "sorted(roles)" in left and "edited in the dashboard" in right
    dialog.pair_combo.setCurrentIndex(2)  # base ↔ tenant
    assert "edited in the dashboard" not in dialog.diff.left_text.toPlainText()
    dialog.pair_combo.setCurrentIndex(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "sync-dialog.png"))

    dialog.open_side_by_side()
    assert "edited in the dashboard" in dialog.side_windows[-1].diff.right_text.toPlainText()
    dialog.side_windows[-1].close()

    with qtbot.waitSignal(dialog.sig_plan_shown, timeout=20_000):
        dialog.keep_button.click()
    assert dialog.table.item(names.index("add roles"), 4).text() == "keep mine"
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(controller.sig_applied, timeout=30_000) as applied:
        dialog.apply_button.click()
    assert applied.args[0].ok, applied.args[0].describe()
    qtbot.waitUntil(lambda: dialog.state_label.text().endswith("in sync"), timeout=20_000)
    assert dialog.progress.value() == dialog.progress.maximum()
    assert controller.status() == ("⇅ Local tenant: in sync", "in-sync")
    controller.shutdown()


def test_tenant_switch_drops_the_old_plan_and_profiles_are_edited(qtbot, env) -> None:
    from actions_studio.ui.sync.tenants_dialog import TenantsDialog

    ws, host = env
    controller = SyncController(StudioSession(ws), host=host)
    editor = TenantsDialog(controller)
    qtbot.addWidget(editor)
    editor.new_profile()
    editor.name_edit.setText("staging")
    editor.url_edit.setText("acme-staging.eu.auth0.com")
    editor.client_id_edit.setText("abc")
    editor.secret_edit.setText("s3cret-value")
    editor.save()
    assert [editor.list.item(i).text() for i in range(editor.list.count())] == ["Local tenant", "staging"]
    assert editor.url_edit.text() == "https://acme-staging.eu.auth0.com"
    assert editor.secret_edit.text() == ""  # write-only: never read back
    assert "audience https://acme-staging.eu.auth0.com/api/v2/" in editor.note.text()
    editor.show()
    assert editor.grab().save(str(SCREENSHOTS / "sync-tenants.png"))
    with qtbot.waitSignal(controller.sig_tenant_changed):
        editor.use()
    assert controller.status() == ("⇅ staging: not checked", "unknown")
    editor.list.setCurrentRow(0)
    assert not editor.remove_button.isEnabled()  # the Local tenant is built in
    editor.list.setCurrentRow(1)
    editor.remove()
    assert controller.tenant == "Local tenant"
    controller.shutdown()


def test_the_dialog_says_what_the_tenant_makes_it_wait_for(qtbot, env) -> None:
    from actions_studio.sync.applier import Progress
    from actions_studio.sync.plan import Step

    ws, host = env
    controller = SyncController(StudioSession(ws), host=host)
    dialog = SyncDialog(controller)
    qtbot.addWidget(dialog)
    step = Step("deploy", "k", "deploy add roles v2")
    controller.sig_progress.emit(Progress(2, 5, step, "waiting", "rate limited by the tenant (50 "
                                          "requests): waiting 3 s, until 14:03:07"))
    assert dialog.message.text() == ("2/5: deploy add roles v2 — rate limited by the tenant (50 "
                                     "requests): waiting 3 s, until 14:03:07")
    controller.shutdown()

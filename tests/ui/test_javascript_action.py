"""A JavaScript action through the studio (issue 16): New action with its language, the explorer
and status bar naming the runtime, the JavaScript editor with the TypeScript service, Deploy,
History diff and revert, and the flows canvas's effect icons — the same paths a Python action
takes. Real window offscreen, real workspace, real tsserver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from actions_studio.services import actions as actions_service
from actions_studio.services import tenants
from actions_studio.services.templates import template_for
from actions_studio.ui.action_commands import ActionCommands
from window_fixtures import Studio, close_studio, make_studio

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def js_studio(qtbot, analysis_worker, typescript_worker, tmp_path) -> Iterator[Studio]:
    made = make_studio(qtbot, analysis_worker, tmp_path, typescript=typescript_worker)
    yield made
    close_studio(made)


def test_the_new_action_dialog_offers_the_languages_with_one_preselected(qtbot, screenshots_dir) -> None:
    from actions_studio.triggers import TRIGGERS
    from actions_studio.ui.action_dialogs import NewActionDialog

    triggers = [(t.id, t.description) for t in TRIGGERS.values()]
    dialog = NewActionDialog(triggers, "post-login", runtime="node22")
    qtbot.addWidget(dialog)
    combo = dialog.language_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Python", "JavaScript (Node 22)"]
    qtbot.keyClicks(dialog.name_edit, "geo-block")
    assert dialog.answer() == ("geo-block", "post-login", "node22")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(screenshots_dir / "new-action-dialog.png"))
    combo.setCurrentIndex(combo.findData("python3"))
    assert dialog.answer() == ("geo-block", "post-login", "python3")
    assert NewActionDialog(triggers).language_combo.currentData() == "python3"


def test_node22_is_preselected_once_an_auth0_tenant_is_active(js_studio) -> None:
    commands: ActionCommands = js_studio.window.commands
    assert commands.default_runtime() == "python3"  # the bundled tenant runs both
    tenants.add_profile(js_studio.ws, "acme", "acme.eu.auth0.com", "client-1", "s3cret")
    js_studio.window.session.set_active_tenant("acme")
    assert commands.default_runtime() == "node22"  # Auth0 runs only Node
    js_studio.prompts.answers = [("geo-block", "post-login")]  # OK on what the dialog preselected
    js_studio.window.new_action("post-login")
    assert js_studio.prompts.new_action_runtime == "node22"
    assert actions_service.open_action(js_studio.ws, "geo-block").draft.runtime == "node22"


def test_a_new_javascript_action_starts_from_the_template_in_a_javascript_editor(js_studio, screenshots_dir) -> None:
    window = js_studio.window
    js_studio.prompts.answers = [("geo-block", "post-login", "node22")]
    action_id = window.new_action("post-login")
    editor = window.tabs.current_editor()
    assert window.tabs.current_action_id() == action_id
    assert editor.language.name == "javascript"
    assert editor.text() == template_for("post-login", "node22")
    assert window.explorer.runtime_of(action_id) == "node22"
    assert window.explorer.item_for(action_id).text(1) == "js"
    assert window.status_runtime.text() == "JavaScript (Node 22)"
    window.resize(1280, 800)
    js_studio.qtbot.waitUntil(lambda: editor.diagnostics() == [] and window.problems.messages() == [],
                              timeout=60_000)
    js_studio.qtbot.wait(450)
    assert window.grab().save(str(screenshots_dir / "main-window-javascript.png"))
    python_id = js_studio.action_id("add-roles-to-tokens")
    assert window.explorer.item_for(python_id).text(1).endswith("py")
    js_studio.open("add-roles-to-tokens")
    assert window.status_runtime.text() == "Python"
    assert window.tabs.current_editor().language.name == "python"


def _new_js_action(js_studio, name: str = "js-roles") -> tuple[str, object]:
    js_studio.prompts.answers = [(name, "post-login", "node22")]
    action_id = js_studio.window.new_action("post-login")
    return action_id, js_studio.window.tabs.current_editor()


def test_completions_and_problems_in_the_studios_javascript_editor(js_studio, qtbot) -> None:
    window = js_studio.window
    _action_id, editor = _new_js_action(js_studio)
    view = editor.view()
    view.set_caret(view.position_of(17, 0))  # the handler's last line: `api.accessToken…`
    js_studio.type("  event.")
    qtbot.waitUntil(lambda: "user" in view.completion_items(), timeout=30_000)
    js_studio.key(Qt.Key.Key_Escape)
    js_studio.type("usr;\n")
    qtbot.waitUntil(lambda: any("usr" in m for m in window.problems.messages()), timeout=60_000)


def test_deploy_history_diff_and_revert_of_a_javascript_action(js_studio, qtbot) -> None:
    window = js_studio.window
    action_id, editor = _new_js_action(js_studio)
    original = editor.text()
    js_studio.prompts.answers = ["v1"]
    window.deploy(action_id)
    editor.set_text(original.replace("/roles`", "/groups`"))
    window.tabs.save(action_id)
    js_studio.prompts.answers = ["groups"]
    window.deploy(action_id)
    history = window.history
    window.bottom.setCurrentWidget(history)
    assert history.versions_shown() == [2, 1]
    history.compare(1, 2)
    changed = [r for r in history.diff.rows() if r.kind != "equal"]
    assert len(changed) == 1 and "/roles`" in changed[0].left and "/groups`" in changed[0].right
    js_studio.prompts.answers = [True]
    history.select_version(1)
    qtbot.mouseClick(history.revert_button, Qt.MouseButton.LeftButton)
    assert history.versions_shown() == [3, 2, 1]
    assert editor.text() == original and not editor.is_modified()
    version = actions_service.get_version(js_studio.ws, "js-roles", 3)
    assert version.runtime == "node22" and version.code == original
    assert window.explorer.marker_of(action_id) == "deployed"


def test_the_flows_canvas_shows_a_javascript_actions_effects(js_studio) -> None:
    window = js_studio.window
    action_id, _editor = _new_js_action(js_studio)
    js_studio.prompts.answers = ["v1"]
    window.deploy(action_id)
    cards = window.session.cards()
    assert [(e.kind, e.token) for e in cards[action_id].effects.effects] == [("claims", "access_token")]


def test_the_dependencies_dialog_of_a_javascript_action_speaks_npm(js_studio) -> None:
    window = js_studio.window
    _new_js_action(js_studio)
    dialog = window.show_dependencies()
    try:
        assert dialog.editor.placeholderText() == "lodash@4.17.21"
        dialog.editor.setPlainText("../escape@1.0.0")
        assert not dialog.validate() and "../escape" in dialog.message.text()
        dialog.editor.setPlainText("lodash@4.17.21\n@scope/name@1.0.0\n")
        assert dialog.validate()
    finally:
        dialog.reject()


def test_the_typescript_service_starts_at_idle_only_for_a_workspace_with_javascript(analysis_worker) -> None:
    from actions_studio.ui.editor_host import EditorFactory

    factory = EditorFactory(analysis_worker)
    try:
        assert not factory.warm_for(["python3", "python3"])
        assert not factory.typescript_started()  # a Python-only studio never starts Node
        assert factory.warm_for(["python3", "node22"])
        assert factory.typescript_started()
        assert not factory.warm_for(["node22"])  # once
    finally:
        factory.stop()
    assert not factory.typescript_started()


def test_without_node_the_javascript_editor_still_edits_and_says_why_once(
        analysis_worker, qtbot, monkeypatch, tmp_path) -> None:
    from actions_studio.ui.editor_host import EditorFactory

    monkeypatch.setenv("ACTIONS_STUDIO_NODE", str(tmp_path / "no-such-node"))
    said: list[str] = []
    factory = EditorFactory(analysis_worker)
    factory.progress = said.append
    editor = factory.create("post-login", [], None, runtime="node22")
    qtbot.addWidget(editor)
    try:
        editor.set_text(template_for("post-login", "node22"))
        editor.show()
        qtbot.waitUntil(lambda: len(said) == 1, timeout=30_000)
        assert said[0].startswith("JavaScript completions and checks are off: ") and "no-such-node" in said[0]
        editor.request_completion()  # answered with nothing; no exception, no popup
        editor.view().set_caret(editor.view().length())
        qtbot.keyClicks(editor.text_area(), "// still typing")
        assert editor.text().endswith("// still typing")
        qtbot.wait(400)  # the diagnostics pause passes: no problems invented, none raised
        assert editor.diagnostics() == [] and not editor.view().completion_active()
        assert len(said) == 1
    finally:
        editor.close()
        factory.stop()


def test_an_open_editor_follows_its_drafts_runtime_when_a_sync_changes_it(js_studio) -> None:
    window = js_studio.window
    js_studio.open("welcome-new-user")
    editor = js_studio.open("add-roles-to-tokens")
    action_id = js_studio.action_id("add-roles-to-tokens")
    index = window.tabs.index_of(action_id)
    assert editor.language.name == "python"
    code = template_for("post-login", "node22")
    actions_service.save_draft(js_studio.ws, "add-roles-to-tokens", runtime="node22", code=code)
    window.session.note_workspace_changed()  # as a sync pull announces what it wrote
    reopened = window.tabs.editor(action_id)
    assert reopened is not editor and reopened.language.name == "javascript"
    assert reopened.text() == code and not reopened.is_modified()
    assert window.tabs.index_of(action_id) == index and window.tabs.current_action_id() == action_id

"""The studio window driven as a user: first run, editing and saving, running fixtures (allowed
and denied), problems, deploy (and a refused deploy), diff, revert, restart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import actions as actions_service
from window_fixtures import CTRL, SHIFT, close_studio, make_studio, studio  # noqa: F401

F5 = Qt.Key.Key_F5


def test_first_run_shows_one_example_per_trigger_and_getting_started(studio) -> None:
    window = studio.window
    names = window.explorer.visible_action_names()
    assert len(names) == 6 and "add-roles-to-tokens" in names and "block-throwaway-emails" in names
    assert window.tabs.tab_id(window.tabs.currentIndex()) == "getting-started"
    text = window.getting_started.text()
    for hint in ("F5", "Ctrl+Space", "Ctrl+Shift+D"):
        assert hint in text
    # The post-login example is open behind the page, and the panels follow it.
    assert window.tabs.editor(studio.action_id("add-roles-to-tokens")) is not None
    assert window.test_panel.current_fixture_name() == "add-roles-to-tokens sample"
    assert not window.windowIcon().isNull()


def test_filter_box_narrows_the_explorer(studio, qtbot) -> None:
    qtbot.keyClicks(studio.window.explorer.filter_edit, "email")
    assert studio.window.explorer.visible_action_names() == ["block-throwaway-emails"]


def test_typing_marks_the_tab_and_ctrl_s_saves_the_draft(studio) -> None:
    window = studio.window
    editor = studio.open("welcome-new-user")
    index = window.tabs.currentIndex()
    editor.go_to_line(editor.text().count("\n") + 1)
    studio.type("# reviewed\n")
    assert window.tabs.tabText(index).endswith("•")
    assert "unsaved" in window.status_version.text()
    studio.key(Qt.Key.Key_S, CTRL)
    assert not window.tabs.tabText(index).endswith("•")
    assert "# reviewed" in actions_service.open_action(studio.ws, "welcome-new-user").draft.code
    assert window.status_cursor.text().startswith("Ln ")


def test_f5_runs_the_draft_and_the_outcome_card_says_allowed_with_the_claim(studio) -> None:
    studio.open("add-roles-to-tokens")
    studio.key(F5)
    text = studio.wait_result("Allowed")
    assert "https://example.com/roles" in text and '["editor"]' in text
    assert "matches the expectation" in text
    assert "api.access_token.set_custom_claim" in text
    assert "add-roles-to-tokens sample" in studio.window.test_panel.runs_list.item(0).toolTip() or \
        studio.window.test_panel.runs_list.count() == 1


def test_f5_on_the_throwaway_fixture_shows_denied_with_the_reason(studio) -> None:
    studio.open("block-throwaway-emails")
    studio.window.test_panel.select_fixture("block-throwaway-emails throwaway")
    studio.key(F5)
    text = studio.wait_result("Denied")
    assert "blocked_email_domain" in text and "Please sign up with your work email address." in text


def test_f5_runs_what_the_editor_shows_and_prints_reach_the_console(studio) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    editor.set_text("def on_execute_post_login(event, api):\n    print('hello from the draft')\n"
                    "    api.access.deny('no entry today')\n")
    editor.set_text(editor.text())  # set_text counts as saved; make it a user edit instead:
    studio.type("\n")
    studio.key(F5)
    text = studio.wait_result("Denied")
    assert "no entry today" in text and "expectation not met" in text
    assert "hello from the draft" in window.console.contents()
    assert "no entry today" in actions_service.open_action(studio.ws, "add-roles-to-tokens").draft.code


def test_a_redirect_shows_suspended_with_the_url(studio) -> None:
    editor = studio.open("add-roles-to-tokens")
    editor.set_text("def on_execute_post_login(event, api):\n"
                    "    api.redirect.send_user_to('https://example.com/consent', query={'step': '1'})\n\n\n"
                    "def on_continue_post_login(event, api):\n    pass\n")
    studio.window.save_current()
    studio.key(F5)
    text = studio.wait_result("Suspended for redirect")
    assert "https://example.com/consent?step=1" in text


def test_clicking_a_traceback_frame_jumps_to_that_line(studio) -> None:
    editor = studio.open("add-roles-to-tokens")
    editor.set_text("def helper(user):\n    return user['missing']\n\n\n"
                    "def on_execute_post_login(event, api):\n    helper({})\n")
    studio.window.save_current()
    studio.key(F5)
    studio.wait_result("KeyError")
    html = studio.window.test_panel.result_view.toHtml()
    assert 'href="line:2"' in html and 'href="line:6"' in html
    studio.window.test_panel.on_result_view_anchor_clicked(__import__("PySide6.QtCore").QtCore.QUrl("line:2"))
    assert editor.cursor_position()[0] == 2


def test_broken_syntax_is_listed_in_problems_and_a_click_goes_to_its_line(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    editor.go_to_line(1)
    studio.type("def broken(:\n")
    qtbot.waitUntil(lambda: any("SyntaxError" in m for m in window.problems.messages()), timeout=10_000)
    assert window.bottom.tabText(2).startswith("Problems (")
    editor.go_to_line(5)
    tree = window.problems.tree
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if "SyntaxError" in tree.topLevelItem(i).text(2))
    window.bottom.setCurrentWidget(window.problems)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert editor.cursor_position()[0] == 1


def test_deploy_with_a_note_then_a_refused_deploy_shows_the_error(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    action_id = studio.action_id("add-roles-to-tokens")
    studio.prompts.answers = ["first cut"]
    studio.key(Qt.Key.Key_D, CTRL | SHIFT)
    assert window.history.versions_shown() == [1]
    assert window.history.table.item(0, 1).text() == "first cut"
    assert "● deployed" in window.history.table.item(0, 0).text()
    assert window.status_version.text() == "draft = v1 (deployed)"
    assert window.explorer.marker_of(action_id) == "deployed"

    editor.go_to_line(1)
    studio.type("if (:\n")
    studio.key(Qt.Key.Key_D, CTRL | SHIFT)  # no note is asked: the draft does not compile
    assert "deploy refused" in window.banner_text() and "line 1" in window.banner_text()
    assert editor.cursor_position()[0] == 1
    assert [v.number for v in actions_service.list_versions(studio.ws, "add-roles-to-tokens")] == [1]
    assert window.status_version.text() == "draft (v1 deployed)"
    assert window.explorer.marker_of(action_id) == "changed"


def test_history_diff_of_two_versions_and_revert_with_confirmation(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    original = editor.text()
    studio.prompts.answers = ["v1"]
    window.deploy(studio.action_id("add-roles-to-tokens"))
    editor.set_text(original.replace('"roles"', '"groups"'))
    window.tabs.save(studio.action_id("add-roles-to-tokens"))
    studio.prompts.answers = ["groups instead of roles"]
    window.deploy(studio.action_id("add-roles-to-tokens"))
    window.bottom.setCurrentWidget(window.history)
    history = window.history
    assert history.versions_shown() == [2, 1]

    history.compare(1, 2)
    changed = [r for r in history.diff.rows() if r.kind != "equal"]
    assert len(changed) == 1 and '"roles"' in changed[0].left and '"groups"' in changed[0].right
    assert history.diff.summary_label.text() == "+1 −1 lines"

    history.select_version(1)
    assert history.diff.sides() == (1, "draft")
    studio.prompts.answers = [False]  # the user cancels the first time
    qtbot.mouseClick(history.revert_button, Qt.MouseButton.LeftButton)
    assert history.versions_shown() == [2, 1]
    studio.prompts.answers = [True]
    history.select_version(1)
    qtbot.mouseClick(history.revert_button, Qt.MouseButton.LeftButton)
    assert "deploys a copy of v1 as v3" in studio.prompts.asked[-1][1]
    assert history.versions_shown() == [3, 2, 1]
    assert editor.text() == original and not editor.is_modified()
    assert window.status_version.text() == "draft = v3 (deployed)"


def test_closing_a_modified_tab_asks_save_discard_cancel(studio) -> None:
    window = studio.window
    editor = studio.open("send-mfa-sms")
    action_id = studio.action_id("send-mfa-sms")
    studio.type("# note\n")
    studio.prompts.answers = ["cancel"]
    window.tabs.tabCloseRequested.emit(window.tabs.currentIndex())
    assert window.tabs.editor(action_id) is editor
    studio.prompts.answers = ["save"]
    window.tabs.tabCloseRequested.emit(window.tabs.currentIndex())
    assert window.tabs.editor(action_id) is None
    assert "# note" in actions_service.open_action(studio.ws, "send-mfa-sms").draft.code


def test_new_rename_and_delete_actions_from_the_explorer(studio) -> None:
    window = studio.window
    studio.prompts.answers = [("geo-block", "post-login")]
    new_id = window.new_action("post-login")
    assert "geo-block" in window.explorer.visible_action_names()
    assert window.tabs.current_action_id() == new_id
    assert window.test_panel.fixture_names() == ["geo-block sample"]

    studio.prompts.answers = ["geo-fence"]
    window.rename_action(new_id)
    assert window.tabs.tabText(window.tabs.index_of(new_id)) == "geo-fence"

    # In a flow: the service refuses; the user sees its message and may force.
    studio.prompts.answers = ["v1"]
    window.deploy(new_id)
    from actions_studio.services import flows

    flows.set_flow(studio.ws, "post-login", ["geo-fence"])
    studio.prompts.answers = [True, False]
    window.delete_action(new_id)
    assert "in the post-login flow" in studio.prompts.asked[-1][1]
    assert "geo-fence" in window.explorer.visible_action_names()
    studio.prompts.answers = [True, True]
    window.delete_action(new_id)
    assert "geo-fence" not in window.explorer.visible_action_names()
    assert window.tabs.index_of(new_id) == -1


def test_restart_restores_open_tabs_geometry_and_splitters(qtbot, analysis_worker, tmp_path) -> None:
    first = make_studio(qtbot, analysis_worker, tmp_path)
    first.open("send-mfa-sms")
    # Within the offscreen screen (800×600): restoreGeometry() fits a window to its screen.
    size = (780, 560)
    first.window.resize(*size)
    first.window.main_splitter.setSizes([110, 670])
    first.window.bottom.setCurrentIndex(3)
    open_before = first.window.tabs.open_ids()
    close_studio(first)

    second = make_studio(qtbot, analysis_worker, tmp_path)
    try:
        window = second.window
        assert window.tabs.open_ids() == open_before
        assert window.tabs.current_action_id() == second.action_id("send-mfa-sms")
        assert (window.width(), window.height()) == size
        assert abs(window.main_splitter.sizes()[0] - 110) <= 2
        assert window.bottom.currentIndex() == 3
        assert window.tabs.tab_id(window.tabs.currentIndex()) != "getting-started"
    finally:
        close_studio(second)


def test_first_start_opens_the_window_inside_its_screen_and_restart_keeps_the_users_size(
        qtbot, analysis_worker, tmp_path) -> None:
    first = make_studio(qtbot, analysis_worker, tmp_path)
    area = first.window.screen().availableGeometry()
    frame = first.window.frameGeometry()
    assert area.contains(frame), f"{frame} does not fit the screen {area}"
    assert frame.width() >= 0.8 * area.width() and frame.height() >= 0.8 * area.height()
    first.window.resize(760, 540)  # the user's own size, unlike the first start's
    close_studio(first)

    second = make_studio(qtbot, analysis_worker, tmp_path)
    try:
        assert (second.window.width(), second.window.height()) == (760, 540)
    finally:
        close_studio(second)

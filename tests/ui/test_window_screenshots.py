"""Screenshots are tests you look at (STYLE.md): the window at 1280×800 and each panel, rendered
offscreen to docs/screenshots/. Open them after a UI change."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import actions as actions_service
from window_fixtures import close_studio, make_studio

SIZE = (1280, 800)


def _settle(qtbot, ms: int = 150) -> None:
    qtbot.wait(ms)


def _save(widget, directory, name: str) -> None:
    path = directory / name
    assert widget.grab().save(str(path)), path
    assert path.stat().st_size > 5_000


def test_render_the_window_and_panels(qtbot, analysis_worker, tmp_path, screenshots_dir) -> None:
    studio = make_studio(qtbot, analysis_worker, tmp_path)
    window = studio.window
    try:
        window.resize(*SIZE)
        _settle(qtbot, 300)
        _save(window, screenshots_dir, "getting-started.png")

        # Main window: the post-login example after F5, allowed with its claim.
        studio.open("add-roles-to-tokens")
        window.center_splitter.setSizes([430, 340])
        window.main_splitter.setSizes([240, 1040])
        studio.key(Qt.Key.Key_F5)
        studio.wait_result("Allowed")
        _settle(qtbot)
        _save(window, screenshots_dir, "main-window.png")

        # A denied result in the Test panel.
        studio.open("block-throwaway-emails")
        window.test_panel.select_fixture("block-throwaway-emails throwaway")
        studio.key(Qt.Key.Key_F5)
        studio.wait_result("Denied")
        window.center_splitter.setSizes([330, 440])
        _settle(qtbot)
        _save(window.bottom, screenshots_dir, "test-panel-denied.png")

        # Problems after breaking the syntax.
        editor = studio.open("add-roles-to-tokens")
        editor.go_to_line(12)
        studio.type("roles = [\n")
        qtbot.waitUntil(lambda: bool(window.problems.messages()), timeout=10_000)
        window.bottom.setCurrentWidget(window.problems)
        _settle(qtbot, 300)
        _save(window, screenshots_dir, "problems.png")
        studio.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        studio.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

        # History with two versions and the diff between them.
        action_id = studio.action_id("add-roles-to-tokens")
        editor.set_text(actions_service.open_action(studio.ws, "add-roles-to-tokens").draft.code)
        studio.prompts.answers = ["copy roles into the access token"]
        window.deploy(action_id)
        code = editor.text().replace('    roles = event.user.app_metadata.get("roles", [])\n',
                                     '    roles = event.user.app_metadata.get("roles", [])\n'
                                     '    if event.user.email_verified:\n'
                                     '        api.id_token.set_custom_claim(f"{NAMESPACE}/verified", True)\n')
        editor.set_text(code.replace("# Example: copy", "# Copy"))
        window.tabs.save(action_id)
        studio.prompts.answers = ["add the verified claim to the ID token"]
        window.deploy(action_id)
        window.bottom.setCurrentWidget(window.history)
        window.history.compare(1, 2)
        _settle(qtbot)
        _save(window.bottom, screenshots_dir, "history-diff.png")

        # Secrets dialog with two names set (values masked).
        dialog = window.show_secrets()
        for name, value in (("CRM_API_KEY", "k-123"), ("WEBHOOK_SECRET", "w-456")):
            dialog.name_edit.setText(name)
            dialog.value_edit.setText(value)
            dialog.set_secret()
        dialog.name_edit.setText("SLACK_TOKEN")
        dialog.value_edit.setText("typed-but-not-set")
        qtbot.waitExposed(dialog)
        _settle(qtbot)
        _save(dialog, screenshots_dir, "secrets-dialog.png")
        dialog.reject()

        # Dependencies dialog with one bad line: the message names what is wrong.
        dialog = window.show_dependencies()
        dialog.editor.setPlainText("requests==2.32.3\nhttpx==0.27.0\npyjwt>=2\n")
        qtbot.waitExposed(dialog)
        _settle(qtbot)
        _save(dialog, screenshots_dir, "dependencies-dialog.png")
        dialog.reject()

        # Dark variant of the main window.
        window.set_theme_choice("dark")
        window.bottom.setCurrentWidget(window.test_panel)
        window.center_splitter.setSizes([430, 340])
        window.run_selected_fixture()  # the offscreen platform does not re-activate after a dialog
        studio.wait_result("Allowed")
        _settle(qtbot, 300)
        _save(window, screenshots_dir, "main-window-dark.png")
        window.set_theme_choice("system")
    finally:
        close_studio(studio)

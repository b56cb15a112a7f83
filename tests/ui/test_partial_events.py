"""The Test panel's "Changes only" view (issue 12 item 6): the editor holds only the fields that
differ from the trigger's sample, runs and saves the whole event."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from actions_studio.services import fixtures as fixtures_service
from actions_studio.triggers import get_trigger
from window_fixtures import studio  # noqa: F401


def test_changes_only_edits_a_patch_and_saves_the_whole_event(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("add-roles-to-tokens")
    assert panel.create_fixture("blocked")
    panel.changes_check.click()
    assert json.loads(panel.event_edit.toPlainText()) == {}
    panel.event_edit.setPlainText('{"user": {"email": "x@blocked.com"}}')
    assert panel.validate_now() is not None and panel.problems() == []
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    saved = fixtures_service.get_fixture(studio.ws, "blocked").event
    sample = get_trigger("post-login").sample_event()
    assert saved["user"]["email"] == "x@blocked.com" and saved["tenant"] == sample["tenant"]

    # A bad field in the patch is named by its place in the whole event.
    panel.event_edit.setPlainText('{"user": {"email": 5}}')
    assert panel.validate_now() is None and any("event.user.email" in p for p in panel.problems())
    # Switching views with an invalid event keeps the text and the view.
    panel.changes_check.click()
    assert panel.changes_check.isChecked() and '"email": 5' in panel.event_edit.toPlainText()

    panel.event_edit.setPlainText('{"user": {"email": "x@blocked.com"}}')
    panel.changes_check.click()  # back to the whole event
    whole = json.loads(panel.event_edit.toPlainText())
    assert whole["user"]["email"] == "x@blocked.com" and whole["client"] == sample["client"]


def test_a_null_the_patch_cannot_say_shows_the_whole_event(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("add-roles-to-tokens")
    event = get_trigger("post-login").sample_event()
    event["user"]["email"] = None  # a merge patch's null removes the field: it cannot set one
    panel.event_edit.setPlainText(json.dumps(event))
    messages: list[str] = []
    panel.sig_status_message.connect(messages.append)
    panel.changes_check.click()
    assert not panel.changes_check.isChecked()
    assert json.loads(panel.event_edit.toPlainText())["user"]["email"] is None
    assert any("cannot say that" in m for m in messages)

"""The one-line question the studio asks (a fixture's or an action's name) opens wide enough for
the name (issue 12 item 9: it was 200 px)."""

from __future__ import annotations

from actions_studio.ui.prompts import TEXT_DIALOG_WIDTH, text_dialog


def test_the_name_dialog_opens_wide_enough_for_a_name(qtbot) -> None:
    dialog = text_dialog(None, "New fixture", "Fixture name:", "add-roles-to-tokens case 12")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= TEXT_DIALOG_WIDTH >= 400  # the field alone is that wide
    assert dialog.textValue() == "add-roles-to-tokens case 12"

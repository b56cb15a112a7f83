"""The "Getting started" page a first run opens: what is in the workspace and what to try."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours

STEPS = [
    ("Open an example", "Double-click an action in the explorer on the left. There is one for every "
                        "trigger, each with a test fixture that passes."),
    ("Run it", "Press <b>F5</b> to run the draft against the selected fixture in the sandbox. The Test "
               "tab shows the outcome first: allowed or denied, claims, metadata, MFA, redirect."),
    ("Try a denial", "Open <b>block-throwaway-emails</b>, pick the <i>throwaway</i> fixture and press F5."),
    ("Write code", "Type <code>api.</code> or <code>event.</code>, or press <b>Ctrl+Space</b> anywhere, to "
                   "complete from the trigger's types. Problems are listed as you type."),
    ("Save and test everything", "<b>Ctrl+S</b> saves the draft; <b>Shift+F5</b> runs every fixture of the "
                                 "action against its expectation."),
    ("Deploy", "<b>Ctrl+Shift+D</b> snapshots the draft as a numbered version. History compares "
               "versions side by side and reverts."),
]


class GettingStartedPage(QWidget):
    sig_link_activated = Signal(str)
    """A link on the page was clicked (e.g. "new-action")."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(lambda url: self.sig_link_activated.emit(url.toString()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.set_colours(LIGHT_COLOURS)

    def set_colours(self, c: StudioColours) -> None:
        rows = "".join(
            f'<tr><td style="padding:6px 14px 6px 0; color:{c.link}; font-weight:700; font-size:13pt;">{i}</td>'
            f'<td style="padding:6px 0;"><b>{title}</b><br><span style="color:{c.muted};">{text}</span></td></tr>'
            for i, (title, text) in enumerate(STEPS, start=1))
        self.browser.setHtml(
            f'<div style="margin:18px 28px; color:{c.text};">'
            f'<p style="font-size:18pt; font-weight:700; margin-bottom:2px;">Welcome to Actions Studio</p>'
            f'<p style="color:{c.muted}; margin-top:0px;">Write identity-platform Actions in Python, test them '
            f"against events, and keep every version.</p>"
            f'<table cellspacing="0">{rows}</table>'
            f'<p style="color:{c.muted}; margin-top:14px;">'
            f'<a href="new-action" style="color:{c.link};">Create a new action</a> (Ctrl+N) · '
            f"Reopen this page from Help → Getting started.</p></div>")

    def text(self) -> str:
        return self.browser.toPlainText()



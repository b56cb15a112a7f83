"""The Test panel's right side: the result card and the fixture's earlier runs.

It keeps what the card shows as (kind, payload) so a theme change renders it again, and renders
with result_html (Qt-free). The panel decides what to show; this pane only shows it, and says
when the user picked an earlier run.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from actions_studio.services.errors import ServiceError
from actions_studio.ui import result_html
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours
from actions_studio.ui.session import StudioSession

RESULT_MIN_WIDTH, RUNS_MIN_WIDTH = 150, 70


class TestResultPane(QSplitter):
    __test__ = False  # "Test" is the domain's word; keep pytest from collecting it

    sig_record_shown = Signal()
    """The user picked an earlier run: the card shows a record, not this session's run."""

    def __init__(self, session: StudioSession, fixture_name: Callable[[], Optional[str]],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._session = session
        self._fixture_name = fixture_name  # the panel's current fixture, for an earlier run's card
        self._colours: StudioColours = LIGHT_COLOURS
        # What the result view shows, so a theme change can re-render it: (kind, payload).
        self._shown: Optional[tuple[str, Any]] = None
        self.result_view = QTextBrowser()
        # The result card stays readable when the window is at its smallest (issue 12 item 3);
        # the earlier-runs list gives way first.
        self.result_view.setMinimumWidth(RESULT_MIN_WIDTH)
        self.result_view.setOpenLinks(False)
        self.runs_list = QListWidget()
        self.runs_list.setMinimumWidth(RUNS_MIN_WIDTH)
        self.runs_list.itemClicked.connect(self.on_runs_list_item_clicked)
        runs_box = QWidget()
        runs_layout = QVBoxLayout(runs_box)
        runs_layout.setContentsMargins(0, 0, 0, 0)
        runs_layout.setSpacing(3)
        runs_heading = QLabel("Earlier runs")
        runs_heading.setObjectName("sectionHeading")
        runs_layout.addWidget(runs_heading)
        runs_layout.addWidget(self.runs_list)
        self.addWidget(self.result_view)
        self.addWidget(runs_box)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 0)
        self.setSizes([660, 150])

    def set_colours(self, colours: StudioColours) -> None:
        self._colours = colours
        self.rerender()

    def placeholder(self, text: str) -> str:
        return f'<p style="color:{self._colours.muted}; margin:12px;">{text}</p>'

    def show_placeholder(self, text: str, *, forget: bool = False) -> None:
        """A line in place of a card (a run in progress, no action). ``forget``: what was shown
        is gone for good, so a theme change does not bring it back."""
        if forget:
            self._shown = None
        self.result_view.setHtml(self.placeholder(text))

    def show(self, kind: str, payload: Any) -> None:
        """Shows a report, an earlier run's record, a failure, a batch or a refused run."""
        self._shown = (kind, payload)
        self.rerender()

    def rerender(self) -> None:
        if self._shown is None:
            return
        kind, payload = self._shown
        c = self._colours
        if kind == "report":
            self.result_view.setHtml(result_html.render(
                payload.result, c, fixture=payload.fixture, target=payload.target,
                passed=payload.passed, mismatch=payload.mismatch, runtimes=self._runtimes()))
        elif kind == "record":
            self.result_view.setHtml(result_html.render(
                _execution_result(payload.result), c, fixture=self._fixture_name() or "",
                target=f"earlier run of the {payload.target} · {payload.created_at[:19].replace('T', ' ')}",
                passed=payload.passed, mismatch=payload.mismatch, runtimes=self._runtimes()))
        elif kind == "failure":
            # Service messages are worded for the CLI; say where the studio does the same thing.
            hint = ("<br>In the studio: Action → Secrets… sets a value."
                    if "secrets set" in payload else "")
            self.result_view.setHtml(
                f'<p style="color:{c.error}; margin:12px;"><b>The run could not start.</b><br>'
                f"{result_html.html.escape(payload)}{hint}</p>")
        elif kind == "batch":
            self.result_view.setHtml(result_html.render_batch(payload, c))
        elif kind == "refused":
            self.result_view.setHtml(result_html.render_nothing_ran(
                "the event is not valid, so the fixture was not saved and nothing ran. Fix it and run again.",
                payload, c))

    def _runtimes(self) -> dict[str, str]:
        """Each action's runtime by name, so the card writes a JavaScript action's calls in
        JavaScript (a flow run mixes both)."""
        try:
            return {a.name: a.runtime for a in self._session.list_actions()}
        except ServiceError:
            return {}

    # -- earlier runs ------------------------------------------------------------------------------

    def reload_runs(self, fixture_name: Optional[str]) -> None:
        self.runs_list.clear()
        if not fixture_name:
            return
        try:
            records = self._session.run_history(fixture_name)
        except ServiceError:
            return
        for record in records:
            verdict = "" if record.passed is None else ("  ✓" if record.passed else "  ✗")
            when = record.created_at[11:19]
            item = QListWidgetItem(f"{when}  {record.status}{verdict}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            tip = f"{record.created_at[:19].replace('T', ' ')} UTC · {record.target}"
            item.setToolTip(f"{tip}\n{record.mismatch}" if record.mismatch else tip)
            self.runs_list.addItem(item)

    def on_runs_list_item_clicked(self, item: QListWidgetItem) -> None:
        record = item.data(Qt.ItemDataRole.UserRole)
        self._shown = ("record", record)
        self.sig_record_shown.emit()
        self.rerender()


def _execution_result(recorded: dict[str, Any]) -> Any:
    from actions_studio.runtime import ExecutionResult  # pydantic: with the first result, not the window

    return ExecutionResult.model_validate(recorded)

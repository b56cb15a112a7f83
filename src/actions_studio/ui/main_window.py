"""The studio window: explorer | editor tabs over a bottom area (Test, Console, Problems, History),
menus, status bar. It wires panels together and turns commands into session calls; the panels
render, the session talks to services, and nothing here holds workspace state.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui import theme as studio_theme
from actions_studio.ui.action_commands import ActionCommands
from actions_studio.ui.action_dialogs import runtime_label
from actions_studio.ui.console_panel import ConsolePanel
from actions_studio.ui.editor_host import EditorFactory
from actions_studio.ui.editor_tabs import GETTING_STARTED, EditorTabs
from actions_studio.ui.explorer import Explorer
from actions_studio.ui.flows.window_mode import FlowsMode
from actions_studio.ui.getting_started import GettingStartedPage
from actions_studio.ui.history_panel import HistoryPanel
from actions_studio.ui.menus import build_menus
from actions_studio.ui.problems_panel import ProblemsPanel
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.run_dispatcher import RunDispatcher
from actions_studio.ui.run_stop import install_stop
from actions_studio.ui.window_geometry import first_start_geometry
from actions_studio.ui.session import StudioSession
from actions_studio.ui.settings import StudioSettings
from actions_studio.ui.test_panel import TestPanel

BOTTOM_TABS = ("Test", "Console", "Problems", "History")


class MainWindow(QMainWindow):
    sig_idle = Signal()
    """The window is shown and its first event-loop turn has run (start-up benchmark)."""

    def __init__(self, session: StudioSession, dispatcher: RunDispatcher, factory: EditorFactory,
                 settings: StudioSettings, *, prompts: Optional[Prompts] = None,
                 first_run: bool = False) -> None:
        super().__init__()
        self.session = session
        self.dispatcher = dispatcher
        self.factory = factory
        self.settings = settings
        self.prompts = prompts or Prompts(self)
        self.prompts.parent = self
        self.active_dialog: Optional[QWidget] = None
        self._panel_action: Optional[str] = None
        self._shown_once = False
        self.setWindowTitle(f"Actions Studio — {session.name}")
        self.setObjectName("studioMainWindow")
        icon = _app_icon()
        if icon is not None:
            self.setWindowIcon(icon)
        self.commands = ActionCommands(session, self.prompts, self)
        self._build()
        self.actions_by_name = build_menus(self, self._commands())
        self._build_status_bar()
        # Sync menu, tenant switcher, status-bar state (issue 7): it reads the active tenant, so
        # a window shown while its workspace is still opening gets it once it is open.
        self.sync_ui = install_sync(self) if session.is_open() else None
        self.run_stop = install_stop(self)  # Stop: Run menu, toolbar, Esc while running (issue 12)
        self.theme_choice = settings.string("appearance/theme", "system")
        self.apply_theme()
        QApplication.styleHints().colorSchemeChanged.connect(self.on_system_color_scheme_changed)
        self._restore(first_run)
        session.sig_workspace_opened.connect(self.on_session_workspace_opened)

    # -- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.explorer = Explorer(self.session)
        self.tabs = EditorTabs(self.session, self.factory, self.prompts)
        self.getting_started = GettingStartedPage()
        self.getting_started.sig_link_activated.connect(self.on_getting_started_link_activated)
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_button = QPushButton("Go to line")
        self.banner_close = QPushButton("Dismiss")
        self.banner_close.clicked.connect(self.banner.hide)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 6, 6)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_button)
        banner_layout.addWidget(self.banner_close)
        self.banner.hide()
        self._banner_line: Optional[int] = None
        self._refused_action: Optional[str] = None  # whose deploy the banner refused
        self.banner_button.clicked.connect(lambda: self._banner_line and self.go_to_line(self._banner_line))

        self.test_panel = TestPanel(self.session, self.dispatcher, self.prompts)
        self.console = ConsolePanel()
        self.problems = ProblemsPanel()
        self.history = HistoryPanel(self.session)
        self.bottom = QTabWidget()
        self.bottom.setDocumentMode(True)
        for widget, title in zip((self.test_panel, self.console, self.problems, self.history), BOTTOM_TABS):
            self.bottom.addTab(widget, title)

        editor_area = QWidget()
        editor_layout = QVBoxLayout(editor_area)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.setSpacing(0)
        editor_layout.addWidget(self.banner)
        editor_layout.addWidget(self.tabs, 1)
        # The editor area, and the Flows view beside it (issue 5): the modes share this space.
        self.center_stack = QStackedWidget()
        self.center_stack.setObjectName("centerStack")
        self.center_stack.addWidget(editor_area)
        self.center_splitter = QSplitter(Qt.Orientation.Vertical)
        self.center_splitter.addWidget(self.center_stack)
        self.center_splitter.addWidget(self.bottom)
        self.center_splitter.setStretchFactor(0, 3)
        self.center_splitter.setStretchFactor(1, 2)
        self.center_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.explorer)
        self.main_splitter.addWidget(self.center_splitter)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_splitter)
        self.flows = FlowsMode(self)  # the Flows mode beside the editor area (issue 5)

        self.explorer.sig_action_activated.connect(self.open_action)
        self.explorer.sig_new_requested.connect(self.new_action)
        self.explorer.sig_rename_requested.connect(self.rename_action)
        self.explorer.sig_delete_requested.connect(self.delete_action)
        self.tabs.sig_current_changed.connect(self.on_tabs_current_changed)
        self.tabs.sig_diagnostics_changed.connect(self.on_tabs_diagnostics_changed)
        self.tabs.sig_cursor_moved.connect(self.on_tabs_cursor_moved)
        self.tabs.sig_modified_changed.connect(lambda _a, _m: self.update_status())
        self.test_panel.sig_line_requested.connect(self.go_to_line)
        self.test_panel.sig_console_output.connect(self.console.append)
        self.test_panel.sig_status_message.connect(self.show_message)
        self.test_panel.sig_run_requested.connect(self.on_test_panel_run_requested)
        self.problems.sig_line_requested.connect(self.go_to_line)
        self.problems.sig_count_changed.connect(self.on_problems_count_changed)
        self.history.sig_revert_requested.connect(self.revert)
        self.history.sig_deploy_requested.connect(self.deploy)
        self.session.sig_action_changed.connect(lambda _id: self.update_status())
        self.session.sig_action_changed.connect(self.on_session_action_changed_for_refusal)
        self.session.sig_actions_changed.connect(
            lambda: self._refused_action and self.on_session_action_changed_for_refusal(self._refused_action))
        self.session.sig_actions_changed.connect(self.on_session_actions_changed)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_trigger = QLabel()
        self.status_runtime = QLabel()
        self.status_version = QLabel()
        self.status_cursor = QLabel()
        for label in (self.status_trigger, self.status_runtime, self.status_version, self.status_cursor):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.update_status()

    def _commands(self) -> dict:
        def editor_call(method: str):
            def run() -> None:
                editor = self.tabs.current_editor()
                if editor is not None:
                    getattr(editor, method)()
            return run

        def bottom(index: int):
            return lambda: self.bottom.setCurrentIndex(index)

        return {
            "new_action": lambda: self.new_action(self.explorer.current_trigger() or ""),
            "save": self.save_current,
            "close_tab": lambda: self.tabs.currentIndex() >= 0 and self.tabs.close_tab(
                self.tabs.tab_id(self.tabs.currentIndex())),
            "preferences": self.show_preferences,
            "quit": self.close,
            "undo": lambda: self._undo_redo("undo"),
            "redo": lambda: self._undo_redo("redo"),
            "find": editor_call("show_find"),
            "replace": editor_call("show_replace"),
            "go_to_line": editor_call("show_go_to_line"),
            "toggle_comment": editor_call("toggle_comment"),
            "complete": editor_call("request_completion"),
            "deploy": lambda: self.deploy(self.current_action_id()),
            "history": bottom(3),
            "secrets": self.show_secrets,
            "dependencies": self.show_dependencies,
            "rename": lambda: self.rename_action(self.current_action_id()),
            "delete": lambda: self.delete_action(self.current_action_id()),
            "run": self.run_selected_fixture,
            "run_all": self.run_all_fixtures,
            "stop": lambda: self.run_stop.stop(),
            "new_fixture": self.test_panel.on_new_button_clicked,
            "show_test": bottom(0),
            "show_console": bottom(1),
            "show_problems": bottom(2),
            "show_history": bottom(3),
            "getting_started": self.show_getting_started,
            "about": self.show_about,
        }

    def _undo_redo(self, which: str) -> None:
        """Edit → Undo/Redo act where the user is typing: a fixture's JSON, a filter box, or code."""
        focused = QApplication.focusWidget()
        editor = self.tabs.current_editor()
        inside_code = editor is not None and focused is not None and editor.isAncestorOf(focused)
        if isinstance(focused, (QPlainTextEdit, QLineEdit)) and not inside_code:
            getattr(focused, which)()
        elif self.flows.active():
            getattr(self.flows.view.stack(), which)()
        elif editor is not None:
            getattr(editor, which)()

    # -- which action ------------------------------------------------------------------------------

    def current_action_id(self) -> str:
        return self.tabs.current_action_id() or self._panel_action or self.explorer.current_action_id() or ""

    def open_action(self, action_id: str) -> None:
        self.tabs.open_action(action_id)

    def on_tabs_current_changed(self, action_id: str) -> None:
        if action_id:
            self._set_panel_action(action_id)
            self.explorer.select_action(action_id)
        elif not [i for i in self.tabs.open_ids() if i != GETTING_STARTED]:
            self._set_panel_action(None)
        self.update_status()

    def _set_panel_action(self, action_id: Optional[str]) -> None:
        if action_id == self._panel_action:
            return
        self._panel_action = action_id
        editor = self.tabs.editor(action_id) if action_id else None
        self.problems.show_diagnostics(editor.diagnostics() if editor is not None else [])
        if self.session.is_open():  # else they follow once it is (on_session_workspace_opened)
            self.test_panel.set_action(action_id)
            self.history.set_action(action_id)
        elif action_id:
            self.test_panel.show_opening()

    def on_session_workspace_opened(self) -> None:
        """The workspace the window was shown with finished opening (issue 12 item 10): what
        reads more than the actions and drafts fills in now."""
        if self.sync_ui is None:
            self.sync_ui = install_sync(self)
        self.explorer.refresh()
        self.test_panel.set_action(self._panel_action)
        self.history.set_action(self._panel_action)
        self.update_status()

    def on_session_actions_changed(self) -> None:
        if self._panel_action and self.session.action(self._panel_action) is None:
            self._set_panel_action(self.tabs.current_action_id() or None)
        elif self._panel_action:
            self.test_panel.refresh_action_name()
        self.update_status()

    def on_tabs_diagnostics_changed(self, action_id: str, diagnostics: list) -> None:
        if action_id == self._panel_action:
            self.problems.show_diagnostics(diagnostics)

    def on_problems_count_changed(self, count: int) -> None:
        self.bottom.setTabText(2, f"Problems ({count})" if count else "Problems")

    def on_tabs_cursor_moved(self, line: int, column: int) -> None:
        self.status_cursor.setText(f"Ln {line}, Col {column}")

    def go_to_line(self, line: int) -> None:
        action_id = self._panel_action or self.tabs.current_action_id()
        if not action_id:
            return
        editor = self.tabs.open_action(action_id)
        if editor is not None:
            editor.go_to_line(int(line))

    def update_status(self) -> None:
        action_id = self.tabs.current_action_id()
        detail = self.session.detail(action_id) if action_id else None
        if detail is None:
            for label in (self.status_trigger, self.status_runtime, self.status_version, self.status_cursor):
                label.setText("")
            return
        record = detail.action
        self.status_trigger.setText(f"Trigger: {record.trigger_id} {record.trigger_version}")
        self.status_runtime.setText(runtime_label(detail.draft.runtime))
        self.status_runtime.setToolTip(f"Runtime: {detail.draft.runtime}")
        if record.deployed_number is None:
            state = "draft (never deployed)"
        elif detail.draft_differs:
            state = f"draft (v{record.deployed_number} deployed)"
        else:
            state = f"draft = v{record.deployed_number} (deployed)"
        editor = self.tabs.editor(action_id)
        if editor is not None and editor.is_modified():
            state += " · unsaved"
        self.status_version.setText(state)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- what the Flows mode needs of the window (flows/window_mode.FlowsWindow) -----------------

    def add_mode_toolbar(self, toolbar: QToolBar) -> None:
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def center_sizes(self) -> list[int]:
        return self.center_splitter.sizes()

    def set_center_sizes(self, sizes: list[int]) -> None:
        self.center_splitter.setSizes(sizes)

    def show_report(self, report) -> None:
        """A result the Test panel did not ask for (a canvas run): shown there, brought to the
        front but not resized — the lit cards are what the user is looking at."""
        self.test_panel.show_report(report)
        self.bottom.setCurrentWidget(self.test_panel)

    # -- commands --------------------------------------------------------------------------------------

    def save_current(self) -> bool:
        action_id = self.tabs.current_action_id()
        if action_id and self.tabs.save(action_id):
            self.show_message(f"Saved the draft of {self.session.action(action_id).name}")
            self.update_status()
            return True
        return False

    def _settle_editor(self, action_id: str) -> bool:
        """Saves the editor's text first: a run or deploy uses what the user sees."""
        editor = self.tabs.editor(action_id)
        return editor is None or not editor.is_modified() or self.tabs.save(action_id)

    def on_test_panel_run_requested(self) -> None:
        if self._panel_action:
            self._settle_editor(self._panel_action)

    def run_selected_fixture(self) -> Optional[int]:
        self._ensure_panels_follow_current()
        self.bottom.setCurrentWidget(self.test_panel)
        return self.test_panel.run_selected()

    def run_all_fixtures(self) -> Optional[int]:
        self._ensure_panels_follow_current()
        self.bottom.setCurrentWidget(self.test_panel)
        return self.test_panel.run_all()

    def _ensure_panels_follow_current(self) -> None:
        action_id = self.current_action_id()
        if action_id:
            self._set_panel_action(action_id)

    # -- action commands: decided by ActionCommands, shown through the WindowPort methods below --

    def new_action(self, trigger_id: str = "") -> Optional[str]:
        return self.commands.new_action(trigger_id)

    def rename_action(self, action_id: str) -> None:
        self.commands.rename(action_id)

    def delete_action(self, action_id: str) -> None:
        self.commands.delete(action_id)

    def deploy(self, action_id: str) -> Optional[int]:
        return self.commands.deploy(action_id)

    def revert(self, action_id: str, number: int) -> None:
        if self.commands.revert(action_id, number) is not None:
            self.update_status()

    def settle_editor(self, action_id: str) -> bool:
        return self._settle_editor(action_id)

    def editor_is_modified(self, action_id: str) -> bool:
        editor = self.tabs.editor(action_id)
        return editor is not None and editor.is_modified()

    def open_editor(self, action_id: str) -> None:
        self.tabs.open_action(action_id)

    def reload_editor(self, action_id: str) -> None:
        self.tabs.reload(action_id)

    def show_refusal(self, text: str, line: Optional[int], action_id: Optional[str] = None) -> None:
        self._refused_action = action_id
        self._banner_line = line
        self.banner_label.setText(text)
        self.banner_button.setVisible(line is not None)
        self.banner.show()
        self.show_message(text)
        if line is not None:
            self.go_to_line(line)

    def clear_refusal(self) -> None:
        self._refused_action = None
        self.banner.hide()

    def on_session_action_changed_for_refusal(self, action_id: str) -> None:
        """The refused draft was saved (or the action went): the banner goes once it compiles
        again, rather than outliving its cause (issue 12 item 4)."""
        if action_id != self._refused_action or not self.banner.isVisible():
            return
        if self.session.action(action_id) is None or self.session.deploy_refusal(action_id) is None:
            self.clear_refusal()

    def log(self, heading: str, body: str) -> None:
        self.console.append(heading, body)

    def banner_text(self) -> str:
        return self.banner_label.text() if self.banner.isVisible() else ""

    def _dialog(self, dialog: QWidget) -> QWidget:
        # open(), not exec(): window-modal without a nested event loop, so tests can drive it.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def show_secrets(self) -> Optional[QWidget]:
        from actions_studio.ui.secrets_dialog import SecretsDialog

        action_id = self.current_action_id()
        return self._dialog(SecretsDialog(self.session, action_id, self)) if action_id else None

    def show_dependencies(self) -> Optional[QWidget]:
        from actions_studio.ui.dependencies_dialog import DependenciesDialog

        action_id = self.current_action_id()
        return self._dialog(DependenciesDialog(self.session, action_id, self)) if action_id else None

    def show_preferences(self) -> QWidget:
        from actions_studio.ui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.theme_choice, self)
        dialog.sig_theme_chosen.connect(self.set_theme_choice)
        return self._dialog(dialog)

    def show_getting_started(self) -> None:
        self.tabs.open_page(GETTING_STARTED, self.getting_started, "Getting started")

    def on_getting_started_link_activated(self, link: str) -> None:
        if link == "new-action":
            self.new_action()

    def show_about(self) -> None:
        from actions_studio import __version__

        QMessageBox.about(self, "About Actions Studio",
                          f"Actions Studio {__version__}\nWrite, test and version identity-platform "
                          "Actions in Python.")

    # -- appearance --------------------------------------------------------------------------------

    def set_theme_choice(self, choice: str) -> None:
        self.theme_choice = choice
        self.settings.set("appearance/theme", choice)
        self.apply_theme()

    def on_system_color_scheme_changed(self, _scheme) -> None:
        if self.theme_choice == "system":
            self.apply_theme()

    def apply_theme(self) -> None:
        dark = studio_theme.resolve_dark(self.theme_choice)
        colours = studio_theme.apply_theme(QApplication.instance(), dark)
        self.is_dark = dark
        self.factory.dark = dark
        for action_id in self.tabs.open_ids():
            editor = self.tabs.editor(action_id)
            if editor is not None:
                self.factory.apply_theme(editor, dark)
        for panel in (self.test_panel, self.problems, self.history, self.getting_started, self.flows):
            panel.set_colours(colours)
        self.banner.setStyleSheet(
            f"#banner {{ background: {colours.error_bg}; border-bottom: 1px solid {colours.error}; }}"
            f"#banner QLabel {{ color: {colours.text}; }}")
        if getattr(self, "_themed_once", False):
            self.explorer.refresh()  # its marker colours; at start-up it has just been built
        self._themed_once = True

    # -- state across restarts ---------------------------------------------------------------------

    def _restore(self, first_run: bool) -> None:
        s = self.settings
        geometry = s.bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._place_on_first_start()
        state = s.bytes("window/state")
        if state is not None:
            self.restoreState(state)
        main = s.ints("window/main_splitter")
        self.main_splitter.setSizes(main if len(main) == 2 and all(main) else [250, 1030])
        center = s.ints("window/center_splitter")
        self.center_splitter.setSizes(center if len(center) == 2 and all(center) else [450, 330])
        self.bottom.setCurrentIndex(s.integer("window/bottom_tab", 0))
        known = {a.id for a in self.session.list_actions()}
        for tab_id in s.strings("tabs/open"):
            if tab_id == GETTING_STARTED:
                self.show_getting_started()
            elif tab_id in known:
                self.tabs.open_action(tab_id, focus=False)
        if first_run:
            self._open_first_examples()
            self.show_getting_started()
        current = s.string("tabs/current")
        if not first_run and current and self.tabs.index_of(current) >= 0:
            self.tabs.setCurrentIndex(self.tabs.index_of(current))
        elif self.tabs.count():
            self.tabs.setCurrentIndex(self.tabs.count() - 1 if first_run else 0)
        self.on_tabs_current_changed(self.tabs.current_action_id())

    def _place_on_first_start(self) -> None:
        screen = self.screen() or QApplication.primaryScreen()
        area = screen.availableGeometry()
        x, y, width, height = first_start_geometry((area.x(), area.y(), area.width(), area.height()))
        self.resize(width, height)
        self.move(x, y)

    def _open_first_examples(self) -> None:
        records = self.session.list_actions()
        post_login = next((r for r in records if r.trigger_id == "post-login"), None)
        if post_login is not None:
            self.tabs.open_action(post_login.id, focus=False)
            self._set_panel_action(post_login.id)

    def save_state(self) -> None:
        s = self.settings
        s.set("window/geometry", self.saveGeometry())
        s.set("window/state", self.saveState())
        s.set("window/main_splitter", self.main_splitter.sizes())
        s.set("window/center_splitter", self.center_splitter.sizes())
        s.set("window/bottom_tab", self.bottom.currentIndex())
        s.set("tabs/open", self.tabs.open_ids())
        s.set("tabs/current", self.tabs.tab_id(self.tabs.currentIndex()) if self.tabs.count() else "")
        s.sync()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.sig_idle.emit)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.flows.confirm_leave() or not self.tabs.confirm_close_all():
            event.ignore()
            return
        self.save_state()
        self.dispatcher.wait()
        self.flows.shutdown()
        if self.sync_ui is not None:
            self.sync_ui.shutdown()
        for tab_id in self.tabs.open_ids():
            self.tabs.close_tab(tab_id, ask=False)
        self.factory.stop()  # the TypeScript service, if a JavaScript action started it (issue 16)
        super().closeEvent(event)


def install_sync(window: MainWindow):
    # Imported when installed: the sync client and planner load with it (issue 12 item 10).
    from actions_studio.ui.sync.hooks import install

    return install(window)


def _app_icon() -> Optional[QIcon]:
    try:
        from actions_studio.resources import resources_dir

        path = resources_dir() / "icons" / "actions-studio.svg"
    except Exception:
        return None
    return QIcon(str(path)) if path.is_file() else None

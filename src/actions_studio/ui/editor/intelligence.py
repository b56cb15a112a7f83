"""Completions, call tips, hover docs and debounced diagnostics for one editor view.

Nothing here runs jedi, pyflakes or tsserver on the GUI thread: every question goes to the
language's engine owner on a channel of this editor — the AnalysisWorker (jedi) for Python, the
TypeScriptWorker (tsserver) for JavaScript (issue 16); both take the same calls — and answers come
back through the GUI relay (ui/worker_bridge.py).
Each question remembers what would make its answer wrong (Thonny's habit, STYLE.md): an edit
before the word being completed, the caret leaving that line, any edit at all for hover and
diagnostics. Such an answer is dropped; the worker already drops answers superseded by a newer
question.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from actions_studio.analysis.diagnostics import diagnose
from actions_studio.analysis.model import Completion, Diagnostic, HoverDoc, SignatureHelp
from actions_studio.analysis.owner import EngineOwner, Reply
from actions_studio.analysis.typescript.action_checks import claim_problems, secret_problems
from actions_studio.ui.editor.completion_filter import is_identifier_text, rank
from actions_studio.ui.worker_bridge import gui_relay
from actions_studio.ui.editor.scintilla_view import ScintillaView
from actions_studio.ui.editor.tips import hover_tip, signature_tip

DIAGNOSTICS_DELAY_MS = 300
_editor_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class _Question:
    """An asked question: its id and the byte position an edit must not touch before the answer."""

    request_id: int
    guard: int  # an edit before this byte position makes the answer wrong
    line: int  # the caret must still be on this (0-based) line
    generation: int  # the text generation the question was asked on


@dataclass(slots=True)
class _CompletionSession:
    """The answer behind the list on screen, narrowed locally as the user types."""

    word_start: int
    items: list[Completion]


class EditorIntelligence(QObject):
    sig_diagnostics_changed = Signal(list)
    """The diagnostics of the text changed (a list of analysis.model.Diagnostic, sorted by line)."""

    def __init__(self, view: ScintillaView, worker: EngineOwner, trigger_id: str | None,
                 secret_names: Iterable[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._worker = worker
        self._trigger_id = trigger_id
        self._secret_names = None if secret_names is None else tuple(secret_names)
        self._channel = f"editor:{next(_editor_numbers)}"
        relay = gui_relay()
        self._reply_completion = relay.reply_to(self.on_worker_completed)
        self._reply_signature = relay.reply_to(self.on_worker_signature_found)
        self._reply_hover = relay.reply_to(self.on_worker_hover_found)
        self._reply_diagnostics = relay.reply_to(self.on_worker_diagnosed)
        self._generation = 0  # bumps on every edit
        self._completion: _Question | None = None
        self._session: _CompletionSession | None = None
        self._signature: _Question | None = None
        self._hover: _Question | None = None
        self._hover_problems: list[Diagnostic] = []
        self._diagnosis: _Question | None = None
        self._diagnostics: list[Diagnostic] = []
        self._published: list[Diagnostic] | None = None
        self._tip_kind: str | None = None  # "signature" | "hover" while a tip of ours is up
        self._diagnostics_timer = QTimer(self)
        self._diagnostics_timer.setSingleShot(True)
        self._diagnostics_timer.timeout.connect(self.on_diagnostics_timer_timeout)
        view.sig_char_added.connect(self.on_view_char_added)
        view.sig_char_deleted.connect(self.on_view_char_deleted)
        view.sig_text_modified.connect(self.on_view_text_modified)

    # --------------------------------------------------------------------------- configuration
    @property
    def trigger_id(self) -> str | None:
        return self._trigger_id

    def set_trigger(self, trigger_id: str | None) -> None:
        self._trigger_id = trigger_id
        self.schedule_diagnostics(0)

    def set_dependency_paths(self, paths: Iterable[str]) -> None:
        """The action's installed dependencies, for completions and hover docs (issue 8)."""
        self._worker.set_extra_paths(self._channel, [*paths])

    def set_secret_names(self, names: Iterable[str] | None) -> None:
        self._secret_names = None if names is None else tuple(names)
        self.schedule_diagnostics(0)

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def shutdown(self) -> None:
        """Stop asking: pending answers are dropped and no further diagnostics run."""
        self._diagnostics_timer.stop()
        self._completion = self._signature = self._hover = self._diagnosis = None
        close = getattr(self._worker, "close", None)  # tsserver keeps a file per document
        if close is not None:
            close(self._channel)

    @property
    def channel(self) -> str:
        """This editor's document on the engine (its questions are ``<channel>:<question>``)."""
        return self._channel

    # ------------------------------------------------------------------------------ completion
    def request_completion(self) -> None:
        """Ask for completions at the caret (Ctrl+Space, or after a `.`)."""
        view = self._view
        caret = view.caret()
        where = view.location_of(caret)
        request_id = self._worker.complete(f"{self._channel}:complete", view.text(), where.line, where.column,
                                           self._trigger_id, self._reply_completion)
        self._completion = _Question(request_id, view.word_start(caret), where.line - 1, self._generation)

    def on_worker_completed(self, request_id: int, answer: list[Completion] | None) -> None:
        question = self._completion
        if question is None or question.request_id != request_id:
            return  # an edit before the word, or a newer question, made this answer stale
        self._completion = None
        caret = self._view.caret()
        if self._view.line_of(caret) != question.line or caret < question.guard:
            return
        self._session = _CompletionSession(question.guard, list(answer or []))
        self._show_session()

    def _show_session(self) -> None:
        session = self._session
        if session is None:
            return
        caret = self._view.caret()
        typed = self._view.text_range(session.word_start, caret)
        if caret < session.word_start or not is_identifier_text(typed):
            self._end_session()
            return
        ranked = rank(session.items, typed)
        if not ranked or (len(ranked) == 1 and ranked[0].name == typed):
            self._end_session()
            return
        self._view.show_completions(session.word_start, [(item.name, item.kind) for item in ranked])

    def _end_session(self) -> None:
        self._session = None
        if self._view.completion_active():
            self._view.cancel_completion()

    # ----------------------------------------------------------------------------- call tips
    def request_signature(self) -> None:
        view = self._view
        caret = view.caret()
        where = view.location_of(caret)
        request_id = self._worker.signatures(f"{self._channel}:signature", view.text(), where.line, where.column,
                                             self._trigger_id, self._reply_signature)
        self._signature = _Question(request_id, caret, where.line - 1, self._generation)

    def on_worker_signature_found(self, request_id: int, answer: SignatureHelp | None) -> None:
        question = self._signature
        if question is None or question.request_id != request_id:
            return
        self._signature = None
        caret = self._view.caret()
        if self._view.line_of(caret) != question.line or caret < question.guard or self._view.completion_active():
            return
        if answer is None:
            if self._tip_kind == "signature":
                self._cancel_tip()
            return
        tip = signature_tip(answer)
        self._view.show_call_tip(self._call_start(caret), tip.text, tip.highlight)
        self._tip_kind = "signature"

    def _call_start(self, caret: int) -> int:
        """Start of the name whose unclosed `(` holds the caret (the tip stays put while typing)."""
        view = self._view
        line_start = view.position_of(view.location_of(caret).line, 0)
        head = view.text_range(line_start, caret)
        depth = 0
        for index in range(len(head) - 1, -1, -1):
            char = head[index]
            if char in ")]}":
                depth += 1
            elif char in "([{":
                if depth == 0:
                    if char != "(":
                        break
                    paren = line_start + len(head[:index].encode("utf-8"))
                    return view.word_start(paren)
                depth -= 1
        return caret

    def _signature_tip_shown(self) -> bool:
        """A call tip is up and it is ours for a call (Esc may have closed it behind our back)."""
        return self._tip_kind == "signature" and self._view.call_tip_active()

    def _cancel_tip(self) -> None:
        self._tip_kind = None
        if self._view.call_tip_active():
            self._view.cancel_call_tip()

    # -------------------------------------------------------------------------------- hover
    def on_view_dwelled(self, pos: int) -> None:
        """The mouse rests on `pos`: show the problem there and/or the doc of the name under it."""
        view = self._view
        if view.completion_active() or self._signature_tip_shown():
            return
        problems = [d for d in self._diagnostics if self._covers(d, pos)]
        start, end = view.word_start(pos), view.word_end(pos)
        if start == end and not problems:
            return
        where = view.location_of(start if start < end else pos)
        request_id = self._worker.hover(f"{self._channel}:hover", view.text(), where.line,
                                        where.column + (1 if start < end else 0), self._trigger_id,
                                        self._reply_hover)
        self._hover = _Question(request_id, pos, where.line - 1, self._generation)
        self._hover_problems = problems

    def _covers(self, diagnostic: Diagnostic, pos: int) -> bool:
        start, end = self._view.diagnostic_span(diagnostic)
        return start <= pos <= end

    def on_worker_hover_found(self, request_id: int, answer: HoverDoc | None) -> None:
        question = self._hover
        if question is None or question.request_id != request_id or question.generation != self._generation:
            return
        self._hover = None
        if self._view.completion_active() or self._signature_tip_shown():
            return
        tip = hover_tip(answer, self._hover_problems)
        if tip is None:
            return
        self._view.show_call_tip(question.guard, tip.text, tip.highlight)
        self._tip_kind = "hover"

    def on_view_dwell_ended(self) -> None:
        self._hover = None
        if self._tip_kind == "hover":
            self._cancel_tip()

    # ------------------------------------------------------------------------------ typing
    def on_view_char_added(self, char: str) -> None:
        view = self._view
        identifier_char = char == "_" or char.isalnum()
        if self._session is not None:
            if identifier_char and view.completion_active():
                self._show_session()
            else:
                self._end_session()
        if char == "." and view.is_code_at(view.caret() - 1):
            self.request_completion()
        elif char in "(,":
            if view.is_code_at(view.caret() - 1):
                self.request_signature()
        elif char == ")" and self._tip_kind == "signature":
            self._cancel_tip()
        if not view.call_tip_active():
            self._tip_kind = None

    def on_view_char_deleted(self) -> None:
        if self._session is not None:
            if self._view.completion_active():
                self._show_session()
            else:
                self._session = None

    def on_view_text_modified(self, pos: int) -> None:
        # Runs on every keystroke: only bookkeeping here, the analysis waits for a pause.
        self._generation += 1
        if self._completion is not None and pos < self._completion.guard:
            self._completion = None
        if self._signature is not None and pos < self._signature.guard:
            self._signature = None
        if self._session is not None and pos < self._session.word_start:
            self._end_session()
        self._hover = None
        self._diagnostics_timer.start(DIAGNOSTICS_DELAY_MS)

    # --------------------------------------------------------------------------- diagnostics
    def schedule_diagnostics(self, delay_ms: int = DIAGNOSTICS_DELAY_MS) -> None:
        # start(ms) on a running timer restarts it: the debounce
        self._diagnostics_timer.start(delay_ms)

    def on_diagnostics_timer_timeout(self) -> None:
        source = self._view.text()
        trigger_id, secret_names = self._trigger_id, self._secret_names
        channel = f"{self._channel}:diagnostics"
        if self._view.language.name == "javascript":
            # TypeScript's checkJs diagnostics plus the handler check (analysis/typescript/engine.py),
            # and the claim and secret warnings (action_checks.py), added on the service's thread
            request_id = self._worker.diagnostics(channel, source, trigger_id,
                                                  _with_action_problems(self._reply_diagnostics, source, secret_names))
        else:
            request_id = self._worker.submit(channel, lambda _engine: diagnose(source, trigger_id, secret_names),
                                             self._reply_diagnostics)
        self._diagnosis = _Question(request_id, 0, 0, self._generation)

    def on_worker_diagnosed(self, request_id: int, answer: list[Diagnostic] | None) -> None:
        question = self._diagnosis
        if question is None or question.request_id != request_id:
            return
        self._diagnosis = None
        if question.generation != self._generation:
            return  # the text changed meanwhile; the restarted timer asks again
        self._diagnostics = list(answer or [])
        self._view.set_diagnostics(self._diagnostics)
        if self._diagnostics != self._published:
            self._published = list(self._diagnostics)
            self.sig_diagnostics_changed.emit(list(self._diagnostics))


def _with_action_problems(reply: Reply, source: str, secret_names: tuple[str, ...] | None) -> Reply:
    """`reply`, with the action warnings of a JavaScript action (claims; secrets unless the names
    are `None`, which turns that check off as for Python) added to the engine's answer."""

    def answer(request_id: int, found: list[Diagnostic] | None) -> None:
        problems = [*(found or []), *claim_problems(source)]
        if secret_names is not None:
            problems += secret_problems(source, secret_names)
        reply(request_id, sorted(set(problems), key=lambda d: (d.line, d.column, d.message)))

    return answer

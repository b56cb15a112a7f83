"""Editing a trigger's flow before it is applied (issue 5): the plain model the canvas projects.

`FlowDesign` is the ordered list of action ids the canvas shows. Edits (insert, move, remove) are
*pending* until `apply_design` writes them with `flows.set_flow` — as in Auth0, where the flow
editor has an Apply button; `discard` goes back to what was applied. The canvas's undo commands
call these methods and nothing else mutates a design (STYLE.md: commands are the only path).

`load_cards` gathers what a card shows (name, deployed number, draft changed, effects, secrets)
and `run_design` runs the design as drawn — deployed versions or drafts — against a fixture.
A JavaScript action's effects come from TypeScript's parser (analysis/typescript/effects.py), in
the same records as a Python action's, so the canvas and the validation treat both alike.
No Qt here: the canvas is a projection of these objects, keyed by action id.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from actions_studio.analysis.effects import EffectReport, analyze_effects
from actions_studio.services import flows, runs
from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.runs import RunReport
from actions_studio.services.secrets import action_key
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

if TYPE_CHECKING:
    from actions_studio.analysis.typescript.effects import JsEffectsAnalyzer


@dataclass(frozen=True)
class ActionCard:
    """What the canvas and the validation need to know about one action."""

    id: str
    name: str
    trigger_id: str
    deployed_number: Optional[int]
    draft_differs: bool
    # Effects of the code the flow would run: the deployed version (the draft when never deployed).
    effects: EffectReport
    # Effects of the draft, for a run with "drafts" on and for the editor's point of view.
    draft_effects: EffectReport
    # Secret names declared by the code that would run.
    secret_names: tuple[str, ...] = ()
    # Names the code declares or reads from event.secrets that have no value in the vault.
    missing_secrets: tuple[str, ...] = ()

    @property
    def deployed(self) -> bool:
        return self.deployed_number is not None


_js_lock = threading.Lock()
_js_analyzer: Optional["JsEffectsAnalyzer"] = None


def shared_js_effects() -> "JsEffectsAnalyzer":
    """The process's JavaScript effect analysis: one Node program, started on the first JavaScript
    action (it loads typescript.js once, ~0.4 s, then answers in milliseconds), stopped at exit."""
    global _js_analyzer
    with _js_lock:
        if _js_analyzer is None:
            from actions_studio.analysis.typescript.effects import JsEffectsAnalyzer

            _js_analyzer = JsEffectsAnalyzer()
            atexit.register(_js_analyzer.close)
        return _js_analyzer


def effects_of(code: str, runtime: str, js_effects: Optional["JsEffectsAnalyzer"] = None) -> EffectReport:
    """What the code can do, read by its own language's parser."""
    if runtime.startswith("node"):
        return (js_effects or shared_js_effects()).analyze(code)
    return analyze_effects(code)


def load_cards(ws: Workspace, js_effects: Optional["JsEffectsAnalyzer"] = None) -> dict[str, ActionCard]:
    """Every action of the workspace as a card, keyed by id (other triggers' too: the validation
    must be able to name an action of another trigger that reached a design). `js_effects` reads
    the JavaScript actions (the shared analysis when not given)."""
    cards: dict[str, ActionCard] = {}
    with ws.db.read() as s:
        for action in repo.list_actions(s):
            draft = repo.get_draft(s, action.id)
            version = (repo.get_version(s, action.id, action.deployed_number)
                       if action.deployed_number is not None else None)
            code = version.code if version is not None else draft.code
            runtime = version.runtime if version is not None else draft.runtime
            names = version.secret_names if version is not None else draft.secret_names
            differs = version is None or not (
                draft.code == version.code and draft.dependencies == version.dependencies
                and draft.secret_names == version.secret_names and draft.runtime == version.runtime)
            effects = effects_of(code, runtime, js_effects)
            draft_effects = (effects if draft.code == code and draft.runtime == runtime
                             else effects_of(draft.code, draft.runtime, js_effects))
            cards[action.id] = ActionCard(
                id=action.id, name=action.name, trigger_id=action.trigger_id,
                deployed_number=action.deployed_number, draft_differs=differs,
                effects=effects, draft_effects=draft_effects, secret_names=tuple(names),
                missing_secrets=(),
            )
    # The vault is read outside the database transaction (it may be the OS keyring).
    for action_id, card in list(cards.items()):
        wanted = list(dict.fromkeys((*card.secret_names, *card.effects.secrets)))
        missing = tuple(n for n in wanted if ws.vault.get(ws.id, action_key(action_id, n)) is None)
        if missing:
            cards[action_id] = _replace(card, missing_secrets=missing)
    return cards


def _replace(card: ActionCard, **changes) -> ActionCard:
    from dataclasses import replace

    return replace(card, **changes)


@dataclass
class FlowDesign:
    """One trigger's flow as edited: `pending` is what the canvas shows, `applied` what the
    workspace holds. Both are action ids (names change; ids never do)."""

    trigger_id: str
    applied: tuple[str, ...] = ()
    pending: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, ws: Workspace, trigger_id: str) -> "FlowDesign":
        ids = tuple(a.id for a in flows.get_flow(ws, trigger_id))
        return cls(trigger_id=get_trigger(trigger_id).id, applied=ids, pending=list(ids))

    # -- state ---------------------------------------------------------------------------------

    @property
    def is_pending(self) -> bool:
        return tuple(self.pending) != self.applied

    def __len__(self) -> int:
        return len(self.pending)

    def index_of(self, action_id: str) -> int:
        return self.pending.index(action_id)

    def __contains__(self, action_id: object) -> bool:
        return action_id in self.pending

    # -- edits (each one undoable by its inverse: insert <-> remove, move <-> move back) --------

    def insert(self, index: int, action_id: str) -> int:
        """Puts the action at `index` (clamped to the ends); returns where it landed."""
        if action_id in self.pending:
            raise InvalidInputError("an action can appear once in a flow")
        index = max(0, min(index, len(self.pending)))
        self.pending.insert(index, action_id)
        return index

    def remove(self, action_id: str) -> int:
        """Takes the action out; returns the index it had (for undo)."""
        index = self.pending.index(action_id)
        del self.pending[index]
        return index

    def move(self, action_id: str, index: int) -> int:
        """Moves the action so that it ends up at `index` (clamped); returns its old index."""
        old = self.pending.index(action_id)
        del self.pending[old]
        index = max(0, min(index, len(self.pending)))
        self.pending.insert(index, action_id)
        return old

    def discard(self) -> None:
        self.pending = list(self.applied)

    def replace_pending(self, action_ids: Sequence[str]) -> None:
        self.pending = list(action_ids)


def apply_design(ws: Workspace, design: FlowDesign) -> tuple[str, ...]:
    """Writes the pending order through `flows.set_flow` (which refuses what Auth0 would refuse:
    more than 20, undeployed, another trigger). Returns the applied ids, read back."""
    with ws.db.read() as s:
        names = []
        for action_id in design.pending:
            action = repo.get_action(s, action_id)
            if action is None:
                raise NotFoundError("an action of this flow no longer exists (deleted elsewhere?)")
            names.append(action.name)
    applied = tuple(a.id for a in flows.set_flow(ws, design.trigger_id, names))
    design.applied = applied
    design.pending = list(applied)
    return applied


def run_design(ws: Workspace, trigger_id: str, action_ids: Sequence[str], fixture_name: str, *,
               drafts: bool = False, cancel: Optional[threading.Event] = None) -> RunReport:
    """Runs the flow as drawn against a fixture (not stored: a canvas run tries an arrangement,
    it is not a test run of one action), through the same pipeline as a fixture run.

    `drafts=False` runs each action's deployed version, as the tenant would; `drafts=True` runs
    each draft, to try pending code changes before deploying them. Setting `cancel` (a
    threading.Event: Stop) kills the run at once; the report says "stopped".
    """
    from actions_studio.services.fixtures import fixture_secret_values

    trigger = get_trigger(trigger_id)
    if not action_ids:
        raise InvalidInputError(f"the {trigger.id} flow is empty: drag actions onto it first")
    with ws.db.read() as s:
        fixture = runs.require_fixture(s, fixture_name)
        if fixture.trigger_id != trigger.id:
            raise InvalidInputError(f"fixture {fixture.name} is for {fixture.trigger_id}, not {trigger.id}")
        fixture_secrets = fixture_secret_values(ws, fixture)
        records = []
        for action_id in action_ids:
            action = repo.get_action(s, action_id)
            if action is None:
                raise NotFoundError("an action of this flow no longer exists (deleted elsewhere?)")
            records.append(action)
        sources = runs.resolve_sources(ws, s, records, "draft" if drafts else "deployed", fixture_secrets)
    result = runs.redacted(runs.run_sources(ws, fixture, sources, cancel=cancel), sources)
    label = f"{trigger.id} flow ({'drafts' if drafts else 'deployed versions'}, as drawn)"
    return RunReport(fixture=fixture.name, target=label, status=result.status,
                     passed=None, mismatch=None, result=result, run_id="")

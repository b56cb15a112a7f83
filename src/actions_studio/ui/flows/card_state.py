"""What one card on the canvas shows, as plain data (Qt-free, so its wording is unit-testable).

`card_states` joins the model (the design's ids), the cards from `services.flow_design`, the
validation problems and the last run on the canvas into one `CardState` per position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from actions_studio.services.flow_design import ActionCard
from actions_studio.services.flow_validation import FlowProblem

EFFECT_SHORT = {
    "deny": "deny", "claims": "claims", "metadata": "metadata", "mfa": "MFA",
    "redirect": "redirect", "cache": "cache",
}


@dataclass(frozen=True)
class RunLight:
    """How a card lights after a run on the canvas."""

    status: str  # success | denied | error | timeout | skipped | suspended | not run | running
    duration_ms: Optional[float] = None

    def text(self) -> str:
        if self.status in ("skipped", "not run", "running") or self.duration_ms is None:
            return self.status
        return f"{self.status} · {_ms(self.duration_ms)}"


@dataclass(frozen=True)
class CardState:
    action_id: str
    name: str
    version_label: str          # "v3", or "not deployed"
    draft_changed: bool         # the draft has changes that are not deployed
    effect_kinds: tuple[str, ...]
    tooltip: str
    severity: Optional[str] = None   # "error" | "warning" | None
    light: Optional[RunLight] = None
    is_new: bool = False             # pending: not in the applied flow


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def card_states(action_ids: Sequence[str], applied: Sequence[str], cards: Mapping[str, ActionCard],
                problems: Sequence[FlowProblem], lights: Mapping[str, RunLight]) -> list[CardState]:
    states = []
    for action_id in action_ids:
        card = cards.get(action_id)
        mine = [p for p in problems if action_id in p.action_ids]
        severity = ("error" if any(p.blocking for p in mine) else "warning" if mine else None)
        if card is None:
            states.append(CardState(action_id, "(deleted action)", "", False, (),
                                    "This action no longer exists.", "error", lights.get(action_id),
                                    action_id not in applied))
            continue
        states.append(CardState(
            action_id=action_id, name=card.name,
            version_label=f"v{card.deployed_number}" if card.deployed else "not deployed",
            draft_changed=card.deployed and card.draft_differs,
            effect_kinds=card.effects.kinds(),
            tooltip=card_tooltip(card, mine, lights.get(action_id)),
            severity=severity, light=lights.get(action_id), is_new=action_id not in applied))
    return states


def card_tooltip(card: ActionCard, problems: Sequence[FlowProblem] = (),
                 light: Optional[RunLight] = None) -> str:
    lines = [card.name]
    if card.deployed:
        lines.append(f"Runs v{card.deployed_number}"
                     + (" · the draft has changes that are not deployed" if card.draft_differs else ""))
    else:
        lines.append("Never deployed: a flow can only run deployed versions")
    effects = card.effects.summary_lines()
    lines.extend(f"• {line}" for line in effects) if effects else lines.append("No effects found in its code")
    for problem in problems:
        lines.append(("⛔ " if problem.blocking else "⚠ ") + problem.message)
    if light is not None:
        lines.append(f"Last run: {light.text()}")
    lines.append("Double-click to open it in the editor")
    return "\n".join(lines)


def palette_tooltip(card: ActionCard, in_flow: bool) -> Optional[str]:
    """Why an action cannot be dropped, or what it does; None never (every item explains itself)."""
    effects = card.effects.summary_lines()
    detail = "\n".join(f"• {line}" for line in effects) if effects else "No effects found in its code"
    if not card.deployed:
        return (f"{card.name} has never been deployed, so it cannot join a flow.\n"
                "Open it and deploy it (Action → Deploy…) first.")
    draft = ("\n* The draft has changes that are not deployed: the flow runs "
             f"v{card.deployed_number}.") if card.draft_differs else ""
    if in_flow:
        return f"{card.name} is already in this flow (an action appears once).\n{detail}{draft}"
    return f"{card.name} v{card.deployed_number} — drag it onto the flow.\n{detail}{draft}"

"""Checks a flow design before Apply (issue 5, §3), shown on the canvas.

Errors are what Auth0 (and `flows.set_flow`) would refuse: more actions than the trigger's flow
holds (20; 4 for password-reset-post-challenge, 1 for the custom providers), a flow for a trigger
that has none (entity-bound), an action that was never deployed, an action of another trigger, an
action that no longer exists. Warnings are
legal flows that probably do not do what the author meant: the same claim set by two actions
(the later one wins), an action that can redirect placed after one that can deny (when the deny
happens the redirect never does), a secret the code reads that has no value.

A plain function over plain data (`ActionCard`s), so every rule is a table-driven test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from actions_studio.services.catalog import get_trigger
from actions_studio.services.flow_design import ActionCard
from actions_studio.triggers.limits import MAX_ACTIONS_PER_FLOW

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class FlowProblem:
    severity: str  # ERROR blocks Apply; WARNING does not
    code: str      # stable id of the rule, for tests and icons
    message: str   # one line naming the actions involved
    action_ids: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR


def validate_design(trigger_id: str, action_ids: Sequence[str],
                    cards: Mapping[str, ActionCard]) -> list[FlowProblem]:
    """Every problem of the design, errors first, each in flow order."""
    errors: list[FlowProblem] = []
    warnings: list[FlowProblem] = []
    trigger = get_trigger(trigger_id)
    limit = trigger.max_bindings
    if not trigger.has_flow and action_ids:
        errors.append(FlowProblem(ERROR, "no-flow", f"{trigger_id} has no flow: {trigger.binding_description}",
                                  tuple(action_ids)))
    elif len(action_ids) > limit:
        extra = tuple(action_ids[limit:])
        where = "a flow" if limit == MAX_ACTIONS_PER_FLOW else f"the {trigger_id} flow"
        errors.append(FlowProblem(
            ERROR, "too-many",
            f"{len(action_ids)} actions: {where} holds at most {limit}; "
            f"remove {len(action_ids) - limit}", extra))
    present: list[ActionCard] = []
    for action_id in action_ids:
        card = cards.get(action_id)
        if card is None:
            errors.append(FlowProblem(ERROR, "missing", "an action of this flow no longer exists",
                                      (action_id,)))
            continue
        if card.trigger_id != trigger_id:
            errors.append(FlowProblem(
                ERROR, "other-trigger",
                f"{card.name} is a {card.trigger_id} action; it cannot run in the {trigger_id} flow",
                (card.id,)))
        elif not card.deployed:
            errors.append(FlowProblem(
                ERROR, "undeployed", f"{card.name} has never been deployed: deploy it before Apply",
                (card.id,)))
        present.append(card)
    warnings.extend(_claim_conflicts(present))
    warnings.extend(_redirect_after_deny(present))
    warnings.extend(_missing_secrets(present))
    return errors + warnings


def _claim_conflicts(cards: list[ActionCard]) -> list[FlowProblem]:
    setters: dict[tuple[str, str], list[ActionCard]] = {}
    for card in cards:
        for claim in card.effects.claims():
            setters.setdefault(claim, []).append(card)
    problems = []
    for (token, name), who in setters.items():
        if len(who) < 2:
            continue
        names = ", ".join(c.name for c in who[:-1])
        problems.append(FlowProblem(
            WARNING, "claim-conflict",
            f"{token} claim {name} is set by {names} and {who[-1].name}: "
            f"{who[-1].name} wins (it runs later)",
            tuple(c.id for c in who)))
    return problems


def _redirect_after_deny(cards: list[ActionCard]) -> list[FlowProblem]:
    problems = []
    deniers: list[ActionCard] = []
    for card in cards:
        kinds = card.effects.kinds()
        if "redirect" in kinds and deniers:
            names = ", ".join(c.name for c in deniers)
            problems.append(FlowProblem(
                WARNING, "redirect-after-deny",
                f"{card.name} can redirect but runs after {names}, which can deny: "
                "a denied login never reaches the redirect",
                (*(c.id for c in deniers), card.id)))
        if "deny" in kinds:
            deniers.append(card)
    return problems


def _missing_secrets(cards: list[ActionCard]) -> list[FlowProblem]:
    return [FlowProblem(
        WARNING, "secret-not-set",
        f"{card.name} reads secret{'s' if len(card.missing_secrets) > 1 else ''} "
        f"{', '.join(card.missing_secrets)}, which {'have' if len(card.missing_secrets) > 1 else 'has'} "
        "no value: set it in Action → Secrets…",
        (card.id,)) for card in cards if card.missing_secrets]

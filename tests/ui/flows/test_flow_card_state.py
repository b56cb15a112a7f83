"""What a card and a palette item say (Qt-free wording, table-driven)."""

from __future__ import annotations

from actions_studio.analysis.effects import analyze_effects
from actions_studio.services.flow_design import ActionCard
from actions_studio.services.flow_validation import FlowProblem
from actions_studio.ui.flows.card_state import RunLight, card_states, card_tooltip, palette_tooltip


def card(name="roles", code="api.access_token.set_custom_claim('https://acme/roles', 1)", deployed=2,
         differs=False) -> ActionCard:
    report = analyze_effects(f"def on_execute_post_login(event, api):\n    {code}\n")
    return ActionCard(id=f"id-{name}", name=name, trigger_id="post-login", deployed_number=deployed,
                      draft_differs=differs, effects=report, draft_effects=report)


def test_card_states_join_model_problems_and_lights():
    a, b = card("a", differs=True), card("b", "api.access.deny('x')", deployed=None)
    problems = [FlowProblem("error", "undeployed", "b has never been deployed", ("id-b",)),
                FlowProblem("warning", "x", "w", ("id-a",))]
    states = card_states(["id-a", "id-b", "id-gone"], ["id-a"], {c.id: c for c in (a, b)}, problems,
                         {"id-a": RunLight("success", 3.14159)})
    assert [(s.name, s.version_label, s.draft_changed, s.effect_kinds, s.severity, s.is_new)
            for s in states] == [
        ("a", "v2", True, ("claims",), "warning", False),
        ("b", "not deployed", False, ("deny",), "error", True),
        ("(deleted action)", "", False, (), "error", True),
    ]
    assert states[0].light.text() == "success · 3.1 ms"


def test_run_light_text():
    assert RunLight("denied", 12.4).text() == "denied · 12 ms"
    assert RunLight("skipped", 0.0).text() == "skipped"
    assert RunLight("running").text() == "running"


def test_card_tooltip_lists_effects_with_claim_names():
    tip = card_tooltip(card(differs=True), [FlowProblem("warning", "c", "claim set twice", ("id-roles",))],
                       RunLight("success", 1.0))
    assert tip.splitlines() == [
        "roles",
        "Runs v2 · the draft has changes that are not deployed",
        "• sets token claims or scopes: access_token claim https://acme/roles",
        "⚠ claim set twice",
        "Last run: success · 1.0 ms",
        "Double-click to open it in the editor",
    ]


def test_palette_tooltip_gives_the_reason_an_action_cannot_be_dropped():
    assert palette_tooltip(card(deployed=None), False).startswith("roles has never been deployed")
    assert palette_tooltip(card(), True).startswith("roles is already in this flow")
    assert palette_tooltip(card(), False).startswith("roles v2 — drag it onto the flow.")

"""Flow validation rules: a table of designs against plain cards."""

from __future__ import annotations

from actions_studio.analysis.effects import analyze_effects
from actions_studio.services.flow_design import ActionCard
from actions_studio.services.flow_validation import validate_design


def card(name: str, code: str = "", *, trigger: str = "post-login", deployed: int | None = 1,
         missing: tuple[str, ...] = ()) -> ActionCard:
    body = "\n".join("    " + line for line in (code or "pass").splitlines())
    report = analyze_effects(f"def on_execute_post_login(event, api):\n{body}\n")
    return ActionCard(id=f"id-{name}", name=name, trigger_id=trigger, deployed_number=deployed,
                      draft_differs=False, effects=report, draft_effects=report,
                      missing_secrets=missing)


def problems(*cards: ActionCard, trigger: str = "post-login", ids=None):
    table = {c.id: c for c in cards}
    return [(p.severity, p.code, p.message, p.action_ids)
            for p in validate_design(trigger, ids if ids is not None else [c.id for c in cards], table)]


def test_a_clean_flow_has_no_problems():
    assert problems(card("a"), card("b", "api.access.deny('x')")) == []


def test_more_than_twenty_refused():
    cards = [card(f"a{i}") for i in range(21)]
    [(severity, code, message, ids)] = problems(*cards)
    assert (severity, code, ids) == ("error", "too-many", ("id-a20",))
    assert message == "21 actions: a flow holds at most 20; remove 1"
    assert problems(*cards[:20]) == []


def test_undeployed_refused():
    assert problems(card("new", deployed=None)) == [
        ("error", "undeployed", "new has never been deployed: deploy it before Apply", ("id-new",))]


def test_other_trigger_refused():
    assert problems(card("m2m", trigger="credentials-exchange")) == [
        ("error", "other-trigger",
         "m2m is a credentials-exchange action; it cannot run in the post-login flow", ("id-m2m",))]


def test_missing_action_refused():
    assert problems(ids=["gone"]) == [
        ("error", "missing", "an action of this flow no longer exists", ("gone",))]


def test_same_claim_twice_warns_and_names_the_winner():
    set_roles = "api.access_token.set_custom_claim('https://acme/roles', 1)"
    assert problems(card("a", set_roles), card("b"), card("c", set_roles)) == [
        ("warning", "claim-conflict",
         "access_token claim https://acme/roles is set by a and c: c wins (it runs later)",
         ("id-a", "id-c"))]
    # The same name on different tokens is not a conflict.
    assert problems(card("a", set_roles), card("c", set_roles.replace("access_token", "id_token"))) == []


def test_redirect_after_deny_warns_but_not_before():
    deny, redirect = card("d", "api.access.deny('x')"), card("r", "api.redirect.send_user_to('https://x')")
    assert problems(deny, redirect) == [
        ("warning", "redirect-after-deny",
         "r can redirect but runs after d, which can deny: a denied login never reaches the redirect",
         ("id-d", "id-r"))]
    assert problems(redirect, deny) == []


def test_secret_not_set_warns():
    assert problems(card("s", missing=("API_KEY",))) == [
        ("warning", "secret-not-set",
         "s reads secret API_KEY, which has no value: set it in Action → Secrets…", ("id-s",))]


def test_errors_come_before_warnings():
    found = problems(card("s", missing=("K",)), card("new", deployed=None))
    assert [p[1] for p in found] == ["undeployed", "secret-not-set"]


def test_a_trigger_with_a_smaller_flow_refuses_more():
    cards = [card(f"e{i}", trigger="custom-email-provider") for i in range(2)]
    [(severity, code, message, ids)] = problems(*cards, trigger="custom-email-provider")
    assert (severity, code, ids) == ("error", "too-many", ("id-e1",))
    assert message == "2 actions: the custom-email-provider flow holds at most 1; remove 1"
    reset = [card(f"r{i}", trigger="password-reset-post-challenge") for i in range(5)]
    assert [p[1] for p in problems(*reset, trigger="password-reset-post-challenge")] == ["too-many"]
    assert problems(*reset[:4], trigger="password-reset-post-challenge") == []


def test_an_entity_bound_trigger_has_no_flow_to_design():
    [(severity, code, message, ids)] = problems(card("x", trigger="event-stream"), trigger="event-stream")
    assert (severity, code, ids) == ("error", "no-flow", ("id-x",))
    assert message.startswith("event-stream has no flow: Not a flow: each action is attached to an event stream")
    assert problems(trigger="custom-token-exchange") == []

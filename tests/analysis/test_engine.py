"""Completions, signatures and hover against real jedi and the shipped stubs (table-driven)."""

from __future__ import annotations

import pytest

from actions_studio.analysis.engine import JediEngine


@pytest.fixture(scope="module")
def engine() -> JediEngine:
    return JediEngine()


def at_end(source: str) -> tuple[str, int, int]:
    """Cursor at the end of the source's last line."""
    lines = source.split("\n")
    return source, len(lines), len(lines[-1])


PLAIN = "def on_execute_post_login(event, api):\n    "


@pytest.mark.parametrize(
    ("trigger", "source", "expected"),
    [
        ("post-login", PLAIN + "event.", {"user", "client", "request", "secrets", "authentication"}),
        ("post-login", PLAIN + "event.request.geoip.", {"country_code", "city_name", "time_zone"}),
        ("post-login", PLAIN + "event.user.", {"email", "app_metadata", "user_id"}),
        ("post-login", PLAIN + "api.", {"access", "access_token", "id_token", "multifactor", "redirect", "cache"}),
        ("post-login", PLAIN + "api.access_token.", {"set_custom_claim", "add_scope", "remove_scope"}),
        ("post-login", "async def on_execute_post_login(event, api):\n    api.redirect.", {"send_user_to", "can_redirect"}),
        ("credentials-exchange", "def on_execute_credentials_exchange(event, api):\n    api.", {"access", "access_token", "cache"}),
        ("send-phone-message", "def on_execute_send_phone_message(ev, a):\n    ev.message_options.", {"recipient", "code"}),
        (None, "import os\nos.path.", {"join", "exists"}),
        ("post-login", PLAIN + "local_value = 3\n    local_", {"local_value"}),
    ],
)
def test_completions_include(engine: JediEngine, trigger, source: str, expected: set[str]) -> None:
    names = {c.name for c in engine.complete(*at_end(source), trigger)}
    assert expected <= names, f"missing {expected - names}"


def test_the_trigger_decides_what_api_offers(engine: JediEngine) -> None:
    source = "def on_execute_credentials_exchange(event, api):\n    api."
    names = {c.name for c in engine.complete(*at_end(source), "credentials-exchange")}
    assert "redirect" not in names and "multifactor" not in names


def test_dunders_are_hidden_unless_typed(engine: JediEngine) -> None:
    names = {c.name for c in engine.complete(*at_end(PLAIN + "event.user."), "post-login")}
    assert not any(n.startswith("__") for n in names)
    typed = {c.name for c in engine.complete(*at_end(PLAIN + "event.user.__cl"), "post-login")}
    assert "__class__" in typed


def test_completion_on_a_line_with_non_ascii_before_the_cursor(engine: JediEngine) -> None:
    source = PLAIN + "note = 'héllo 日本 🙂'; event.stats."
    names = {c.name for c in engine.complete(*at_end(source), "post-login")}
    assert "logins_count" in names


@pytest.mark.parametrize(("line", "column"), [(2, 1000), (99, 0), (0, 0)])
def test_positions_out_of_range_never_throw(engine: JediEngine, line: int, column: int) -> None:
    assert isinstance(engine.complete(PLAIN + "event.", line, column, "post-login"), list)


def test_signature_help_names_the_current_parameter_and_its_doc(engine: JediEngine) -> None:
    source = PLAIN + 'api.access_token.set_custom_claim("https://acme/roles", '
    sig = engine.signatures(*at_end(source), "post-login")
    assert sig is not None
    assert sig.name == "set_custom_claim"
    assert [p.split(":")[0] for p in sig.params] == ["key", "value"]
    assert sig.index == 1
    assert "claim" in sig.doc.lower()


def test_hover_shows_the_stub_docstring_of_an_event_field(engine: JediEngine) -> None:
    source = PLAIN + "event.stats.logins_count"
    hover = engine.hover(source, 2, len("    event.stats.logins"), "post-login")
    assert hover is not None
    assert "logins_count" in hover.title
    assert "login" in hover.doc.lower()


def test_annotated_handlers_are_left_alone(engine: JediEngine) -> None:
    source = (
        "from actions_types.post_login import PostLoginEvent, PostLoginApi\n"
        "def on_execute_post_login(event: PostLoginEvent, api: PostLoginApi):\n    event.tenant."
    )
    assert "id" in {c.name for c in engine.complete(*at_end(source), "post-login")}


@pytest.mark.parametrize(
    ("line_text", "column_in_line", "title"),
    [
        ("event.user.email", len("event.user.em"), "email: str | None"),
        ("event.stats.logins_count", len("event.stats.log"), "logins_count: int"),
        ("api.access.deny('x')", len("api.access.de"), "deny(reason: str) -> None"),
    ],
)
def test_hover_titles_read_like_declarations(engine: JediEngine, line_text: str, column_in_line: int, title: str) -> None:
    hover = engine.hover(PLAIN + line_text, 2, 4 + column_in_line, "post-login")
    assert hover is not None
    assert hover.title == title


def test_hover_on_a_bare_handler_parameter_shows_its_trigger_type(engine: JediEngine) -> None:
    source = PLAIN.rstrip() + "\n    if event.user:\n        pass\n"
    hover = engine.hover(source, 2, len("    if ev"), "post-login")
    assert hover is not None
    assert hover.title == "event: PostLoginEvent"
    assert "read-only" in hover.doc.lower()

"""Diagnostics while typing: syntax, undefined names and the Action-specific checks."""

from __future__ import annotations

import pytest

from actions_studio.analysis.api_surface import api_methods
from actions_studio.analysis.diagnostics import diagnose

HEAD = "def on_execute_post_login(event, api):\n"


def messages(source: str, trigger: str | None = "post-login", secrets=None) -> list[str]:
    return [d.message for d in diagnose(source, trigger, secrets)]


def test_clean_action_has_no_diagnostics() -> None:
    source = HEAD + '    api.access_token.set_custom_claim("https://acme.example/plan", event.user.email)\n'
    assert diagnose(source, "post-login", []) == []


def test_syntax_error_is_one_error_at_its_line() -> None:
    found = diagnose(HEAD + "    x = (1,\n", "post-login")
    assert len(found) == 1
    assert found[0].severity == "error" and found[0].source == "syntax"
    assert found[0].line in (2, 3)


def test_undefined_name_is_squiggled_at_its_code_point_column() -> None:
    source = HEAD + "    s = 'é日'; return undefined_thing\n"
    (found,) = diagnose(source, "post-login")
    assert "undefined_thing" in found.message
    assert (found.line, found.column) == (2, source.split("\n")[1].index("undefined_thing"))
    assert found.end_column - found.column == len("undefined_thing")


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("def on_execute_post_logn(event, api):\n    pass\n", "misspelling of on_execute_post_login"),
        ("def handler(event, api):\n    pass\n", "no on_execute_post_login(event, api) handler"),
        (HEAD + "    api.redirect.sendUserTo('https://x')\n", "no api.redirect.sendUserTo"),
        (HEAD + "    api.access_token.set_custom_claim('roles', [])\n", "not namespaced"),
        (HEAD + "    api.id_token.set_custom_claim('sub', 'x')\n", "reserved claim"),
        (HEAD + "    key = event.secrets['API_KEY']\n", "secret 'API_KEY' is not defined"),
        (HEAD + "    key = event.secrets.get('OTHER')\n", "secret 'OTHER' is not defined"),
    ],
)
def test_action_checks(source: str, fragment: str) -> None:
    assert any(fragment in m for m in messages(source, secrets=["DEFINED"])), messages(source, secrets=["DEFINED"])


def test_api_method_checks_follow_the_trigger() -> None:
    source = "def on_execute_credentials_exchange(event, api):\n    api.redirect.send_user_to('x')\n"
    assert any("credentials-exchange trigger has no api.redirect.send_user_to" in m
               for m in messages(source, "credentials-exchange"))
    assert messages(source.replace("credentials_exchange", "post_login"), "post-login") == []


def test_api_surface_comes_from_the_stub() -> None:
    methods = api_methods("post-login")
    assert {"access.deny", "access_token.set_custom_claim", "redirect.send_user_to", "cache.get"} <= methods
    assert api_methods("post-change-password") == {"cache.get", "cache.set", "cache.delete"}

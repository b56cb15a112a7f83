"""`flows set|add|remove|show` on the bundled acme workspace (issue 12 item 2): a command that takes
actions out of a flow says which, and one step changes without retyping the flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app

ACME = Path(__file__).resolve().parents[1] / "examples" / "acme"
ACME_POST_LOGIN = ["deny-unverified-email", "add-roles-claims", "mfa-for-admins", "first-login-metadata"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    invoke("import", str(ACME))
    return invoke


def _flow(cli) -> list[str]:
    return [a["name"] for a in json.loads(cli("flows", "show", "post-login", "--json").stdout)]


def test_set_names_every_action_it_took_out(cli) -> None:
    out = cli("flows", "set", "post-login", "add-roles-claims").stdout
    assert out.splitlines() == [
        "post-login flow: add-roles-claims",
        "removed from the flow: deny-unverified-email, mfa-for-admins, first-login-metadata "
        "(still deployed; `flows add post-login NAME` puts one back)"]
    assert _flow(cli) == ["add-roles-claims"]


def test_set_that_keeps_every_action_says_nothing_was_removed(cli) -> None:
    out = cli("flows", "set", "post-login", *reversed(ACME_POST_LOGIN)).stdout
    assert "removed" not in out


def test_add_at_a_step_and_remove_keep_the_rest_in_order(cli) -> None:
    out = cli("flows", "remove", "post-login", "mfa-for-admins").stdout
    assert "removed from the flow: mfa-for-admins" in out
    assert _flow(cli) == ["deny-unverified-email", "add-roles-claims", "first-login-metadata"]
    cli("flows", "add", "post-login", "mfa-for-admins", "--at", "1")
    assert _flow(cli) == ["mfa-for-admins", "deny-unverified-email", "add-roles-claims", "first-login-metadata"]
    cli("flows", "remove", "post-login", "mfa-for-admins")
    cli("flows", "add", "post-login", "mfa-for-admins")
    assert _flow(cli) == ["deny-unverified-email", "add-roles-claims", "first-login-metadata", "mfa-for-admins"]


def test_add_with_at_moves_an_action_already_in_the_flow(cli) -> None:
    cli("flows", "add", "post-login", "first-login-metadata", "--at", "2")
    assert _flow(cli) == ["deny-unverified-email", "first-login-metadata", "add-roles-claims", "mfa-for-admins"]


def test_show_prints_the_steps(cli) -> None:
    lines = cli("flows", "show", "post-login").stdout.splitlines()
    assert lines[0].split() == ["#", "ACTION", "DEPLOYED"]
    assert [line.split()[1] for line in lines[1:]] == ACME_POST_LOGIN


@pytest.mark.parametrize(("args", "message"), [
    (["flows", "add", "post-login", "add-roles-claims"],
     "error: add-roles-claims is already in the post-login flow (step 2); --at N moves it"),
    (["flows", "add", "post-login", "signup-audit-log"],
     "error: signup-audit-log is a post-user-registration action; it cannot join the post-login flow"),
    (["flows", "add", "post-login", "ghost"], "error: no action named 'ghost'"),
    (["flows", "remove", "post-login", "signup-audit-log"],
     "error: signup-audit-log is not in the post-login flow (it holds deny-unverified-email, "
     "add-roles-claims, mfa-for-admins, first-login-metadata)"),
])
def test_bad_steps_are_one_line_and_change_nothing(cli, args: list[str], message: str) -> None:
    result = cli(*args, code=2)
    assert result.stderr.strip() == message
    assert _flow(cli) == ACME_POST_LOGIN


@pytest.mark.parametrize("at", ["0", "6", "-1"])
def test_add_at_outside_the_flow_is_refused(cli, at: str) -> None:
    cli("flows", "remove", "post-login", "mfa-for-admins")
    result = cli("flows", "add", "post-login", "mfa-for-admins", "--at", at, code=2)
    assert result.stderr.strip() == "error: --at must be between 1 and 4 for the post-login flow; got " + at

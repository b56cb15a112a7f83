"""The compile check of JavaScript Actions (nodejs_compile.py), against the project's real Node."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from actions_studio import nodejs
from actions_studio.nodejs_compile import CompileCheckUnavailable, CompileError, check, check_many


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nodejs.ENV_NODE, raising=False)


@pytest.mark.parametrize("code", [
    "exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny('no');\n};\n",
    "module.exports = { onExecutePostLogin(event, api) {} };",
    "const x = 1;\nreturn;\n",                     # legal in a CommonJS module (a function body)
    "// only a comment",
    "",
    "const s = 'é 😀 \\u0000';\n",
    "#!/usr/bin/env node\nexports.a = 1;\n",       # a hashbang, as Node takes it in a file
])
def test_code_that_compiles_gives_none(code: str) -> None:
    assert check(code) is None


@pytest.mark.parametrize(("code", "message", "line", "column"), [
    ("exports.onExecutePostLogin = async (event, api) => {\n  let x = (\n};\n",
     "Unexpected token '}'", 3, 1),
    ("\n\n  foo bar\n", "Unexpected identifier 'bar'", 3, 7),
    ("await fetch('https://example.com');\n",            # no top-level await: Auth0 wraps in a function
     "await is only valid in async functions and the top level bodies of modules", 1, 1),
    ("import x from 'y';\n", "Cannot use import statement outside a module", 1, 1),
    ("const é = 1; é é\n", "Unexpected identifier 'é'", 1, 16),
    ("const s = `never closed", "Unexpected end of input", 1, None),
    ("x\x00y", "Invalid or unexpected token", 1, None),
])
def test_a_syntax_error_gives_v8s_message_and_the_line_in_the_actions_own_source(
        code: str, message: str, line: int, column: int | None) -> None:
    error = check(code)
    assert error == CompileError(message=message, line=line, column=column, type="SyntaxError")
    assert error.describe() == f"{message} (line {line})"


def test_nothing_of_the_code_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = (f"require('fs').writeFileSync({str(marker)!r}, 'x');\n"
            "while (true) {}\n"
            "exports.onExecutePostLogin = async () => {};\n")
    assert check(code) is None
    assert not marker.exists()


def test_a_batch_answers_each_source_in_order() -> None:
    answers = check_many(["exports.a = 1;", "exports.b = (;", "exports.c = 3;", "}"])
    assert [a if a is None else a.line for a in answers] == [None, 1, None, 1]
    assert check_many([]) == []


def test_a_lone_surrogate_is_an_error_not_a_crash() -> None:
    error = check("\ud800 = 1;")
    assert error is not None and error.line == 1


def test_deep_nesting_is_an_answer_not_a_crash() -> None:
    error = check("x = " + "(" * 100_000 + ")" * 100_000 + ";")
    assert error is not None and error.type in ("RangeError", "SyntaxError")


@pytest.mark.skipif(os.name == "nt", reason="the fake Node is a POSIX shell script")
def test_a_node_that_answers_nothing_is_unavailable_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "node"
    broken.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo v22.1.0 && exit 0\necho 'Segmentation fault' >&2\nexit 139\n")
    broken.chmod(0o755)
    node = nodejs.Node(executable=broken, version="22.1.0", npm_cli=None, source="test")
    with pytest.raises(CompileCheckUnavailable) as caught:
        check("exports.a = 1;", node=node)
    assert str(caught.value) == "Node's compile check failed (exit 139): Segmentation fault"


def test_no_node_is_unavailable_naming_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nodejs.ENV_NODE, str(tmp_path / "absent"))
    with pytest.raises(CompileCheckUnavailable) as caught:
        check("exports.b = 2;")
    assert "is not a node executable" in str(caught.value) and "\n" not in str(caught.value)

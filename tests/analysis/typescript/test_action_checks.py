"""The Python editor's action warnings for JavaScript (issue 16): secrets read but not defined,
claims reserved or not namespaced. Tables of tiny snippets, positions in the user's text."""

from __future__ import annotations

import pytest

from actions_studio.analysis.typescript.action_checks import claim_problems, secret_problems

HEAD = "exports.onExecutePostLogin = async (event, api) => {\n"


@pytest.mark.parametrize(("line", "found"), [
    ("  const key = event.secrets.API_KEY;", ["API_KEY"]),
    ("  const key = event.secrets?.API_KEY;", ["API_KEY"]),
    ('  const key = event.secrets["API_KEY"];', ["API_KEY"]),
    ("  const key = event.secrets['API-KEY'];", ["API-KEY"]),
    ("  const { API_KEY, OTHER: renamed } = event.secrets;", ["API_KEY", "OTHER"]),
    ("  const key = event.secrets.DEFINED;", []),
    ("  // event.secrets.IN_A_COMMENT", []),
    ('  console.log("event.secrets.IN_A_STRING");', []),
    ("  console.log(`event.secrets.IN_A_TEMPLATE`);", []),
    ('  const url = "http://x"; const k = event.secrets.AFTER_A_URL;', ["AFTER_A_URL"]),
    ("  const key = event.secrets[name];", []),  # computed at run time: not judged
    ("  const s = event.secrets; const k = s.API_KEY;", []),  # through a local: not followed
    ("  const émoji = '🙂'; const k = event.secrets.API_KEY;", ["API_KEY"]),
])
def test_secret_reads(line: str, found) -> None:
    problems = secret_problems(HEAD + line + "\n};\n", ["DEFINED"])
    assert [(p.message.split("'")[1], p.column) for p in problems] == [(name, line.index(name)) for name in found]
    for p in problems:
        assert p.line == 2 and p.severity == "warning" and p.source == "actions"
        assert line[p.column:p.end_column] == p.message.split("'")[1]
        assert p.message == f"secret '{p.message.split(chr(39))[1]}' is not defined for this action"


@pytest.mark.parametrize("source", ["", "\x00\x00", "event.secrets.", "event.secrets[", "{" * 5000 + "} = secrets",
                                    "/* unclosed", '"unclosed', "`unclosed ${"])
def test_broken_text_gives_an_answer(source: str) -> None:
    assert isinstance(secret_problems(source, []), list)


@pytest.mark.parametrize(("line", "found"), [
    ('  api.idToken.setCustomClaim("roles", []);', ["claim 'roles' is not namespaced"]),
    ("  api.accessToken.setCustomClaim('sub', 'x');", ["'sub' is a reserved claim"]),
    ('  api.accessToken.setCustomClaim("https://acme.example/roles", []);', []),
    ("  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, []);", []),  # computed: not judged
    ("  api.accessToken.setCustomClaim(name, []);", []),
    ('  // api.idToken.setCustomClaim("roles", []);', []),
    ('  console.log("setCustomClaim(\'roles\', 1)");', []),
])
def test_claims(line: str, found) -> None:
    problems = claim_problems(HEAD + line + "\n};\n")
    assert len(problems) == len(found)
    for problem, start in zip(problems, found):
        assert problem.message.startswith(start) and problem.line == 2 and problem.severity == "warning"
        assert line[problem.column:problem.end_column].strip("\"'") in problem.message


@pytest.mark.parametrize("source", ["", "setCustomClaim(", "setCustomClaim(\"", "x.setCustomClaim(\"a\"\n"])
def test_broken_claim_text_gives_an_answer(source: str) -> None:
    assert isinstance(claim_problems(source), list)

"""The TypeScript service in a JavaScript action's editor, as a user meets it: completions on the
plain unannotated handler, signature tips, hover docs and diagnostics as you type, `require` of
an installed package, stale answers dropped — through the same owner / request id path as jedi
(issue 16). Real tsserver, real keys."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

HANDLER = "exports.onExecutePostLogin = async (event, api) => {\n  "
END = "\n};\n"


def _at_end_of_handler(make_js_editor, drive_js, body: str = ""):
    editor = make_js_editor(HANDLER + body + END, caret_at_end=False)
    user = drive_js(editor)
    user.view.set_caret(user.pos_of(END) if not body else user.pos_of(body, len(body)))
    return editor, user


def test_typing_event_dot_lists_the_trigger_fields(make_js_editor, drive_js) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    user.type("event.")
    names = user.wait_for_completions(timeout=30_000)
    assert {"user", "client", "request", "secrets", "transaction"} <= set(names)
    user.type("us")
    user.key(Qt.Key.Key_Return)
    assert "  event.user\n};" in editor.text()


def test_api_methods_are_auth0s_camel_case_names(make_js_editor, drive_js) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    user.type("api.accessToken.")
    assert {"setCustomClaim", "addScope", "removeScope"} <= set(user.wait_for_completions(timeout=30_000))
    user.type("Claim")
    assert user.view.completion_items() == ["setCustomClaim"]


def test_a_signature_tip_follows_the_argument(make_js_editor, drive_js) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    user.type("api.accessToken.setCustomClaim(")
    text, highlight = user.wait_for_call_tip(timeout=30_000)
    assert text.startswith("setCustomClaim(key: string")
    assert highlight is not None and text[highlight[0]:highlight[1]] == "key: string"
    user.type('"https://a.example/x", ')
    user.qtbot.waitUntil(lambda: (lambda tip: tip[1] is not None and "value" in tip[0][tip[1][0]:tip[1][1]])(
        user.view.call_tip()), timeout=30_000)


def test_hover_shows_the_doc_comment_of_an_api_method(make_js_editor, drive_js) -> None:
    body = "api.access.deny(\"no\");"
    editor, user = _at_end_of_handler(make_js_editor, drive_js, body)
    editor.on_view_dwelled(user.pos_of("deny", 1))
    text, _ = user.wait_for_call_tip(timeout=30_000)
    assert "deny" in text and "reason" in text


def _problems(editor, user, predicate, timeout: int = 60_000):
    try:
        user.qtbot.waitUntil(lambda: predicate(editor.diagnostics()), timeout=timeout)
    except Exception:
        raise AssertionError(f"{editor.text()!r}: {editor.diagnostics()}") from None
    return editor.diagnostics()


def test_diagnostics_as_you_type(make_js_editor, drive_js) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    _problems(editor, user, lambda found: found == [])
    # an unknown api method
    user.type("api.access.denny('x');")
    found = _problems(editor, user, lambda found: any("denny" in p.message for p in found))
    problem = next(p for p in found if "denny" in p.message)
    assert problem.severity == "error" and problem.line == 2
    assert user.view.diagnostic_severity_at(user.pos_of("denny", 1)) == "error"
    # fixed: the squiggle goes
    for _ in "ny('x');":
        user.key(Qt.Key.Key_Backspace)
    user.type("y('x');")
    _problems(editor, user, lambda found: found == [])
    # an unknown event field, a wrong argument type, a syntax error
    user.type("\nconst v = event.user.emial;\napi.accessToken.addScope(42);\nif (")
    found = _problems(editor, user, lambda found: {3, 4} <= {p.line for p in found}
                      and any(p.line >= 5 for p in found))
    messages = {p.line: p.message for p in found}
    assert "emial" in messages[3]
    assert "number" in messages[4] and "string" in messages[4]
    assert any(p.line >= 5 and p.severity == "error" for p in found)


def test_require_of_an_installed_package_completes_from_its_types(make_js_editor, drive_js, tmp_path: Path) -> None:
    # An installed npm package that ships its types (as npm would leave it in node_modules).
    env = tmp_path / "env"
    package = env / "node_modules" / "tiny-greeter"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "tiny-greeter", "version": "1.0.0", "main": "index.js", '
                                          '"types": "index.d.ts"}')
    (package / "index.js").write_text("exports.greet = (name) => `hello ${name}`;\n")
    (package / "index.d.ts").write_text("/** A friendly greeting for `name`. */\n"
                                        "export declare function greet(name: string): string;\n")
    editor = make_js_editor('const greeter = require("tiny-greeter");\n' + HANDLER + END, caret_at_end=False)
    editor.set_dependency_paths([str(env)])
    user = drive_js(editor)
    user.view.set_caret(user.pos_of(END))
    user.type("greeter.")
    assert "greet" in user.wait_for_completions(timeout=30_000)
    user.type("greet(")
    text, _ = user.wait_for_call_tip(timeout=30_000)
    assert "name: string" in text


def test_an_answer_to_an_older_text_is_dropped(make_js_editor, drive_js) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    user.type("event.")
    # An edit before the word being completed makes the coming answer wrong.
    user.view.set_caret(user.pos_of("event."))
    user.type("x")
    user.flush()
    user.qtbot.wait(50)
    assert not user.view.completion_active()


def test_closing_the_editor_closes_its_document_in_tsserver(make_js_editor, drive_js, typescript_worker) -> None:
    editor, user = _at_end_of_handler(make_js_editor, drive_js)
    user.type("event.")
    user.wait_for_completions(timeout=30_000)
    engine_documents = _documents(typescript_worker)
    channel = editor._intelligence.channel
    assert channel in engine_documents()
    editor.close()
    user.flush()
    assert channel not in engine_documents()


def _documents(worker):
    import threading

    def read():
        done = threading.Event()
        keys: list[str] = []
        worker.submit("tests:documents", lambda engine: keys.extend(engine._documents), lambda _i, _a: done.set())
        assert done.wait(20)
        return keys

    return read


def test_a_secret_the_action_does_not_define_is_a_warning(make_js_editor, drive_js) -> None:
    editor = make_js_editor(HANDLER + END, secret_names=["API_KEY"], caret_at_end=False)
    user = drive_js(editor)
    user.view.set_caret(user.pos_of(END))
    user.type("const a = event.secrets.API_KEY;\nconst b = event.secrets.API_KEYS;")
    found = _problems(editor, user, lambda found: any("API_KEYS" in p.message for p in found))
    assert [(p.line, p.severity, p.message) for p in found] == [
        (3, "warning", "secret 'API_KEYS' is not defined for this action")]
    assert user.view.diagnostic_severity_at(user.pos_of("API_KEYS", 2)) == "warning"
    editor.set_secret_names(["API_KEY", "API_KEYS"])
    _problems(editor, user, lambda found: found == [])


def test_a_claim_that_is_not_namespaced_is_a_warning(make_js_editor, drive_js) -> None:
    editor = make_js_editor(HANDLER + END, caret_at_end=False)
    user = drive_js(editor)
    user.view.set_caret(user.pos_of(END))
    user.type('api.idToken.setCustomClaim("roles", []);')
    found = _problems(editor, user, lambda found: any("namespaced" in p.message for p in found))
    assert [(p.line, p.severity) for p in found] == [(2, "warning")]
    assert user.view.diagnostic_severity_at(user.pos_of('"roles"', 2)) == "warning"

"""The tsserver owner: answers carry request ids, superseded requests are dropped or cancelled in
tsserver, a dead tsserver is restarted with the open documents re-sent (real processes only)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from actions_studio.analysis.typescript.engine import MAX_RESTARTS, TypeScriptEngine
from actions_studio.analysis.typescript.worker import TypeScriptWorker, document_of

from .conftest import make_typed_package, wait_for

PLAIN = "exports.onExecutePostLogin = async (event, api) => {\n  "




@pytest.fixture
def worker(ts_install):
    started = TypeScriptWorker(lambda: TypeScriptEngine(ts_install))
    yield started
    started.stop(timeout=10)


def ask(method, *args):
    """A worker call's answer, waited for (the reply comes on the owner's thread)."""
    got: list = []
    done = threading.Event()
    request_id = method(*args, lambda i, answer: (got.append((i, answer)), done.set()))
    assert done.wait(60), "no answer"
    assert got[0][0] == request_id
    return got[0][1]


@pytest.mark.parametrize(("channel", "document"), [("editor:7:complete", "editor:7"), ("editor:7", "editor:7"), ("x", "x")])
def test_document_of_a_channel(channel: str, document: str) -> None:
    assert document_of(channel) == document


def test_a_real_completion_arrives_with_its_request_id_and_the_worker_is_ready(worker: TypeScriptWorker) -> None:
    answer = ask(worker.complete, "editor:1:complete", PLAIN + "event.st", 2, len("  event.st"), "post-login")
    assert "stats" in {c.name for c in answer}
    assert worker.ready.is_set() and worker.state == "ready"


def test_every_question_of_one_editor_shares_its_document(worker: TypeScriptWorker) -> None:
    source = PLAIN + "api.access.deny(1);\n};\n"
    found = ask(worker.diagnostics, "editor:2:diagnostics", source, "post-login")
    assert [d.column for d in found] == [18]
    sig = ask(worker.signatures, "editor:2:signature", source, 2, len("  api.access.deny("), "post-login")
    assert sig.name == "deny"
    hover = ask(worker.hover, "editor:2:hover", source, 2, len("  api.acc"), "post-login")
    assert hover.title.startswith("PostLoginApi.access")


def test_superseded_requests_never_run_and_stale_answers_are_not_delivered(worker: TypeScriptWorker) -> None:
    assert worker.ready.wait(60)
    gate, started, finished = threading.Event(), threading.Event(), threading.Event()
    ran: list[str] = []
    delivered: list[int] = []

    def blocking(_engine):
        started.set()
        gate.wait(10)
        ran.append("first")
        return "first"

    try:
        first = worker.submit("editor:3:complete", blocking, lambda i, a: delivered.append(i))
        assert started.wait(30)
        worker.submit("editor:3:complete", lambda e: ran.append("second"), lambda i, a: delivered.append(i))
        third = worker.submit("editor:3:complete", lambda e: ran.append("third") or "third",
                              lambda i, a: (delivered.append(i), finished.set()))
        gate.set()
        assert finished.wait(30)
        assert ran == ["first", "third"]
        assert first not in delivered and third in delivered
    finally:
        gate.set()


def test_a_request_superseded_while_tsserver_works_on_it_is_cancelled_there(ts_install) -> None:
    engine = TypeScriptEngine(ts_install)
    worker = TypeScriptWorker(lambda: engine, warm_up=False)
    try:
        # Thousands of statements to check: tsserver is still at it when the newer request comes.
        body = "\n".join(f"  const v{i} = [{i}, 'x'].map((x) => ({{ x, y: String(x).padStart(3) }}));" for i in range(4000))
        big = PLAIN + body + "\n};\n"
        delivered: list[int] = []
        done = threading.Event()
        first = worker.diagnostics("editor:4:diagnostics", big, "post-login", lambda i, a: delivered.append(i))
        wait_for(lambda: engine.in_flight is not None)  # its document sent, its check under way
        second = worker.diagnostics("editor:4:diagnostics", PLAIN + "event.user.nope;\n};\n", "post-login",
                                    lambda i, a: (delivered.append(i), done.set()))
        assert done.wait(60)
        assert delivered == [second] and first not in delivered
        assert engine.cancelled == 1
    finally:
        worker.stop(timeout=10)


def test_a_completion_cuts_its_documents_diagnostics_short_in_tsserver_and_they_come_after_it(ts_install) -> None:
    engine = TypeScriptEngine(ts_install)
    worker = TypeScriptWorker(lambda: engine, warm_up=False)
    try:
        body = "\n".join(f"  const v{i} = [{i}, 'x'].map((x) => ({{ x, y: String(x).padStart(3) }}));" for i in range(4000))
        big = PLAIN + body + "\n  event.user.nope;\n};\n"
        got: list[tuple[str, int, object]] = []
        done = threading.Event()
        diagnosis = worker.diagnostics("editor:4:diagnostics", big, "post-login",
                                       lambda i, a: (got.append(("diagnostics", i, a)), done.set()))
        wait_for(lambda: engine.in_flight is not None)  # its check under way in tsserver
        typing = big.replace("  event.user.nope;", "  event.stats.")
        line = typing.split("\n").index("  event.stats.") + 1
        completion = worker.complete("editor:4:complete", typing, line, len("  event.stats."), "post-login",
                                     lambda i, a: got.append(("complete", i, a)))
        assert done.wait(120)
        assert [(name, request_id) for name, request_id, _ in got] == [("complete", completion), ("diagnostics", diagnosis)]
        assert {c.name for c in got[0][2]} == {"logins_count"}
        # run again to the end on its own text, not delivered cut short (as no problems)
        assert [d.message for d in got[1][2]] == ["Property 'nope' does not exist on type 'User'."]
        assert engine.cancelled == 1 and worker.interrupted == 1
    finally:
        worker.stop(timeout=10)


def test_a_killed_tsserver_is_restarted_with_the_open_documents(engine: TypeScriptEngine) -> None:
    opened = PLAIN + "event.user.\n};\n"
    assert "email" in {c.name for c in engine.complete("kept", opened, 2, len("  event.user."), "post-login")}
    before = engine.restarts
    pid = engine.server_pid
    os.kill(pid, signal.SIGKILL)
    answer = engine.complete("other", PLAIN + "event.stats.", 2, len("  event.stats."), "post-login")
    assert {c.name for c in answer} == {"logins_count"}
    assert engine.restarts == before + 1 and engine.server_pid != pid
    # Unchanged, so not sent again by this call: the restart must have re-opened it.
    assert "email" in {c.name for c in engine.complete("kept", opened, 2, len("  event.user."), "post-login")}


def test_a_tsserver_that_keeps_dying_is_given_up_on_without_hanging(ts_install) -> None:
    engine = TypeScriptEngine(ts_install)
    try:
        source = PLAIN + "event.stats."
        for _ in range(MAX_RESTARTS + 1):
            engine.start()
            os.kill(engine.server_pid, signal.SIGKILL)
            wait_for(lambda: not engine._servers.alive())
            engine.complete("doc", source, 2, len("  event.stats."), "post-login")
        assert engine.failed is not None and "JavaScript analysis is off" in engine.failed
        assert engine.complete("doc", source, 2, len("  event.stats."), "post-login") == []
        assert engine.diagnostics("doc", source, "post-login") == []
    finally:
        engine.stop()


def test_start_up_failure_is_a_state_not_a_crash(tmp_path) -> None:
    from actions_studio.analysis.typescript.install import TypeScriptInstall

    missing = TypeScriptInstall(root=tmp_path / "nowhere", typescript_version="5.9.3")
    worker = TypeScriptWorker(lambda: TypeScriptEngine(missing))
    try:
        assert ask(worker.complete, "e:complete", PLAIN + "event.", 2, 8, "post-login") == []
        assert worker.state.startswith("failed")
    finally:
        worker.stop(timeout=10)


def test_the_quick_server_answers_while_the_semantic_one_loads_nodes_types(ts_install) -> None:
    from actions_studio import nodejs
    from actions_studio.analysis.typescript.engine import compiler_options
    from actions_studio.analysis.typescript.servers import TsServers
    from actions_studio.triggers.ts_stubs import AUTH0_GLOBALS, PACKAGE, shipped_dir

    servers = TsServers(ts_install, nodejs.find_node(), compiler_options(ts_install, shipped_dir()))
    try:
        servers.start([], [{"file": str(shipped_dir() / PACKAGE / AUTH0_GLOBALS), "scriptKindName": "TS"}])
        # Loading Node's types takes the semantic server a second or more: not done yet.
        quick = servers.quick
        assert not servers.semantic_ready()
        assert servers.for_question(semantic=False) is quick
        assert servers.for_question(semantic=True) is servers.semantic
        wait_for(servers.semantic_ready)
        assert servers.for_question(semantic=False) is servers.semantic
        assert servers.quick is None and not quick.alive()  # stopped once the semantic one is ready
    finally:
        servers.stop()


def test_diagnostics_wait_for_node_types_without_holding_completions(ts_install) -> None:
    engine = TypeScriptEngine(ts_install)
    worker = TypeScriptWorker(lambda: engine, warm_up=False)
    try:
        source = PLAIN + 'const os = require("os");\n  os.nothing;\n};\n'
        got: list = []
        done = threading.Event()
        worker.diagnostics("editor:9:diagnostics", source, "post-login", lambda i, a: (got.append(a), done.set()))
        typing = PLAIN + "event.stats."
        names = ask(worker.complete, "editor:10:complete", typing, 2, len("  event.stats."), "post-login")
        assert {c.name for c in names} == {"logins_count"}
        assert done.wait(120)
        # From the semantic server: Node's `os` is known, and has no `nothing`.
        assert [d.message for d in got[0]] == ["Property 'nothing' does not exist on type 'typeof import(\"os\")'."]
    finally:
        worker.stop(timeout=10)


def test_an_editors_environment_reaches_its_requires(worker: TypeScriptWorker, tmp_path) -> None:
    make_typed_package(tmp_path / "env")
    worker.set_extra_paths("editor:11", [tmp_path / "env"])  # the environment's folder, as for jedi
    source = PLAIN + 'const greeter = require("tiny-greeter");\n  greeter.'
    answer = ask(worker.complete, "editor:11:complete", source, 3, len("  greeter."), "post-login")
    assert "greet" in {c.name for c in answer}
    other = ask(worker.complete, "editor:12:complete", source, 3, len("  greeter."), "post-login")
    assert "greet" not in {c.name for c in other}  # another editor, no environment

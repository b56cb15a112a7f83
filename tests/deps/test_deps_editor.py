"""Completions and hover docs know the action's installed dependencies (issue 8 §4)."""

from __future__ import annotations

import threading

from actions_studio.analysis.engine import JediEngine
from actions_studio.analysis.worker import AnalysisWorker
from actions_studio.deps import DepsSettings, build_environment

SOURCE = "import tiny_greeter\n\ndef on_execute_post_login(event, api):\n    tiny_greeter.gr\n"


def test_a_completion_and_a_hover_doc_come_from_the_environment(settings: DepsSettings) -> None:
    env = build_environment(["tiny-greeter==1.0"], settings)
    engine = JediEngine()
    assert [c.name for c in engine.complete(SOURCE, 4, 19, "post-login")] == []  # not on the path yet
    engine.set_extra_paths([env.path])
    names = [c.name for c in engine.complete(SOURCE, 4, 19, "post-login")]
    assert names == ["greet"]
    doc = engine.hover(SOURCE.replace(".gr", ".greet('x')"), 4, 19, "post-login")
    assert doc is not None and "friendly greeting" in doc.doc


def test_the_worker_applies_each_editors_own_paths(settings: DepsSettings) -> None:
    env = build_environment(["tiny-greeter==1.0"], settings)
    worker = AnalysisWorker(warm_up=False)
    try:
        worker.set_extra_paths("editor:with", [env.path])
        answers: dict[str, list[str]] = {}
        done = threading.Event()

        def reply_for(channel: str):
            def reply(_request_id: int, found) -> None:
                answers[channel] = [c.name for c in found]
                if len(answers) == 2:
                    done.set()
            return reply

        worker.complete("editor:with:complete", SOURCE, 4, 19, "post-login", reply_for("with"))
        worker.complete("editor:without:complete", SOURCE, 4, 19, "post-login", reply_for("without"))
        assert done.wait(60)
        assert answers == {"with": ["greet"], "without": []}
    finally:
        worker.stop()

"""Fuzzing an action over its trigger's event schema, shrinking with Hypothesis (issue 19 part 3).

Events come from the trigger's event model (`fuzz_strategies`) and run through the one run
pipeline (`execution.execute`) in the real sandbox, so a JavaScript action is fuzzed the same way
as a Python one. An example is a finding when the action raises, times out, the run crashes, or a
user's invariant — a small predicate over the ExecutionResult — says no. Findings of different
kinds (and of different error types) are kept apart, so one KeyError does not hide a timeout.

The run has two phases. Exploring: the smallest valid event, then `examples` events from the
seeded `event_generator` (Hypothesis's engine costs ~2.4 ms an event to draw, three JavaScript
executions; the generator ~0.05 ms), each judged as it returns. Shrinking: each finding's event
is run again (a failure that does not repeat — a worker killed from outside — says so and is not
shrunk), then Hypothesis searches and shrinks the events between the smallest valid one and it
(`fuzz_strategies.shrink_strategy`), so the finding is reported with a minimal event. The same
seed gives the same examples and the same shrunk events.

An invariant file is plain Python: every top-level function whose name starts with `invariant`
is one invariant, called as `invariant(result)` or `invariant(event, result)` (the event as wire
JSON, the result an ExecutionResult); it breaks when it returns a false value or raises
AssertionError. The file is the user's own code, run in this process like a test file.
"""
from __future__ import annotations

import copy
import inspect
import random
import runpy
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from actions_studio.services.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:  # the store loads with a fuzz run, not with the studio's Fuzz pane (issue 12 item 10)
    from actions_studio.services.workspace import Workspace

DEFAULT_EXAMPLES = 100
# Per example: a fuzzed event that runs this long is a finding, far below the 20 s login budget
# so that a hanging action does not eat the whole run.
DEFAULT_TIMEOUT_S = 5.0

Invariant = Callable[..., Any]


@dataclass(frozen=True)
class Finding:
    kind: str  # "raises", "timeout", "crash", "invariant"
    summary: str  # one line: "KeyError: 'plan'", "timed out", "never_denies_verified"
    event: dict[str, Any]  # the shrunk event, wire JSON
    result: dict[str, Any]  # the ExecutionResult JSON of that event (secrets redacted)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "summary": self.summary, "event": self.event, "result": self.result}


@dataclass
class FuzzReport:
    action: str
    examples: int = 0  # examples that ran in the sandbox
    seed: Optional[int] = None
    stopped: bool = False
    findings: list[Finding] = field(default_factory=list)

    def headline(self) -> str:
        ran = f"{self.examples} example{'s' if self.examples != 1 else ''}"
        stop = " (stopped)" if self.stopped else ""
        if not self.findings:
            return f"{self.action}: no finding in {ran}{stop}"
        n = len(self.findings)
        return f"{self.action}: {n} finding{'s' if n != 1 else ''} in {ran}{stop}"

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "examples": self.examples, "seed": self.seed,
                "stopped": self.stopped, "findings": [f.to_json() for f in self.findings]}


class _Stopped(BaseException):
    # A BaseException, not an Exception: Hypothesis treats an Exception as a failing example and
    # would shrink it; Stop must end the run at once instead.
    pass


class _Failed(Exception):
    """Raised inside the property; one subclass per (kind, summary) so Hypothesis keeps them apart."""


_FAILURE_TYPES: dict[tuple[str, str], type[_Failed]] = {}


def _failure_type(kind: str, summary: str) -> type[_Failed]:
    key = (kind, summary)
    if key not in _FAILURE_TYPES:
        _FAILURE_TYPES[key] = type(f"Failed_{len(_FAILURE_TYPES)}", (_Failed,), {})
    return _FAILURE_TYPES[key]


def load_invariants(path: Path) -> dict[str, Invariant]:
    """The invariants of a file; a clear error when it cannot be read or defines none."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"invariant file {path} does not exist")
    try:
        namespace = runpy.run_path(str(path), run_name="actions_studio_invariants")
    except SyntaxError as exc:
        raise InvalidInputError(f"invariant file {path}: {exc.msg} (line {exc.lineno})") from None
    except Exception as exc:
        raise InvalidInputError(f"invariant file {path} failed to load: {type(exc).__name__}: {exc}") from None
    found = {name: value for name, value in namespace.items()
             if name.startswith("invariant") and inspect.isfunction(value)}
    if not found:
        raise InvalidInputError(
            f"invariant file {path} defines no invariant: write a function named invariant_… "
            "taking (result) or (event, result) and returning True when the behaviour is right")
    for name, func in found.items():
        if len(inspect.signature(func).parameters) not in (1, 2):
            raise InvalidInputError(f"invariant file {path}: {name} must take (result) or (event, result)")
    return found


def _broken(invariants: dict[str, Invariant], event: dict[str, Any], result: Any) -> Optional[str]:
    for name, func in invariants.items():
        args = (result,) if len(inspect.signature(func).parameters) == 1 else (event, result)
        try:
            holds = func(*args)
        except AssertionError as exc:
            return f"{name}: {exc}" if str(exc) else name
        except Exception as exc:  # the invariant itself is broken: say so, as a finding of its own
            return f"{name} raised {type(exc).__name__}: {exc}"
        if not holds:
            return name
    return None


def _judge(result: Any) -> Optional[tuple[str, str]]:
    if result.status == "timeout":
        return "timeout", "timed out"
    if result.status == "error":
        failed = next((a for a in result.actions if a.error is not None), None)
        if failed is None:
            return "crash", "the run failed without an action error"
        kind = "crash" if failed.error.type in ("Crash", "InvalidResult") else "raises"
        return kind, f"{failed.error.type}: {failed.error.message}"
    return None


def fuzz_action(
    ws: Workspace, action_name: str, *, examples: int = DEFAULT_EXAMPLES, seed: Optional[int] = None,
    invariants: Optional[dict[str, Invariant]] = None, version: Optional[int] = None,
    timeout_s: float = DEFAULT_TIMEOUT_S, cancel: Optional[threading.Event] = None,
    on_progress: Callable[[int, int, int], None] = lambda done, total, findings: None,
) -> FuzzReport:
    """Fuzzes the draft (or `version`) of `action_name` with `examples` generated events.

    `on_progress(done, total, findings)` is called after each example (from this thread);
    `cancel` set ends the run after the example in progress, keeping the findings so far. A
    sandbox that stops under an example (its zygote killed) is restarted and the example run
    again once; a second failure in a row is raised, as `execute` raises it.
    """
    from actions_studio.execution import execute
    from actions_studio.runtime import EventTooLargeError, SandboxError
    from actions_studio.triggers import EventValidationError
    from actions_studio.services.catalog import get_trigger
    from actions_studio.services.dependencies import environments_for
    from actions_studio.services.fuzz_strategies import event_generator, skeleton
    from actions_studio.services.runs import redacted, resolve_sources
    from actions_studio.store import repository as repo

    if examples < 1:
        raise InvalidInputError("--examples must be at least 1")
    if timeout_s <= 0:
        raise InvalidInputError("--timeout must be a positive number of seconds")
    with ws.db.read() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
        sources = resolve_sources(ws, s, [action], "draft" if version is None else version, {})
    trigger = get_trigger(action.trigger_id)
    invariants = invariants or {}
    # Each action's environment once, not per example: it does not change during a run, and
    # looking it up is a store read (a few hundred microseconds an example would pay).
    from actions_studio.execution import EnvironmentRefused

    prepared: dict[str, tuple[str, ...]] = {}
    for source in sources:
        try:
            prepared[source.name] = environments_for(ws)(source)
        except EnvironmentRefused as exc:
            raise InvalidInputError(f"the dependencies of {source.name} cannot be installed: {exc}") from None

    def environments(source: Any) -> tuple[str, ...]:
        return prepared[source.name]
    report = FuzzReport(action=action.name, seed=seed)
    # Per finding key: the last failing event seen. Hypothesis replays the shrunk example last,
    # so once its shrink ends this is the minimal event; after a Stop, the smallest found so far.
    latest: dict[tuple[str, str], Finding] = {}
    model = trigger.event_model

    def run_one(event: dict[str, Any]) -> Optional[tuple[Optional[tuple[str, str]], Any]]:
        """One event through the sandbox: (its verdict, its result), or None when the event is not
        one the tenant could send (not the action's fault, not an example)."""
        if cancel is not None and cancel.is_set():
            raise _Stopped()
        try:
            try:
                result = execute(trigger.id, sources, event, sandbox=ws.sandbox,
                                 environments=environments, timeout_s=timeout_s)
            except SandboxError:
                # The sandbox itself stopped (not the action's doing: its zygote was killed);
                # the next call starts a new one, so the example is not lost.
                result = execute(trigger.id, sources, event, sandbox=ws.sandbox,
                                 environments=environments, timeout_s=timeout_s)
        except (EventValidationError, EventTooLargeError):
            return None
        report.examples += 1
        verdict = _judge(result)
        if verdict is None and invariants:
            broken = _broken(invariants, event, result)
            verdict = ("invariant", broken) if broken is not None else None
        new = verdict is not None and verdict not in latest
        on_progress(min(report.examples, examples), examples, len(latest) + new)
        return verdict, result

    found_order: list[tuple[str, str]] = []  # the findings' keys, in the order they were found

    def keep(verdict: tuple[str, str], event: dict[str, Any], result: Any) -> None:
        # A copy: the strategies hand out shared skeleton objects for untouched subtrees.
        latest[verdict] = Finding(kind=verdict[0], summary=verdict[1], event=copy.deepcopy(event),
                                  result=redacted(result, sources).model_dump(mode="json"))

    def note(verdict: Optional[tuple[str, str]], event: dict[str, Any], result: Any) -> None:
        """A failure of a kind not seen before is a finding, kept with the event it was met with."""
        if verdict is not None and verdict not in latest:
            keep(verdict, event, result)
            found_order.append(verdict)

    # 1. Explore: the smallest valid event first (Hypothesis's own first example), then events
    # from the seeded generator; a finding's first event is kept as it is found.
    generate = event_generator(model)
    rng = random.Random(seed)
    attempts = 0
    try:
        while report.examples < examples and attempts < examples * 10 + 100:
            event = skeleton(model) if attempts == 0 else generate(rng)
            attempts += 1
            outcome = run_one(event)
            if outcome is not None:
                note(outcome[0], event, outcome[1])
        # 2. Shrink each finding with Hypothesis, in the order they were found; an event of a
        # new kind met while shrinking is a finding of its own, shrunk after the others.
        for verdict in _queue(found_order):
            if _repeats(verdict, latest, run_one, note):
                _shrink(verdict, latest, model, run_one, keep, note, seed)
    except _Stopped:
        report.stopped = True
    report.findings = sorted(latest.values(), key=lambda f: (f.kind, f.summary))
    return report


def _queue(items: list[Any]) -> Any:
    """The items of a list that grows while it is walked."""
    index = 0
    while index < len(items):
        yield items[index]
        index += 1


NOT_REPEATED = " (it did not happen again when the event was run again)"


def _repeats(verdict: tuple[str, str], latest: dict[tuple[str, str], Finding],
             run_one: Callable[[dict[str, Any]], Any], note: Callable[..., None]) -> bool:
    """Runs the finding's event once more. A failure that does not repeat (a worker killed from
    outside, an action that depends on the time) is not shrunk; its summary says so."""
    finding = latest[verdict]
    outcome = run_one(finding.event)
    if outcome is not None and outcome[0] == verdict:
        return True
    if outcome is not None:
        note(outcome[0], finding.event, outcome[1])
    del latest[verdict]
    summary = finding.summary + NOT_REPEATED
    latest[(finding.kind, summary)] = Finding(kind=finding.kind, summary=summary, event=finding.event,
                                              result=finding.result)
    return False


# A finding whose event Hypothesis does not bring back to a failure within this many generated
# events is reported as it was found (a failure that needs many fields at once, or a flaky one).
SHRINK_SEARCH = 200


def _shrink(verdict: tuple[str, str], latest: dict[tuple[str, str], Finding], model: Any,
            run_one: Callable[[dict[str, Any]], Any], keep: Callable[..., None], note: Callable[..., None],
            seed: Optional[int]) -> None:
    """Hypothesis over the events between the smallest valid one and the finding's event
    (`fuzz_strategies.shrink_strategy`): the generate phase finds some that fail in the same way,
    the shrink phase takes them down to the smallest; `latest[verdict]` ends as that event."""
    from hypothesis import HealthCheck, Phase, given, reject, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import HypothesisException, HypothesisWarning

    from actions_studio.services.fuzz_strategies import shrink_strategy, skeleton

    first = latest[verdict].event
    if first == skeleton(model):
        return  # already the smallest valid event: nothing to shrink
    failure = _failure_type(*verdict)

    def candidate(event: dict[str, Any]) -> None:
        outcome = run_one(event)
        if outcome is None:
            reject()
        seen, result = outcome
        note(seen, event, result)
        if seen == verdict:
            keep(seen, event, result)
            raise failure(verdict[1])

    property_test = settings(
        max_examples=SHRINK_SEARCH, database=None, deadline=None, derandomize=False,
        report_multiple_bugs=False, print_blob=False, phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )(given(shrink_strategy(model, first))(candidate))
    if seed is not None:
        property_test = hypothesis_seed(seed)(property_test)
    try:
        with warnings.catch_warnings():
            # Hypothesis raises its recursion limit while it runs and warns when it finds the
            # limit changed at the end — which another thread (the studio's analysis worker, a
            # second fuzz run) may do at any time. Its own comment calls it "a nice to have";
            # under a suite where warnings are errors it would end the run with no report.
            warnings.filterwarnings("ignore", message="The recursion limit will not be reset",
                                    category=HypothesisWarning)
            property_test()
    except _Failed:
        pass  # latest[verdict] holds the shrunk event
    except HypothesisException:
        pass  # e.g. Flaky: a failure that did not repeat; the smallest seen so far stands


def finding_fixture_name(action_name: str, finding: Finding, index: int = 1) -> str:
    """A fixture name for a finding: "fuzz add-roles 1 KeyError"."""
    import re

    word = re.sub(r"[^A-Za-z0-9_-]+", "", finding.summary.split(":")[0])[:30] or finding.kind
    return f"fuzz {action_name} {index} {word}"[:100].rstrip()


def finding_document(trigger_id: str, action_name: str, finding: Finding, name: str) -> dict[str, Any]:
    """The finding's shrunk event as a fixture document of the action. A raise, timeout or crash
    gets the expectation `success` (the test passes once the action is fixed); a broken
    invariant has none, since only the invariant knows what is right."""
    doc: dict[str, Any] = {"name": name, "trigger": trigger_id, "action": action_name,
                           "event": copy.deepcopy(finding.event)}
    if finding.kind != "invariant":
        doc["expect"] = {"status": "success"}
    return doc


def save_finding(ws: Workspace, action_name: str, finding: Finding, name: str) -> str:
    """Saves the finding as a fixture of the action (`finding_document`); returns its name."""
    from actions_studio.services import fixtures
    from actions_studio.store import repository as repo

    with ws.db.read() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
    doc = finding_document(action.trigger_id, action.name, finding, name)
    record, _ = fixtures.save_fixture(ws, fixtures.parse_fixture(doc, source=f"finding {finding.summary}"))
    return record.name

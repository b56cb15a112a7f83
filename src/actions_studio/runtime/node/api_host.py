"""The studio's side of a JavaScript action's api calls: the catalog's own recorder.

A worker's ``api`` object is generated from the trigger's JavaScript view
(`triggers.javascript.JsTrigger.to_json`); each call crosses to here synchronously, where
`JsMethod.python_call` maps its arguments to the catalog method's and the very recorder a Python
action uses validates, records and answers it. So both runtimes record the same
``{"method", "args", "kwargs"}`` (the canonical names), refuse the same arguments and return the same
values (`cache.get`, `redirect.encodeToken`, …); a refusal is worded the JavaScript way
(`JsMethod.javascript_message`) and thrown in the worker at the action's calling line.
"""

from __future__ import annotations

import copy
from typing import Any

from actions_studio.triggers import ExecutionContext
from actions_studio.triggers.api.recording import json_safe
from actions_studio.triggers.errors import ApiUsageError
from actions_studio.triggers.javascript import JsTrigger

from ..capture import RESULT_BYTES
from ..protocol import MalformedResult, loads_untrusted


# What one execution may send through its api: a Python action's calls must fit the result buffer
# (capture.RESULT_BYTES); here they live in the studio's process, so the bound is kept as they come.
MAX_CALL_BYTES = RESULT_BYTES
MAX_CALLS = 10_000


class ApiHost:
    """One JavaScript action's execution: its api recorder and context."""

    def __init__(self, trigger: Any, view: JsTrigger, event: Any, *, name: str, secrets: dict[str, str],
                 cache: dict[str, Any], phase: str) -> None:
        self.view = view
        self.context = ExecutionContext(secrets=dict(secrets), cache=copy.deepcopy(cache),  # type: ignore[arg-type]
                                        phase=phase, action_name=name)  # type: ignore[arg-type]
        self.api = trigger.make_api(event, self.context)
        self.calls = 0
        self.received = 0

    def answer(self, frame: bytes) -> dict[str, Any]:
        """The reply to one call frame ``{"m": "accessToken.setCustomClaim", "a": [...]}``."""
        self.calls += 1
        self.received += len(frame)
        if self.calls > MAX_CALLS or self.received > MAX_CALL_BYTES:
            return _error("ApiUsageError", f"too many api calls in one execution (at most {MAX_CALLS}, "
                          f"{MAX_CALL_BYTES // (1024 * 1024)} MiB of arguments)")
        try:
            request = loads_untrusted(frame)
        except MalformedResult as exc:
            return _error("Error", f"the api call could not be read: {exc}")
        path = request.get("m") if isinstance(request, dict) else None
        arguments = request.get("a") if isinstance(request, dict) else None
        if not isinstance(path, str) or not isinstance(arguments, list):
            return _error("Error", "the api call could not be read")
        try:
            method = self.view.method(path)
        except KeyError:
            return _error("TypeError", f"api.{path} is not a function")
        try:
            args, kwargs = method.python_call(arguments)
            namespace, name = method.canonical.split(".", 1)
            value = getattr(getattr(self.api, namespace), name)(*args, **kwargs)
            if value is None and method.returns.endswith("Api"):
                return {"api": True}
            return {"r": json_safe(value, where=f"api.{path}")}
        except ApiUsageError as exc:
            return _error("ApiUsageError", method.javascript_message(str(exc)))
        except Exception as exc:  # noqa: BLE001 - the recorder refused in another way: still the action's call
            return _error(type(exc).__name__, method.javascript_message(str(exc)))

    def result(self) -> dict[str, Any]:
        """What the api recorded: the result record's calls, warnings and cache."""
        return {"calls": list(self.api.calls), "warnings": list(self.api.warnings), "cache": self.context.cache}


def _error(type_: str, message: str) -> dict[str, Any]:
    return {"e": {"type": type_, "message": message}}

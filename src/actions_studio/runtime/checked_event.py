"""An event validated once for the actions of one flow execution that leave its payload as it was.

Both runtimes use it: a Python flow child (python/child.py `run_action`) and the client's
JavaScript executor (node/executor.py, one per flow execution in client.py's strategies), so a
flow's second action does not validate the event the first one was given again, and a JavaScript
one does not dump it to JSON again either.
"""

from __future__ import annotations

import json
from typing import Any, Optional


class CheckedEvent:
    """The event validated last, for the next action when its payload is the same object
    (`triggers.outcome.apply_calls` returns the payload itself when an action's calls change
    nothing in it): that action gets the same event without validating it again.

    Kept without secrets (``template``: event.secrets empty); each action gets a shallow copy with
    its own secrets and its own copy of event.transaction.metadata, the one part of an event the
    catalog's api writes through (api.transaction.set_metadata), so nothing one action did to its
    event reaches the next one's.
    """

    def __init__(self) -> None:
        self.payload: Optional[dict[str, Any]] = None
        self.template: Any = None
        self._dumped: Optional[dict[str, Any]] = None  # the template as JSON data, made by `wire`

    def keep(self, payload: dict[str, Any], event: Any) -> None:
        from actions_studio.triggers.mappings import ReadOnlyMapping

        self.payload, self.template = payload, event.model_copy(update={"secrets": ReadOnlyMapping({})})
        self._dumped = None

    def event_for(self, payload: Any, secrets: dict[str, str]) -> Any:
        """The event of ``payload`` with ``secrets``, or None when it must be validated (another
        payload, or secrets that are not all strings: the validation reports those)."""
        if payload is not self.payload or self.template is None:
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in secrets.items()):
            return None
        from actions_studio.triggers.mappings import ReadOnlyMapping

        template = self.template
        update: dict[str, Any] = {"secrets": ReadOnlyMapping(secrets)}
        transaction = getattr(template, "transaction", None)
        metadata = getattr(transaction, "metadata", None)
        if isinstance(metadata, ReadOnlyMapping):  # as TransactionApi._metadata finds it
            update["transaction"] = transaction.model_copy(update={"metadata": ReadOnlyMapping(metadata)})
        return template.model_copy(update=update)

    def wire(self, secrets: dict[str, str]) -> str:
        """The JSON a JavaScript worker is given for the kept event with ``secrets`` (string keys
        and values, as `event_for` accepted them): the event's dump, made once per payload, with
        only these secrets in it."""
        if self._dumped is None:
            self._dumped = self.template.model_dump(mode="json", by_alias=True, exclude_none=True)
        return json.dumps({**self._dumped, "secrets": dict(secrets)}, separators=(",", ":"), ensure_ascii=False)

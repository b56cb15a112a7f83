"""The outcome of TRIGGERS.md as a flat list of entries: the one walk over its shape.

Every reader of an outcome (the terminal summary, the studio's result card) takes these entries
and words them its own way, in its own order; none of them walks the nested dict itself, so a new
outcome key (or a second runtime's results) is taught to the readers in one place. Empty parts
are left out; `set_by` is not an entry (it says who set an entry, not what happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EntryKind = Literal[
    "denied",                # value: the denied dict (code, reason, user_message)
    "validation_error",      # value: {"code", "message"}
    "redirect",              # value: {"url", "query"}
    "claim",                 # token, key: claim name, value: its value
    "scope_added",           # token, key: the scope
    "scope_removed",         # token, key: the scope
    "app_metadata",          # key, value (None: the key is deleted)
    "user_metadata",         # key, value (None: the key is deleted)
    "multifactor",           # value: {"provider", "allow_remember_browser", ...}
    "challenge",             # value: {"action", "method", "factors"}
    "enrollment",            # value: {"action", "method", "factors"}
    "transaction_metadata",  # key, value
]
TOKENS = ("access_token", "id_token")


@dataclass(frozen=True)
class OutcomeEntry:
    kind: EntryKind
    value: Any = None
    key: str = ""
    token: str = ""  # "access_token" | "id_token" for claims and scopes


def outcome_entries(outcome: dict[str, Any]) -> list[OutcomeEntry]:
    """The entries, most consequential first: deny, validation error, redirect, token changes,
    user metadata, MFA, challenges and enrolments, transaction metadata."""
    entries: list[OutcomeEntry] = []
    for kind in ("denied", "validation_error", "redirect"):
        if outcome.get(kind):
            entries.append(OutcomeEntry(kind, outcome[kind]))
    for token in TOKENS:
        part = outcome.get(token) or {}
        entries += [OutcomeEntry("claim", value, claim, token)
                    for claim, value in (part.get("claims") or {}).items()]
        entries += [OutcomeEntry("scope_added", key=scope, token=token) for scope in part.get("scopes_added") or []]
        entries += [OutcomeEntry("scope_removed", key=scope, token=token)
                    for scope in part.get("scopes_removed") or []]
    user = outcome.get("user") or {}
    for kind in ("app_metadata", "user_metadata"):
        entries += [OutcomeEntry(kind, value, key) for key, value in (user.get(kind) or {}).items()]
    if outcome.get("multifactor"):
        entries.append(OutcomeEntry("multifactor", outcome["multifactor"]))
    auth = outcome.get("authentication") or {}
    entries += [OutcomeEntry("challenge", item) for item in auth.get("challenges") or []]
    entries += [OutcomeEntry("enrollment", item) for item in auth.get("enrollments") or []]
    entries += [OutcomeEntry("transaction_metadata", value, key)
                for key, value in (outcome.get("transaction_metadata") or {}).items()]
    return entries

"""What an action's code can do to a login, found by reading it with `ast` (issue 5).

The flow canvas shows these as icons on each card and the flow validation reasons about them
(the same claim set twice, a redirect after a deny, a secret the code reads but nobody set).
Static analysis answers "can", not "will": a call inside an `if` still counts. It matches the
tail of an attribute chain (`<anything>.access.deny(...)`), so it works whatever the handler
names its `api` parameter; an api namespace bound to a local name first is not followed.

Plain input (source text), plain frozen output; no jedi (the code is only parsed, never run).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

# Effect kinds, in the order the canvas draws them.
KINDS = ("deny", "claims", "metadata", "mfa", "redirect", "cache")

KIND_LABELS = {
    "deny": "can deny access",
    "claims": "sets token claims or scopes",
    "metadata": "writes metadata",
    "mfa": "asks for MFA",
    "redirect": "can redirect",
    "cache": "uses the cache",
}

# (namespace, method) -> (kind, what the detail names). Python names of TRIGGERS.md's api methods;
# the JavaScript analysis (typescript/effects.py) maps Auth0's names onto these.
METHODS: dict[tuple[str, str], tuple[str, str]] = {
    ("access", "deny"): ("deny", "access.deny"),
    # The later triggers' ways to stop what the trigger does: a token exchange's rejection, a
    # provider dropping the message (custom email/phone providers).
    ("access", "reject_invalid_subject_token"): ("deny", "access.reject_invalid_subject_token"),
    ("notification", "drop"): ("deny", "notification.drop"),
    ("validation", "error"): ("deny", "validation.error"),
    ("access_token", "set_custom_claim"): ("claims", "access_token"),
    ("id_token", "set_custom_claim"): ("claims", "id_token"),
    ("access_token", "add_scope"): ("claims", "scope+"),
    ("access_token", "remove_scope"): ("claims", "scope-"),
    ("user", "set_app_metadata"): ("metadata", "app_metadata"),
    ("user", "set_user_metadata"): ("metadata", "user_metadata"),
    ("transaction", "set_metadata"): ("metadata", "transaction.metadata"),
    ("multifactor", "enable"): ("mfa", "multifactor.enable"),
    ("authentication", "challenge_with"): ("mfa", "authentication.challenge_with"),
    ("authentication", "challenge_with_any"): ("mfa", "authentication.challenge_with_any"),
    ("authentication", "enroll_with"): ("mfa", "authentication.enroll_with"),
    ("authentication", "enroll_with_any"): ("mfa", "authentication.enroll_with_any"),
    ("redirect", "send_user_to"): ("redirect", "redirect.send_user_to"),
    # password-reset-post-challenge: where the browser goes once the password is reset.
    ("transaction", "set_result_url"): ("redirect", "transaction.set_result_url"),
    ("cache", "get"): ("cache", "cache.get"),
    ("cache", "set"): ("cache", "cache.set"),
    ("cache", "delete"): ("cache", "cache.delete"),
}


@dataclass(frozen=True)
class Effect:
    """One call site that has an effect.

    `target` names what it touches when the code says it literally: the claim name for a token
    claim (`"https://acme/roles"`), the metadata key, the scope; None when it is computed.
    `token` is `"access_token"` / `"id_token"` for claims, `"app_metadata"` / `"user_metadata"` /
    `"transaction.metadata"` for metadata, else the api method.
    """

    kind: str
    token: str
    target: Optional[str]
    line: int

    def describe(self) -> str:
        if self.kind == "claims":
            if self.token in ("scope+", "scope-"):
                verb = "adds" if self.token == "scope+" else "removes"
                return f"{verb} scope {self.target or '(computed)'}"
            return f"{self.token} claim {self.target or '(computed name)'}"
        if self.kind == "metadata":
            return f"{self.token} {self.target or '(computed key)'}"
        return self.token


@dataclass(frozen=True)
class EffectReport:
    effects: tuple[Effect, ...] = ()
    # Names the code reads from event.secrets (literal subscripts, .get("X") and attributes).
    secrets: tuple[str, ...] = ()
    # Set when the code does not parse: the card then shows no effects and says why.
    parse_error: Optional[str] = None

    def kinds(self) -> tuple[str, ...]:
        present = {e.kind for e in self.effects}
        return tuple(k for k in KINDS if k in present)

    def of_kind(self, kind: str) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.kind == kind)

    def claims(self) -> tuple[tuple[str, str], ...]:
        """(token, claim name) of every literal custom claim, first occurrence order."""
        seen: list[tuple[str, str]] = []
        for e in self.effects:
            if e.kind == "claims" and e.token in ("access_token", "id_token") and e.target:
                if (e.token, e.target) not in seen:
                    seen.append((e.token, e.target))
        return tuple(seen)

    def summary_lines(self) -> list[str]:
        """One line per kind, for a tooltip: 'sets token claims: access_token claim https://x/roles'."""
        lines = []
        for kind in self.kinds():
            details = []
            for e in self.of_kind(kind):
                text = e.describe()
                if text not in details:
                    details.append(text)
            lines.append(f"{KIND_LABELS[kind]}: {', '.join(details)}")
        if self.secrets:
            lines.append(f"reads secrets: {', '.join(self.secrets)}")
        if self.parse_error:
            lines.append(f"not analysed: {self.parse_error}")
        return lines


def analyze_effects(code: str) -> EffectReport:
    """The effects `code` can have; never raises (a syntax error is reported, not thrown)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        return EffectReport(parse_error=f"the code does not parse{where}")
    effects: list[Effect] = []
    secrets: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found = _effect_of_call(node)
            if found is not None:
                effects.append(found)
            secret = _secret_of_get(node)
            if secret and secret not in secrets:
                secrets.append(secret)
        elif isinstance(node, ast.Subscript) and _is_event_secrets(node.value):
            key = _literal_str(node.slice)
            if key and key not in secrets:
                secrets.append(key)
        elif isinstance(node, ast.Attribute) and _is_event_secrets(node.value):
            if not node.attr.startswith("_") and node.attr not in ("get", "keys", "items", "values", "to_dict"):
                if node.attr not in secrets:
                    secrets.append(node.attr)
    effects.sort(key=lambda e: (e.line, KINDS.index(e.kind)))
    return EffectReport(tuple(effects), tuple(secrets))


def _chain(node: ast.AST) -> list[str]:
    """`a.b.c` -> ["a", "b", "c"]; [] when the chain does not start at a plain name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    return parts[::-1]


def _effect_of_call(call: ast.Call) -> Optional[Effect]:
    chain = _chain(call.func)
    # api.<namespace>.<method>: at least three parts, so a local `cache.get(...)` on a dict is
    # not mistaken for the api's cache.
    if len(chain) < 3:
        return None
    kind_token = METHODS.get((chain[-2], chain[-1]))
    if kind_token is None:
        return None
    kind, token = kind_token
    target = None
    if kind in ("claims", "metadata"):
        first = call.args[0] if call.args else _keyword(call, ("key", "scope"))
        target = _literal_str(first) if first is not None else None
    return Effect(kind=kind, token=token, target=target, line=call.lineno)


def _keyword(call: ast.Call, names: tuple[str, ...]) -> Optional[ast.AST]:
    return next((k.value for k in call.keywords if k.arg in names), None)


def _literal_str(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_event_secrets(node: ast.AST) -> bool:
    chain = _chain(node)
    return len(chain) >= 2 and chain[-1] == "secrets"


def _secret_of_get(call: ast.Call) -> Optional[str]:
    if isinstance(call.func, ast.Attribute) and call.func.attr == "get" and _is_event_secrets(call.func.value):
        return _literal_str(call.args[0]) if call.args else None
    return None

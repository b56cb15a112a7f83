"""The ExecutionResult as a user reads it, rendered to the rich-text subset QTextBrowser draws.

Qt-free (plain strings in, a string out) so the wording is unit-tested without widgets. Order:
the outcome card first (what happens to the login), then the api calls in order, console output,
the error with its traceback (frames of the action's own code are links `line:N`), and stats.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from actions_studio.ui.colours import StudioColours

if TYPE_CHECKING:  # a pydantic model: loaded with the first result, not with the window
    from actions_studio.runtime import ExecutionResult

# The runtime names the action's module "<action:NAME>" in tracebacks (runtime/python/child.py).
_FRAME = re.compile(r'^(\s*File "<action:[^"]*>", line )(\d+)(.*)$')


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def headline(result: ExecutionResult) -> tuple[str, str, str]:
    """(kind, title, detail) where kind is allowed | denied | suspended | stopped | error."""
    status = result.status
    outcome = result.outcome
    if status == "denied":
        denied = outcome.get("denied") or {}
        invalid = outcome.get("validation_error") or {}
        if denied:
            reason = denied.get("reason") or denied.get("code") or "no reason given"
            extra = f" — shown to the user: “{denied['user_message']}”" if denied.get("user_message") else ""
            return "denied", "Denied", f"{reason}{extra}"
        if invalid:
            return "denied", "Denied (validation error)", f"{invalid.get('code')}: {invalid.get('message')}"
        return "denied", "Denied", ""
    if status == "suspended":
        redirect = outcome.get("redirect") or {}
        return "suspended", "Suspended for redirect", str(redirect.get("url") or "")
    if status == "stopped":
        # Its own kind: the user stopped it, which is neither the action's error nor a timeout.
        return "stopped", "Stopped", "you stopped the run before it finished; its process was killed"
    if status in ("error", "timeout"):
        failing = next((a for a in result.actions if a.error), None)
        if status == "timeout":
            return "error", "Timed out", "the action ran past its time budget"
        if failing is not None and failing.error is not None:
            err = failing.error
            where = f" (line {err.line})" if err.line else ""
            return "error", "Error", f"{err.type}: {err.message}{where}"
        return "error", "Error", ""
    if "denied" in outcome:
        return "allowed", "Allowed", ""
    return "allowed", "Completed", "this trigger does not decide access; see calls and console"


# The card's order: what the tokens and the user carry first, the redirect last (the deny and
# the validation error are the headline, not rows).
_CARD_ORDER = {"claim": 0, "scope_added": 0, "scope_removed": 0, "app_metadata": 1, "user_metadata": 1,
               "transaction_metadata": 2, "multifactor": 3, "challenge": 4, "enrollment": 5, "redirect": 6}
_TOKEN_LABEL = {"access_token": "Access token", "id_token": "ID token"}


def _outcome_rows(outcome: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    # The trigger catalog loads with the first result shown, not with the window (issue 12 item 10).
    from actions_studio.triggers.outcome_entries import outcome_entries

    entries = [e for e in outcome_entries(outcome) if e.kind in _CARD_ORDER]
    for entry in sorted(entries, key=lambda e: _CARD_ORDER[e.kind]):  # stable: access, then ID token
        kind, value = entry.kind, entry.value
        if kind == "claim":
            rows.append((f"{_TOKEN_LABEL[entry.token]} claim",
                         f"<b>{_e(entry.key)}</b> = <code>{_e(_json(value))}</code>"))
        elif kind in ("scope_added", "scope_removed"):
            sign = "+" if kind == "scope_added" else "−"
            rows.append((f"{_TOKEN_LABEL[entry.token]} scope", f"{sign} {_e(entry.key)}"))
        elif kind in ("app_metadata", "user_metadata"):
            shown = "<i>deleted</i>" if value is None else f"<code>{_e(_json(value))}</code>"
            rows.append((f"user.{kind}", f"<b>{_e(entry.key)}</b> = {shown}"))
        elif kind == "transaction_metadata":
            rows.append(("transaction metadata", f"<b>{_e(entry.key)}</b> = <code>{_e(_json(value))}</code>"))
        elif kind == "multifactor":
            remember = ", remember browser" if value.get("allow_remember_browser") else ""
            rows.append(("MFA", f"required ({_e(value.get('provider'))}{remember})"))
        elif kind in ("challenge", "enrollment"):
            label = "MFA challenge" if kind == "challenge" else "MFA enrolment"
            rows.append((label, _e(", ".join(map(str, value.get("factors") or [])) or "any factor")))
        elif kind == "redirect":
            query = value.get("query") or {}
            qs = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
            rows.append(("Redirect to", f"<code>{_e(str(value.get('url')) + qs)}</code>"))
    return rows


def call_text(call: dict[str, Any], *, trigger: str = "", runtime: str = "python3") -> str:
    """One recorded api call as the action's language writes it. Calls are recorded under the
    catalog's Python names in both runtimes; a JavaScript action's read back in Auth0's
    (``api.idToken.setCustomClaim``, options objects), from the trigger's JavaScript view."""
    args = call.get("args") or []
    kwargs = call.get("kwargs") or {}
    from actions_studio.runtime.node import is_node  # with the first result, not the window

    if is_node(runtime) and trigger:
        from actions_studio.triggers.javascript import javascript_view

        try:
            return javascript_view(trigger).by_canonical(str(call.get("method"))).call_text(args, kwargs)
        except (KeyError, LookupError, ValueError):
            pass  # a record this trigger's api lacks (an older run's): its recorded name
    written = [_json(a) for a in args]
    written += [f"{k}={_json(v)}" for k, v in kwargs.items()]
    return f"api.{call.get('method')}({', '.join(written)})"


def _traceback_html(traceback: str, c: StudioColours) -> str:
    lines = []
    for line in traceback.rstrip("\n").split("\n"):
        match = _FRAME.match(line)
        if match:
            lines.append(f'{_e(match.group(1))}<a href="line:{match.group(2)}" style="color:{c.link}">'
                         f'{match.group(2)}</a>{_e(match.group(3))}')
        else:
            lines.append(_e(line))
    return "<br>".join(lines).replace("  ", "&nbsp;&nbsp;")


def _section(title: str, c: StudioColours) -> str:
    return (f'<p style="margin-top:14px; margin-bottom:4px; color:{c.muted}; font-weight:600;">'
            f"{_e(title.upper())}</p>")


def render(result: ExecutionResult, c: StudioColours, *, fixture: str = "", target: str = "",
           passed: Optional[bool] = None, mismatch: Optional[str] = None,
           runtimes: Optional[Mapping[str, str]] = None) -> str:
    """The result card; ``runtimes`` names each action's runtime (by action name) so its calls
    read in its own language; an action not named is taken as Python."""
    kind, title, detail = headline(result)
    fg = {"allowed": c.allowed, "denied": c.denied, "suspended": c.suspended, "stopped": c.suspended,
          "error": c.error}[kind]
    bg = {"allowed": c.allowed_bg, "denied": c.denied_bg, "suspended": c.suspended_bg,
          "stopped": c.suspended_bg, "error": c.error_bg}[kind]
    out = [f'<html><body style="color:{c.text};">']
    rows = _outcome_rows(result.outcome)
    card = [f'<table width="100%" cellspacing="0" cellpadding="10" '
            f'style="background-color:{bg}; border:1px solid {fg};"><tr><td>',
            f'<span style="font-size:15pt; font-weight:700; color:{fg};">{_e(title)}</span>']
    if detail:
        card.append(f'&nbsp;&nbsp;<span style="font-size:11pt;">{_e(detail)}</span>')
    stats = result.stats
    # Non-breaking spaces: a wrapped card must not split "18.6" from its unit.
    cost = f"{stats.duration_ms:.1f}&nbsp;ms · {(stats.max_rss_kb or 0) / 1024:.1f}&nbsp;MiB"
    sub = " · ".join(x for x in (fixture and f"fixture <b>{_e(fixture)}</b>", _e(target), cost) if x)
    if passed is not None:
        verdict = (f'<span style="color:{c.allowed}; font-weight:600;">✓ matches the expectation</span>'
                   if passed else
                   f'<span style="color:{c.denied}; font-weight:600;">✗ expectation not met: '
                   f'{_e(mismatch or "")}</span>')
        sub = f"{sub} · {verdict}" if sub else verdict
    if sub:
        card.append(f'<br><span style="color:{c.muted};">{sub}</span>')
    if rows:
        card.append('<table cellspacing="0" cellpadding="2" style="margin-top:6px;">')
        for label, value in rows:
            card.append(f'<tr><td style="color:{c.muted}; padding-right:14px;">{_e(label)}</td>'
                        f"<td>{value}</td></tr>")
        card.append("</table>")
    elif kind == "allowed" and "denied" in result.outcome:
        card.append(f'<br><span style="color:{c.muted};">No claims, metadata or MFA changes.</span>')
    card.append("</td></tr></table>")
    out += card

    actions = result.actions
    calls = [(a.name, call) for a in actions for call in a.calls]
    out.append(_section(f"API calls ({len(calls)})", c))
    if calls:
        out.append("<ol style='margin-top:0px;'>")
        for name, call in calls:
            who = f' <span style="color:{c.muted};">— {_e(name)}</span>' if len(actions) > 1 else ""
            text = call_text(call, trigger=result.trigger, runtime=(runtimes or {}).get(name, "python3"))
            out.append(f"<li><code>{_e(text)}</code>{who}</li>")
        out.append("</ol>")
    else:
        out.append(f'<p style="color:{c.muted}; margin-top:0px;">The action made no api calls.</p>')

    warnings = [w for a in actions for w in a.warnings]
    if warnings:
        out.append(_section("Warnings", c))
        out += [f'<p style="color:{c.suspended}; margin:0px;">⚠ {_e(w)}</p>' for w in warnings]

    logs = "".join(a.logs for a in actions)
    out.append(_section("Console output", c))
    if logs:
        out.append(f'<pre style="background-color:{c.code_bg}; margin-top:0px;">{_e(logs.rstrip())}</pre>')
    else:
        out.append(f'<p style="color:{c.muted}; margin-top:0px;">Nothing printed.</p>')

    for action in actions:
        err = action.error
        if not err:
            continue
        out.append(_section(f"Error in {action.name}", c))
        out.append(f'<p style="color:{c.error}; margin-top:0px;"><b>{_e(err.type)}</b>: '
                   f'{_e(err.message)}</p>')
        if err.traceback:
            out.append(f'<p style="font-family:monospace; background-color:{c.code_bg};">'
                       f'{_traceback_html(err.traceback, c)}</p>')

    rss = stats.max_rss_kb or 0
    out.append(f'<p style="margin-top:14px; color:{c.muted};">Duration {stats.duration_ms:.1f} ms'
               f' · memory {rss / 1024:.1f} MiB · status <code>{_e(result.status)}</code></p>')
    out.append("</body></html>")
    return "".join(out)


def render_batch(reports: list, c: StudioColours) -> str:
    """Run-all: pass/fail per fixture against its expectation, with the first mismatch."""
    esc = html.escape
    passed = sum(1 for r in reports if r.passed)
    failed = sum(1 for r in reports if r.passed is False)
    stopped = any(r.status == "stopped" for r in reports)
    colour = c.denied if failed else c.suspended if stopped else c.allowed
    counts = f"{passed} passed · {failed} failed · {len(reports) - passed - failed} without expectation"
    if stopped:  # the fixtures after the stopped one never ran (issue 12 item 5)
        counts = f"Run all was stopped after {len(reports)}: {counts}"
    rows = [f'<p style="font-size:14pt; font-weight:700; color:{colour}; margin:6px;">{counts}</p>',
            '<table cellspacing="0" cellpadding="5" width="100%">']
    for r in reports:
        mark, mark_colour = (("✓ pass", c.allowed) if r.passed else ("✗ fail", c.denied)
                             if r.passed is False else ("■ stopped", c.suspended) if r.status == "stopped"
                             else ("· ran", c.muted))
        rows.append(f'<tr><td style="color:{mark_colour}; font-weight:600;">{mark}</td>'
                    f"<td><b>{esc(r.fixture)}</b></td><td>{esc(r.status)}</td>"
                    f'<td style="color:{c.muted};">{esc(r.mismatch or "")}</td></tr>')
    rows.append("</table>")
    return "".join(rows)


def render_nothing_ran(why: str, problems: list[str], c: StudioColours) -> str:
    """The card of a run that was refused before anything ran (an invalid event)."""
    items = "".join(f"<li>{_e(p)}</li>" for p in problems[:8])
    more = f"<li>… and {len(problems) - 8} more</li>" if len(problems) > 8 else ""
    return (f'<html><body style="color:{c.text};"><table width="100%" cellspacing="0" cellpadding="10" '
            f'style="background-color:{c.card}; border:1px solid {c.border};"><tr><td>'
            f'<span style="font-size:15pt; font-weight:700; color:{c.error};">Nothing ran</span>'
            f'&nbsp;&nbsp;<span style="font-size:11pt;">{_e(why)}</span>'
            f'<ul style="margin-top:6px; color:{c.error};">{items}{more}</ul></td></tr></table></body></html>')


def batch_summary(reports: list) -> str:
    """Run all's status line, worded as the card counts: "all passed" only when every fixture
    had an expectation and met it (it once stood next to "1 without expectation")."""
    total = len(reports)
    passed = sum(1 for r in reports if r.passed)
    failed = sum(1 for r in reports if r.passed is False)
    unjudged = total - passed - failed
    ran = f"Ran {total} fixture{'' if total == 1 else 's'}"
    if passed == total:
        return f"{ran}: all passed"
    parts = [f"{n} {word}" for n, word in ((passed, "passed"), (failed, "failed"),
                                            (unjudged, "without expectation")) if n]
    return f"{ran}: {' · '.join(parts)}"

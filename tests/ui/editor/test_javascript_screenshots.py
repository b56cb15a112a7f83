"""Screenshots of a JavaScript action's editor (issue 16): the completion list, a signature tip
and a diagnostic from the TypeScript service, rendered offscreen to docs/screenshots/ to look at."""

from __future__ import annotations

from PySide6.QtCore import Qt

from test_screenshots import SIZE, _popups, _save, compose

ACTION = '''/**
 * Add the user's roles to the tokens; admins need a verified email and MFA.
 */
const NAMESPACE = "https://studio.example.com";
const ADMIN_ROLES = new Set(["admin", "owner"]);
const BLOCKED_COUNTRIES = ["KP", "IR"];

exports.onExecutePostLogin = async (event, api) => {
  const roles = event.authorization?.roles ?? [];
  api.idToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, roles);

  const country = event.request.geoip.countryCode;
  if (BLOCKED_COUNTRIES.includes(country)) {
    api.access.deny(`Logins from ${country} are not allowed`);
    return;
  }

  if (roles.some((role) => ADMIN_ROLES.has(role))) {
    if (!event.user.email_verified) {
      // Admins verify their email before a second factor is offered.
      api.access.deny("Verify your email address first");
      return;
    }
    api.multifactor.enable("any", { allowRememberBrowser: false });
  }

  api.user.setAppMetadata("last_country", country);
  console.log(JSON.stringify({ user: event.user.user_id, roles }));
};
'''


def _ready(user, editor) -> None:
    user.qtbot.waitUntil(lambda: editor.diagnostics() == [], timeout=60_000)
    user.qtbot.wait(450)
    user.flush()


def test_javascript_editor(make_js_editor, drive_js, screenshots_dir) -> None:
    editor = make_js_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive_js(editor)
    editor.set_cursor_position(13, 40)
    _ready(user, editor)
    _save(compose(editor), screenshots_dir / "editor-js.png")


def test_javascript_completion_popup(make_js_editor, drive_js, screenshots_dir) -> None:
    editor = make_js_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive_js(editor)
    editor.set_cursor_position(13, 1)
    user.key(Qt.Key.Key_End)
    user.type("\nconst city = event.request.geoip.")
    user.wait_for_completions(timeout=30_000)
    user.type("c")
    assert {"cityName", "countryCode", "continentCode"} <= set(user.view.completion_items())
    user.qtbot.wait(100)
    assert _popups(), "the completion list is a visible top-level window"
    _save(compose(editor), screenshots_dir / "editor-js-completion.png")


def test_javascript_signature_tip(make_js_editor, drive_js, screenshots_dir) -> None:
    editor = make_js_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive_js(editor)
    editor.set_cursor_position(11, 1)
    user.key(Qt.Key.Key_End)
    user.type("\napi.accessToken.setCustomClaim(`${NAMESPACE}/country`, ")
    user.qtbot.waitUntil(lambda: (lambda tip: tip[1] is not None and tip[0][tip[1][0]:tip[1][1]].startswith("value"))(
        user.view.call_tip()), timeout=30_000)
    user.qtbot.wait(100)
    _save(compose(editor), screenshots_dir / "editor-js-call-tip.png")


def test_javascript_diagnostic(make_js_editor, drive_js, screenshots_dir) -> None:
    broken = (ACTION.replace("api.access.deny(`Logins", "api.access.denyy(`Logins")
              .replace("event.user.email_verified", "event.user.emailVerified"))
    editor = make_js_editor(broken, size=SIZE, caret_at_end=False)
    user = drive_js(editor)
    user.qtbot.waitUntil(lambda: len(editor.diagnostics()) == 2, timeout=60_000)
    assert {d.line for d in editor.diagnostics()} == {15, 20}
    editor.set_cursor_position(17, 1)
    editor.on_view_dwelled(user.pos_of("denyy", 2))
    text, _ = user.wait_for_call_tip(timeout=30_000)
    assert "denyy" in text
    user.qtbot.wait(100)
    _save(compose(editor), screenshots_dir / "editor-js-diagnostic.png")

"""A flow mixing Python and JavaScript actions on the canvas (issue 16): the JavaScript cards show
their effects and the warnings name them like Python ones. Real window, real Node parser."""

from __future__ import annotations

import pytest

from actions_studio.services import actions
from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from flow_fixtures import build_flow, close_flows, ids_by_name, open_flows, view_of

JS = {
    "js-roles": ('exports.onExecutePostLogin = async (event, api) => {\n'
                 '  api.accessToken.setCustomClaim("https://acme/roles", ["js"]);\n};\n'),
    "js-consent": ('exports.onExecutePostLogin = async (event, api) => {\n'
                   '  api.redirect.sendUserTo("https://consent.example.com");\n};\n'
                   'exports.onContinuePostLogin = async (event, api) => {};\n'),
    "js-device": ('exports.onExecutePostLogin = async (event, api) => {\n'
                  '  api.cache.set("device", event.secrets.JS_DEVICE_KEY);\n};\n'),
}


@pytest.fixture
def mixed(qtbot, analysis_worker, tmp_path):
    from actions_studio.analysis.typescript.install import find_install

    if find_install() is None:
        pytest.skip("TypeScript is not installed on this machine: the setup step installs it once with "
                    "`python -m actions_studio.analysis.typescript.install --shared`")
    ws = Workspace.open(tmp_path / "workspace.sqlite", vault=open_vault(tmp_path / "config", mode="file"))
    try:
        for name, code in JS.items():
            actions.create_action(ws, name, "post-login", code=code, runtime="node22")
            actions.deploy(ws, name)
    finally:
        ws.close()
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    yield studio
    close_flows(studio)


def test_javascript_cards_show_effects_and_warnings_in_a_mixed_flow(mixed, screenshots_dir):
    view = view_of(mixed)
    ids = ids_by_name(mixed)
    build_flow(mixed, ["add-roles", "block-banned", "js-consent", "js-device", "js-roles"])
    states = {s.name: s for s in view.canvas.states}
    assert states["js-roles"].effect_kinds == ("claims",)
    assert states["js-consent"].effect_kinds == ("redirect",)
    assert states["js-device"].effect_kinds == ("cache",)
    assert view.problem_messages() == [
        "⚠ access_token claim https://acme/roles is set by add-roles and js-roles: "
        "js-roles wins (it runs later)",
        "⚠ js-consent can redirect but runs after block-banned, which can deny: "
        "a denied login never reaches the redirect",
        "⚠ js-device reads secret JS_DEVICE_KEY, which has no value: set it in Action → Secrets…",
    ]
    mixed.window.session.set_secret(ids["js-device"], "JS_DEVICE_KEY", "k")
    view.move(ids["js-consent"], 0)
    assert [m[:30] for m in view.problem_messages()] == ["⚠ access_token claim https://a"]
    view.canvas.fit()
    mixed.qtbot.wait(100)
    assert mixed.window.grab().save(str(screenshots_dir / "flow-mixed-javascript.png"))

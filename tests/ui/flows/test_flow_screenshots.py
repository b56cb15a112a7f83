"""Screenshots of the Flows mode (STYLE.md: tests you look at), at 1366×768, plus the canvas at
device pixel ratio 2. Open docs/screenshots/flow-*.png after a change to the canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from flow_fixtures import build_flow, close_flows, ids_by_name, open_flows, view_of

LEFT = Qt.MouseButton.LeftButton


def _save(widget, directory, name: str) -> None:
    path = directory / name
    assert widget.grab().save(str(path)), path
    assert path.stat().st_size > 5_000


def _save_dpr2(widget, directory, name: str) -> QPixmap:
    """Renders the widget as a 4K screen would (device pixel ratio 2)."""
    pixmap = QPixmap(widget.size() * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    widget.render(pixmap)
    assert pixmap.save(str(directory / name))
    return pixmap


def test_render_the_flows_mode(qtbot, analysis_worker, tmp_path, screenshots_dir):
    studio = open_flows(qtbot, analysis_worker, tmp_path, deny_everyone=True)
    try:
        window = studio.window
        view = view_of(studio)
        ids = ids_by_name(studio)
        window.resize(1366, 768)
        qtbot.wait(150)
        _save(window, screenshots_dir, "flow-empty.png")

        # Five applied actions, one of each effect, no warnings (the secret has a value).
        window.session.set_secret(ids["remember-device"], "DEVICE_KEY", "device-secret")
        build_flow(studio, ["add-roles", "require-mfa", "consent-page", "remember-device", "block-banned"])
        qtbot.mouseClick(view.apply_button, LEFT)
        window.session.save_draft(ids["require-mfa"], "# changed\n" + window.session.detail(
            ids["require-mfa"]).draft.code)
        assert view.problem_messages() == []
        view.canvas.fit()
        view.canvas.select(ids["consent-page"])
        qtbot.wait(100)
        _save(window, screenshots_dir, "flow-5-actions.png")
        pixmap = _save_dpr2(view, screenshots_dir, "flow-5-actions-dpr2.png")
        assert pixmap.width() == view.width() * 2

        # Pending edits with warnings: the same claim twice, a redirect after a deny.
        view.canvas.select("")
        view.remove(ids["require-mfa"])
        view.remove(ids["remember-device"])
        view.move(ids["block-banned"], 1)
        build_flow(studio, ["roles-again"])
        view.canvas.select(ids["roles-again"])
        view.canvas.fit()
        qtbot.wait(100)
        assert len(view.problem_messages()) == 2
        _save(window, screenshots_dir, "flow-warning.png")

        # A run as drawn with a denied action (consent-page would suspend the flow first, so the
        # deny goes second); later actions are skipped; the result opens in the Test panel.
        qtbot.mouseClick(view.discard_button, LEFT)
        view.move(ids["block-banned"], 1)
        qtbot.mouseClick(view.run_button, LEFT)
        qtbot.waitUntil(lambda: view.light_of(ids["block-banned"]).status == "denied", timeout=20_000)
        view.canvas.set_zoom(1.0)
        view.canvas.select(ids["block-banned"])
        view.canvas.centerOn(view.canvas.cards[ids["block-banned"]])
        qtbot.wait(150)
        _save(window, screenshots_dir, "flow-run-denied.png")
    finally:
        close_flows(studio)

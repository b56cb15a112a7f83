"""The studio's sync UI: the Sync dialog, the tenant switcher and profile editor, the status-bar
widget, and the hooks that add them to the main window (issue 7, section 5)."""

"""The Action editor: a Scintilla text area plus completions, call tips, hover docs and diagnostics.

`ActionEditor` (action_editor.py) is the widget the studio uses; `ScintillaView` is the only module
that talks to Scintilla.
"""

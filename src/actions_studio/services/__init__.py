"""Use cases over the workspace, plain Python (no Qt), shared by the studio window and the CLI.

Every function takes a `Workspace` (workspace.py) first. Modules: actions (draft, deploy,
history, revert, diff, rename, delete), flows, fixtures, runs (sandbox runs and expectations),
secrets (+ vault), exchange (export/import). Refusals raise `errors.ServiceError` subclasses whose
message is one line for the user.
"""

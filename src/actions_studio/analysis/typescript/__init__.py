"""The TypeScript language service for JavaScript Actions (issue 16): the one owner of tsserver.

- install.py: the pinned npm packages (typescript, @types/node), where they live, installing them;
- server.py: one tsserver process and its protocol (sequence numbers, cancellation, death);
- virtual.py: the trigger's types injected for the service only, positions mapped both ways;
- engine.py: editor questions in, the project's frozen dataclasses out; restarts;
- worker.py: the owner thread (owner.py's contract), the same calls as the jedi worker;
- effects.py: what a JavaScript action's code can do, for the flow canvas (TypeScript's parser).

docs/architecture.md, "analysis/ — the TypeScript service", has the design.
"""

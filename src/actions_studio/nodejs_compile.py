"""Does a JavaScript Action compile? Asked of the project's Node, without running the action.

The tenant's build of a node22 draft (tenant/build.py) and the CLI need the answer before a run: a
draft that does not parse is `failed` with the line in `errors[]`, as Auth0 reports it. The code is
compiled the way Auth0's loader compiles an action — `vm.compileFunction` with the CommonJS
parameters (PITFALLS.md, "Node for JavaScript Actions") — so what is legal in a CommonJS module
(a top-level `return`) passes and what is not (a top-level `await`) fails, and line numbers are the
action's own (no wrapper line is added). `compileFunction` only parses: no line of the action runs.

One Node process checks a whole batch (a Deploy CLI import saves many drafts at once): ~40 ms for
the process, well under a millisecond per source. It runs with Node's permission model and no file
access (the sources come on stdin), a scrubbed environment and a wall-time limit, so even a hostile
source can only make the check fail, never reach anything.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from actions_studio import nodejs

FILENAME = "action.js"
# Compiling 100 KB of JavaScript takes milliseconds; the limit only bounds a wedged Node.
_TIMEOUT_S = 30.0
_PARAMETERS = ["exports", "require", "module", "__filename", "__dirname"]

# Reads a JSON array of sources on stdin, answers a JSON array: null (compiles) or the error.
# The first line of a SyntaxError's stack is "<filename>:<line>", then the source line and a
# caret line under the offending token (V8's format; the column is where the caret starts).
# V8 puts the line of a SyntaxError only in that text (the error has no line property).
_CHECKER = r"""
const vm = require('node:vm');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const sources = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const params = JSON.parse(process.argv[1]);
  const answers = sources.map((code) => {
    try {
      vm.compileFunction(code, params, { filename: FILENAME });
      return null;
    } catch (e) {
      return { type: (e && e.name) || 'Error', message: String((e && e.message) || e),
               stack: String((e && e.stack) || '') };
    }
  });
  process.stdout.write(JSON.stringify(answers));
});
""".replace("FILENAME", json.dumps(FILENAME))

_WHERE = re.compile(rf"^{re.escape(FILENAME)}:(\d+)\n(?:[^\n]*\n( *)\^)?")


@dataclass(frozen=True)
class CompileError:
    """Why a source does not compile: V8's message and where (1-based; None when V8 gave none)."""

    message: str
    line: Optional[int] = None
    column: Optional[int] = None
    type: str = "SyntaxError"

    def describe(self) -> str:
        """E.g. ``Unexpected token '}' (line 3)``."""
        return f"{self.message} (line {self.line})" if self.line else self.message


class CompileCheckUnavailable(RuntimeError):
    """No answer from Node (missing, too old, crashed, timed out): one line saying which."""


def check(code: str, *, node: Optional[nodejs.Node] = None) -> Optional[CompileError]:
    """None when `code` compiles as an action's CommonJS module, else the error with its line."""
    return check_many([code], node=node)[0]


def check_many(sources: Sequence[str], *, node: Optional[nodejs.Node] = None) -> list[Optional[CompileError]]:
    """`check` for each source, in one Node process; CompileCheckUnavailable without an answer."""
    if not sources:
        return []
    if node is None:
        try:
            node = nodejs.find_node()
        except nodejs.NodeError as exc:
            raise CompileCheckUnavailable(str(exc)) from None
    return list(_checked(tuple(sources), str(node.executable)))


@lru_cache(maxsize=256)
def _checked(sources: tuple[str, ...], executable: str) -> tuple[Optional[CompileError], ...]:
    # Cached: the tenant re-checks a draft whenever it is saved, mostly with unchanged code.
    stdin = json.dumps(list(sources))  # ASCII-escaped: lone surrogates and NULs travel intact
    try:
        done = subprocess.run(
            [executable, "--permission", "--max-old-space-size=256", "-e", _CHECKER, json.dumps(_PARAMETERS)],
            input=stdin.encode("ascii"), capture_output=True, timeout=_TIMEOUT_S, env={}, cwd="/",
        )
    except subprocess.TimeoutExpired:
        raise CompileCheckUnavailable(f"Node did not finish the compile check within {_TIMEOUT_S:.0f} s") from None
    except OSError as exc:
        raise CompileCheckUnavailable(f"cannot start Node at {executable}: {exc.strerror or exc}") from None
    try:
        answers = json.loads(done.stdout)
        if done.returncode != 0 or not isinstance(answers, list) or len(answers) != len(sources):
            raise ValueError
    except ValueError:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CompileCheckUnavailable(
            f"Node's compile check failed (exit {done.returncode}): {detail[-1] if detail else 'no output'}"
        ) from None
    return tuple(None if a is None else _error_of(a) for a in answers)


def _error_of(answer: dict[str, str]) -> CompileError:
    where = _WHERE.search(answer.get("stack", ""))
    line = int(where.group(1)) if where else None
    # No caret when V8 cannot point at a token (end of input; a line it cut at a NUL).
    column = len(where.group(2)) + 1 if where and where.group(2) is not None else None
    return CompileError(message=answer.get("message", ""), line=line, column=column,
                        type=answer.get("type", "SyntaxError"))

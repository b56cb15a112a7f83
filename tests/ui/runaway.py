"""A runaway post-login action that tells the test it is running (and its pid) over a socket, so a
test stops it mid-run without guessing at times. Plain module: tests/ui has no packages."""

from __future__ import annotations

import json
import os
import socket


def runaway_code(port: int) -> str:
    return f"""import json, os, socket

def on_execute_post_login(event, api):
    print('running')
    conn = socket.create_connection(('127.0.0.1', {port}))
    conn.sendall(json.dumps({{'pid': os.getpid()}}).encode() + b'\\n')
    while True:
        pass
"""


def running_pid(server: socket.socket, qtbot) -> int:
    """Waits (keeping the Qt event loop turning) until the action connects; returns its pid."""
    server.setblocking(False)
    box: dict[str, int] = {}

    def arrived() -> bool:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return False
        with conn:
            conn.setblocking(True)
            box["pid"] = int(json.loads(conn.makefile().readline())["pid"])
        return True

    qtbot.waitUntil(arrived, timeout=30_000)
    return box["pid"]


def gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}")

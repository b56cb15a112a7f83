"""Request ids per channel: the newest wins, channels do not interfere."""

from __future__ import annotations

import threading

from actions_studio.latest_requests import LatestRequests


def test_a_newer_request_makes_older_ones_stale_only_in_its_channel() -> None:
    requests = LatestRequests()
    first = requests.begin("editor:a")
    other = requests.begin("editor:b")
    second = requests.begin("editor:a")
    assert not requests.is_newest("editor:a", first)
    assert requests.is_newest("editor:a", second)
    assert requests.is_newest("editor:b", other)
    assert not requests.is_newest("never-asked", 1)


def test_ids_are_unique_across_threads() -> None:
    requests = LatestRequests()
    ids: list[int] = []
    lock = threading.Lock()

    def ask() -> None:
        got = [requests.begin(f"c{n % 3}") for n in range(500)]
        with lock:
            ids.extend(got)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == len(set(ids)) == 2000

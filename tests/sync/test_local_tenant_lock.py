"""The Local tenant and the data folder's lock (issue 12, item 8): two holders starting at once on
one folder end up on one server, the second borrowing the first's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from actions_studio.sync.local_tenant import LocalTenant


def test_two_local_tenants_starting_at_once_share_one_server(tmp_path) -> None:
    data = tmp_path / "tenant-data"
    holders = [LocalTenant(data), LocalTenant(data)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            connections = list(pool.map(lambda holder: holder.start(), holders))
        assert connections[0] == connections[1]
        assert sorted(holder.running for holder in holders) == [False, True]   # one server, one borrower
    finally:
        for holder in holders:
            holder.stop()

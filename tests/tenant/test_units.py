"""Small pieces of the tenant without a server: rate limiter, pending store, passwords, shapes."""

from __future__ import annotations

import time

import pytest

from actions_studio.tenant.passwords import Passwords
from actions_studio.tenant.pending import Pending
from actions_studio.tenant.ratelimit import RateLimiter
from actions_studio.tenant.server import is_loopback
from actions_studio.tenant.users import apply_metadata


def test_rate_limiter_allows_the_burst_then_says_how_long_to_wait() -> None:
    limiter = RateLimiter(rate_per_s=2, burst=3)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("a")
    assert 0 < wait <= 0.5 and RateLimiter.retry_after(wait) == "1"
    assert limiter.take("b") == 0.0                    # per client
    assert RateLimiter(0, 1).take("a") == 0.0          # 0 disables


def test_pending_is_single_use_and_expires() -> None:
    pending = Pending(max_entries=3)
    pending.put("a", 1, ttl_s=60)
    assert pending.get("a") == 1 and pending.pop("a") == 1 and pending.pop("a") is None
    pending.put("b", 2, ttl_s=0.01)
    time.sleep(0.02)
    assert pending.pop("b") is None
    for key in "wxyz":
        pending.put(key, key, ttl_s=60)
    assert pending.get("w") is None and pending.get("z") == "z"   # bounded: oldest dropped


def test_passwords_memo_skips_argon2_only_for_the_right_password() -> None:
    passwords = Passwords(ttl_s=60, memory_kib=1024, time_cost=1)
    stored = passwords.hash("correct horse")
    assert passwords.verify(stored, "correct horse") and passwords.verify(stored, "correct horse")
    assert not passwords.verify(stored, "wrong horse") and not passwords.verify(None, "x")
    assert not passwords.verify(passwords.hash("other"), "correct horse")   # the hash is in the key
    off = Passwords(ttl_s=0, memory_kib=1024, time_cost=1)
    assert off.verify(off.hash("pw"), "pw")


def test_loopback_detection() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.com", ""]))


def test_metadata_merge_deletes_on_none() -> None:
    assert apply_metadata({"a": 1, "b": 2}, {"b": None, "c": 3}) == {"a": 1, "c": 3}
    assert apply_metadata({"a": 1}, None) == {"a": 1}


def test_the_data_folder_lock_refuses_a_second_holder_until_released(tmp_path) -> None:
    from actions_studio.tenant.folder_lock import DataFolderBusy, DataFolderLock

    first = DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:1234")
    try:
        with pytest.raises(DataFolderBusy, match=r"already served by the tenant at http://127.0.0.1:1234 \(pid \d+\)"):
            DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:5678")
    finally:
        first.release()
    second = DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:5678")
    assert second.held
    second.release()
    assert not second.held

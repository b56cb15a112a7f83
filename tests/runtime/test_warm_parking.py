"""Which warm children stay parked, and which one a request continues (runtime/python/warm.py).

The zygote's end-to-end behaviour is in test_warm_children.py (real children, real signals); this
is the bookkeeping alone, where a rule broken for one order of events would be hard to reach with
processes: a child is only ever handed to its own key, and the caps hold after every step."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from actions_studio.runtime.python.warm import Parked, WarmCaps

A, B, C = b"a" * 32, b"b" * 32, b"c" * 32


def parked(idle_per_key: int = 2, max_idle: int = 4, idle_s: float = 10.0) -> Parked:
    return Parked(WarmCaps(max_runs=1000, idle_per_key=idle_per_key, max_idle=max_idle, idle_s=idle_s))


def test_a_request_continues_the_most_recently_parked_child_of_its_own_key() -> None:
    p = parked()
    assert p.park(A, 1, now=0.0) == [] and p.park(A, 2, now=1.0) == [] and p.park(B, 3, now=2.0) == []
    assert p.take(C) is None
    assert p.park(A, 2, now=3.0) == []  # parked already: still once
    assert p.take(A) == 2 and p.take(A) == 1 and p.take(A) is None
    assert p.take(B) == 3 and not p


def test_past_its_cap_a_key_loses_its_oldest_child_unless_it_ran_that_many_at_once() -> None:
    p = parked(idle_per_key=2, max_idle=10)
    assert [p.park(A, pid, now=pid) for pid in (1, 2, 3)] == [[], [], [1]]
    p.running(A, 3)  # a burst of 3: all three come back for the next one
    assert p.park(A, 4, now=4.0) == []
    assert p.park(A, 5, now=5.0) == [2]
    for pid in (3, 4, 5):  # killed, and then the key's last child is gone
        p.unpark(A, pid)
    p.forget(A)  # the next burst starts from idle_per_key again
    assert [p.park(A, pid, now=pid) for pid in (6, 7, 8)] == [[], [], [6]]


def test_past_max_idle_the_least_recently_parked_key_goes_first() -> None:
    p = parked(idle_per_key=4, max_idle=3)
    p.park(A, 1, now=0.0)
    p.park(B, 2, now=1.0)
    p.park(A, 3, now=2.0)  # A is now the most recent key
    assert p.park(C, 4, now=3.0) == [2]
    assert p.take(B) is None and p.take(A) == 3


def test_children_idle_for_idle_s_expire_and_the_next_expiry_is_the_oldest() -> None:
    p = parked(idle_s=10.0)
    assert p.next_expiry() is None
    p.park(A, 1, now=0.0)
    p.park(B, 2, now=4.0)
    assert p.next_expiry() == 10.0
    assert p.expired(9.9) == [] and p.expired(10.0) == [(A, 1)]
    p.unpark(A, 1)
    assert p.next_expiry() == 14.0 and p.expired(20.0) == [(B, 2)]
    p.unpark(B, 2)
    p.unpark(B, 2)  # a child killed twice (evicted, then reaped) is unparked once
    assert not p and p.next_expiry() is None


@settings(max_examples=200, stateful_step_count=40, deadline=None)
class ParkingRules(RuleBasedStateMachine):
    """Any order of parks, takes, kills, bursts and last children: a child comes back only to
    its own key, only once, and never past the caps."""

    def __init__(self) -> None:
        super().__init__()
        self.parked = parked(idle_per_key=2, max_idle=5)
        self.key_of: dict[int, bytes] = {}  # every child that was ever parked, by pid
        self.idle: set[int] = set()
        self.peak: dict[bytes, int] = {}
        self.next_pid = 1
        self.now = 0.0

    @rule(key=st.sampled_from([A, B, C]))
    def park_a_new_child(self, key: bytes) -> None:
        self._park(key, self.next_pid)
        self.next_pid += 1

    @rule(key=st.sampled_from([A, B, C]))
    def a_request_of_a_key(self, key: bytes) -> None:
        pid = self.parked.take(key)
        if pid is None:
            assert not any(self.key_of[p] == key for p in self.idle)
            return
        assert self.key_of[pid] == key and pid in self.idle
        self.idle.discard(pid)
        self._park(key, pid)  # it ran and comes back

    @rule(data=st.data())
    def a_parked_child_is_killed(self, data: st.DataObject) -> None:
        if self.idle:
            pid = data.draw(st.sampled_from(sorted(self.idle)))
            self.parked.unpark(self.key_of[pid], pid)
            self.idle.discard(pid)

    @rule(key=st.sampled_from([A, B, C]), at_once=st.integers(1, 6))
    def a_burst(self, key: bytes, at_once: int) -> None:
        self.parked.running(key, at_once)
        self.peak[key] = max(self.peak.get(key, 0), at_once)

    @rule(key=st.sampled_from([A, B, C]))
    def its_last_child_is_gone(self, key: bytes) -> None:
        for pid in [p for p in self.idle if self.key_of[p] == key]:
            self.parked.unpark(key, pid)
            self.idle.discard(pid)
        self.parked.forget(key)
        self.peak.pop(key, None)

    def _park(self, key: bytes, pid: int) -> None:
        self.now += 1.0
        self.key_of[pid] = key
        evicted = self.parked.park(key, pid, self.now)
        assert set(evicted) <= self.idle | {pid} and len(evicted) == len(set(evicted))
        self.idle = (self.idle | {pid}) - set(evicted)

    @invariant()
    def the_caps_hold(self) -> None:
        assert len(self.idle) <= 5
        for key in (A, B, C):
            assert sum(self.key_of[p] == key for p in self.idle) <= max(2, self.peak.get(key, 0))
        assert bool(self.parked) == bool(self.idle)


test_parking_rules = ParkingRules.TestCase

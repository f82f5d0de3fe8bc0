"""Half of a piece of work done by a forked copy of the process (``domain.forking.shared_map``)."""

from __future__ import annotations

import os

import pytest

from domain import forking


@pytest.fixture
def two_cores(monkeypatch):
    """A helper may be forked: a second core, and no other thread (threads other tests left, such as
    the dashboard's pool, would otherwise forbid it)."""
    monkeypatch.setattr(forking, "can_fork", lambda: True)


@pytest.fixture
def helpers(monkeypatch) -> list[int]:
    """The process ids of the helpers forked while the test runs."""
    made: list[int] = []
    real_fork = forking.os.fork

    def fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(forking.os, "fork", fork)
    return made


def test_results_come_in_item_order_and_half_are_made_by_another_process(two_cores):
    results = forking.shared_map(lambda share: [(item * item, os.getpid()) for item in share], range(7))
    assert [square for square, _pid in results] == [i * i for i in range(7)]
    makers = {pid for _square, pid in results}
    assert len(makers) == 2 and os.getpid() in makers
    assert {pid for i, (_square, pid) in enumerate(results) if i % 2 == 0} == {os.getpid()}


def test_one_core_or_one_item_stays_in_this_process(monkeypatch):
    monkeypatch.setattr(forking, "free_cores", lambda: 1)
    assert forking.shared_map(lambda share: [os.getpid() for _ in share], range(4)) == [os.getpid()] * 4
    monkeypatch.setattr(forking, "free_cores", lambda: 2)
    assert forking.shared_map(lambda share: [os.getpid() for _ in share], ["only"]) == [os.getpid()]


def test_a_helper_that_fails_leaves_its_items_to_this_process(two_cores):
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent:
            raise RuntimeError("the helper fails")
        return [(item, os.getpid()) for item in share]

    assert forking.shared_map(work, "abcde") == [(c, parent) for c in "abcde"]


def test_a_result_that_does_not_pickle_is_made_here(two_cores):
    results = forking.shared_map(lambda share: [(lambda item=item: item) for item in share], range(3))
    assert [make() for make in results] == [0, 1, 2]


def test_an_error_here_is_raised_after_the_helper_has_ended(two_cores, helpers):
    parent = os.getpid()

    def work(share):
        if os.getpid() == parent:
            raise ValueError("this process fails")
        return list(share)

    with pytest.raises(ValueError, match="this process fails"):
        forking.shared_map(work, range(4))
    assert len(helpers) == 1
    with pytest.raises(ChildProcessError):   # already waited for: no process left behind
        os.waitpid(helpers[0], os.WNOHANG)


def test_a_helper_still_working_long_after_this_share_is_stopped_and_its_items_done_here(two_cores, helpers,
                                                                                         monkeypatch):
    import time

    monkeypatch.setattr(forking, "MIN_WAIT_SECONDS", 0.5)
    monkeypatch.setattr(forking, "WAIT_FACTOR", 1.0)
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent:
            time.sleep(60)          # a helper that hangs
        return [(item, os.getpid()) for item in share]

    started = time.monotonic()
    assert forking.shared_map(work, range(4)) == [(i, parent) for i in range(4)]
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):   # stopped and waited for
        os.waitpid(helpers[0], os.WNOHANG)


def test_no_helper_while_another_thread_runs(monkeypatch):
    import threading

    monkeypatch.setattr(forking, "free_cores", lambda: 2)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not forking.can_fork()
        assert forking.shared_map(lambda share: [os.getpid() for _ in share], range(4)) == [os.getpid()] * 4
    finally:
        release.set()
        other.join()
    assert forking.can_fork() == (threading.active_count() == 1)

"""The threads that run payer calls: reused, never waited for, ended when idle, fork-safe."""

from __future__ import annotations

import os
import threading
import time

from payers.transport import CallThreads


def _run(threads: CallThreads, work) -> threading.Event:  # type: ignore[no-untyped-def]
    done = threading.Event()

    def call() -> None:
        try:
            work()
        finally:
            done.set()

    threads.run(call)
    return done


def _wait_idle(threads: CallThreads, count: int) -> None:
    deadline = time.monotonic() + 5
    while threads.idle() != count:
        assert time.monotonic() < deadline, f"{threads.idle()} idle, expected {count}"
        time.sleep(0.005)


def test_a_call_after_another_runs_in_the_same_thread() -> None:
    threads, names = CallThreads(name="t-reuse"), []
    for _ in range(3):
        assert _run(threads, lambda: names.append(threading.current_thread().name)).wait(5)
        _wait_idle(threads, 1)

    assert names == ["t-reuse-1"] * 3


def test_a_call_never_waits_for_a_busy_thread() -> None:
    threads, release, names = CallThreads(name="t-busy"), threading.Event(), []
    stuck = _run(threads, lambda: release.wait(5))  # a call its caller gave up on
    second = _run(threads, lambda: names.append(threading.current_thread().name))

    assert second.wait(5) and not stuck.is_set()
    assert names == ["t-busy-2"]
    release.set()
    assert stuck.wait(5)
    _wait_idle(threads, 2)


def test_an_idle_thread_ends_and_a_later_call_starts_another() -> None:
    threads, names = CallThreads(idle_s=0.05, name="t-idle"), []
    assert _run(threads, lambda: names.append(threading.current_thread())).wait(5)
    names[0].join(5)

    assert not names[0].is_alive() and threads.idle() == 0
    assert _run(threads, lambda: names.append(threading.current_thread())).wait(5)
    assert names[1].name == "t-idle-2"


def test_a_forked_child_starts_its_own_threads() -> None:
    threads = CallThreads(name="t-fork")
    os.register_at_fork(after_in_child=threads.forget)
    assert _run(threads, lambda: None).wait(5)
    _wait_idle(threads, 1)

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its parent's idle thread does not exist here
        ok = _run(threads, lambda: None).wait(2)
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    os.close(read)
    assert answer == b"1"

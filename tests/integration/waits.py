"""Waiting for the server to reach a state, without timing assertions: poll
until it holds, fail only after a generous limit."""

import time


def poll(fn, want, what, limit=30.0):
    """Calls fn until it returns want; fails with what after limit seconds."""
    deadline = time.monotonic() + limit
    while True:
        got = fn()
        if got == want:
            return
        assert time.monotonic() < deadline, "%s: %r, expected %r" % (what, got, want)
        time.sleep(0.01)

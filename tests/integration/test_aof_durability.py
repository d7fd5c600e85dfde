"""appendfsync always: a write is acknowledged only once it is on disk. The
server is killed with SIGKILL while several clients write, restarted on the
same directory, and every acknowledged write must be there; again, several
rounds in a row, each starting from what the last one left.

Each writer owns a counter (INCR) and a list (RPUSH of 0, 1, 2 ...) and
waits for each reply before sending the next command, so after a kill the
stored counter is the acknowledged one or one more (the command in flight
may or may not have reached the file), and the list is 0 .. n-1 with the
same bound.
"""

import os
import random
import threading
import time

import pytest
import redis

from persist_common import client
from waits import poll

WRITERS = 4
ROUNDS = 5
MIN_PUSHES_PER_ROUND = 2


@pytest.fixture(scope="module",
                params=["redis-reference"] if os.environ.get("SPINDLE_TEST_AGAINST_REDIS") == "1"
                else ["epoll", "poll"])
def backend(request):
    return request.param


class Writer(threading.Thread):
    def __init__(self, srv, wid, counter, pushed):
        super().__init__(daemon=True)
        self.srv = srv
        self.wid = wid
        self.counter = counter  # acknowledged INCRs so far (all rounds)
        self.pushed = pushed    # acknowledged RPUSHes so far
        self.stop = False

    def run(self):
        # (Generous: an fsync on a busy disk may take seconds; the kill
        # itself ends a call at once, by a reset.)
        r = redis.Redis(host=self.srv.host, port=self.srv.port, socket_timeout=60)
        try:
            while not self.stop:
                got = r.incr("counter:%d" % self.wid)
                self.counter = got
                n = r.rpush("log:%d" % self.wid, self.pushed)
                assert n == self.pushed + 1
                self.pushed = n
        except (redis.ConnectionError, redis.TimeoutError, ConnectionError, OSError):
            pass  # the kill
        finally:
            r.close()


def test_no_acknowledged_write_is_lost_across_sigkills(harness):
    rng = random.Random(7)
    args = ("--appendonly", "yes", "--appendfsync", "always")
    counters = [0] * WRITERS
    pushed = [0] * WRITERS
    workdir = None
    for round_no in range(ROUNDS + 1):
        if workdir is None:
            srv = harness.start(*args)
            workdir = srv.workdir
        else:
            srv = harness.start("--dir", workdir, *args)
        r = client(srv)
        for w in range(WRITERS):
            stored = int(r.get("counter:%d" % w) or 0)
            assert counters[w] <= stored <= counters[w] + 1, (round_no, w, counters[w], stored)
            log = [int(x) for x in r.lrange("log:%d" % w, 0, -1)]
            assert log == list(range(len(log))), (round_no, w)
            assert pushed[w] <= len(log) <= pushed[w] + 1, (round_no, w, pushed[w], len(log))
            # What was stored is the truth the next round builds on.
            counters[w] = stored
            pushed[w] = len(log)
        r.close()
        if round_no == ROUNDS:
            break
        writers = [Writer(srv, w, counters[w], pushed[w]) for w in range(WRITERS)]
        for t in writers:
            t.start()
        # Every writer gets some writes acknowledged before the kill, however
        # slow the disk: under fsync-heavy load a fixed sleep alone could end
        # a round before anything was written, and the final check failed.
        started = list(pushed)
        poll(lambda: all(t.pushed - started[w] >= MIN_PUSHES_PER_ROUND or not t.is_alive()
                         for w, t in enumerate(writers)),
             True, "every writer made progress in round %d" % round_no, limit=120)
        assert all(t.is_alive() for t in writers), "a writer stopped before the kill"
        time.sleep(rng.uniform(0.2, 0.6))
        srv.proc.kill()
        srv.proc.wait()
        for t in writers:
            t.stop = True
            t.join(timeout=30)
        for w, t in enumerate(writers):
            counters[w] = t.counter
            pushed[w] = t.pushed
    # The rounds really wrote something.
    assert sum(pushed) > WRITERS * ROUNDS

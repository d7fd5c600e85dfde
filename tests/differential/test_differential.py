"""pytest wrapper around difftest.py.

Runs a bounded seeded stream against each of the four I/O backends of
spindle-server, plus the redis-vs-redis self-test that proves the harness.
A missing build/spindle-server FAILS the backend tests (it is not a skip).

Environment:
  SPINDLE_SERVER    path of the binary (default <repo>/build/spindle-server)
  DIFFTEST_OPS      ops per backend (default 20000)
  DIFFTEST_SEED     base seed (default 20240601; backend i uses seed + i)
"""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import servers  # noqa: E402

DIFFTEST = os.path.join(HERE, "difftest.py")
PYTHON = "/usr/bin/python3"
OPS = int(os.environ.get("DIFFTEST_OPS", "20000"))
SEED = int(os.environ.get("DIFFTEST_SEED", "20240601"))
SPINDLE = os.environ.get("SPINDLE_SERVER", servers.DEFAULT_SPINDLE)


def run_difftest(*args):
    p = subprocess.run([PYTHON, DIFFTEST, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace")


def test_self_test_redis_vs_redis():
    rc, out = run_difftest("--self-test", "--ops", str(OPS), "--seed", str(SEED))
    assert rc == 0, out


@pytest.mark.parametrize("backend", servers.BACKENDS)
def test_spindle_matches_redis(backend):
    assert os.access(SPINDLE, os.X_OK), \
        "spindle-server not built: %s (build it first; this is a failure, not a skip)" % SPINDLE
    seed = SEED + servers.BACKENDS.index(backend)
    rc, out = run_difftest("--ops", str(OPS), "--seed", str(seed),
                           "--backend", backend, "--spindle", SPINDLE)
    assert rc == 0, out


def test_self_test_redis_vs_redis_resp3():
    rc, out = run_difftest("--resp", "3", "--self-test", "--ops", str(OPS // 2),
                           "--seed", str(SEED + 100))
    assert rc == 0, out


@pytest.mark.parametrize("backend", ["epoll", "epoll-et"])
def test_spindle_matches_redis_resp3(backend):
    """The same families with every stream connection speaking RESP3
    (HELLO 3): maps, sets, doubles, nulls and pushes byte for byte."""
    assert os.access(SPINDLE, os.X_OK), "spindle-server not built: %s" % SPINDLE
    seed = SEED + 100 + servers.BACKENDS.index(backend)
    rc, out = run_difftest("--resp", "3", "--ops", str(OPS // 2), "--seed", str(seed),
                           "--backend", backend, "--spindle", SPINDLE)
    assert rc == 0, out


def test_self_test_redis_vs_redis_aof():
    """Proves the AOF comparison's tolerances: two redis-servers agree."""
    rc, out = run_difftest("--aof", "--self-test", "--ops", str(OPS // 2),
                           "--seed", str(SEED + 200))
    assert rc == 0, out


@pytest.mark.parametrize("backend", ["epoll", "poll"])
def test_spindle_aof_matches_redis(backend):
    """Both servers with appendonly yes: after every op, what each appended
    to its AOF is the same (the propagation of every command family)."""
    assert os.access(SPINDLE, os.X_OK), "spindle-server not built: %s" % SPINDLE
    seed = SEED + 200 + servers.BACKENDS.index(backend)
    rc, out = run_difftest("--aof", "--ops", str(OPS // 2), "--seed", str(seed),
                           "--backend", backend, "--spindle", SPINDLE)
    assert rc == 0, out

"""Fixtures for the integration suite: real server processes on free ports.

SPINDLE_SERVER              binary (default <repo>/build/spindle-server)
SPINDLE_TEST_AGAINST_REDIS=1  run the same tests against /usr/bin/redis-server
                            (no --io-backend; one run instead of four) to
                            prove the tests themselves are right.
SPINDLE_TEST_IO_THREADS=N   start every server with --io-threads N
                            --io-threads-do-reads yes (before the test's own
                            arguments, which may override them): `make test`
                            runs the suite with 1 and with 2.

Every server is started with --port/--bind 127.0.0.1/--save ""/--appendonly no
and stopped at teardown, whatever the outcome; on failure the server log is
attached to the test report.
"""

import os
import sys

import pytest
import redis

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "differential"))
import servers  # noqa: E402

AGAINST_REDIS = os.environ.get("SPINDLE_TEST_AGAINST_REDIS") == "1"
BINARY = (servers.REDIS_SERVER if AGAINST_REDIS
          else os.environ.get("SPINDLE_SERVER", servers.DEFAULT_SPINDLE))
BACKEND_PARAMS = ["redis-reference"] if AGAINST_REDIS else list(servers.BACKENDS)
IO_THREADS = int(os.environ.get("SPINDLE_TEST_IO_THREADS", "1"))


def _sanitized(path):
    """Whether the server binary is an AddressSanitizer build (its runtime's
    entry point is named in the binary, linked statically or not)."""
    try:
        with open(path, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


# ASan keeps freed blocks in its quarantine (256 MB by default), so the
# process's RSS there says how much was freed lately, not what the server
# holds; memory-bound tests read the sanitizer allocator's live bytes
# (INFO used_memory) instead on such a build.
SANITIZED = _sanitized(BINARY)

IO_THREAD_ARGS = (("--io-threads", str(IO_THREADS), "--io-threads-do-reads", "yes")
                  if IO_THREADS > 1 else ())

_live = []  # servers of the running test (for the failure report)


class Harness:
    """What a test gets: the backend name and a way to start servers."""

    def __init__(self, backend):
        self.backend = None if AGAINST_REDIS else backend
        self.against_redis = AGAINST_REDIS
        self.started = []

    def start(self, *args, preexec_fn=None, config_file=None):
        if not os.access(BINARY, os.X_OK):
            pytest.fail("server binary not found or not executable: %s" % BINARY)
        srv = servers.ServerProcess(BINARY, args=IO_THREAD_ARGS + tuple(args),
                                    backend=self.backend,
                                    preexec_fn=preexec_fn, config_file=config_file)
        self.started.append(srv)
        _live.append(srv)
        srv.start()
        return srv

    def stop_all(self):
        for srv in self.started:
            srv.stop()
            if srv in _live:
                _live.remove(srv)


@pytest.fixture(params=BACKEND_PARAMS, scope="module")
def backend(request):
    return request.param


@pytest.fixture(scope="module")
def shared_server(backend):
    """One default server per (module, backend), reused by simple tests."""
    h = Harness(backend)
    try:
        srv = h.start()
        _live.remove(srv)  # attached to reports by `server` while in use
        yield srv
    finally:
        h.stop_all()


@pytest.fixture
def server(shared_server):
    if not shared_server.alive():
        pytest.fail("server died earlier:\n" + shared_server.log_text())
    if shared_server not in _live:
        _live.append(shared_server)
    r = redis.Redis(host=shared_server.host, port=shared_server.port)
    try:
        r.flushall()
    finally:
        r.close()
    yield shared_server
    if shared_server in _live:
        _live.remove(shared_server)


@pytest.fixture
def harness(backend):
    """For tests that need their own server with extra arguments."""
    h = Harness(backend)
    try:
        yield h
    finally:
        h.stop_all()


@pytest.fixture
def r(server):
    client = redis.Redis(host=server.host, port=server.port,
                         socket_timeout=30)
    try:
        yield client
    finally:
        client.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for srv in list(_live):
            rep.sections.append(("server log %s port %s" % (srv.name, srv.port),
                                 srv.log_text()))

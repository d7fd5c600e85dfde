"""Clean shutdown: SIGTERM, SIGINT and the SHUTDOWN command."""

import os
import signal

import pytest

import servers  # noqa: E402  (conftest puts tests/differential on sys.path)
from resp import ConnectionClosed, RawConnection


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_shuts_down_cleanly(harness, sig):
    pidfile = os.path.join(servers.scratch_dir("spindle-pid-"), "server.pid")
    srv = harness.start("--pidfile", pidfile)
    c = RawConnection(srv.host, srv.port, timeout=30)
    assert c.call([b"SET", b"k", b"v"]) == b"+OK\r\n"
    with open(pidfile) as f:
        assert int(f.read().strip()) == srv.proc.pid
    srv.proc.send_signal(sig)
    assert srv.proc.wait(timeout=30) == 0
    c.close()
    assert not os.path.exists(pidfile), "the pidfile is removed on shutdown"
    log = srv.log_text()
    if "spindle" in log.lower():
        name = "SIGTERM" if sig == signal.SIGTERM else "SIGINT"
        assert "Received %s scheduling shutdown..." % name in log
        assert "ready to exit, bye bye..." in log


def test_shutdown_command(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    assert c.call([b"SHUTDOWN", b"ABORT"]) == b"-ERR No shutdown in progress.\r\n"
    assert c.call([b"SHUTDOWN", b"NOSAVE", b"SAVE"]) == b"-ERR syntax error\r\n"
    assert c.call([b"SHUTDOWN", b"ABORT", b"NOW"]) == b"-ERR syntax error\r\n"
    assert c.call([b"SHUTDOWN", b"BOGUS"]) == b"-ERR syntax error\r\n"
    c.send(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
    # Success has no reply: the connection just closes.
    with pytest.raises((ConnectionClosed, ConnectionResetError)):
        c.read_reply()
    assert srv.proc.wait(timeout=30) == 0
    c.close()

"""unixsocket and unixsocketperm."""

import os
import socket
import stat

import servers  # noqa: E402  (conftest puts tests/differential on sys.path)
from resp import RawConnection


def test_unix_socket_serves_and_reports_address(harness):
    path = os.path.join(servers.scratch_dir("spindle-unix-"), "s.sock")
    srv = harness.start("--unixsocket", path, "--unixsocketperm", "700")
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(path)
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nu\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\nu\r\n")
        data = b""
        while not data.endswith(b"$1\r\n1\r\n"):
            chunk = s.recv(4096)
            assert chunk, "connection closed early"
            data += chunk
        assert data == b"+OK\r\n$1\r\n1\r\n"
        s.sendall(b"*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n")
        info = b""
        while not (info.startswith(b"$") and b"\r\n" in info and
                   len(info) >= info.index(b"\r\n") + 4 + int(info[1:info.index(b"\r\n")])):
            chunk = s.recv(4096)  # the bulk reply may come in pieces
            assert chunk, "connection closed early"
            info += chunk
        assert (b"addr=%s:0 laddr=%s:0 " % (path.encode(), path.encode())) in info
        assert b" flags=U " in info
        s.close()
        # TCP clients see the same data.
        c = RawConnection(srv.host, srv.port, timeout=30)
        assert c.call([b"GET", b"u"]) == b"$1\r\n1\r\n"
        c.close()
    finally:
        harness.stop_all()
    assert not os.path.exists(path), "the socket file is removed on shutdown"

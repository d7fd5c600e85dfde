"""Protocol errors: the exact Redis error, then the connection is closed,
while other clients keep working."""

import socket

import pytest

from resp import RawConnection, encode


@pytest.mark.parametrize("data,error", [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$600000000\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'f'\r\n"),
    (b'set a "b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    # commands before the bad frame in the same write are still answered
    (encode([b"PING"]) + b"*x\r\n",
     b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"),
])
def test_protocol_error_closes_only_that_client(server, data, error):
    other = RawConnection(server.host, server.port, timeout=30)
    bad = RawConnection(server.host, server.port, timeout=30)
    try:
        assert other.call([b"SET", b"still", b"here"]) == b"+OK\r\n"
        assert bad.call([b"PING"]) == b"+PONG\r\n"
        bad.send(data)
        assert bad.read_until_closed() == error  # the reply, then EOF
        assert other.call([b"GET", b"still"]) == b"$4\r\nhere\r\n"
        assert other.call([b"PING"]) == b"+PONG\r\n"
        fresh = RawConnection(server.host, server.port, timeout=30)
        try:
            assert fresh.call([b"PING"]) == b"+PONG\r\n"
        finally:
            fresh.close()
    finally:
        other.close()
        bad.close()


def test_bulk_length_over_configured_limit(harness):
    srv = harness.start("--proto-max-bulk-len", "1048576")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
        assert c.read_until_closed() == b"-ERR Protocol error: invalid bulk length\r\n"
    finally:
        c.close()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        v = b"x" * 1048576  # exactly the limit is fine
        assert c.call([b"SET", b"k", v]) == b"+OK\r\n"
        assert c.call([b"STRLEN", b"k"]) == b":1048576\r\n"
    finally:
        c.close()


def test_client_closing_mid_command_does_not_hurt_server(server):
    s = socket.create_connection((server.host, server.port))
    s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc")
    s.close()
    c = RawConnection(server.host, server.port, timeout=30)
    try:
        assert c.call([b"GET", b"k"]) == b"$-1\r\n"
        assert c.call([b"PING"]) == b"+PONG\r\n"
    finally:
        c.close()

"""CONFIG SET effects at run time: re-listening on port / bind, live limits."""

import socket

from resp import RawConnection
from servers import free_port


def test_config_set_port_moves_the_listener(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    new_port = free_port()
    try:
        assert c.call([b"CONFIG", b"SET", b"port", str(new_port).encode()]) == b"+OK\r\n"
        # The established connection stays; new ones go to the new port.
        assert c.call([b"PING"]) == b"+PONG\r\n"
        moved = RawConnection(srv.host, new_port, timeout=30)
        assert moved.call([b"CONFIG", b"GET", b"port"]) == (
            b"*2\r\n$4\r\nport\r\n$%d\r\n%d\r\n" % (len(str(new_port)), new_port))
        moved.close()
        try:
            socket.create_connection((srv.host, srv.port), timeout=5).close()
            still_open = True
        except OSError:
            still_open = False
        assert not still_open, "the old port still accepts connections"
    finally:
        c.call([b"CONFIG", b"SET", b"port", str(srv.port).encode()])
        c.close()


def test_config_set_port_in_use_keeps_the_old_listener(harness):
    srv = harness.start()
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    busy = blocker.getsockname()[1]
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"CONFIG", b"SET", b"port", str(busy).encode()]) == (
            b"-ERR CONFIG SET failed (possibly related to argument 'port') - "
            b"Unable to listen on this port. Check server logs.\r\n")
        assert c.call([b"CONFIG", b"GET", b"port"]).endswith(b"%d\r\n" % srv.port)
        again = RawConnection(srv.host, srv.port, timeout=30)
        assert again.call([b"PING"]) == b"+PONG\r\n"
        again.close()
        # An address this machine does not have fails the same way for bind.
        assert c.call([b"CONFIG", b"SET", b"bind", b"192.0.2.1"]) == (
            b"-ERR CONFIG SET failed (possibly related to argument 'bind') - "
            b"Failed to bind to specified addresses.\r\n")
        again = RawConnection(srv.host, srv.port, timeout=30)
        assert again.call([b"PING"]) == b"+PONG\r\n"
        again.close()
    finally:
        c.close()
        blocker.close()


def test_proto_max_bulk_len_limits_string_growth(harness):
    """SETRANGE and APPEND check the live proto-max-bulk-len, as Redis's
    checkStringLength does."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    too_long = b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    try:
        assert c.call([b"CONFIG", b"SET", b"proto-max-bulk-len", b"2mb"]) == b"+OK\r\n"
        assert c.call([b"SETRANGE", b"big", b"2097152", b"x"]) == too_long
        assert c.call([b"SETRANGE", b"big", b"2097151", b"x"]) == b":2097152\r\n"
        assert c.call([b"APPEND", b"big", b"y"]) == too_long
        assert c.call([b"STRLEN", b"big"]) == b":2097152\r\n"
    finally:
        c.close()

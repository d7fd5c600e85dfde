"""requirepass and AUTH for the default user (ACL users come later)."""

from resp import RawConnection

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def test_requirepass_blocks_until_auth(harness):
    srv = harness.start("--requirepass", "s3cret")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"GET", b"a"]) == NOAUTH
        assert c.call([b"SET", b"a", b"1"]) == NOAUTH
        # Unknown commands and wrong arity are reported before the auth check.
        assert c.call([b"NOPE"]).startswith(b"-ERR unknown command 'NOPE'")
        assert c.call([b"GET"]) == b"-ERR wrong number of arguments for 'get' command\r\n"
        assert c.call([b"HELLO", b"2"]).startswith(b"-NOAUTH HELLO must be called")
        assert c.call([b"AUTH", b"wrong"]) == WRONGPASS
        assert c.call([b"AUTH", b"bob", b"s3cret"]) == WRONGPASS
        assert c.call([b"AUTH", b"a", b"b", b"c"]) == b"-ERR syntax error\r\n"
        assert c.call([b"AUTH", b"s3cret"]) == b"+OK\r\n"
        assert c.call([b"SET", b"a", b"1"]) == b"+OK\r\n"
        assert c.call([b"GET", b"a"]) == b"$1\r\n1\r\n"
    finally:
        c.close()
    # HELLO AUTH authenticates and answers in one step.
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        reply = c.call([b"HELLO", b"2", b"AUTH", b"default", b"s3cret"])
        assert reply.startswith(b"*14\r\n$6\r\nserver\r\n")
        assert c.call([b"GET", b"a"]) == b"$1\r\n1\r\n"
    finally:
        c.close()


def test_unauthenticated_protocol_limits(harness):
    srv = harness.start("--requirepass", "s3cret")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        # Before AUTH, Redis refuses more than 10 arguments in one command.
        c.send(b"*11\r\n")
        assert c.read_until_closed() == \
            b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    finally:
        c.close()


def test_auth_without_password_configured(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"AUTH", b"x"]) == (
            b"-ERR AUTH <password> called without any password configured for the default "
            b"user. Are you sure your configuration is correct?\r\n")
        # The default user is "nopass": any password works in the two-argument form.
        assert c.call([b"AUTH", b"default", b"anything"]) == b"+OK\r\n"
        assert c.call([b"AUTH", b"other", b"anything"]) == WRONGPASS
    finally:
        c.close()

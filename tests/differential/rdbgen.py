"""A small, independent encoder of Redis's RDB object format, for tests that
need payloads no server produced: RESTORE of the older encodings a Redis 7.0
server still loads (ziplist, zipmap, quicklist v1, string-scored zsets,
linked lists), and deliberately corrupt payloads.

Written from the format description (Redis's rdb.h, listpack.c, ziplist.c,
zipmap.c, intset.c), not from Spindle's C++ code, so the two check each
other.
"""

import struct

# Object types (RDB_TYPE_*).
STRING, LIST, SET, ZSET, HASH, ZSET_2 = 0, 1, 2, 3, 4, 5
HASH_ZIPMAP, LIST_ZIPLIST, SET_INTSET, ZSET_ZIPLIST, HASH_ZIPLIST = 9, 10, 11, 12, 13
LIST_QUICKLIST, HASH_LISTPACK, ZSET_LISTPACK, LIST_QUICKLIST_2 = 14, 16, 17, 18

_POLY = 0x95AC9329AC4BC9B5  # Jones polynomial, reflected
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc64(data, crc=0):
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def length(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def as_int(s):
    """Redis's string2ll: the canonical decimal integers only."""
    if not s or len(s) > 20:
        return None
    try:
        t = s.decode("ascii")
    except UnicodeDecodeError:
        return None
    if t != "0" and (t.startswith("0") or t.startswith("-0") or t.startswith("+")
                     or not t.lstrip("-").isdigit() or t.count("-") > 1):
        return None
    if t == "-":
        return None
    v = int(t)
    if not -2**63 <= v < 2**63:
        return None
    return v


def string(s, int_encode=True):
    """rdbSaveRawString without compression."""
    if int_encode and len(s) <= 11:
        v = as_int(s)
        if v is not None:
            if -128 <= v <= 127:
                return b"\xc0" + struct.pack("<b", v)
            if -32768 <= v <= 32767:
                return b"\xc1" + struct.pack("<h", v)
            if -2**31 <= v < 2**31:
                return b"\xc2" + struct.pack("<i", v)
    return length(len(s)) + s


# ---------------------------------------------------------------- listpack
def _backlen(n):
    if n <= 127:
        size = 1
    elif n < 16383:
        size = 2
    elif n < 2097151:
        size = 3
    elif n < 268435455:
        size = 4
    else:
        size = 5
    out = []
    for i in range(size):
        group = (n >> (7 * (size - 1 - i))) & 127
        out.append(group if i == 0 else group | 128)
    return bytes(out)


def _lp_entry(s):
    v = as_int(s)
    if v is not None:
        if 0 <= v <= 127:
            enc = bytes([v])
        elif -4096 <= v <= 4095:
            u = v & 0x1FFF
            enc = bytes([0xC0 | (u >> 8), u & 0xFF])
        elif -32768 <= v <= 32767:
            enc = b"\xf1" + struct.pack("<h", v)
        elif -2**23 <= v < 2**23:
            enc = b"\xf2" + struct.pack("<i", v)[:3]
        elif -2**31 <= v < 2**31:
            enc = b"\xf3" + struct.pack("<i", v)
        else:
            enc = b"\xf4" + struct.pack("<q", v)
    elif len(s) < 64:
        enc = bytes([0x80 | len(s)]) + s
    elif len(s) < 4096:
        enc = bytes([0xE0 | (len(s) >> 8), len(s) & 0xFF]) + s
    else:
        enc = b"\xf0" + struct.pack("<I", len(s)) + s
    return enc + _backlen(len(enc))


def listpack(items):
    body = b"".join(_lp_entry(s) for s in items)
    total = 6 + len(body) + 1
    return struct.pack("<IH", total, min(len(items), 65535)) + body + b"\xff"


# ---------------------------------------------------------------- ziplist
def _zl_entry(s, prevlen):
    pre = bytes([prevlen]) if prevlen < 254 else b"\xfe" + struct.pack("<I", prevlen)
    v = as_int(s)
    if v is not None:
        if 0 <= v <= 12:
            enc = bytes([0xF1 + v])
        elif -128 <= v <= 127:
            enc = b"\xfe" + struct.pack("<b", v)
        elif -32768 <= v <= 32767:
            enc = b"\xc0" + struct.pack("<h", v)
        elif -2**23 <= v < 2**23:
            enc = b"\xf0" + struct.pack("<i", v)[:3]
        elif -2**31 <= v < 2**31:
            enc = b"\xd0" + struct.pack("<i", v)
        else:
            enc = b"\xe0" + struct.pack("<q", v)
    elif len(s) < 64:
        enc = bytes([len(s)]) + s
    elif len(s) < 16384:
        enc = bytes([0x40 | (len(s) >> 8), len(s) & 0xFF]) + s
    else:
        enc = b"\x80" + struct.pack(">I", len(s)) + s
    return pre + enc


def ziplist(items):
    body = b""
    prev = 0
    tail = 10
    for s in items:
        tail = 10 + len(body)
        e = _zl_entry(s, prev)
        body += e
        prev = len(e)
    total = 10 + len(body) + 1
    return struct.pack("<IIH", total, tail, min(len(items), 65535)) + body + b"\xff"


def zipmap(pairs):
    def zlen(n):
        return bytes([n]) if n < 254 else b"\xfe" + struct.pack("<I", n)
    out = bytes([min(len(pairs), 254)])
    for f, v in pairs:
        out += zlen(len(f)) + f + zlen(len(v)) + b"\x00" + v
    return out + b"\xff"


def intset(values):
    values = sorted(values)
    width = 2
    for v in values:
        if not -2**31 <= v < 2**31:
            width = 8
        elif not -32768 <= v <= 32767 and width < 4:
            width = 4
    fmt = {2: "<h", 4: "<i", 8: "<q"}[width]
    return struct.pack("<II", width, len(values)) + b"".join(struct.pack(fmt, v) for v in values)


def double_string(d):
    """rdbSaveDoubleValue: the old ZSET score encoding."""
    if d != d:
        return b"\xfd"
    if d == float("inf"):
        return b"\xfe"
    if d == float("-inf"):
        return b"\xff"
    if d == int(d) and abs(d) < 2**52:
        s = str(int(d)).encode()
    else:
        s = ("%.17g" % d).encode()
    return bytes([len(s)]) + s


def payload(rdb_type, body, version=10):
    """A DUMP payload: type, body, version, CRC64."""
    data = bytes([rdb_type]) + body + struct.pack("<H", version)
    return data + struct.pack("<Q", crc64(data))

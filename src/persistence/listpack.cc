#include "persistence/listpack.h"

#include <cstring>

#include "common/numbers.h"

namespace spindle::persistence {
namespace {

constexpr size_t kHeaderSize = 6;  // total bytes u32 + count u16
constexpr uint8_t kEnd = 0xFF;
constexpr uint16_t kCountUnknown = 65535;

void PutLe(char* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint64_t GetLe(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// lpEncodeBacklen: the entry length in 1..5 bytes, most significant group
// first, every byte but the first carrying the 0x80 continuation mark, so a
// reader going right to left stops at the byte without it.
size_t EncodeBacklen(uint64_t l, char* out) {
  size_t n;
  if (l <= 127) {
    n = 1;
  } else if (l < 16383) {
    n = 2;
  } else if (l < 2097151) {
    n = 3;
  } else if (l < 268435455) {
    n = 4;
  } else {
    n = 5;
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t group = (l >> (7 * (n - 1 - i))) & 127;
    out[i] = static_cast<char>(i == 0 ? group : (group | 128));
  }
  return n;
}

size_t BacklenSize(uint64_t l) {
  char scratch[5];
  return EncodeBacklen(l, scratch);
}

// The encoding bytes of an integer entry (lpEncodeIntegerGetType).
size_t EncodeInteger(int64_t v, char* enc) {
  if (v >= 0 && v <= 127) {
    enc[0] = static_cast<char>(v);
    return 1;
  }
  if (v >= -4096 && v <= 4095) {
    uint64_t uv = v < 0 ? (uint64_t{1} << 13) + v : static_cast<uint64_t>(v);
    enc[0] = static_cast<char>((uv >> 8) | 0xC0);
    enc[1] = static_cast<char>(uv & 0xFF);
    return 2;
  }
  if (v >= -32768 && v <= 32767) {
    uint64_t uv = v < 0 ? (uint64_t{1} << 16) + v : static_cast<uint64_t>(v);
    enc[0] = static_cast<char>(0xF1);
    PutLe(enc + 1, uv, 2);
    return 3;
  }
  if (v >= -8388608 && v <= 8388607) {
    uint64_t uv = v < 0 ? (uint64_t{1} << 24) + v : static_cast<uint64_t>(v);
    enc[0] = static_cast<char>(0xF2);
    PutLe(enc + 1, uv, 3);
    return 4;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    enc[0] = static_cast<char>(0xF3);
    PutLe(enc + 1, static_cast<uint64_t>(v), 4);
    return 5;
  }
  enc[0] = static_cast<char>(0xF4);
  PutLe(enc + 1, static_cast<uint64_t>(v), 8);
  return 9;
}

// The header bytes of a string entry of length len.
size_t EncodeStringHeader(size_t len, char* enc) {
  if (len < 64) {
    enc[0] = static_cast<char>(0x80 | len);
    return 1;
  }
  if (len < 4096) {
    enc[0] = static_cast<char>(0xE0 | (len >> 8));
    enc[1] = static_cast<char>(len & 0xFF);
    return 2;
  }
  enc[0] = static_cast<char>(0xF0);
  PutLe(enc + 1, len, 4);
  return 5;
}

// lpStringToInt64: string2ll, for strings short enough to be integers.
bool AsInteger(std::string_view s, int64_t* v) {
  return !s.empty() && s.size() <= 20 && StringToInt64(s, v);
}

}  // namespace

ListpackBuilder::ListpackBuilder() { buf_.assign(kHeaderSize, '\0'); }

void ListpackBuilder::AppendEntry(const char* enc, size_t enc_len, std::string_view data) {
  char backlen[5];
  size_t entry_len = enc_len + data.size();
  size_t n = EncodeBacklen(entry_len, backlen);
  buf_.append(enc, enc_len);
  buf_.append(data.data(), data.size());
  buf_.append(backlen, n);
  ++count_;
}

void ListpackBuilder::AppendString(std::string_view s) {
  int64_t v;
  if (AsInteger(s, &v)) {
    AppendInteger(v);
    return;
  }
  char enc[5];
  size_t n = EncodeStringHeader(s.size(), enc);
  AppendEntry(enc, n, s);
}

void ListpackBuilder::AppendInteger(int64_t v) {
  char enc[9];
  size_t n = EncodeInteger(v, enc);
  AppendEntry(enc, n, {});
}

std::string ListpackBuilder::Finish() {
  buf_.push_back(static_cast<char>(kEnd));
  PutLe(buf_.data(), buf_.size(), 4);
  PutLe(buf_.data() + 4, count_ < kCountUnknown ? count_ : kCountUnknown, 2);
  std::string out = std::move(buf_);
  buf_.assign(kHeaderSize, '\0');
  count_ = 0;
  return out;
}

size_t ListpackEntrySize(std::string_view s) {
  char enc[9];
  int64_t v;
  size_t len =
      AsInteger(s, &v) ? EncodeInteger(v, enc) : EncodeStringHeader(s.size(), enc) + s.size();
  return len + BacklenSize(len);
}

bool ForEachListpackEntry(std::string_view lp,
                          const std::function<bool(const ListpackEntry&)>& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(lp.data());
  const size_t size = lp.size();
  if (size < kHeaderSize + 1) return false;
  if (GetLe(p, 4) != size) return false;
  if (p[size - 1] != kEnd) return false;
  const uint64_t header_count = GetLe(p + 4, 2);
  const size_t end = size - 1;  // the end byte
  size_t pos = kHeaderSize;
  uint64_t count = 0;
  while (pos < end) {
    const unsigned char b = p[pos];
    ListpackEntry e;
    size_t enc_len;   // encoding bytes before the data
    size_t data_len;  // string bytes
    if ((b & 0x80) == 0) {
      e.is_int = true;
      e.value = b;
      enc_len = 1;
      data_len = 0;
    } else if ((b & 0xC0) == 0x80) {
      enc_len = 1;
      data_len = b & 0x3F;
    } else if ((b & 0xE0) == 0xC0) {
      if (end - pos < 2) return false;
      uint64_t uv = (static_cast<uint64_t>(b & 0x1F) << 8) | p[pos + 1];
      e.is_int = true;
      e.value = uv >= (1u << 12) ? static_cast<int64_t>(uv) - (1 << 13) : static_cast<int64_t>(uv);
      enc_len = 2;
      data_len = 0;
    } else if ((b & 0xF0) == 0xE0) {
      if (end - pos < 2) return false;
      enc_len = 2;
      data_len = (static_cast<size_t>(b & 0x0F) << 8) | p[pos + 1];
    } else if (b == 0xF0) {
      if (end - pos < 5) return false;
      enc_len = 5;
      data_len = GetLe(p + pos + 1, 4);
    } else if (b >= 0xF1 && b <= 0xF4) {
      static constexpr int kWidth[] = {2, 3, 4, 8};
      const int w = kWidth[b - 0xF1];
      if (end - pos < static_cast<size_t>(1 + w)) return false;
      uint64_t uv = GetLe(p + pos + 1, w);
      if (w < 8) {
        const uint64_t sign = uint64_t{1} << (8 * w - 1);
        e.value = (uv & sign) ? static_cast<int64_t>(uv) - static_cast<int64_t>(sign << 1)
                              : static_cast<int64_t>(uv);
      } else {
        e.value = static_cast<int64_t>(uv);
      }
      e.is_int = true;
      enc_len = 1 + w;
      data_len = 0;
    } else {
      return false;  // 0xF5..0xFE are unused; 0xFF only ends the listpack
    }
    const size_t entry_len = enc_len + data_len;
    if (data_len > end - pos || entry_len > end - pos) return false;
    const size_t backlen_size = BacklenSize(entry_len);
    if (end - pos - entry_len < backlen_size) return false;
    char expected[5];
    EncodeBacklen(entry_len, expected);
    if (std::memcmp(expected, p + pos + entry_len, backlen_size) != 0) return false;
    if (!e.is_int) e.str = std::string_view(lp.data() + pos + enc_len, data_len);
    pos += entry_len + backlen_size;
    ++count;
    if (!fn(e)) return false;
  }
  if (pos != end) return false;
  if (header_count != kCountUnknown && header_count != count) return false;
  return true;
}

}  // namespace spindle::persistence

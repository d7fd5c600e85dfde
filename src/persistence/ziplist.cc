#include "persistence/ziplist.h"

#include <cstdint>

namespace spindle::persistence {
namespace {

uint64_t GetLe(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

constexpr size_t kZiplistHeader = 10;
constexpr unsigned char kZiplistEnd = 0xFF;
constexpr unsigned char kZiplistBigPrevlen = 0xFE;

}  // namespace

bool ForEachZiplistEntry(std::string_view zl, const std::function<bool(const ListpackEntry&)>& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(zl.data());
  const size_t size = zl.size();
  if (size < kZiplistHeader + 1) return false;
  if (GetLe(p, 4) != size) return false;
  const uint64_t tail = GetLe(p + 4, 4);
  const uint64_t header_count = GetLe(p + 8, 2);
  if (p[size - 1] != kZiplistEnd) return false;
  const size_t end = size - 1;
  size_t pos = kZiplistHeader;
  size_t prev_len = 0;
  size_t last_start = kZiplistHeader;
  uint64_t count = 0;
  while (pos < end) {
    const size_t start = pos;
    // prevlen
    size_t prev;
    if (p[pos] < kZiplistBigPrevlen) {
      prev = p[pos];
      pos += 1;
    } else if (p[pos] == kZiplistBigPrevlen) {
      if (end - pos < 5) return false;
      prev = GetLe(p + pos + 1, 4);
      pos += 5;
    } else {
      return false;
    }
    if (prev != prev_len) return false;
    if (pos >= end) return false;
    // encoding
    const unsigned char b = p[pos];
    ListpackEntry e;
    size_t header;
    size_t data_len = 0;
    switch (b >> 6) {
      case 0:
        header = 1;
        data_len = b & 0x3F;
        break;
      case 1:
        if (end - pos < 2) return false;
        header = 2;
        data_len = (static_cast<size_t>(b & 0x3F) << 8) | p[pos + 1];
        break;
      case 2:
        if (b != 0x80 || end - pos < 5) return false;
        header = 5;
        data_len = (static_cast<size_t>(p[pos + 1]) << 24) |
                   (static_cast<size_t>(p[pos + 2]) << 16) |
                   (static_cast<size_t>(p[pos + 3]) << 8) | p[pos + 4];
        break;
      default: {
        e.is_int = true;
        header = 1;
        int width = 0;
        if (b == 0xC0) {
          width = 2;
        } else if (b == 0xD0) {
          width = 4;
        } else if (b == 0xE0) {
          width = 8;
        } else if (b == 0xF0) {
          width = 3;
        } else if (b == 0xFE) {
          width = 1;
        } else if (b >= 0xF1 && b <= 0xFD) {
          e.value = (b & 0x0F) - 1;
        } else {
          return false;
        }
        if (width > 0) {
          if (end - pos < static_cast<size_t>(1 + width)) return false;
          uint64_t uv = GetLe(p + pos + 1, width);
          if (width < 8) {
            const uint64_t sign = uint64_t{1} << (8 * width - 1);
            e.value = (uv & sign) ? static_cast<int64_t>(uv) - static_cast<int64_t>(sign << 1)
                                  : static_cast<int64_t>(uv);
          } else {
            e.value = static_cast<int64_t>(uv);
          }
          header += width;
        }
        break;
      }
    }
    if (header > end - pos || data_len > end - pos - header) return false;
    if (!e.is_int) e.str = std::string_view(zl.data() + pos + header, data_len);
    pos += header + data_len;
    prev_len = pos - start;
    last_start = start;
    ++count;
    if (!fn(e)) return false;
  }
  if (pos != end) return false;
  // zltail points at the last entry (at the header end when there is none).
  if (tail != (count == 0 ? kZiplistHeader : last_start)) return false;
  if (header_count != 0xFFFF && header_count != count) return false;
  return true;
}

bool ForEachZipmapPair(
    std::string_view zm,
    const std::function<bool(std::string_view field, std::string_view value)>& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(zm.data());
  const size_t size = zm.size();
  if (size < 2 || p[size - 1] != 0xFF) return false;
  const unsigned header_count = p[0];
  size_t pos = 1;
  const size_t end = size - 1;
  auto read_len = [&](uint64_t* len) {
    if (pos >= end) return false;
    if (p[pos] < 254) {
      *len = p[pos];
      pos += 1;
      return true;
    }
    if (p[pos] == 254 && end - pos >= 5) {
      *len = GetLe(p + pos + 1, 4);
      pos += 5;
      return true;
    }
    return false;
  };
  unsigned count = 0;
  while (pos < end) {
    uint64_t flen, vlen;
    if (!read_len(&flen) || flen > end - pos) return false;
    std::string_view field(zm.data() + pos, flen);
    pos += flen;
    if (!read_len(&vlen) || pos >= end) return false;
    const unsigned free = p[pos++];
    if (vlen > end - pos || free > end - pos - vlen) return false;
    std::string_view value(zm.data() + pos, vlen);
    pos += vlen + free;
    ++count;
    if (!fn(field, value)) return false;
  }
  if (pos != end) return false;
  if (header_count < 254 && header_count != count) return false;
  return true;
}

}  // namespace spindle::persistence

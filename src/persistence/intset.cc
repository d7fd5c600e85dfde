#include "persistence/intset.h"

namespace spindle::persistence {

std::string BuildIntset(std::span<const int64_t> values) {
  uint32_t width = 2;
  for (int64_t v : values) {
    if (v < INT32_MIN || v > INT32_MAX) {
      width = 8;
      break;
    }
    if (v < INT16_MIN || v > INT16_MAX) width = 4;
  }
  std::string out(8 + values.size() * width, '\0');
  auto put = [&out](size_t at, uint64_t v, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  put(0, width, 4);
  put(4, values.size(), 4);
  size_t at = 8;
  for (int64_t v : values) {
    put(at, static_cast<uint64_t>(v), width);
    at += width;
  }
  return out;
}

bool ParseIntset(std::string_view blob, std::vector<int64_t>* values) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  auto get = [p](size_t at, uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[at + i]) << (8 * i);
    return v;
  };
  if (blob.size() < 8) return false;
  const uint32_t width = static_cast<uint32_t>(get(0, 4));
  if (width != 2 && width != 4 && width != 8) return false;
  const uint64_t count = get(4, 4);
  if ((blob.size() - 8) / width != count || (blob.size() - 8) % width != 0) return false;
  values->clear();
  values->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t raw = get(8 + i * width, width);
    int64_t v;
    if (width == 2) {
      v = static_cast<int16_t>(raw);
    } else if (width == 4) {
      v = static_cast<int32_t>(raw);
    } else {
      v = static_cast<int64_t>(raw);
    }
    if (!values->empty() && v <= values->back()) return false;
    values->push_back(v);
  }
  return true;
}

}  // namespace spindle::persistence

#include "persistence/dump_payload.h"

#include "persistence/crc64.h"
#include "persistence/rdb_reader.h"

namespace spindle::persistence {
namespace {

constexpr size_t kFooterSize = 10;  // version + CRC

}  // namespace

bool CreateDumpPayload(const storage::Value& v, bool compression, std::string* out) {
  RdbSaveOptions options;
  options.compression = compression;
  RdbWriter w(options);
  uint8_t type;
  if (!RdbWriter::ObjectType(v, &type)) return false;
  w.Byte(type);
  if (!w.Object(v).ok()) return false;
  std::string& buf = w.buffer();
  buf.push_back(static_cast<char>(kRdbVersion & 0xFF));
  buf.push_back(static_cast<char>((kRdbVersion >> 8) & 0xFF));
  uint64_t crc = Crc64(0, buf.data(), buf.size());
  for (int i = 0; i < 8; ++i) buf.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  *out = std::move(buf);
  return true;
}

std::optional<storage::Value> ParseDumpPayload(std::string_view payload,
                                               const storage::EncodingLimits& limits,
                                               bool skip_checksum, DumpPayloadError* error) {
  *error = DumpPayloadError::kNone;
  if (payload.size() < kFooterSize) {
    *error = DumpPayloadError::kVersionOrChecksum;
    return std::nullopt;
  }
  const auto* footer =
      reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - kFooterSize);
  const int version = footer[0] | (footer[1] << 8);
  if (version > kRdbVersion) {
    *error = DumpPayloadError::kVersionOrChecksum;
    return std::nullopt;
  }
  if (!skip_checksum) {
    uint64_t stored = 0;
    for (int i = 0; i < 8; ++i) stored |= static_cast<uint64_t>(footer[2 + i]) << (8 * i);
    if (Crc64(0, payload.data(), payload.size() - 8) != stored) {
      *error = DumpPayloadError::kVersionOrChecksum;
      return std::nullopt;
    }
  }
  // As Redis, the object is read from the whole payload: what it does not
  // consume (the footer) is simply left over.
  RdbReader reader(payload);
  uint8_t type;
  bool empty_key = false;
  std::optional<storage::Value> value;
  if (reader.Byte(&type) && IsRdbObjectType(type)) value = reader.Object(type, limits, &empty_key);
  if (!value) *error = DumpPayloadError::kBadFormat;
  return value;
}

}  // namespace spindle::persistence

// libFuzzer target for the RDB loader and RESTORE's payload parser
// (persistence/rdb_reader.h, persistence/dump_payload.h).
//
// The first byte picks what the rest is:
//   0  the body of an RDB file: "REDIS0010" is prepended, the checksum is
//      not verified, so the fuzzer spends its time past the header;
//   1  a whole RDB file, header and checksum included;
//   2  a DUMP payload, checksum not verified;
//   3  a DUMP payload body: the version and a correct CRC are appended.
// Checked: nothing crashes, reads out of bounds or leaks (ASan / UBSan), a
// load either succeeds or fails with an error, and a payload that parses
// serializes again into a payload that parses to a value of the same type
// and length.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "persistence/crc64.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_reader.h"
#include "storage/keyspace.h"

namespace {

using spindle::persistence::DumpPayloadError;

void CheckRoundTrip(const spindle::storage::Value& v,
                    const spindle::storage::EncodingLimits& limits) {
  std::string again;
  if (!spindle::persistence::CreateDumpPayload(v, false, &again)) __builtin_trap();
  DumpPayloadError err;
  auto back = spindle::persistence::ParseDumpPayload(again, limits, false, &err);
  if (!back || back->type() != v.type()) __builtin_trap();
  const auto* a = v.collection();
  const auto* b = back->collection();
  if ((a == nullptr) != (b == nullptr)) __builtin_trap();
  if (a != nullptr && a->Length() != b->Length()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] & 3;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  // Small limits so that conversions between encodings happen often.
  spindle::storage::EncodingLimits limits;
  limits.hash_max_listpack_entries = 4;
  limits.zset_max_listpack_entries = 4;
  limits.set_max_intset_entries = 4;
  limits.list_max_listpack_size = 3;

  if (mode <= 1) {
    // One keyspace for every input: its background freer is a thread.
    static spindle::storage::Keyspace* keyspace = new spindle::storage::Keyspace(16);
    std::string file = mode == 0 ? "REDIS0010" + std::string(rest) : std::string(rest);
    spindle::persistence::RdbReader reader(file);
    spindle::persistence::RdbLoadOptions options;
    options.limits = limits;
    options.verify_checksum = mode == 1;
    spindle::persistence::RdbLoadResult result;
    spindle::persistence::LoadRdb(reader, *keyspace, options, &result);
    keyspace->FlushAll();
    return 0;
  }

  std::string payload(rest);
  if (mode == 3) {
    payload.push_back(10);
    payload.push_back(0);
    uint64_t crc = spindle::persistence::Crc64(0, payload.data(), payload.size());
    for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  }
  DumpPayloadError err;
  auto value = spindle::persistence::ParseDumpPayload(payload, limits, mode == 2, &err);
  if (value.has_value() != (err == DumpPayloadError::kNone)) __builtin_trap();
  if (value) CheckRoundTrip(*value, limits);
  return 0;
}

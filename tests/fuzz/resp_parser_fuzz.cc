// libFuzzer target for RespParser: arbitrary bytes, arbitrary split points.
//
// Input layout: byte 0 picks the limits, bytes 1..8 seed the split points,
// the rest is the stream. Checked invariants:
//  - consumed <= len, consumed > 0 on kComplete, 0 otherwise;
//  - a multibulk command's arguments lie inside the buffer given;
//  - every Parse call gets an exactly-sized fresh heap copy of the buffer, so
//    ASan catches any read outside it (and any use of a stale pointer);
//  - BulkHint() is 0 or larger than what is buffered;
//  - with no line-length limit, the commands and the final error do not
//    depend on how the stream was split.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace {

using spindle::protocol::ParserLimits;
using spindle::protocol::RespParser;

struct Result {
  std::vector<std::vector<std::string>> commands;
  std::string error;
};

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "invariant violated: %s\n", what);
    abort();
  }
}

Result Run(std::string_view stream, const ParserLimits& limits, uint64_t seed) {
  RespParser parser;
  parser.set_limits(limits);
  Result result;
  std::string buf;
  size_t fed = 0;
  std::vector<std::string_view> args;
  while (fed < stream.size()) {
    size_t piece = seed == 0 ? stream.size() : 1 + (seed % 13) * (seed % 7);
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    if (seed == 0) seed = 1;
    piece = std::min(piece, stream.size() - fed);
    buf.append(stream.substr(fed, piece));
    fed += piece;
    while (!buf.empty()) {
      std::unique_ptr<char[]> copy(new char[buf.size()]);
      std::memcpy(copy.get(), buf.data(), buf.size());
      size_t consumed = 0;
      RespParser::Status st = parser.Parse(copy.get(), buf.size(), &consumed, &args);
      Check(consumed <= buf.size(), "consumed <= len");
      if (st == RespParser::Status::kError) {
        Check(consumed == 0, "no consumption on error");
        Check(!parser.error().empty(), "error text");
        result.error = parser.error();
        return result;
      }
      if (st == RespParser::Status::kNeedMore) {
        Check(consumed == 0, "no consumption on need-more");
        Check(args.empty(), "no args on need-more");
        size_t hint = parser.BulkHint();
        Check(hint == 0 || hint > buf.size(), "hint beyond buffered bytes");
        break;
      }
      Check(consumed > 0, "progress on complete");
      Check(!parser.InProgress(), "idle after complete");
      std::vector<std::string> cmd;
      for (std::string_view a : args) {
        if (copy[0] == '*') {
          Check(a.data() >= copy.get() && a.data() + a.size() <= copy.get() + consumed,
                "multibulk args inside the command");
        }
        cmd.emplace_back(a);  // touches every byte: ASan checks the view
      }
      result.commands.push_back(std::move(cmd));
      buf.erase(0, consumed);
    }
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  ParserLimits limits;
  limits.authenticated = (data[0] & 1) == 0;
  if (data[0] & 2) limits.max_inline_len = 1 + data[0] * 4;
  if (data[0] & 4) limits.max_bulk_len = data[0];
  if (data[0] & 8) limits.max_multibulk_len = data[0] >> 4;
  uint64_t seed = 0;
  std::memcpy(&seed, data + 1, 8);
  std::string_view stream(reinterpret_cast<const char*>(data + 9), size - 9);

  Run(stream, limits, seed | 1);

  // Without a line-length limit the outcome must not depend on the splits.
  limits.max_inline_len = SIZE_MAX;
  Result whole = Run(stream, limits, 0);
  Result split = Run(stream, limits, seed | 1);
  Check(whole.commands == split.commands, "same commands whatever the splits");
  Check(whole.error == split.error, "same error whatever the splits");
  return 0;
}

// libFuzzer target for the AOF file formats (persistence/aof.h).
//
// The first byte's low two bits pick what the rest is:
//   0  a manifest, for ParseAofManifest;
//   1  an AOF, read with AofReader from offset 0;
//   2  the same, announced 16 bytes larger than it is;
//   3  an AOF read from the offset given by its first byte (as after an RDB
//      preamble);
// its other bits the reader's chunk size (0: the default 64 KiB).
// Checked: nothing crashes, reads out of bounds or leaks (ASan / UBSan);
// a manifest that parses formats into one that parses back to the same text
// (when its names can be written back at all: Redis cannot either for a
// name holding a single quote, an empty one, or one whose quoted line passes
// 1024 bytes), and the rewrite steps run on it; the reader, streaming in
// chunks, returns the same commands, offsets and end as a plain parser of
// the same grammar over the whole input.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/aof.h"

namespace {

using spindle::persistence::AofManifest;
using spindle::persistence::AofReader;

bool Writable(const AofManifest& m, const std::string& text) {
  auto ok = [](const spindle::persistence::AofFileInfo& f) {
    return !f.name.empty() && f.name.find('\'') == std::string::npos;
  };
  if (m.base && !ok(*m.base)) return false;
  for (const auto& f : m.history) {
    if (!ok(f)) return false;
  }
  for (const auto& f : m.incrs) {
    if (!ok(f)) return false;
  }
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl - start + 1 > 1024) return false;
    start = nl + 1;
  }
  return true;
}

void FuzzManifest(std::string_view text) {
  AofManifest m;
  spindle::persistence::AofManifestError err;
  if (!ParseAofManifest(text, &m, &err).ok()) {
    if (err.line < 0) __builtin_trap();
    return;
  }
  const std::string formatted = m.ToString();
  if (Writable(m, formatted)) {
    AofManifest again;
    if (!ParseAofManifest(formatted, &again).ok() && !formatted.empty()) __builtin_trap();
    if (!formatted.empty() && again.ToString() != formatted) __builtin_trap();
  }
  // A rewrite on top of whatever was loaded (unless a seq is already at its
  // limit, where the next one would overflow, in Redis too).
  if (m.curr_base_seq == INT64_MAX || m.curr_incr_seq == INT64_MAX) return;
  m.NewIncr("appendonly.aof");
  m.NewBase("appendonly.aof", true);
  m.MarkRewrittenIncrsAsHistory();
  if (m.incrs.size() != 1 || !m.base) __builtin_trap();
}

// The reader's grammar, over the whole input at once: what AofReader,
// streaming in chunks, must agree with.
struct Reference {
  std::vector<std::vector<std::string>> commands;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [first byte, end)
  AofReader::Result end = AofReader::Result::kEnd;
};

Reference Parse(std::string_view b, uint64_t pos) {
  using R = AofReader::Result;
  Reference out;
  // "<c><digits>\r\n" at p: kCommand, or how it fails.
  auto number = [&](size_t* p, uint64_t* v) {
    size_t q = *p + 1;
    int digits = 0;
    *v = 0;
    while (q < b.size() && b[q] >= '0' && b[q] <= '9') {
      if (++digits > 20) return R::kBadFormat;
      const uint64_t d = static_cast<uint64_t>(b[q] - '0');
      *v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
      ++q;
    }
    if (q == b.size()) return R::kTruncated;
    if (b[q] != '\r' || digits == 0) return R::kBadFormat;
    if (q + 1 == b.size()) return R::kTruncated;
    if (b[q + 1] != '\n') return R::kBadFormat;
    *p = q + 2;
    return R::kCommand;
  };
  while (true) {
    if (pos >= b.size()) return out;
    if (b[pos] == '#') {
      const size_t nl = b.find('\n', pos);
      if (nl == std::string_view::npos) return out;
      pos = nl + 1;
      continue;
    }
    if (b[pos] != '*') {
      out.end = R::kBadFormat;
      return out;
    }
    size_t p = pos;
    uint64_t argc = 0;
    R r = number(&p, &argc);
    if (r == R::kCommand && (argc < 1 || argc > INT32_MAX)) r = R::kBadFormat;
    std::vector<std::string> argv;
    for (uint64_t i = 0; r == R::kCommand && i < argc; ++i) {
      uint64_t len = 0;
      if (p == b.size()) {
        r = R::kTruncated;
      } else if (b[p] != '$') {
        r = R::kBadFormat;
      } else if ((r = number(&p, &len)) == R::kCommand) {
        if (len > b.size() - p || b.size() - p - len < 2) {
          r = R::kTruncated;
        } else if (b[p + len] != '\r' || b[p + len + 1] != '\n') {
          r = R::kBadFormat;
        } else {
          argv.emplace_back(b.substr(p, len));
          p += len + 2;
        }
      }
    }
    if (r != R::kCommand) {
      out.end = r;
      return out;
    }
    out.commands.push_back(std::move(argv));
    out.spans.emplace_back(pos, p);
    pos = p;
  }
}

void FuzzReader(std::string_view bytes, uint64_t start, uint64_t announced, size_t chunk) {
  const int fd = memfd_create("aof_fuzz", MFD_CLOEXEC);
  if (fd < 0) return;
  if (write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    close(fd);
    return;
  }
  const Reference ref = Parse(bytes, start);
  AofReader reader(fd, announced, start, chunk);
  std::vector<std::string_view> argv;
  size_t n = 0;
  AofReader::Result r;
  while ((r = reader.Next(&argv)) == AofReader::Result::kCommand) {
    if (n >= ref.commands.size()) __builtin_trap();
    if (std::vector<std::string>(argv.begin(), argv.end()) != ref.commands[n]) __builtin_trap();
    if (reader.last_command_offset() != ref.spans[n].first) __builtin_trap();
    if (reader.valid_up_to() != ref.spans[n].second) __builtin_trap();
    ++n;
  }
  if (n != ref.commands.size() || r != ref.end) __builtin_trap();
  if (reader.valid_up_to() != (n == 0 ? start : ref.spans[n - 1].second)) __builtin_trap();
  if (reader.Next(&argv) != r) __builtin_trap();
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] & 3;
  // The reader's chunk: its default, or 1..63 bytes so that chunk
  // boundaries fall everywhere in small inputs.
  const size_t chunk = (data[0] >> 2) == 0 ? AofReader::kChunk : data[0] >> 2;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (mode) {
    case 0:
      FuzzManifest(rest);
      break;
    case 1:
      FuzzReader(rest, 0, rest.size(), chunk);
      break;
    case 2:
      // Announced larger than it is: the reader finds the real end.
      FuzzReader(rest, 0, rest.size() + 16, chunk);
      break;
    default: {
      // After a preamble of the length the first byte gives.
      if (rest.empty()) return 0;
      const uint64_t start = static_cast<uint8_t>(rest[0]) % rest.size();
      FuzzReader(rest, start, rest.size(), chunk);
      break;
    }
  }
  return 0;
}

// libFuzzer target: arbitrary text into Config::LoadString, then the first
// line's words into CONFIG SET and CONFIG GET. Must never crash; a failed
// CONFIG SET must leave every value unchanged.
//
// Inputs naming `dir`, `include` or `logfile` are skipped: those directives
// act on the file system (chdir, reading files, creating the log file).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string lower = spindle::ToLower(text);
  for (const char* word : {"dir", "include", "logfile"}) {
    if (lower.find(word) != std::string::npos) return 0;
  }
  spindle::server::Config config;
  (void)config.LoadString(text);

  std::string_view first = text.substr(0, text.find('\n'));
  std::vector<std::string> words;
  size_t start = 0;
  while (start <= first.size()) {
    size_t sp = first.find(' ', start);
    words.emplace_back(first.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  std::vector<std::string_view> args(words.begin(), words.end());
  std::string_view star[] = {"*"};
  auto before = config.Get(star);
  spindle::server::ServerConfig typed_before = config.values();
  if (!config.Set(args).ok()) {
    if (config.Get(star) != before) __builtin_trap();
    if (config.values().port != typed_before.port || config.values().bind != typed_before.bind) {
      __builtin_trap();
    }
  }
  (void)config.Get(args);
  return 0;
}

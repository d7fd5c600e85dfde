#pragma once
// What the directive table in config.cc tells the other config files (today
// config_rewrite.cc). Internal to src/server/config*; the server uses Config.
//
// Thread: main thread, like Config.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace spindle::server::config_internal {

// How CONFIG REWRITE prints a directive: Redis's rewriteConfig*Option family.
enum class RewriteStyle : uint8_t {
  kPlain,          // bool, enum, integer, octal: `name <CONFIG GET text>`
  kString,         // `name "<text quoted as sdscatrepr>"`
  kMemory,         // `name 100mb`: the largest of gb / mb / kb that divides it
  kMemoryPercent,  // `name 10%` when a percentage, else as kMemory
  kSpecial,        // formatted by name (dir, save, bind, ...)
};

struct DirectiveInfo {
  std::string_view name;   // canonical name
  std::string_view alias;  // "" if none
  RewriteStyle style;
  // The CONFIG GET text of the default. For `bind` it is Spindle's loopback
  // default, not Redis's "* -::*" (docs/CONFIG.md).
  std::string_view default_text;
};

// The directives in table order; Config's current values use the same index.
size_t DirectiveCount();
DirectiveInfo Describe(size_t index);

// The table index of a directive or alias (any case); SIZE_MAX if unknown.
size_t LookupDirective(std::string_view name);

}  // namespace spindle::server::config_internal

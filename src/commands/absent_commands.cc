// The Redis 7.0 commands Spindle does not implement (bitmaps, HyperLogLog,
// geo, streams, scripting and functions, cluster, replication, modules ...),
// registered for ACL only: see CommandTable::AddAbsent for why. The data
// (absent_commands.inc) is generated from redis-server 7.0.15's COMMAND
// reply by tools/gen_absent_commands.py; regenerate it when a family lands
// (until then an implemented command simply wins over its absent entry).

#include <cstdlib>
#include <string>
#include <string_view>

#include "commands/command_table.h"

namespace spindle::commands {
namespace {

struct AbsentRow {
  const char* name;  // "cluster", or "cluster|addslots" after its container
  int arity;
  const char* categories;  // space-separated, as COMMAND INFO names them
};

constexpr AbsentRow kRows[] = {
#include "commands/absent_commands.inc"
};

uint64_t Categories(std::string_view text) {
  uint64_t bits = 0;
  while (!text.empty()) {
    const size_t sp = text.find(' ');
    const uint64_t bit = AclCategoryByName(text.substr(0, sp));
    if (bit == 0) std::abort();  // the generated table names a category we lack
    bits |= bit;
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
  }
  return bits;
}

CommandSpec Spec(const AbsentRow& row) {
  CommandSpec spec;
  spec.name = row.name;
  spec.arity = row.arity;
  spec.acl_categories = Categories(row.categories);
  return spec;
}

}  // namespace

void RegisterAbsentCommands(CommandTable* table) {
  CommandSpec container;
  bool open = false;
  for (const AbsentRow& row : kRows) {
    if (std::string_view(row.name).find('|') != std::string_view::npos) {
      container.subcommands.push_back(Spec(row));
      continue;
    }
    if (open) table->AddAbsent(std::move(container));
    container = Spec(row);
    open = true;
  }
  if (open) table->AddAbsent(std::move(container));
}

}  // namespace spindle::commands

#pragma once
// Commands that need the server or the client object (connection, CLIENT,
// COMMAND, INFO, CONFIG, TIME, SHUTDOWN). They live in the server layer
// because they reach above the keyspace; data commands live in src/commands.

#include <functional>
#include <string>
#include <vector>

#include "commands/command_table.h"

namespace spindle::server {

class Client;
class Server;

void RegisterConnectionCommands(commands::CommandTable* table);
void RegisterServerCommands(commands::CommandTable* table);
void RegisterIntrospectionCommands(commands::CommandTable* table);
// MEMORY (memory_commands.cc).
void RegisterMemoryCommands(commands::CommandTable* table);
// SAVE, BGSAVE, LASTSAVE (persistence_commands.cc).
void RegisterPersistenceCommands(commands::CommandTable* table);
// MONITOR, RESET, and CLIENT REPLY / PAUSE / UNPAUSE / NO-EVICT (added to
// the CLIENT container being built).
void RegisterClientControlCommands(commands::CommandTable* table,
                                   commands::CommandSpec* client);
void RegisterPubSubCommands(commands::CommandTable* table);
// ACL (acl_commands.cc).
void RegisterAclCommands(commands::CommandTable* table);
// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (tracking_commands.cc),
// added to the CLIENT container being built.
void RegisterTrackingCommands(commands::CommandSpec* client);

// Every command family, then Redis's commands Spindle lacks (for ACL), then
// ids: the server's table, and the scratch one config checks use.
void RegisterAllCommands(commands::CommandTable* table);

// The check Config runs on `user` and `rename-command` lines while it reads
// the file (Config::set_deferred_check), as Redis 7.0 does: user rules are
// tried on a scratch user (unknown commands and categories pass here and
// fail at start, as ACLAppendUserForLoading lets ENOENT through), renames on
// a scratch table, in order.
std::function<std::string(const std::vector<std::string>&)> MakeDeferredDirectiveCheck();

// The client handle behind a command context (always a server::Client).
Client* ClientOf(commands::CommandContext& ctx);

// One CLIENT LIST / CLIENT INFO line (without the trailing newline).
std::string ClientInfoLine(const Client& c, int64_t now_ms);

// INFO's text for the given section arguments (empty: the default set).
std::string InfoText(Server& server, std::span<const std::string_view> sections);

// Replies with a HELP block as Redis's addReplyHelp: the header line
// "<NAME> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the
// given lines, and "HELP" / "    Prints this help.".
void ReplyHelp(commands::CommandContext& ctx, std::string_view name,
               std::span<const char* const> lines);

}  // namespace spindle::server

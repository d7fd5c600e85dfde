// SAVE, BGSAVE and LASTSAVE: the commands of RDB persistence (rdb.c's
// saveCommand / bgsaveCommand, server.c's lastsaveCommand).

#include "commands/command_table.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/rdb_snapshots.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {
namespace {

using commands::CommandContext;

RdbSnapshots& SnapshotsOf(CommandContext& ctx) { return ClientOf(ctx)->server()->snapshots(); }

void SaveCommand(CommandContext& ctx) {
  RdbSnapshots& snapshots = SnapshotsOf(ctx);
  if (snapshots.child_active()) {
    ctx.reply->Error("ERR Background save already in progress");
    return;
  }
  snapshots.CountSave();
  if (snapshots.Save().ok()) {
    ctx.reply->Ok();
  } else {
    ctx.reply->Error("ERR");  // Redis's shared.err: the log says why
  }
}

// BGSAVE [SCHEDULE]
void BgsaveCommand(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() == 2 && EqualsIgnoreCase(ctx.args[1], "schedule")) {
      schedule = true;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  RdbSnapshots& snapshots = SnapshotsOf(ctx);
  if (snapshots.child_active()) {
    ctx.reply->Error("ERR Background save already in progress");
    return;
  }
  // Inside EXEC nothing may fork (Redis: server.in_exec): the cron will.
  if (ClientOf(ctx)->in_multi()) {
    snapshots.ScheduleBackgroundSave();
    ctx.reply->SimpleString("Background saving scheduled");
    return;
  }
  (void)schedule;  // SCHEDULE only matters while another kind of child runs
  if (snapshots.StartBackgroundSave() == RdbSnapshots::BackgroundResult::kStarted) {
    ctx.reply->SimpleString("Background saving started");
  } else {
    ctx.reply->Error("ERR");
  }
}

void LastsaveCommand(CommandContext& ctx) { ctx.reply->Integer(SnapshotsOf(ctx).lastsave()); }

commands::CommandSpec Spec(const char* name, int arity, uint32_t flags, uint64_t acl,
                           commands::Handler h, const char* summary, const char* complexity) {
  return commands::MakeCommand(name, arity, flags, acl, {}, h, summary, "1.0.0", "server",
                               complexity);
}

}  // namespace

void RegisterPersistenceCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag and category names
  table->Add(Spec("save", 1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti, 0,
                  SaveCommand, "Synchronously save the dataset to disk",
                  "O(N) where N is the total number of keys in all databases"));
  table->Add(Spec("bgsave", -1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading, 0, BgsaveCommand,
                  "Asynchronously save the dataset to disk", "O(1)"));
  table->Add(Spec("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, kAclAdmin | kAclDangerous,
                  LastsaveCommand, "Get the UNIX time stamp of the last successful save to disk",
                  "O(1)"));
}

}  // namespace spindle::server

// SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF: the commands of persistence
// (rdb.c's saveCommand / bgsaveCommand, server.c's lastsaveCommand, aof.c's
// bgrewriteaofCommand).

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
  Server* server = ClientOf(ctx)->server();
  if (snapshots.child_active()) {
    ctx.reply->Error("ERR Background save already in progress");
    return;
  }
  // Another child (an AOF rewrite) runs, or EXEC runs (nothing may fork
  // inside it): the cron starts the save later, if asked to.
  if (server->HasActiveChild() || server->in_exec()) {
    if (schedule || server->in_exec()) {
      snapshots.ScheduleBackgroundSave();
      ctx.reply->SimpleString("Background saving scheduled");
    } else {
      ctx.reply->Error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    return;
  }
  if (snapshots.StartBackgroundSave() == RdbSnapshots::BackgroundResult::kStarted) {
    ctx.reply->SimpleString("Background saving started");
  } else {
    ctx.reply->Error("ERR");
  }
}

// BGREWRITEAOF (aof.c's bgrewriteaofCommand): works with appendonly no too
// (it writes a base file).
void BgrewriteaofCommand(CommandContext& ctx) {
  switch (ClientOf(ctx)->server()->aof().StartRewriteCommand()) {
    case Aof::RewriteResult::kInProgress:
      ctx.reply->Error("ERR Background append only file rewriting already in progress");
      break;
    case Aof::RewriteResult::kScheduled:
      ctx.reply->SimpleString("Background append only file rewriting scheduled");
      break;
    case Aof::RewriteResult::kStarted:
      ctx.reply->SimpleString("Background append only file rewriting started");
      break;
    case Aof::RewriteResult::kFailed:
      ctx.reply->Error(
          "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
          "information.");
      break;
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
  table->Add(Spec("bgrewriteaof", 1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading, 0,
                  BgrewriteaofCommand, "Asynchronously rewrite the append-only file", "O(1)"));
  table->Add(Spec("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, kAclAdmin | kAclDangerous,
                  LastsaveCommand, "Get the UNIX time stamp of the last successful save to disk",
                  "O(1)"));
}

}  // namespace spindle::server

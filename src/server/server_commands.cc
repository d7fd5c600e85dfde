// Server commands: INFO, CONFIG, TIME, SHUTDOWN and COMMAND.

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "common/clock.h"
#include "common/glob.h"
#include "common/memory.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/latency_tracking.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/version.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;
using commands::CommandTable;

namespace {

Server& ServerOf(CommandContext& ctx) { return *ClientOf(ctx)->server(); }

// Redis's bytesToHuman.
std::string BytesToHuman(uint64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) {
    snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  } else if (n < 1024ULL * 1024) {
    snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024ULL * 1024 * 1024) {
    snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  } else if (n < 1024ULL * 1024 * 1024 * 1024) {
    snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  } else {
    snprintf(buf, sizeof(buf), "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
  }
  return buf;
}

class InfoWriter {
 public:
  void Section(const char* name) {
    if (!text_.empty()) text_ += "\r\n";
    text_ += "# ";
    text_ += name;
    text_ += "\r\n";
  }
  void Field(const char* key, const std::string& value) {
    text_ += key;
    text_ += ':';
    text_ += value;
    text_ += "\r\n";
  }
  void Field(const char* key, uint64_t v) { Field(key, std::to_string(v)); }
  void Field(const char* key, int64_t v) { Field(key, std::to_string(v)); }
  void Field(const char* key, int v) { Field(key, std::to_string(v)); }
  void FieldF(const char* key, double v, int decimals = 2) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    Field(key, std::string(buf));
  }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

double TimevalSeconds(const struct timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

void InfoServer(Server& s, InfoWriter& w) {
  struct utsname name;
  uname(&name);
  int64_t now_us = WallTimeUs();
  int64_t uptime = (Clock::NowMs() - s.start_time_ms()) / 1000;
  w.Section("Server");
  w.Field("redis_version", std::string(kRedisVersion));
  w.Field("spindle_version", std::string(kSpindleVersion));
  w.Field("redis_git_sha1", std::string("00000000"));
  w.Field("redis_git_dirty", 0);
  w.Field("redis_build_id", std::string("0"));
  w.Field("redis_mode", std::string("standalone"));
  w.Field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  w.Field("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.Field("monotonic_clock", std::string("POSIX clock_gettime"));
  w.Field("multiplexing_api", std::string(s.loop().poller()->Name()));
  w.Field("atomicvar_api", std::string("c11-builtin"));
  w.Field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
  w.Field("process_id", static_cast<int64_t>(getpid()));
  w.Field("process_supervised", std::string("no"));
  w.Field("run_id", s.run_id());
  w.Field("tcp_port", s.cfg().port);
  w.Field("server_time_usec", now_us);
  w.Field("uptime_in_seconds", uptime);
  w.Field("uptime_in_days", uptime / 86400);
  w.Field("hz", s.cfg().hz);
  w.Field("configured_hz", s.cfg().hz);
  w.Field("lru_clock", (Clock::NowMs() / 1000) & ((1 << 24) - 1));
  w.Field("executable", s.executable());
  w.Field("config_file", s.config().file());
  w.Field("io_threads_active", s.io_threads_active() ? 1 : 0);
}

void InfoClients(Server& s, InfoWriter& w) {
  size_t max_in = 0, max_out = 0;
  for (const auto& [id, c] : s.clients()) {
    max_in = std::max(max_in, c->query_capacity());
    max_out = std::max(max_out, c->output_allocated());
  }
  w.Section("Clients");
  w.Field("connected_clients", static_cast<uint64_t>(s.clients().size()));
  w.Field("cluster_connections", 0);
  w.Field("maxclients", s.cfg().maxclients);
  w.Field("client_recent_max_input_buffer", static_cast<uint64_t>(max_in));
  w.Field("client_recent_max_output_buffer", static_cast<uint64_t>(max_out));
  w.Field("blocked_clients", static_cast<uint64_t>(s.blocked_clients()));
  w.Field("tracking_clients", static_cast<uint64_t>(s.tracking().tracking_clients()));
  w.Field("clients_in_timeout_table", 0);
}

// Redis 7.0's INFO memory, field for field. Spindle has no Lua, functions,
// replication backlog or replicas: those fields are 0 (docs/MEMORY.md).
void InfoMemory(Server& s, InfoWriter& w) {
  const MemoryOverhead mh = s.evictor().Overhead();
  const uint64_t used = mh.total_allocated;
  const uint64_t peak = std::max(used, mh.peak_allocated);
  const uint64_t rss = memory::ProcessRss();
  const memory::AllocatorStats alloc = memory::GetAllocatorStats();
  const uint64_t total_system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  auto perc = [](double v) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%.2f%%", v);
    return std::string(buf);
  };
  auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / b : 0.0; };
  auto diff = [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) - static_cast<int64_t>(b);
  };
  w.Section("Memory");
  w.Field("used_memory", used);
  w.Field("used_memory_human", BytesToHuman(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", BytesToHuman(rss));
  w.Field("used_memory_peak", peak);
  w.Field("used_memory_peak_human", BytesToHuman(peak));
  w.Field("used_memory_peak_perc", perc(mh.peak_perc));
  w.Field("used_memory_overhead", mh.overhead_total);
  w.Field("used_memory_startup", mh.startup_allocated);
  w.Field("used_memory_dataset", mh.dataset);
  w.Field("used_memory_dataset_perc", perc(mh.dataset_perc));
  w.Field("allocator_allocated", alloc.allocated);
  w.Field("allocator_active", alloc.active);
  w.Field("allocator_resident", alloc.resident);
  w.Field("total_system_memory", total_system);
  w.Field("total_system_memory_human", BytesToHuman(total_system));
  w.Field("used_memory_lua", 0);
  w.Field("used_memory_vm_eval", 0);
  w.Field("used_memory_lua_human", BytesToHuman(0));
  w.Field("used_memory_scripts_eval", 0);
  w.Field("number_of_cached_scripts", 0);
  w.Field("number_of_functions", 0);
  w.Field("number_of_libraries", 0);
  w.Field("used_memory_vm_functions", 0);
  w.Field("used_memory_vm_total", 0);
  w.Field("used_memory_vm_total_human", BytesToHuman(0));
  w.Field("used_memory_functions", 0);
  w.Field("used_memory_scripts", 0);
  w.Field("used_memory_scripts_human", BytesToHuman(0));
  w.Field("maxmemory", static_cast<int64_t>(s.cfg().maxmemory));
  w.Field("maxmemory_human", BytesToHuman(s.cfg().maxmemory));
  w.Field("maxmemory_policy", s.cfg().maxmemory_policy);
  w.FieldF("allocator_frag_ratio", ratio(alloc.active, alloc.allocated));
  w.Field("allocator_frag_bytes", diff(alloc.active, alloc.allocated));
  w.FieldF("allocator_rss_ratio", ratio(alloc.resident, alloc.active));
  w.Field("allocator_rss_bytes", diff(alloc.resident, alloc.active));
  w.FieldF("rss_overhead_ratio", ratio(rss, alloc.resident));
  w.Field("rss_overhead_bytes", diff(rss, alloc.resident));
  w.FieldF("mem_fragmentation_ratio", ratio(rss, used));
  w.Field("mem_fragmentation_bytes", diff(rss, used));
  w.Field("mem_not_counted_for_evict", s.evictor().NotCountedMemory());
  w.Field("mem_replication_backlog", 0);
  w.Field("mem_total_replication_buffers", 0);
  w.Field("mem_clients_slaves", 0);
  w.Field("mem_clients_normal", mh.clients_normal);
  w.Field("mem_cluster_links", 0);
  w.Field("mem_aof_buffer", mh.aof_buffer);
  w.Field("mem_allocator", std::string(memory::AllocatorName()));
  w.Field("active_defrag_running", 0);
  w.Field("lazyfree_pending_objects", s.keyspace().freer().pending());
  w.Field("lazyfreed_objects", s.keyspace().freer().freed());
}

void InfoPersistence(Server& s, InfoWriter& w) {
  w.Section("Persistence");
  for (const auto& [name, value] : s.snapshots().InfoFields()) {
    if (name == "module_fork_in_progress") {
      for (const auto& [aof_name, aof_value] : s.aof().InfoFields()) {
        w.Field(aof_name.c_str(), aof_value);
      }
    }
    w.Field(name.c_str(), value);
  }
  if (s.aof().enabled()) {
    for (const auto& [name, value] : s.aof().EnabledInfoFields()) w.Field(name.c_str(), value);
  }
}

void InfoStats(Server& s, InfoWriter& w) {
  const ServerStats& st = s.stats();
  const storage::KeyspaceStats& ks = s.keyspace().stats();
  w.Section("Stats");
  w.Field("total_connections_received", st.total_connections_received);
  w.Field("total_commands_processed", st.total_commands_processed);
  w.Field("instantaneous_ops_per_sec", static_cast<int64_t>(s.instantaneous_ops()));
  w.Field("total_net_input_bytes", st.total_net_input_bytes);
  w.Field("total_net_output_bytes", st.total_net_output_bytes);
  w.Field("total_net_repl_input_bytes", 0);
  w.Field("total_net_repl_output_bytes", 0);
  w.FieldF("instantaneous_input_kbps", s.instantaneous_input_kbps());
  w.FieldF("instantaneous_output_kbps", s.instantaneous_output_kbps());
  w.FieldF("instantaneous_input_repl_kbps", 0);
  w.FieldF("instantaneous_output_repl_kbps", 0);
  w.Field("rejected_connections", st.rejected_connections);
  w.Field("sync_full", 0);
  w.Field("sync_partial_ok", 0);
  w.Field("sync_partial_err", 0);
  w.Field("expired_keys", ks.expired_keys);
  w.FieldF("expired_stale_perc", s.expirer().stats().stale_perc * 100);
  w.Field("expired_time_cap_reached_count", s.expirer().stats().time_cap_reached_count);
  w.Field("expire_cycle_cpu_milliseconds", s.expirer().stats().cpu_us / 1000);
  const uint64_t exceeding_us = s.evictor().CurrentExceededUs();
  w.Field("evicted_keys", s.evictor().stats().evicted_keys);
  w.Field("evicted_clients", s.stats().evicted_clients);
  w.Field("total_eviction_exceeded_time",
          (s.evictor().stats().total_exceeded_us + exceeding_us) / 1000);
  w.Field("current_eviction_exceeded_time", exceeding_us / 1000);
  w.Field("keyspace_hits", ks.keyspace_hits);
  w.Field("keyspace_misses", ks.keyspace_misses);
  w.Field("pubsub_channels", static_cast<uint64_t>(s.pubsub().channel_count(ChannelKind::kGlobal)));
  w.Field("pubsub_patterns", static_cast<uint64_t>(s.pubsub().pattern_count()));
  w.Field("pubsubshard_channels",
          static_cast<uint64_t>(s.pubsub().channel_count(ChannelKind::kShard)));
  w.Field("latest_fork_usec", s.snapshots().latest_fork_usec());
  w.Field("total_forks", s.snapshots().total_forks());
  w.Field("migrate_cached_sockets", 0);
  w.Field("slave_expires_tracked_keys", 0);
  w.Field("active_defrag_hits", 0);
  w.Field("active_defrag_misses", 0);
  w.Field("active_defrag_key_hits", 0);
  w.Field("active_defrag_key_misses", 0);
  w.Field("total_active_defrag_time", 0);
  w.Field("current_active_defrag_time", 0);
  w.Field("tracking_total_keys", static_cast<uint64_t>(s.tracking().total_keys()));
  w.Field("tracking_total_items", s.tracking().total_items());
  w.Field("tracking_total_prefixes", static_cast<uint64_t>(s.tracking().total_prefixes()));
  w.Field("unexpected_error_replies", st.unexpected_error_replies);
  w.Field("total_error_replies", st.total_error_replies);
  w.Field("dump_payload_sanitizations", 0);
  w.Field("total_reads_processed", st.total_reads_processed);
  w.Field("total_writes_processed", st.total_writes_processed);
  w.Field("io_threaded_reads_processed", s.io_threaded_reads());
  w.Field("io_threaded_writes_processed", s.io_threaded_writes());
  w.Field("reply_buffer_shrinks", 0);
  w.Field("reply_buffer_expands", 0);
}

void InfoReplication(Server& s, InfoWriter& w) {
  w.Section("Replication");
  w.Field("role", std::string("master"));
  w.Field("connected_slaves", 0);
  w.Field("master_failover_state", std::string("no-failover"));
  w.Field("master_replid", s.run_id());
  w.Field("master_replid2", std::string(40, '0'));
  w.Field("master_repl_offset", 0);
  w.Field("second_repl_offset", -1);
  w.Field("repl_backlog_active", 0);
  w.Field("repl_backlog_size", 1048576);
  w.Field("repl_backlog_first_byte_offset", 0);
  w.Field("repl_backlog_histlen", 0);
}

void InfoCpu(InfoWriter& w) {
  struct rusage self, children, thread;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  w.Section("CPU");
  w.FieldF("used_cpu_sys", TimevalSeconds(self.ru_stime), 6);
  w.FieldF("used_cpu_user", TimevalSeconds(self.ru_utime), 6);
  w.FieldF("used_cpu_sys_children", TimevalSeconds(children.ru_stime), 6);
  w.FieldF("used_cpu_user_children", TimevalSeconds(children.ru_utime), 6);
  w.FieldF("used_cpu_sys_main_thread", TimevalSeconds(thread.ru_stime), 6);
  w.FieldF("used_cpu_user_main_thread", TimevalSeconds(thread.ru_utime), 6);
}

void InfoErrorStats(Server& s, InfoWriter& w) {
  w.Section("Errorstats");
  for (const auto& [code, count] : s.error_stats()) {
    w.Field(("errorstat_" + code).c_str(), "count=" + std::to_string(count));
  }
}

void InfoCommandStats(Server& s, InfoWriter& w) {
  w.Section("Commandstats");
  auto one = [&w](const CommandSpec& cmd) {
    const commands::CommandStats& st = cmd.stats;
    if (st.calls == 0 && st.rejected_calls == 0 && st.failed_calls == 0) return;
    char buf[256];
    snprintf(buf, sizeof(buf),
             "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
             static_cast<unsigned long long>(st.calls), static_cast<unsigned long long>(st.usec),
             st.calls ? static_cast<double>(st.usec) / st.calls : 0.0,
             static_cast<unsigned long long>(st.rejected_calls),
             static_cast<unsigned long long>(st.failed_calls));
    w.Field(("cmdstat_" + cmd.name).c_str(), std::string(buf));
  };
  s.commands().ForEachCallable([&](const CommandSpec& cmd) {
    one(cmd);
    for (const auto& sub : cmd.subcommands) one(sub);
  });
}

// Redis 7.0's genRedisInfoStringLatencyStats: with latency-tracking off only
// the header (the histograms stay, LATENCY HISTOGRAM still shows them).
void InfoLatencyStats(Server& s, InfoWriter& w) {
  w.Section("Latencystats");
  if (!s.settings().latency_tracking) return;
  w.text() += LatencyStatsInfo(s.commands(), s.settings().latency_percentiles);
}

void InfoKeyspace(Server& s, InfoWriter& w) {
  w.Section("Keyspace");
  for (int i = 0; i < s.keyspace().count(); ++i) {
    storage::Database& db = s.keyspace().db(i);
    if (db.size() == 0) continue;
    w.Field(("db" + std::to_string(i)).c_str(),
            "keys=" + std::to_string(db.size()) + ",expires=" + std::to_string(db.expires_size()) +
                ",avg_ttl=" + std::to_string(db.avg_ttl()));
  }
}

// ---- CONFIG ---------------------------------------------------------------

constexpr const char* kConfigHelp[] = {
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
};

void ConfigHelp(CommandContext& ctx) { ReplyHelp(ctx, "config", kConfigHelp); }

void ConfigGet(CommandContext& ctx) {
  auto pairs = ServerOf(ctx).config().Get(ctx.args.subspan(2));
  ctx.reply->MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply->Bulk(name);
    ctx.reply->Bulk(value);
  }
}

void ConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply->Error(protocol::WrongArityError("config|set"));
    return;
  }
  Status st = ServerOf(ctx).config().Set(ctx.args.subspan(2));
  if (!st.ok()) {
    ctx.reply->Error(st.message());
    return;
  }
  ctx.reply->Ok();
}

void ConfigResetStat(CommandContext& ctx) {
  ServerOf(ctx).ResetStats();
  ctx.reply->Ok();
}

void ConfigRewrite(CommandContext& ctx) {
  // Rewrite() logs success or failure itself, as Redis does.
  Status st = ServerOf(ctx).config().Rewrite();
  if (!st.ok()) {
    ctx.reply->Error(st.message());
    return;
  }
  ctx.reply->Ok();
}

// ---- TIME, SHUTDOWN ---------------------------------------------------------

void TimeCommand(CommandContext& ctx) {
  int64_t us = WallTimeUs();
  ctx.reply->ArrayHeader(2);
  ctx.reply->BulkLongLong(us / 1000000);
  ctx.reply->BulkLongLong(us % 1000000);
}

void ShutdownCommand(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false, now = false, force = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      now = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  if (abort) {
    ctx.reply->Error("ERR No shutdown in progress.");
    return;
  }
  Server& server = ServerOf(ctx);
  const int flags = (save ? Server::kShutdownSave : 0) | (nosave ? Server::kShutdownNoSave : 0) |
                    (now ? Server::kShutdownNow : 0) | (force ? Server::kShutdownForce : 0);
  if (!server.PrepareShutdown(flags)) {
    ctx.reply->Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  // Success has no reply, as in Redis: the connection simply closes.
  server.ShutdownFromCommand();
}

// ---- DEBUG -----------------------------------------------------------------

// The subset of DEBUG that test tools rely on. The help lists only these
// (Redis lists ~50; see docs/COMPATIBILITY.md).
constexpr const char* kDebugHelp[] = {
    "OBJECT <key>",
    "    Show low level info about the `key` and associated value.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
};

void DebugCommand(CommandContext& ctx) {
  std::string_view sub = ctx.args[1];
  Server& server = ServerOf(ctx);
  if (EqualsIgnoreCase(sub, "help") && ctx.argc() == 2) {
    ReplyHelp(ctx, "debug", kDebugHelp);
  } else if (EqualsIgnoreCase(sub, "sleep") && ctx.argc() == 3) {
    // Redis parses with atof: junk sleeps 0.
    double seconds = std::atof(std::string(ctx.args[2]).c_str());
    if (seconds > 0) usleep(static_cast<useconds_t>(seconds * 1e6));
    ctx.reply->Ok();
  } else if (EqualsIgnoreCase(sub, "set-active-expire") && ctx.argc() == 3) {
    server.settings().active_expire_enabled = std::atoi(std::string(ctx.args[2]).c_str()) != 0;
    ctx.reply->Ok();
  } else if (EqualsIgnoreCase(sub, "reload")) {
    bool merge = false, noflush = false, nosave = false;
    for (size_t j = 2; j < ctx.argc(); ++j) {
      if (EqualsIgnoreCase(ctx.args[j], "merge")) {
        merge = true;
      } else if (EqualsIgnoreCase(ctx.args[j], "noflush")) {
        noflush = true;
      } else if (EqualsIgnoreCase(ctx.args[j], "nosave")) {
        nosave = true;
      } else {
        ctx.reply->Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        return;
      }
    }
    std::string error = server.snapshots().DebugReload(merge, noflush, nosave);
    if (error.empty()) {
      ctx.reply->Ok();
    } else {
      ctx.reply->Error(error);
    }
  } else if (EqualsIgnoreCase(sub, "object") && ctx.argc() == 3) {
    storage::Value* v = ctx.db->LookupNoTouch(ctx.args[2], ctx.now_ms);
    if (v == nullptr) {
      ctx.reply->Error(protocol::kErrNoSuchKey);
      return;
    }
    uint64_t idle = static_cast<uint64_t>(v->IdleTimeMs(ctx.now_ms) / 1000);
    bool shared = v->shared_integer();
    char line[256];
    snprintf(line, sizeof(line),
             "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u "
             "lru_seconds_idle:%llu",
             static_cast<void*>(v), shared ? INT32_MAX : 1, storage::EncodingName(v->encoding()),
             server.snapshots().SerializedLength(*v), v->lru(),
             static_cast<unsigned long long>(idle));
    ctx.reply->SimpleString(line);
  } else {
    ctx.reply->Error(protocol::SubcommandSyntaxError("debug", sub));
  }
}

void InfoCommand(CommandContext& ctx) {
  ctx.reply->Verbatim(InfoText(ServerOf(ctx), ctx.args.subspan(1)));
}

CommandSpec Spec(const char* name, int arity, uint32_t flags, uint64_t acl, commands::Handler h,
                 const char* summary, const char* since, const char* group,
                 const char* complexity) {
  return commands::MakeCommand(name, arity, flags, acl, {}, h, summary, since, group, complexity);
}

}  // namespace

std::string InfoText(Server& s, std::span<const std::string_view> sections) {
  // Redis's default set, and "all" / "everything" add the rest.
  static constexpr const char* kDefault[] = {"server", "clients",     "memory", "persistence",
                                             "stats",  "replication", "cpu",    "errorstats",
                                             "keyspace"};
  // Sections outside the default set, shown only when named or with all.
  auto extra = [&](const char* name) {
    for (std::string_view sec : sections) {
      if (EqualsIgnoreCase(sec, name) || EqualsIgnoreCase(sec, "all") ||
          EqualsIgnoreCase(sec, "everything")) {
        return true;
      }
    }
    return false;
  };
  auto wanted = [&](const char* name) {
    if (sections.empty()) {
      for (const char* d : kDefault) {
        if (std::string_view(d) == name) return true;
      }
      return false;
    }
    for (std::string_view sec : sections) {
      if (EqualsIgnoreCase(sec, name) || EqualsIgnoreCase(sec, "all") ||
          EqualsIgnoreCase(sec, "everything")) {
        return true;
      }
      if (EqualsIgnoreCase(sec, "default")) {
        for (const char* d : kDefault) {
          if (std::string_view(d) == name) return true;
        }
      }
    }
    return false;
  };
  InfoWriter w;
  if (wanted("server")) InfoServer(s, w);
  if (wanted("clients")) InfoClients(s, w);
  if (wanted("memory")) InfoMemory(s, w);
  if (wanted("persistence")) InfoPersistence(s, w);
  if (wanted("stats")) InfoStats(s, w);
  if (wanted("replication")) InfoReplication(s, w);
  if (wanted("cpu")) InfoCpu(w);
  if (extra("commandstats")) InfoCommandStats(s, w);
  if (wanted("errorstats")) InfoErrorStats(s, w);
  if (extra("latencystats")) InfoLatencyStats(s, w);
  if (wanted("keyspace")) InfoKeyspace(s, w);
  return std::move(w.text());
}

void RegisterServerCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag and category names
  table->Add(Spec("info", -1, kCmdLoading | kCmdStale | kCmdSentinel, kAclDangerous, InfoCommand,
                  "Get information and statistics about the server", "1.0.0", "server", "O(1)"));
  table->Add(Spec("debug", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdProtected,
                  0, DebugCommand, "A container for debugging commands", "1.0.0", "server",
                  "Depends on subcommand."));
  table->Add(Spec("time", 1, kCmdLoading | kCmdStale | kCmdFast, 0, TimeCommand,
                  "Return the current server time", "2.6.0", "server", "O(1)"));
  table->Add(Spec("shutdown", -1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale |
                                      kCmdNoMulti | kCmdSentinel | kCmdAllowBusy,
                  0, ShutdownCommand, "Synchronously save the dataset to disk and then shut down the server",
                  "1.0.0", "server", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)"));

  const uint32_t kCfgFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  CommandSpec config = Spec("config", -2, 0, 0, nullptr, "A container for server configuration commands",
                            "2.0.0", "server", "Depends on subcommand.");
  config.subcommands.push_back(Spec("config|get", -3, kCfgFlags, 0, ConfigGet,
                                    "Get the values of configuration parameters", "2.0.0",
                                    "server", "O(N) when N is the number of configuration parameters provided"));
  config.subcommands.push_back(Spec("config|set", -4, kCfgFlags | kCmdMayReplicate, 0, ConfigSet,
                                    "Set configuration parameters to the given values", "2.0.0",
                                    "server", "O(N) when N is the number of configuration parameters provided"));
  config.subcommands.push_back(Spec("config|resetstat", 2, kCfgFlags, 0, ConfigResetStat,
                                    "Reset the stats returned by INFO", "2.0.0", "server", "O(1)"));
  config.subcommands.push_back(Spec("config|rewrite", 2, kCfgFlags, 0, ConfigRewrite,
                                    "Rewrite the configuration file with the in memory configuration",
                                    "2.8.0", "server", "O(1)"));
  config.subcommands.push_back(Spec("config|help", 2, kCmdLoading | kCmdStale, 0, ConfigHelp,
                                    "Show helpful text about the different subcommands", "5.0.0",
                                    "server", "O(1)"));
  table->Add(std::move(config));
  RegisterIntrospectionCommands(table);
  RegisterMemoryCommands(table);
}

}  // namespace spindle::server

// MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP (Redis's
// memoryCommand in object.c). The figures come from the Evictor (accounting,
// overhead) and common/memory (the allocator).

#include <climits>
#include <cstdio>

#include "common/memory.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;

namespace {

Server& ServerOf(CommandContext& ctx) { return *ClientOf(ctx)->server(); }

constexpr const char* kMemoryHelp[] = {
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
};

// OBJ_COMPUTE_SIZE_DEF_SAMPLES.
constexpr int64_t kDefaultSamples = 5;

void MemoryHelp(CommandContext& ctx) { ReplyHelp(ctx, "memory", kMemoryHelp); }

void MemoryUsage(CommandContext& ctx) {
  int64_t samples = kDefaultSamples;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (EqualsIgnoreCase(ctx.args[j], "samples") && j + 1 < ctx.argc()) {
      if (!StringToInt64(ctx.args[j + 1], &samples)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.reply->Error(protocol::kErrSyntax);
        return;
      }
      ++j;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  // dictFind: the key as stored, even if its TTL has passed.
  std::optional<size_t> usage = ctx.db->MemoryUsage(ctx.args[2], static_cast<size_t>(samples));
  if (!usage) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Integer(static_cast<int64_t>(*usage));
}

// The allocator and RSS ratios of MEMORY STATS and MEMORY DOCTOR (Redis's
// cron_malloc_stats, read here on demand).
struct Fragmentation {
  memory::AllocatorStats alloc;
  uint64_t rss = 0;
  double allocator_frag = 0, allocator_rss = 0, rss_extra = 0, total_frag = 0;
  int64_t allocator_frag_bytes = 0, allocator_rss_bytes = 0, rss_extra_bytes = 0,
          total_frag_bytes = 0;
};

Fragmentation MeasureFragmentation(uint64_t used) {
  Fragmentation f;
  f.alloc = memory::GetAllocatorStats();
  f.rss = memory::ProcessRss();
  auto ratio = [](uint64_t a, uint64_t b) {
    return b ? static_cast<double>(static_cast<float>(a) / static_cast<float>(b)) : 0.0;
  };
  auto diff = [](uint64_t a, uint64_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); };
  f.allocator_frag = ratio(f.alloc.active, f.alloc.allocated);
  f.allocator_frag_bytes = diff(f.alloc.active, f.alloc.allocated);
  f.allocator_rss = ratio(f.alloc.resident, f.alloc.active);
  f.allocator_rss_bytes = diff(f.alloc.resident, f.alloc.active);
  f.rss_extra = ratio(f.rss, f.alloc.resident);
  f.rss_extra_bytes = diff(f.rss, f.alloc.resident);
  f.total_frag = ratio(f.rss, used);
  f.total_frag_bytes = diff(f.rss, used);
  return f;
}

void MemoryStats(CommandContext& ctx) {
  Server& s = ServerOf(ctx);
  const MemoryOverhead mh = s.evictor().Overhead();
  const Fragmentation f = MeasureFragmentation(mh.total_allocated);
  protocol::ReplyBuilder& r = *ctx.reply;
  r.MapHeader(27 + mh.dbs.size());
  auto num = [&r](const char* name, int64_t v) {
    r.Bulk(name);
    r.Integer(v);
  };
  auto dbl = [&r](const char* name, double v) {
    r.Bulk(name);
    r.Double(v);
  };
  num("peak.allocated", static_cast<int64_t>(mh.peak_allocated));
  num("total.allocated", static_cast<int64_t>(mh.total_allocated));
  num("startup.allocated", static_cast<int64_t>(mh.startup_allocated));
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", static_cast<int64_t>(mh.clients_normal));
  num("cluster.links", 0);
  num("aof.buffer", static_cast<int64_t>(mh.aof_buffer));
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (const MemoryOverhead::Db& db : mh.dbs) {
    r.Bulk("db." + std::to_string(db.index));
    r.MapHeader(3);
    num("overhead.hashtable.main", static_cast<int64_t>(db.overhead_main));
    num("overhead.hashtable.expires", static_cast<int64_t>(db.overhead_expires));
    num("overhead.hashtable.slot-to-keys", 0);  // cluster mode only
  }
  num("overhead.total", static_cast<int64_t>(mh.overhead_total));
  num("keys.count", static_cast<int64_t>(mh.total_keys));
  num("keys.bytes-per-key", static_cast<int64_t>(mh.bytes_per_key));
  num("dataset.bytes", static_cast<int64_t>(mh.dataset));
  dbl("dataset.percentage", static_cast<float>(mh.dataset_perc));
  dbl("peak.percentage", static_cast<float>(mh.peak_perc));
  num("allocator.allocated", static_cast<int64_t>(f.alloc.allocated));
  num("allocator.active", static_cast<int64_t>(f.alloc.active));
  num("allocator.resident", static_cast<int64_t>(f.alloc.resident));
  dbl("allocator-fragmentation.ratio", f.allocator_frag);
  num("allocator-fragmentation.bytes", f.allocator_frag_bytes);
  dbl("allocator-rss.ratio", f.allocator_rss);
  num("allocator-rss.bytes", f.allocator_rss_bytes);
  dbl("rss-overhead.ratio", f.rss_extra);
  num("rss-overhead.bytes", f.rss_extra_bytes);
  dbl("fragmentation", f.total_frag);
  num("fragmentation.bytes", f.total_frag_bytes);
}

// getMemoryDoctorReport.
std::string DoctorReport(Server& s) {
  const MemoryOverhead mh = s.evictor().Overhead();
  const Fragmentation f = MeasureFragmentation(mh.total_allocated);
  bool empty = false, big_peak = false, high_frag = false, high_alloc_frag = false,
       high_proc_rss = false, high_alloc_rss = false, big_client_buf = false;
  int reports = 0;
  if (mh.total_allocated < 1024 * 1024 * 5) {
    empty = true;
    ++reports;
  } else {
    if (static_cast<double>(mh.peak_allocated) / mh.total_allocated > 1.5) {
      big_peak = true;
      ++reports;
    }
    constexpr int64_t k10Mb = 10 << 20;
    if (f.total_frag > 1.4 && f.total_frag_bytes > k10Mb) {
      high_frag = true;
      ++reports;
    }
    if (f.allocator_frag > 1.1 && f.allocator_frag_bytes > k10Mb) {
      high_alloc_frag = true;
      ++reports;
    }
    if (f.allocator_rss > 1.1 && f.allocator_rss_bytes > k10Mb) {
      high_alloc_rss = true;
      ++reports;
    }
    if (f.rss_extra > 1.1 && f.rss_extra_bytes > k10Mb) {
      high_proc_rss = true;
      ++reports;
    }
    const size_t clients = s.clients().size();
    if (clients > 0 && mh.clients_normal / clients > 1024 * 200) {
      big_client_buf = true;
      ++reports;
    }
  }
  if (reports == 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
           "occurs on this base.\n";
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector "
           "can't be used in these conditions. Please, leave for your mission on Earth and fill "
           "it with some data. The new Sam and I will be back to our programming as soon as I "
           "finished rebooting.\n";
  }
  std::string out = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  if (big_peak) {
    out +=
        " * Peak memory: In the past this instance used more than 150% the memory that is "
        "currently using. The allocator is normally not able to release memory after a peak, so "
        "you can expect to see a big fragmentation ratio, however this is actually harmless and "
        "is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is "
        "currently bigger than expected, the memory will be used as soon as you fill the Redis "
        "instance with more data. If the memory peak was only occasional and you want to try to "
        "reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is "
        "to shutdown and restart the instance.\n\n";
  }
  if (high_frag) {
    out += std::string(
               " * High total RSS: This instance has a memory fragmentation and RSS overhead "
               "greater than 1.4 (this means that the Resident Set Size of the Redis process is "
               "much larger than the sum of the logical allocations Redis performed). This "
               "problem is usually due either to a large peak memory (check if there is a peak "
               "memory entry above in the report) or may result from a workload that causes the "
               "allocator to fragment memory a lot. If the problem is a large peak memory, then "
               "there is no issue. Otherwise, make sure you are using the Jemalloc allocator and "
               "not the default libc malloc. Note: The currently used allocator is \"") +
           memory::AllocatorName() + "\".\n\n";
  }
  if (high_alloc_frag) {
    out +=
        " * High allocator fragmentation: This instance has an allocator external fragmentation "
        "greater than 1.1. This problem is usually due either to a large peak memory (check if "
        "there is a peak memory entry above in the report) or may result from a workload that "
        "causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' "
        "config option.\n\n";
  }
  if (high_alloc_rss) {
    out +=
        " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than "
        "1.1 (this means that the Resident Set Size of the allocator is much larger than the sum "
        "what the allocator actually holds). This problem is usually due to a large peak memory "
        "(check if there is a peak memory entry above in the report), you can try the MEMORY "
        "PURGE command to reclaim it.\n\n";
  }
  if (high_proc_rss) {
    out +=
        " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
        "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
        "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
        "Modules.\n\n";
  }
  if (big_client_buf) {
    out +=
        " * Big client buffers: The clients output buffers in this instance are greater than "
        "200K per client (on average). This may result from different causes, like Pub/Sub "
        "clients subscribed to channels bot not receiving data fast enough, so that data piles "
        "on the Redis instance output buffer, or clients sending commands with large replies or "
        "very large sequences of commands in the same pipeline. Please use the CLIENT LIST "
        "command in order to investigate the issue if it causes problems in your instance, or "
        "to understand better why certain clients are using a big amount of memory.\n\n";
  }
  out += "I'm here to keep you safe, Sam. I want to help you.\n";
  return out;
}

void MemoryDoctor(CommandContext& ctx) { ctx.reply->Verbatim(DoctorReport(ServerOf(ctx))); }

void MemoryMallocStats(CommandContext& ctx) {
  if (memory::IsJemalloc()) {
    ctx.reply->Verbatim(memory::MallocStatsText());
  } else {
    ctx.reply->Bulk(memory::MallocStatsText());
  }
}

void MemoryPurge(CommandContext& ctx) {
  if (memory::Purge()) {
    ctx.reply->Ok();
  } else {
    ctx.reply->Error("ERR Error purging dirty pages");
  }
}

CommandSpec Spec(const char* name, int arity, uint32_t flags, commands::KeyRange keys,
                 commands::Handler h, const char* summary, const char* since,
                 const char* complexity) {
  return commands::MakeCommand(name, arity, flags, 0, keys, h, summary, since, "server",
                               complexity);
}

}  // namespace

void RegisterMemoryCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag names
  constexpr KeyRange kNoKeys{0, 0, 0};
  CommandSpec memory = Spec("memory", -2, 0, kNoKeys, nullptr,
                            "A container for memory diagnostics commands", "4.0.0",
                            "Depends on subcommand.");
  memory.subcommands.push_back(Spec("memory|doctor", 2, 0, kNoKeys, MemoryDoctor,
                                    "Outputs memory problems report", "4.0.0", "O(1)"));
  memory.subcommands.push_back(Spec("memory|help", 2, kCmdLoading | kCmdStale, kNoKeys, MemoryHelp,
                                    "Show helpful text about the different subcommands", "4.0.0",
                                    "O(1)"));
  memory.subcommands.push_back(Spec("memory|malloc-stats", 2, 0, kNoKeys, MemoryMallocStats,
                                    "Show allocator internal stats", "4.0.0",
                                    "Depends on how much memory is allocated, could be slow"));
  memory.subcommands.push_back(Spec("memory|purge", 2, 0, kNoKeys, MemoryPurge,
                                    "Ask the allocator to release memory", "4.0.0",
                                    "Depends on how much memory is allocated, could be slow"));
  memory.subcommands.push_back(Spec("memory|stats", 2, 0, kNoKeys, MemoryStats,
                                    "Show memory usage details", "4.0.0", "O(1)"));
  memory.subcommands.push_back(Spec("memory|usage", -3, kCmdReadOnly, KeyRange{2, 2, 1},
                                    MemoryUsage, "Estimate the memory usage of a key", "4.0.0",
                                    "O(N) where N is the number of samples."));
  table->Add(std::move(memory));
}

}  // namespace spindle::server

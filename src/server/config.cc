// The directive table and the three ways values arrive (config file,
// command line, CONFIG SET), reproducing Redis 7.0.15 (config.c) closely
// enough that the same input gives the same value, the same CONFIG GET text
// and the same error message. Behaviour was checked against a running
// redis-server 7.0.15; the notes below record the less obvious findings.
//
// Storage: every directive keeps its CONFIG GET text in current_; the typed
// fields of ServerConfig are derived from it after each change. A CONFIG SET
// snapshot is therefore just a copy of current_.

#include "server/config.h"

#include <glob.h>  // the system's glob(3), for `include /dir/*.conf`
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "common/glob.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "common/text_lines.h"
#include "server/config_internal.h"
#include "storage/keyspace_events.h"

namespace spindle::server {
namespace {

constexpr const char* kRedisVersion = "7.0.15";
constexpr int kMaxIncludeDepth = 16;  // Redis has none and overflows its stack
constexpr int kBindAddrMax = 16;      // CONFIG_BINDADDR_MAX
constexpr int kMinHz = 1;
constexpr int kMaxHz = 500;
constexpr size_t kLoadBufSize = 256;  // Redis formats some errors into 256 bytes
// Spindle's `bind` default (Redis: "* -::*"); see Config::Config().
constexpr const char* kDefaultBind = "127.0.0.1 -::1";

enum Flags : uint32_t {
  kModifiable = 0,
  kImmutable = 1 << 0,
  kProtected = 1 << 1,  // settable only if enable-protected-configs allows
  kHidden = 1 << 2,     // CONFIG GET needs the exact name
  kMultiArg = 1 << 3,   // several arguments in a file; CONFIG SET splits on ' '
  kSensitive = 1 << 4,  // redacted from SLOWLOG / MONITOR
};

enum class Kind : uint8_t { kBool, kString, kEnum, kNumeric, kSpecial };

enum NumFlags : uint8_t { kInteger = 0, kMemory = 1, kPercent = 2, kOctal = 4 };

struct EnumValue {
  const char* name;
  int value;
};

struct EnumSpec {
  std::vector<EnumValue> values;
  bool bitflags = false;  // several names OR-ed together (shutdown-on-sig*)
  // Optional check on the combined value.
  bool (*validate)(int value, std::string* err) = nullptr;
};

// State a special setter may need besides its arguments.
struct SetContext {
  bool reading_file;
  bool* save_loaded;
  const std::string* current;  // the directive's current CONFIG GET text
  // notify-keyspace-events as parsed: its CONFIG GET text cannot carry 'n'
  // next to 'A' (Redis drops it there too), but the flags keep it.
  uint32_t* notify_flags;
};

using StringCheck = bool (*)(const std::string& value, std::string* err);
using BoolCheck = bool (*)(bool value, std::string* err);
using SpecialSet = bool (*)(SetContext& ctx, const std::vector<std::string>& args,
                            std::string* value, std::string* err);

struct Directive {
  const char* name;
  const char* alias = nullptr;
  uint32_t flags = kModifiable;
  Kind kind = Kind::kString;
  std::string default_text;
  // kNumeric
  uint8_t num_flags = kInteger;
  bool unsigned_check = false;  // Redis compares bounds as unsigned for these
  int64_t lower = 0;
  int64_t upper = 0;
  // kEnum
  const EnumSpec* enums = nullptr;
  StringCheck string_check = nullptr;
  BoolCheck bool_check = nullptr;
  SpecialSet special = nullptr;
};

// ---------------------------------------------------------------------------
// Value parsing helpers with Redis's exact acceptance rules.

// Redis hands C strings to strtoll & co: an embedded NUL ends the value.
std::string CStr(std::string_view s) { return std::string(CStringView(s)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Redis 7's memtoull: digits plus an optional unit (b, k, kb, m, mb, g, gb,
// any case). "" and "kb" are 0; a '-' is refused; overflow is not detected
// (strtoull saturates, the multiplication wraps) - all as Redis does.
bool MemToUll(std::string_view in, uint64_t* out) {
  std::string s = CStr(in);
  if (!s.empty() && s[0] == '-') return false;
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::string unit = ToLower(std::string_view(s).substr(i));
  uint64_t mul;
  if (unit.empty() || unit == "b") {
    mul = 1;
  } else if (unit == "k") {
    mul = 1000;
  } else if (unit == "kb") {
    mul = 1024;
  } else if (unit == "m") {
    mul = 1000 * 1000;
  } else if (unit == "mb") {
    mul = 1024 * 1024;
  } else if (unit == "g") {
    mul = 1000ULL * 1000 * 1000;
  } else if (unit == "gb") {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  if (i >= 128) return false;
  std::string digits = s.substr(0, i);
  uint64_t val = std::strtoull(digits.c_str(), nullptr, 10);
  *out = val * mul;
  return true;
}

// strtoll(s, &end, base) with Redis's usual "*end must be the terminator"
// check; leading spaces and a sign are accepted, overflow saturates.
bool StrToLl(std::string_view in, int base, int64_t* out, bool check_errno) {
  std::string s = CStr(in);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, base);
  if (check_errno && errno != 0) return false;
  if (*end != '\0') return false;
  *out = v;
  return true;
}

std::string U64ToString(uint64_t v) { return std::to_string(v); }

std::string FormatOctal(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
  return buf;
}

// ---------------------------------------------------------------------------
// Validators (texts as Redis 7.0.15 prints them).

bool IsBaseName(const std::string& v) {
  return v.find('/') == std::string::npos && v.find('\\') == std::string::npos;
}

bool CheckDbFilename(const std::string& v, std::string* err) {
  if (!IsBaseName(v)) {
    *err = "dbfilename can't be a path, just a filename";
    return false;
  }
  return true;
}

bool CheckAofFilename(const std::string& v, std::string* err) {
  if (v.empty()) {
    *err = "appendfilename can't be empty";
    return false;
  }
  if (!IsBaseName(v)) {
    *err = "appendfilename can't be a path, just a filename";
    return false;
  }
  return true;
}

bool CheckAofDirname(const std::string& v, std::string* err) {
  if (v.empty()) {
    *err = "appenddirname can't be empty";
    return false;
  }
  if (!IsBaseName(v)) {
    *err = "appenddirname can't be a path, just a dirname";
    return false;
  }
  return true;
}

bool CheckHostname(const std::string& v, std::string* err) {
  std::string s = CStr(v);
  if (s.size() >= 256) {
    *err = "Hostnames must be less than 256 characters";
    return false;
  }
  for (char c : s) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '.';
    if (!ok) {
      *err = "Hostnames may only contain alphanumeric characters, hyphens or dots";
      return false;
    }
  }
  return true;
}

// Redis expands the template with an empty title and refuses it if a
// variable is unknown, a '{' is unclosed, or the result is blank. Variables
// that depend on the running server expand to something non-empty here
// except the ones that are empty on a plain standalone server.
bool CheckProcTitleTemplate(const std::string& v, std::string* err) {
  std::string s = CStr(v);
  std::string out;
  size_t p = 0;
  bool ok = true;
  while (p < s.size()) {
    size_t sv = s.find('{', p);
    if (sv == std::string::npos) {
      out += s.substr(p);
      break;
    }
    out += s.substr(p, sv - p);
    ++sv;
    if (sv >= s.size()) {
      ok = false;
      break;
    }
    if (s[sv] == '{') {
      out += '{';
      p = sv + 1;
      continue;
    }
    size_t ev = s.find('}', sv);
    if (ev == std::string::npos) {
      ok = false;
      break;
    }
    std::string var = s.substr(sv, ev - sv);
    if (var == "title" || var == "server-mode" || var == "unixsocket" || var == "config-file") {
      // empty for a standalone server without unixsocket / config file
    } else if (var == "listen-addr" || var == "port" || var == "tls-port") {
      out += "x";
    } else {
      ok = false;
      break;
    }
    p = ev + 1;
  }
  if (ok) {
    size_t a = out.find_first_not_of(' ');
    ok = a != std::string::npos;
  }
  if (!ok) *err = "template format is invalid or contains unknown variables";
  return ok;
}

bool CheckActiveDefrag(bool v, std::string* err) {
  if (v) {
    // Like Debian's redis-server, Spindle has no defragmenting allocator.
    *err =
        "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
        "modified Jemalloc like the one shipped by default with the Redis source distribution";
    return false;
  }
  return true;
}

constexpr int kShutdownSave = 1, kShutdownNoSave = 2, kShutdownNow = 4, kShutdownForce = 8;

bool CheckShutdownFlags(int v, std::string* err) {
  if ((v & kShutdownSave) && (v & kShutdownNoSave)) {
    *err = "shutdown options SAVE and NOSAVE can't be used simultaneously";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Special directives.

bool SetDir(SetContext&, const std::vector<std::string>& args, std::string* value,
            std::string* err) {
  if (args.size() != 1) {
    *err = "wrong number of arguments";
    return false;
  }
  std::string path = CStr(args[0]);
  if (chdir(path.c_str()) == -1) {
    *err = std::strerror(errno);
    return false;
  }
  char buf[1024];
  *value = getcwd(buf, sizeof(buf)) ? buf : "";
  return true;
}

bool SetSave(SetContext& ctx, const std::vector<std::string>& in, std::string* value,
             std::string* err) {
  std::vector<std::string> args = in;
  if (args.size() == 1 && args[0].empty()) args.clear();
  if (args.size() % 2 != 0) {
    *err = "Invalid save parameters";
    return false;
  }
  std::string added;
  for (size_t j = 0; j < args.size(); ++j) {
    int64_t v;
    if (!StrToLl(args[j], 10, &v, false) || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
      *err = "Invalid save parameters";
      return false;
    }
  }
  for (size_t j = 0; j < args.size(); j += 2) {
    int64_t seconds = 0, changes = 0;
    StrToLl(args[j], 10, &seconds, false);
    StrToLl(args[j + 1], 10, &changes, false);
    if (!added.empty()) added += ' ';
    added += std::to_string(seconds) + " " + std::to_string(static_cast<int>(changes));
  }
  // In a config file the first `save` line replaces the defaults and later
  // ones add to it; CONFIG SET always replaces.
  bool append = ctx.reading_file && *ctx.save_loaded;
  if (ctx.reading_file) *ctx.save_loaded = true;
  if (append && !ctx.current->empty()) {
    *value = added.empty() ? *ctx.current : *ctx.current + " " + added;
  } else {
    *value = added;
  }
  return true;
}

// Class names Redis accepts (getClientTypeByName); "master" is known but
// refused for output buffer limits.
int ClientClass(const std::string& name) {
  std::string n = ToLower(CStr(name));
  if (n == "normal") return 0;
  if (n == "slave" || n == "replica") return 1;
  if (n == "pubsub") return 2;
  if (n == "master") return 3;
  return -1;
}

bool SetClientOutputBufferLimit(SetContext& ctx, const std::vector<std::string>& args,
                                std::string* value, std::string* err) {
  if (args.size() % 4 != 0) {
    *err = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  // Current limits, parsed back from "normal h s t slave h s t pubsub h s t".
  uint64_t limits[3][3] = {};
  {
    std::istringstream in(*ctx.current);
    std::string cls;
    for (int c = 0; c < 3; ++c) {
      long long sec;
      in >> cls >> limits[c][0] >> limits[c][1] >> sec;
      limits[c][2] = static_cast<uint64_t>(sec);
    }
  }
  uint64_t fresh[3][3];
  bool touched[3] = {false, false, false};
  for (size_t j = 0; j < args.size(); j += 4) {
    int cls = ClientClass(args[j]);
    if (cls == -1 || cls == 3) {
      *err = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    uint64_t hard, soft;
    int64_t seconds;
    bool ok_hard = MemToUll(args[j + 1], &hard);
    bool ok_soft = MemToUll(args[j + 2], &soft);
    bool ok_sec = StrToLl(args[j + 3], 10, &seconds, false);
    int sec32 = static_cast<int>(seconds);  // Redis keeps it in an int
    if (!ok_hard || !ok_soft || !ok_sec || sec32 < 0) {
      *err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    fresh[cls][0] = hard;
    fresh[cls][1] = soft;
    fresh[cls][2] = static_cast<uint64_t>(sec32);
    touched[cls] = true;
  }
  static const char* kNames[3] = {"normal", "slave", "pubsub"};
  std::string out;
  for (int c = 0; c < 3; ++c) {
    const uint64_t* l = touched[c] ? fresh[c] : limits[c];
    if (c) out += ' ';
    out += std::string(kNames[c]) + " " + U64ToString(l[0]) + " " + U64ToString(l[1]) + " " +
           std::to_string(static_cast<long long>(l[2]));
  }
  *value = out;
  return true;
}

bool SetOomScoreAdjValues(SetContext&, const std::vector<std::string>& args, std::string* value,
                          std::string* err) {
  if (args.size() != 3) {
    *err = "wrong number of arguments";
    return false;
  }
  std::string out;
  for (size_t i = 0; i < 3; ++i) {
    int64_t v;
    if (!StrToLl(args[i], 10, &v, false) || v < -2000 || v > 2000) {
      *err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      return false;
    }
    if (i) out += ' ';
    out += std::to_string(v);
  }
  *value = out;
  return true;
}

bool SetNotifyKeyspaceEvents(SetContext& ctx, const std::vector<std::string>& args, std::string* value,
                             std::string* err) {
  if (args.size() != 1) {
    *err = "wrong number of arguments";
    return false;
  }
  int64_t flags = storage::ParseNotifyFlags(args[0]);
  if (flags == -1) {
    *err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    return false;
  }
  *value = storage::NotifyFlagsToString(static_cast<uint32_t>(flags));
  *ctx.notify_flags = static_cast<uint32_t>(flags);
  return true;
}

bool SetBind(SetContext&, const std::vector<std::string>& in, std::string* value,
             std::string* err) {
  if (in.size() > static_cast<size_t>(kBindAddrMax)) {
    *err = "Too many bind addresses specified.";
    return false;
  }
  std::string out;
  if (!(in.size() == 1 && in[0].empty())) {
    for (size_t i = 0; i < in.size(); ++i) {
      if (i) out += ' ';
      out += CStr(in[i]);
    }
  }
  *value = out;
  return true;
}

bool SetReplicaOf(SetContext&, const std::vector<std::string>& args, std::string* value,
                  std::string* err) {
  if (args.size() != 2) {
    *err = "wrong number of arguments";
    return false;
  }
  if (EqualsIgnoreCase(CStr(args[0]), "no") && EqualsIgnoreCase(CStr(args[1]), "one")) {
    *value = "";
    return true;
  }
  std::string port_text = CStr(args[1]);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') {
    *err = "Invalid master port";
    return false;
  }
  *value = CStr(args[0]) + " " + std::to_string(port);
  return true;
}

std::string FormatPercentile(double v) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool SetLatencyPercentiles(SetContext&, const std::vector<std::string>& args, std::string* value,
                           std::string* err) {
  std::string out;
  if (!(args.size() == 1 && args[0].empty())) {
    for (size_t j = 0; j < args.size(); ++j) {
      double p;
      if (!StringToDouble(args[j], &p)) {
        *err = "Invalid latency-tracking-info-percentiles parameters";
        return false;
      }
      if (p > 100.0 || p < 0.0) {
        *err = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        return false;
      }
      if (j) out += ' ';
      out += FormatPercentile(p);
    }
  }
  *value = out;
  return true;
}

// ---------------------------------------------------------------------------
// The table.

const EnumSpec kMaxmemoryPolicy{{{"volatile-lru", 0},
                                 {"volatile-lfu", 1},
                                 {"volatile-random", 2},
                                 {"volatile-ttl", 3},
                                 {"allkeys-lru", 4},
                                 {"allkeys-lfu", 5},
                                 {"allkeys-random", 6},
                                 {"noeviction", 7}}};
const EnumSpec kSyslogFacility{{{"user", 0},
                                {"local0", 1},
                                {"local1", 2},
                                {"local2", 3},
                                {"local3", 4},
                                {"local4", 5},
                                {"local5", 6},
                                {"local6", 7},
                                {"local7", 8}}};
const EnumSpec kLoglevel{{{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}}};
const EnumSpec kSupervised{{{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}}};
const EnumSpec kAofFsync{{{"everysec", 0}, {"always", 1}, {"no", 2}}};
const EnumSpec kReplDisklessLoad{{{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}}};
const EnumSpec kTlsAuthClients{{{"no", 0}, {"yes", 1}, {"optional", 2}}};
const EnumSpec kOomScoreAdj{{{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}};
const EnumSpec kAclPubsubDefault{{{"allchannels", 1}, {"resetchannels", 0}}};
const EnumSpec kSanitizeDumpPayload{{{"no", 0}, {"yes", 1}, {"clients", 2}}};
const EnumSpec kProtectedAction{{{"no", 0}, {"yes", 1}, {"local", 2}}};
const EnumSpec kClusterEndpointType{{{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}}};
const EnumSpec kPropagationErrorBehavior{{{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}}};
const EnumSpec kShutdownOnSig{{{"default", 0},
                               {"save", kShutdownSave},
                               {"nosave", kShutdownNoSave},
                               {"now", kShutdownNow},
                               {"force", kShutdownForce}},
                              true,
                              CheckShutdownFlags};
const EnumSpec kIoBackend{{{"epoll", 0}, {"epoll-et", 1}, {"poll", 2}, {"select", 3}}};

Directive Bool(const char* name, const char* alias, uint32_t flags, bool def,
               BoolCheck check = nullptr) {
  Directive d{name, alias, flags, Kind::kBool, def ? "yes" : "no"};
  d.bool_check = check;
  return d;
}

Directive Str(const char* name, const char* alias, uint32_t flags, const char* def,
              StringCheck check = nullptr) {
  Directive d{name, alias, flags, Kind::kString, def};
  d.string_check = check;
  return d;
}

Directive Enum(const char* name, const char* alias, uint32_t flags, const EnumSpec& spec,
               const char* def) {
  Directive d{name, alias, flags | (spec.bitflags ? uint32_t{kMultiArg} : 0u), Kind::kEnum, def};
  d.enums = &spec;
  return d;
}

// unsigned_check: Redis's unsigned int / unsigned long long / size_t configs.
Directive Num(const char* name, const char* alias, uint32_t flags, int64_t lower, int64_t upper,
              int64_t def, uint8_t num_flags = kInteger, bool unsigned_check = false) {
  std::string text;
  if (num_flags & kOctal) {
    text = FormatOctal(static_cast<uint64_t>(def));
  } else {
    text = std::to_string(def);
  }
  Directive d{name, alias, flags, Kind::kNumeric, text};
  d.num_flags = num_flags;
  d.unsigned_check = unsigned_check;
  d.lower = lower;
  d.upper = upper;
  return d;
}

Directive Special(const char* name, const char* alias, uint32_t flags, SpecialSet fn,
                  const char* def) {
  Directive d{name, alias, flags, Kind::kSpecial, def};
  d.special = fn;
  return d;
}

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kLongMax = LONG_MAX;
constexpr int64_t kLlongMax = LLONG_MAX;
constexpr int64_t kUintMax = UINT_MAX;
constexpr int64_t kUllongMax = -1;  // ULLONG_MAX seen through a signed slot
constexpr bool kU = true;           // unsigned bounds check

// Redis 7.0.15's static_configs[], in its order, plus Spindle's io-backend.
const std::vector<Directive>& Table() {
  static const std::vector<Directive>* table = new std::vector<Directive>{
      // Bool configs
      Bool("rdbchecksum", nullptr, kImmutable, true),
      Bool("daemonize", nullptr, kImmutable, false),
      Bool("io-threads-do-reads", nullptr, kImmutable, false),
      Bool("always-show-logo", nullptr, kImmutable, false),
      Bool("protected-mode", nullptr, kModifiable, true),
      Bool("rdbcompression", nullptr, kModifiable, true),
      Bool("rdb-del-sync-files", nullptr, kModifiable, false),
      Bool("activerehashing", nullptr, kModifiable, true),
      Bool("stop-writes-on-bgsave-error", nullptr, kModifiable, true),
      Bool("set-proc-title", nullptr, kImmutable, true),
      Bool("dynamic-hz", nullptr, kModifiable, true),
      Bool("lazyfree-lazy-eviction", nullptr, kModifiable, false),
      Bool("lazyfree-lazy-expire", nullptr, kModifiable, false),
      Bool("lazyfree-lazy-server-del", nullptr, kModifiable, false),
      Bool("lazyfree-lazy-user-del", nullptr, kModifiable, false),
      Bool("lazyfree-lazy-user-flush", nullptr, kModifiable, false),
      Bool("repl-disable-tcp-nodelay", nullptr, kModifiable, false),
      Bool("repl-diskless-sync", nullptr, kModifiable, true),
      Bool("aof-rewrite-incremental-fsync", nullptr, kModifiable, true),
      Bool("no-appendfsync-on-rewrite", nullptr, kModifiable, false),
      Bool("cluster-require-full-coverage", nullptr, kModifiable, true),
      Bool("rdb-save-incremental-fsync", nullptr, kModifiable, true),
      Bool("aof-load-truncated", nullptr, kModifiable, true),
      Bool("aof-use-rdb-preamble", nullptr, kModifiable, true),
      Bool("aof-timestamp-enabled", nullptr, kModifiable, false),
      Bool("cluster-replica-no-failover", "cluster-slave-no-failover", kModifiable, false),
      Bool("replica-lazy-flush", "slave-lazy-flush", kModifiable, false),
      Bool("replica-serve-stale-data", "slave-serve-stale-data", kModifiable, true),
      Bool("replica-read-only", "slave-read-only", kModifiable, true),
      Bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", kModifiable, true),
      Bool("jemalloc-bg-thread", nullptr, kModifiable, true),
      Bool("activedefrag", nullptr, kModifiable, false, CheckActiveDefrag),
      Bool("syslog-enabled", nullptr, kImmutable, false),
      Bool("cluster-enabled", nullptr, kImmutable, false),
      Bool("appendonly", nullptr, kModifiable, false),
      Bool("cluster-allow-reads-when-down", nullptr, kModifiable, false),
      Bool("cluster-allow-pubsubshard-when-down", nullptr, kModifiable, true),
      Bool("crash-log-enabled", nullptr, kModifiable, true),
      Bool("crash-memcheck-enabled", nullptr, kModifiable, true),
      Bool("use-exit-on-panic", nullptr, kModifiable | kHidden, false),
      Bool("disable-thp", nullptr, kImmutable, true),
      Bool("cluster-allow-replica-migration", nullptr, kModifiable, true),
      Bool("replica-announced", nullptr, kModifiable, true),
      Bool("latency-tracking", nullptr, kModifiable, true),
      Bool("aof-disable-auto-gc", nullptr, kModifiable, false),
      Bool("replica-ignore-disk-write-errors", nullptr, kModifiable, false),

      // String configs
      Str("aclfile", nullptr, kImmutable, ""),
      Str("unixsocket", nullptr, kImmutable, ""),
      Str("pidfile", nullptr, kImmutable, ""),
      Str("replica-announce-ip", "slave-announce-ip", kModifiable, ""),
      Str("masteruser", nullptr, kModifiable | kSensitive, ""),
      Str("cluster-announce-ip", nullptr, kModifiable, ""),
      Str("cluster-config-file", nullptr, kImmutable, "nodes.conf"),
      Str("cluster-announce-hostname", nullptr, kModifiable, "", CheckHostname),
      Str("syslog-ident", nullptr, kImmutable, "redis"),
      Str("dbfilename", nullptr, kModifiable | kProtected, "dump.rdb", CheckDbFilename),
      Str("appendfilename", nullptr, kImmutable, "appendonly.aof", CheckAofFilename),
      Str("appenddirname", nullptr, kImmutable, "appendonlydir", CheckAofDirname),
      Str("server_cpulist", nullptr, kImmutable, ""),
      Str("bio_cpulist", nullptr, kImmutable, ""),
      Str("aof_rewrite_cpulist", nullptr, kImmutable, ""),
      Str("bgsave_cpulist", nullptr, kImmutable, ""),
      Str("ignore-warnings", nullptr, kModifiable, ""),
      Str("proc-title-template", nullptr, kModifiable, "{title} {listen-addr} {server-mode}",
          CheckProcTitleTemplate),
      Str("bind-source-addr", nullptr, kModifiable, ""),
      Str("logfile", nullptr, kImmutable, ""),
      Str("masterauth", nullptr, kModifiable | kSensitive, ""),
      Str("requirepass", nullptr, kModifiable | kSensitive, ""),

      // Enum configs
      Enum("supervised", nullptr, kImmutable, kSupervised, "no"),
      Enum("syslog-facility", nullptr, kImmutable, kSyslogFacility, "local0"),
      Enum("repl-diskless-load", nullptr, kModifiable, kReplDisklessLoad, "disabled"),
      Enum("loglevel", nullptr, kModifiable, kLoglevel, "notice"),
      Enum("maxmemory-policy", nullptr, kModifiable, kMaxmemoryPolicy, "noeviction"),
      Enum("appendfsync", nullptr, kModifiable, kAofFsync, "everysec"),
      Enum("oom-score-adj", nullptr, kModifiable, kOomScoreAdj, "no"),
      Enum("acl-pubsub-default", nullptr, kModifiable, kAclPubsubDefault, "resetchannels"),
      Enum("sanitize-dump-payload", nullptr, kModifiable, kSanitizeDumpPayload, "no"),
      Enum("enable-protected-configs", nullptr, kImmutable, kProtectedAction, "no"),
      Enum("enable-debug-command", nullptr, kImmutable, kProtectedAction, "no"),
      Enum("enable-module-command", nullptr, kImmutable, kProtectedAction, "no"),
      Enum("cluster-preferred-endpoint-type", nullptr, kModifiable, kClusterEndpointType, "ip"),
      Enum("propagation-error-behavior", nullptr, kModifiable, kPropagationErrorBehavior, "ignore"),
      Enum("shutdown-on-sigint", nullptr, kModifiable, kShutdownOnSig, "default"),
      Enum("shutdown-on-sigterm", nullptr, kModifiable, kShutdownOnSig, "default"),
      Enum("io-backend", nullptr, kImmutable, kIoBackend, "epoll"),  // Spindle's own

      // Integer configs
      Num("databases", nullptr, kImmutable, 1, kIntMax, 16),
      Num("port", nullptr, kModifiable, 0, 65535, 6379),
      Num("io-threads", nullptr, kImmutable, 1, 128, 1),
      Num("auto-aof-rewrite-percentage", nullptr, kModifiable, 0, kIntMax, 100),
      Num("cluster-replica-validity-factor", "cluster-slave-validity-factor", kModifiable, 0,
          kIntMax, 10),
      Num("list-max-listpack-size", "list-max-ziplist-size", kModifiable, kIntMin, kIntMax, -2),
      Num("tcp-keepalive", nullptr, kModifiable, 0, kIntMax, 300),
      Num("cluster-migration-barrier", nullptr, kModifiable, 0, kIntMax, 1),
      Num("active-defrag-cycle-min", nullptr, kModifiable, 1, 99, 1),
      Num("active-defrag-cycle-max", nullptr, kModifiable, 1, 99, 25),
      Num("active-defrag-threshold-lower", nullptr, kModifiable, 0, 1000, 10),
      Num("active-defrag-threshold-upper", nullptr, kModifiable, 0, 1000, 100),
      Num("lfu-log-factor", nullptr, kModifiable, 0, kIntMax, 10),
      Num("lfu-decay-time", nullptr, kModifiable, 0, kIntMax, 1),
      Num("replica-priority", "slave-priority", kModifiable, 0, kIntMax, 100),
      Num("repl-diskless-sync-delay", nullptr, kModifiable, 0, kIntMax, 5),
      Num("maxmemory-samples", nullptr, kModifiable, 1, kIntMax, 5),
      Num("maxmemory-eviction-tenacity", nullptr, kModifiable, 0, 100, 10),
      Num("timeout", nullptr, kModifiable, 0, kIntMax, 0),
      Num("replica-announce-port", "slave-announce-port", kModifiable, 0, 65535, 0),
      Num("tcp-backlog", nullptr, kImmutable, 0, kIntMax, 511),
      Num("cluster-port", nullptr, kImmutable, 0, 65535, 0),
      Num("cluster-announce-bus-port", nullptr, kModifiable, 0, 65535, 0),
      Num("cluster-announce-port", nullptr, kModifiable, 0, 65535, 0),
      Num("cluster-announce-tls-port", nullptr, kModifiable, 0, 65535, 0),
      Num("repl-timeout", nullptr, kModifiable, 1, kIntMax, 60),
      Num("repl-ping-replica-period", "repl-ping-slave-period", kModifiable, 1, kIntMax, 10),
      Num("list-compress-depth", nullptr, kModifiable, 0, kIntMax, 0),
      Num("rdb-key-save-delay", nullptr, kModifiable | kHidden, kIntMin, kIntMax, 0),
      Num("key-load-delay", nullptr, kModifiable | kHidden, kIntMin, kIntMax, 0),
      Num("active-expire-effort", nullptr, kModifiable, 1, 10, 1),
      Num("hz", nullptr, kModifiable, 0, kIntMax, 10),
      Num("min-replicas-to-write", "min-slaves-to-write", kModifiable, 0, kIntMax, 0),
      Num("min-replicas-max-lag", "min-slaves-max-lag", kModifiable, 0, kIntMax, 10),
      Num("watchdog-period", nullptr, kModifiable | kHidden, 0, kIntMax, 0),
      Num("shutdown-timeout", nullptr, kModifiable, 0, kIntMax, 10),
      Num("repl-diskless-sync-max-replicas", nullptr, kModifiable, 0, kIntMax, 0),

      // Unsigned int configs
      Num("maxclients", nullptr, kModifiable, 1, kUintMax, 10000, kInteger, kU),
      Num("unixsocketperm", nullptr, kImmutable, 0, 0777, 0, kOctal, kU),
      Num("socket-mark-id", nullptr, kImmutable, 0, kUintMax, 0, kInteger, kU),

      // Unsigned long configs (Redis checks their bounds as signed)
      Num("active-defrag-max-scan-fields", nullptr, kModifiable, 1, kLongMax, 1000),
      Num("slowlog-max-len", nullptr, kModifiable, 0, kLongMax, 128),
      Num("acllog-max-len", nullptr, kModifiable, 0, kLongMax, 128),

      // Long long configs
      Num("busy-reply-threshold", "lua-time-limit", kModifiable, 0, kLongMax, 5000),
      Num("cluster-node-timeout", nullptr, kModifiable, 0, kLlongMax, 15000),
      Num("slowlog-log-slower-than", nullptr, kModifiable, -1, kLlongMax, 10000),
      Num("latency-monitor-threshold", nullptr, kModifiable, 0, kLlongMax, 0),
      Num("proto-max-bulk-len", nullptr, kModifiable, 1024 * 1024, kLongMax, 512LL * 1024 * 1024,
          kMemory),
      Num("stream-node-max-entries", nullptr, kModifiable, 0, kLlongMax, 100),
      Num("repl-backlog-size", nullptr, kModifiable, 1, kLlongMax, 1024 * 1024, kMemory),

      // Unsigned long long configs
      Num("maxmemory", nullptr, kModifiable, 0, kUllongMax, 0, kMemory, kU),
      Num("cluster-link-sendbuf-limit", nullptr, kModifiable, 0, kUllongMax, 0, kMemory, kU),

      // size_t configs
      Num("hash-max-listpack-entries", "hash-max-ziplist-entries", kModifiable, 0, kLongMax, 512,
          kInteger, kU),
      Num("set-max-intset-entries", nullptr, kModifiable, 0, kLongMax, 512, kInteger, kU),
      Num("zset-max-listpack-entries", "zset-max-ziplist-entries", kModifiable, 0, kLongMax, 128,
          kInteger, kU),
      Num("active-defrag-ignore-bytes", nullptr, kModifiable, 1, kLlongMax, 100LL << 20, kMemory,
          kU),
      Num("hash-max-listpack-value", "hash-max-ziplist-value", kModifiable, 0, kLongMax, 64,
          kMemory, kU),
      Num("stream-node-max-bytes", nullptr, kModifiable, 0, kLongMax, 4096, kMemory, kU),
      Num("zset-max-listpack-value", "zset-max-ziplist-value", kModifiable, 0, kLongMax, 64,
          kMemory, kU),
      Num("hll-sparse-max-bytes", nullptr, kModifiable, 0, kLongMax, 3000, kMemory, kU),
      Num("tracking-table-max-keys", nullptr, kModifiable, 0, kLongMax, 1000000, kInteger, kU),
      Num("client-query-buffer-limit", nullptr, kModifiable, 1024 * 1024, kLongMax,
          1024LL * 1024 * 1024, kMemory, kU),
      Num("maxmemory-clients", nullptr, kModifiable, -100, kLongMax, 0, kMemory | kPercent),

      // Other numeric configs
      Num("repl-backlog-ttl", nullptr, kModifiable, 0, kLongMax, 60 * 60),
      Num("auto-aof-rewrite-min-size", nullptr, kModifiable, 0, kLlongMax, 64LL * 1024 * 1024,
          kMemory),
      Num("loading-process-events-interval-bytes", nullptr, kModifiable | kHidden, 1024, kIntMax,
          1024 * 1024 * 2),

      // TLS (Debian's build has it)
      Num("tls-port", nullptr, kModifiable, 0, 65535, 0),
      Num("tls-session-cache-size", nullptr, kModifiable, 0, kIntMax, 20 * 1024),
      Num("tls-session-cache-timeout", nullptr, kModifiable, 0, kIntMax, 300),
      Bool("tls-cluster", nullptr, kModifiable, false),
      Bool("tls-replication", nullptr, kModifiable, false),
      Enum("tls-auth-clients", nullptr, kModifiable, kTlsAuthClients, "yes"),
      Bool("tls-prefer-server-ciphers", nullptr, kModifiable, false),
      Bool("tls-session-caching", nullptr, kModifiable, true),
      Str("tls-cert-file", nullptr, kModifiable, ""),
      Str("tls-key-file", nullptr, kModifiable, ""),
      Str("tls-key-file-pass", nullptr, kModifiable, ""),
      Str("tls-client-cert-file", nullptr, kModifiable, ""),
      Str("tls-client-key-file", nullptr, kModifiable, ""),
      Str("tls-client-key-file-pass", nullptr, kModifiable, ""),
      Str("tls-dh-params-file", nullptr, kModifiable, ""),
      Str("tls-ca-cert-file", nullptr, kModifiable, ""),
      Str("tls-ca-cert-dir", nullptr, kModifiable, ""),
      Str("tls-protocols", nullptr, kModifiable, ""),
      Str("tls-ciphers", nullptr, kModifiable, ""),
      Str("tls-ciphersuites", nullptr, kModifiable, ""),

      // Special configs
      Special("dir", nullptr, kModifiable | kProtected, SetDir, ""),
      Special("save", nullptr, kModifiable | kMultiArg, SetSave, "3600 1 300 100 60 10000"),
      Special("client-output-buffer-limit", nullptr, kModifiable | kMultiArg,
              SetClientOutputBufferLimit,
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
      Special("oom-score-adj-values", nullptr, kModifiable | kMultiArg, SetOomScoreAdjValues,
              "0 200 800"),
      Special("notify-keyspace-events", nullptr, kModifiable, SetNotifyKeyspaceEvents, ""),
      Special("bind", nullptr, kModifiable | kMultiArg, SetBind, "* -::*"),
      Special("replicaof", "slaveof", kImmutable | kMultiArg, SetReplicaOf, ""),
      Special("latency-tracking-info-percentiles", nullptr, kModifiable | kMultiArg,
              SetLatencyPercentiles, "50 99 99.9"),
  };
  return *table;
}

// A name CONFIG GET / SET / the file can use: a directive or its alias.
// Redis registers aliases as separate entries, which shows in two places:
// CONFIG GET * lists both names, and CONFIG SET of a directive and its alias
// in one call is not a "duplicate parameter".
struct Entry {
  const char* name;
  size_t index;
  bool alias;
};

const std::vector<Entry>& Entries() {
  static const std::vector<Entry>* entries = [] {
    auto* v = new std::vector<Entry>;
    const auto& t = Table();
    for (size_t i = 0; i < t.size(); ++i) {
      v->push_back({t[i].name, i, false});
      if (t[i].alias) v->push_back({t[i].alias, i, true});
    }
    return v;
  }();
  return *entries;
}

const Entry* FindEntry(std::string_view name) {
  for (const Entry& e : Entries()) {
    if (EqualsIgnoreCase(e.name, name)) return &e;
  }
  return nullptr;
}

size_t IndexOf(std::string_view canonical) {
  const Entry* e = FindEntry(canonical);
  return e ? e->index : SIZE_MAX;
}

std::string EnumOptions(const EnumSpec& spec) {
  std::string s = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < spec.values.size(); ++i) {
    if (i) s += ", ";
    s += spec.values[i].name;
  }
  if (s.size() > kLoadBufSize - 1) s.resize(kLoadBufSize - 1);
  return s;
}

std::string EnumName(const EnumSpec& spec, int value) {
  for (const EnumValue& v : spec.values) {
    if (v.value == value) return v.name;
  }
  if (!spec.bitflags) return "unknown";
  std::string names;
  int unmatched = value;
  for (const EnumValue& v : spec.values) {
    if (v.value && v.value == (unmatched & v.value)) {
      if (!names.empty()) names += ' ';
      names += v.name;
      unmatched &= ~v.value;
    }
  }
  return (names.empty() || unmatched) ? "unknown" : names;
}

bool ParseNumeric(const Directive& d, const std::string& text, int64_t* res, std::string* err) {
  if (d.num_flags & kMemory) {
    uint64_t v;
    if (MemToUll(text, &v)) {
      *res = static_cast<int64_t>(v);
      return true;
    }
  }
  if ((d.num_flags & kPercent) && text.size() > 1 && text.back() == '%' &&
      StringToInt64(std::string_view(text).substr(0, text.size() - 1), res) && *res >= 0) {
    *res = -*res;  // Redis stores a percentage as a negative value
    return true;
  }
  if ((d.num_flags & kOctal) && StrToLl(text, 8, res, true)) return true;
  if (d.num_flags == kInteger && StringToInt64(text, res)) return true;
  if ((d.num_flags & kMemory) && (d.num_flags & kPercent)) {
    *err = "argument must be a memory or percent value";
  } else if (d.num_flags & kMemory) {
    *err = "argument must be a memory value";
  } else if (d.num_flags & kOctal) {
    *err = "argument couldn't be parsed as an octal number";
  } else {
    *err = "argument couldn't be parsed into an integer";
  }
  return false;
}

bool CheckBounds(const Directive& d, int64_t v, std::string* err) {
  char buf[kLoadBufSize];
  if (d.unsigned_check) {
    uint64_t u = static_cast<uint64_t>(v);
    uint64_t lo = static_cast<uint64_t>(d.lower), hi = static_cast<uint64_t>(d.upper);
    if (u > hi || u < lo) {
      std::snprintf(buf, sizeof(buf),
                    (d.num_flags & kOctal) ? "argument must be between %llo and %llo inclusive"
                                           : "argument must be between %llu and %llu inclusive",
                    static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi));
      *err = buf;
      return false;
    }
    return true;
  }
  if ((d.num_flags & kPercent) && v < 0) {
    if (v < d.lower) {
      std::snprintf(buf, sizeof(buf), "percentage argument must be less or equal to %lld",
                    static_cast<long long>(-d.lower));
      *err = buf;
      return false;
    }
    return true;
  }
  if (v > d.upper || v < d.lower) {
    std::snprintf(buf, sizeof(buf), "argument must be between %lld and %lld inclusive",
                  static_cast<long long>(d.lower), static_cast<long long>(d.upper));
    *err = buf;
    return false;
  }
  return true;
}

std::string FormatNumeric(const Directive& d, int64_t v) {
  if ((d.num_flags & kPercent) && v < 0) return std::to_string(-v) + "%";
  if (d.num_flags & kMemory) return U64ToString(static_cast<uint64_t>(v));
  if (d.num_flags & kOctal) return FormatOctal(static_cast<uint64_t>(v));
  return std::to_string(v);
}

// Sets one directive from its arguments (already split). On success *value
// is the new CONFIG GET text.
bool SetDirective(const Directive& d, SetContext& ctx, const std::vector<std::string>& args,
                  std::string* value, std::string* err) {
  switch (d.kind) {
    case Kind::kBool: {
      const std::string a = CStr(args[0]);
      bool yes;
      if (EqualsIgnoreCase(a, "yes")) {
        yes = true;
      } else if (EqualsIgnoreCase(a, "no")) {
        yes = false;
      } else {
        *err = "argument must be 'yes' or 'no'";
        return false;
      }
      if (d.bool_check && !d.bool_check(yes, err)) return false;
      *value = yes ? "yes" : "no";
      return true;
    }
    case Kind::kString: {
      if (d.string_check && !d.string_check(args[0], err)) return false;
      *value = CStr(args[0]);
      return true;
    }
    case Kind::kEnum: {
      const EnumSpec& spec = *d.enums;
      if (args.empty() || (!spec.bitflags && args.size() != 1)) {
        *err = EnumOptions(spec);
        return false;
      }
      int combined = 0;
      for (const std::string& a : args) {
        bool matched = false;
        for (const EnumValue& v : spec.values) {
          if (EqualsIgnoreCase(v.name, CStr(a))) {
            combined |= v.value;
            matched = true;
          }
        }
        if (!matched) {
          *err = EnumOptions(spec);
          return false;
        }
      }
      if (spec.validate && !spec.validate(combined, err)) return false;
      *value = EnumName(spec, combined);
      return true;
    }
    case Kind::kNumeric: {
      int64_t v;
      if (!ParseNumeric(d, args[0], &v, err)) return false;
      if (!CheckBounds(d, v, err)) return false;
      if (std::string_view(d.name) == "hz") {
        // updateHZ: out-of-range values are accepted and clamped.
        if (v < kMinHz) v = kMinHz;
        if (v > kMaxHz) v = kMaxHz;
      }
      *value = FormatNumeric(d, v);
      return true;
    }
    case Kind::kSpecial:
      return d.special(ctx, args, value, err);
  }
  return false;
}

// sdssplitlen(value, " "): "" gives no argument, otherwise every single space
// separates (so doubled spaces produce empty arguments).
std::vector<std::string> SplitOnSpace(std::string_view v) {
  std::vector<std::string> out;
  if (v.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t sp = v.find(' ', start);
    if (sp == std::string_view::npos) {
      out.emplace_back(v.substr(start));
      break;
    }
    out.emplace_back(v.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

std::string FatalPrefix() {
  return std::string("*** FATAL CONFIG FILE ERROR (Redis ") + kRedisVersion + ") ***\n";
}

// Reads a whole file; IOError with Redis's message if it cannot be opened.
Status ReadFile(const std::string& path, std::string* out) {
  FILE* fp = std::fopen(path.c_str(), "r");
  if (fp == nullptr) {
    return Status::IOError("Fatal error, can't open config file '" + path +
                           "': " + std::strerror(errno));
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), fp)) > 0) out->append(buf, n);
  std::fclose(fp);
  return Status::Ok();
}

// `include`: a path with '*', '?' or '[' is a glob(3) pattern whose matches
// are read in order (no match is not an error); otherwise a plain file.
Status ReadIncluded(const std::string& path, std::string* out) {
  if (path.find_first_of("*?[") == std::string::npos) return ReadFile(path, out);
  glob_t g;
  if (::glob(path.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      Status s = ReadFile(g.gl_pathv[i], out);
      if (!s.ok()) {
        globfree(&g);
        return s;
      }
    }
    globfree(&g);
  }
  return Status::Ok();
}

int64_t ToInt64(const std::string& s) {
  int64_t v = 0;
  StrToLl(s, 10, &v, false);
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------

CommandLine ParseCommandLine(std::span<const std::string> args) {
  CommandLine cl;
  std::string options;
  size_t j = 0;
  const size_t argc = args.size();
  if (argc > 0 && (args[0].empty() || args[0][0] != '-')) {
    std::string path = args[0];
    if (!path.empty() && path[0] != '/') {
      char buf[4096];
      if (getcwd(buf, sizeof(buf))) path = std::string(buf) + "/" + path;
    }
    cl.config_file = path;
    j = 1;
  }
  bool handled_last = true;
  auto is_opt = [](const std::string& a) { return a.size() >= 2 && a[0] == '-' && a[1] == '-'; };
  for (; j < argc; ++j) {
    const std::string& a = args[j];
    if (a == "-" && (j == 0 || j == argc - 1)) {
      cl.config_from_stdin = true;
    } else if (handled_last && is_opt(a)) {
      if (!options.empty()) options += '\n';
      options += a.substr(2);
      options += ' ';
      auto split = SplitArgs(a);
      size_t n = split ? split->size() : 0;
      if (n == 1) {
        // A bare "--name": the following arguments are its values.
        handled_last = false;
        bool last = j == argc - 1;
        if (EqualsIgnoreCase(a, "--save")) {
          // `--save` followed by another option or nothing means `save ""`.
          if (!last && is_opt(args[j + 1])) {
            options += "\"\"";
            handled_last = true;
          } else if (last) {
            options += "\"\"";
          }
        } else if (EqualsIgnoreCase(a, "--sentinel") && !last && is_opt(args[j + 1])) {
          handled_last = true;
        }
      } else {
        handled_last = true;  // "--port 6380" in a single argument
      }
    } else {
      options += Repr(a);
      options += ' ';
      handled_last = true;
    }
  }
  if (!options.empty()) {
    size_t start = 0;
    while (true) {
      size_t nl = options.find('\n', start);
      cl.override_lines.push_back(options.substr(start, nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return cl;
}

Config::Config() {
  const auto& table = Table();
  current_.reserve(table.size());
  for (const Directive& d : table) current_.push_back(d.default_text);
  char buf[1024];
  current_[IndexOf("dir")] = getcwd(buf, sizeof(buf)) ? buf : "";
  // Spindle's loopback-only default. Redis's built-in "* -::*" relies on
  // protected mode to refuse remote clients; until protected mode acts
  // (issue 8) the loopback default holds with or without a config file.
  current_[IndexOf("bind")] = kDefaultBind;
  SyncTyped();
}

bool Config::IsSensitive(std::string_view name) {
  const Entry* e = FindEntry(name);
  return e && (Table()[e->index].flags & kSensitive);
}

std::optional<std::string> Config::GetOne(std::string_view name) const {
  const Entry* e = FindEntry(name);
  if (!e) return std::nullopt;
  return current_[e->index];
}

Status Config::Load(const std::string& path, const std::vector<std::string>& override_lines) {
  CommandLine cl;
  cl.config_file = path;
  cl.override_lines = override_lines;
  return Load(cl);
}

Status Config::Load(const CommandLine& command_line) {
  std::string text;
  if (!command_line.config_file.empty()) {
    Status s = ReadFile(command_line.config_file, &text);
    if (!s.ok()) return s;
    file_ = command_line.config_file;
  }
  if (command_line.config_from_stdin) {
    text.append(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (!command_line.override_lines.empty()) {
    text += '\n';
    for (size_t i = 0; i < command_line.override_lines.size(); ++i) {
      if (i) text += '\n';
      text += command_line.override_lines[i];
    }
  }
  if (text.empty()) return Status::Ok();
  return LoadString(text);
}

Status Config::LoadString(std::string_view text) { return LoadText(text, 0); }

Status Config::LoadText(std::string_view text, int depth) {
  reading_file_ = true;
  auto fail = [&](size_t linenum, const std::string& line, const std::string& err) {
    reading_file_ = false;
    SyncTyped();
    return Status::InvalidArgument(FatalPrefix() + "Reading the configuration file, at line " +
                                   std::to_string(linenum) + "\n>>> '" + line + "'\n" + err);
  };

  LineReader lines(text);
  std::string line;
  while (lines.Next(&line)) {
    const size_t linenum = lines.number();
    if (line.empty() || line[0] == '#') continue;

    auto split = SplitArgs(line);
    if (!split) return fail(linenum, line, "Unbalanced quotes in configuration line");
    std::vector<std::string>& argv = *split;
    if (argv.empty()) continue;
    argv[0] = ToLower(argv[0]);
    const std::string& name = argv[0];

    if (const Entry* e = FindEntry(name)) {
      const Directive& d = Table()[e->index];
      if (!(d.flags & kMultiArg) && argv.size() != 2) {
        return fail(linenum, line, "wrong number of arguments");
      }
      std::vector<std::string> args(argv.begin() + 1, argv.end());
      // As Redis 7.0: a multi-argument directive given one non-empty
      // argument is split again, so `--save "60 10"` means `save 60 10`.
      if ((d.flags & kMultiArg) && args.size() == 1 && !args[0].empty()) {
        auto again = SplitArgs(args[0]);
        args = again ? std::move(*again) : std::vector<std::string>();
      }
      SetContext ctx{reading_file_, &save_loaded_, &current_[e->index], &notify_flags_};
      std::string value, err;
      if (!SetDirective(d, ctx, args, &value, &err)) return fail(linenum, line, err);
      current_[e->index] = value;
      continue;
    }
    // Directives Redis 7 still accepts and ignores.
    if ((name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
         name == "lua-replicate-commands") &&
        argv.size() == 2) {
      continue;
    }
    if (name == "include" && argv.size() == 2) {
      if (depth >= kMaxIncludeDepth) {
        return fail(linenum, line, "Too many nested include directives");
      }
      std::string included;
      Status s = ReadIncluded(argv[1], &included);
      if (!s.ok()) {
        reading_file_ = false;
        return s;
      }
      s = LoadText(included, depth + 1);
      if (!s.ok()) return s;
      // As in Redis, the nested load ends "reading the config file" mode.
      continue;
    }
    if ((name == "rename-command" && argv.size() == 3) || (name == "user" && argv.size() >= 2) ||
        (name == "loadmodule" && argv.size() >= 2)) {
      if (deferred_check_ && name != "loadmodule") {
        const std::string err = deferred_check_(argv);
        if (!err.empty()) return fail(linenum, line, err);
      }
      deferred_.push_back(argv);
      continue;
    }
    if (name.find('.') != std::string::npos) {
      if (argv.size() != 2) return fail(linenum, line, "Module config specified without value");
      deferred_.push_back(argv);
      continue;
    }
    if (name == "sentinel") {
      if (argv.size() != 1) {
        return fail(linenum, line, "sentinel directive while not in sentinel mode");
      }
      continue;
    }
    return fail(linenum, line, "Bad directive or wrong number of arguments");
  }

  reading_file_ = false;
  SyncTyped();
  // Checks Redis runs after each loaded text; these carry no line number.
  if (!values_.logfile.empty()) {
    FILE* fp = std::fopen(values_.logfile.c_str(), "a");
    if (fp == nullptr) {
      return Status::InvalidArgument(FatalPrefix() +
                                     "Can't open the log file: " + std::strerror(errno));
    }
    std::fclose(fp);
  }
  if (current_[IndexOf("cluster-enabled")] == "yes" && !current_[IndexOf("replicaof")].empty()) {
    return Status::InvalidArgument(FatalPrefix() +
                                   "replicaof directive not allowed in cluster mode");
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> Config::Get(
    std::span<const std::string_view> patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto have = [&](std::string_view key) {
    for (const auto& kv : out) {
      if (EqualsIgnoreCase(kv.first, key)) return true;
    }
    return false;
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      // An exact name (hidden ones included), reported as the caller typed it.
      if (have(pattern)) continue;
      if (const Entry* e = FindEntry(pattern)) {
        out.emplace_back(std::string(pattern), current_[e->index]);
      }
      continue;
    }
    for (const Entry& e : Entries()) {
      if (Table()[e.index].flags & kHidden) continue;
      if (have(e.name)) continue;
      if (GlobMatch(pattern, e.name, true)) out.emplace_back(e.name, current_[e.index]);
    }
  }
  return out;
}

Status Config::Set(std::span<const std::string_view> pairs, bool client_is_local) {
  if (pairs.empty()) {
    return Status::InvalidArgument("ERR wrong number of arguments for 'config|set' command");
  }
  if (pairs.size() % 2 != 0) return Status::InvalidArgument("ERR syntax error");
  const size_t count = pairs.size() / 2;
  const auto& table = Table();

  // Pass 1, as Redis: find every name; the first problem in argument order
  // decides the error, except that an unknown name found before any other
  // problem wins.
  std::vector<const Entry*> entries(count, nullptr);
  std::string invalid_arg, errstr, err_arg;
  bool invalid = false;
  bool unknown = false;
  const size_t protected_index = IndexOf("enable-protected-configs");
  const std::string& protected_mode = current_[protected_index];
  const bool protected_allowed =
      protected_mode == "yes" || (protected_mode == "local" && client_is_local);
  for (size_t i = 0; i < count; ++i) {
    std::string_view name = pairs[2 * i];
    const Entry* e = FindEntry(name);
    if (!e) {
      if (!invalid) {
        invalid_arg = std::string(name);
        invalid = true;
        unknown = true;
      }
      continue;
    }
    if (invalid) continue;
    const Directive& d = table[e->index];
    if ((d.flags & kImmutable) || ((d.flags & kProtected) && !protected_allowed)) {
      errstr = (d.flags & kImmutable) ? "can't set immutable config" : "can't set protected config";
      err_arg = std::string(name);
      invalid = true;
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (entries[j] == e) {
        errstr = "duplicate parameter";
        err_arg = std::string(name);
        invalid = true;
        break;
      }
    }
    entries[i] = e;
  }
  auto format_error = [&]() {
    if (unknown) {
      return Status::InvalidArgument(
          "ERR Unknown option or number of arguments for CONFIG SET - '" + invalid_arg + "'");
    }
    if (!errstr.empty()) {
      return Status::InvalidArgument("ERR CONFIG SET failed (possibly related to argument '" +
                                     err_arg + "') - " + errstr);
    }
    return Status::InvalidArgument("ERR CONFIG SET failed (possibly related to argument '" +
                                   err_arg + "')");
  };
  if (invalid) return format_error();

  // Pass 2: set everything on the live state, rolling back on failure.
  const std::vector<std::string> old_current = current_;
  const ServerConfig old_values = values_;
  const uint32_t old_notify_flags = notify_flags_;
  auto restore = [&] {
    notify_flags_ = old_notify_flags;
    // `dir` acted on the process: go back to the old directory.
    const size_t dir_index = IndexOf("dir");
    if (current_[dir_index] != old_current[dir_index]) {
      if (chdir(old_current[dir_index].c_str()) != 0) {
        LOG_WARNING("Failed restoring the working directory to %s", old_current[dir_index].c_str());
      }
    }
    current_ = old_current;
    values_ = old_values;
  };
  for (size_t i = 0; i < count; ++i) {
    const Directive& d = table[entries[i]->index];
    std::string_view raw = pairs[2 * i + 1];
    std::vector<std::string> args;
    if (d.flags & kMultiArg) {
      args = SplitOnSpace(raw);
    } else {
      args.emplace_back(raw);
    }
    SetContext ctx{false, &save_loaded_, &current_[entries[i]->index], &notify_flags_};
    std::string value, err;
    if (!SetDirective(d, ctx, args, &value, &err)) {
      restore();
      err_arg = entries[i]->name;
      errstr = err;
      return format_error();
    }
    current_[entries[i]->index] = value;
  }
  SyncTyped();

  // Pass 3: let the server act on what changed (bind, port, maxclients ...).
  if (on_change_) {
    std::vector<size_t> applied;
    for (size_t i = 0; i < count; ++i) {
      size_t idx = entries[i]->index;
      if (current_[idx] == old_current[idx]) continue;
      bool seen = false;
      for (size_t a : applied) seen = seen || a == idx;
      if (seen) continue;
      Status s = on_change_(table[idx].name);
      if (!s.ok()) {
        LOG_WARNING(
            "Failed applying new configuration. Possibly related to new %s setting. Restoring "
            "previous settings.",
            table[idx].name);
        restore();
        for (size_t a : applied) {
          Status back = on_change_(table[a].name);
          if (!back.ok()) {
            LOG_WARNING("Failed applying restored failed CONFIG SET command: %s",
                        back.message().c_str());
          }
        }
        err_arg = entries[i]->name;
        errstr = s.message();
        return format_error();
      }
      applied.push_back(idx);
    }
  }
  return Status::Ok();
}

void Config::SyncTyped() {
  auto get = [&](const char* name) -> const std::string& { return current_[IndexOf(name)]; };
  ServerConfig& v = values_;
  v.port = static_cast<int>(ToInt64(get("port")));
  v.bind = SplitOnSpace(get("bind"));
  v.unixsocket = get("unixsocket");
  {
    int64_t perm = 0;
    StrToLl(get("unixsocketperm"), 8, &perm, false);
    v.unixsocketperm = static_cast<unsigned>(perm);
  }
  v.tcp_backlog = static_cast<int>(ToInt64(get("tcp-backlog")));
  v.tcp_keepalive = static_cast<int>(ToInt64(get("tcp-keepalive")));
  v.timeout = static_cast<int>(ToInt64(get("timeout")));
  v.maxclients = static_cast<int>(std::min<int64_t>(ToInt64(get("maxclients")), INT_MAX));
  v.databases = static_cast<int>(ToInt64(get("databases")));
  v.hz = static_cast<int>(ToInt64(get("hz")));
  if (v.hz < kMinHz) v.hz = kMinHz;
  if (v.hz > kMaxHz) v.hz = kMaxHz;
  v.protected_mode = get("protected-mode") == "yes";
  v.io_backend = get("io-backend");
  v.io_threads = static_cast<int>(ToInt64(get("io-threads")));
  v.io_threads_do_reads = get("io-threads-do-reads") == "yes";
  ParseLogLevel(get("loglevel"), &v.loglevel);
  v.logfile = get("logfile");
  v.pidfile = get("pidfile");
  v.daemonize = get("daemonize") == "yes";
  v.dir = get("dir");
  v.dbfilename = get("dbfilename");
  v.requirepass = get("requirepass");
  v.proto_max_bulk_len = ToInt64(get("proto-max-bulk-len"));
  v.client_query_buffer_limit = ToInt64(get("client-query-buffer-limit"));
  {
    uint64_t mm = std::strtoull(get("maxmemory").c_str(), nullptr, 10);
    v.maxmemory = mm > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(mm);
  }
  v.maxmemory_policy = get("maxmemory-policy");
}

// ---------------------------------------------------------------------------
// The table as the other config files see it (config_internal.h).

namespace config_internal {

size_t DirectiveCount() { return Table().size(); }

DirectiveInfo Describe(size_t index) {
  const Directive& d = Table()[index];
  RewriteStyle style = RewriteStyle::kPlain;
  switch (d.kind) {
    case Kind::kBool:
    case Kind::kEnum:
      break;
    case Kind::kString:
      style = RewriteStyle::kString;
      break;
    case Kind::kNumeric:
      if ((d.num_flags & kMemory) && (d.num_flags & kPercent)) {
        style = RewriteStyle::kMemoryPercent;
      } else if (d.num_flags & kMemory) {
        style = RewriteStyle::kMemory;
      }
      break;
    case Kind::kSpecial:
      style = RewriteStyle::kSpecial;
      break;
  }
  std::string_view def = d.default_text;
  if (std::string_view(d.name) == "bind") def = kDefaultBind;
  return DirectiveInfo{d.name, d.alias ? d.alias : "", style, def};
}

size_t LookupDirective(std::string_view name) {
  const Entry* e = FindEntry(name);
  return e ? e->index : SIZE_MAX;
}

}  // namespace config_internal

}  // namespace spindle::server

#pragma once
// Config: every directive Spindle knows, with Redis 7.0's names, defaults,
// value syntax and CONFIG GET formatting, in one table (config.cc).
//
// Sources, in Redis's order: the config file (redis.conf syntax: one
// directive per line, arguments split as sdssplitargs does, '#' comments,
// `include path`), then command-line `--name value ...` overrides appended as
// extra lines, then CONFIG SET at run time.
//
// Thread: main thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/status.h"

namespace spindle::server {

// The typed values the server reads. Defaults are Redis 7.0's.
struct ServerConfig {
  int port = 6379;
  // Spindle's deliberate difference: loopback only unless a bind line says
  // otherwise, config file or not, until protected mode acts (docs/CONFIG.md).
  std::vector<std::string> bind = {"127.0.0.1", "-::1"};
  std::string unixsocket;
  unsigned unixsocketperm = 0;
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  int timeout = 0;  // seconds idle before a client is closed; 0 = never
  int maxclients = 10000;
  int databases = 16;
  int hz = 10;
  bool protected_mode = true;
  std::string io_backend = "epoll";  // epoll | epoll-et | poll | select
  int io_threads = 1;
  bool io_threads_do_reads = false;
  LogLevel loglevel = LogLevel::kNotice;
  std::string logfile;
  std::string pidfile;
  bool daemonize = false;
  std::string dir;  // working directory; "" = current
  std::string dbfilename = "dump.rdb";
  std::string requirepass;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  int64_t maxmemory = 0;  // Redis stores it unsigned; values past INT64_MAX saturate here
  std::string maxmemory_policy = "noeviction";
  bool active_expire_enabled = true;
};

// What `spindle-server [config-file] [options...]` asks for, split as
// redis-server's main() does: argv[1] is the config file unless it starts with
// '-'; "-" as the first or last argument reads more config from stdin; every
// "--name" starts a new directive line and the following arguments become its
// (quoted) values, so `--save ""` and `--bind 127.0.0.1 ::1` work.
struct CommandLine {
  std::string config_file;  // absolute path, "" if none
  bool config_from_stdin = false;
  // One directive per line, e.g. `port "6380"`, exactly the text Redis
  // appends after the file (so error messages show the same line).
  std::vector<std::string> override_lines;
};
// args excludes the program name. Never fails: bad options surface as config
// errors from Load, as in Redis.
CommandLine ParseCommandLine(std::span<const std::string> args);

class Config {
 public:
  Config();

  ServerConfig& values() { return values_; }
  const ServerConfig& values() const { return values_; }

  // Reads the config file at path (may be empty: no file) plus the
  // command-line overrides (already split into "name value..." lines), as
  // redis-server does. On error returns the full message Redis prints before
  // exiting, e.g.
  //   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
  //   Reading the configuration file, at line 2
  //   >>> 'port "abc"'
  //   argument couldn't be parsed into an integer
  //
  // The message has no leading/trailing newline: redis-server prints "\n",
  // the message, "\n" to stderr and exits with status 1. A config file that
  // cannot be opened gives Status::IOError with Redis's log text
  // ("Fatal error, can't open config file '/x': No such file or directory"),
  // which Redis logs as a warning before exiting with 1.
  Status Load(const std::string& path, const std::vector<std::string>& override_lines);
  // Load() plus the stdin part of CommandLine.
  Status Load(const CommandLine& command_line);
  // The same on text already in memory (tests, fuzzing). Line numbers in
  // errors count from 1 in text. `include` paths are relative to the cwd.
  Status LoadString(std::string_view text);

  // CONFIG GET: (name, value) pairs of every directive matching any pattern
  // (glob, case-insensitive), each directive once, in table order.
  std::vector<std::pair<std::string, std::string>> Get(
      std::span<const std::string_view> patterns) const;

  // CONFIG SET name value [name value ...], atomic as Redis 7: all are
  // validated and applied, or none. On failure returns the exact Redis error
  // text (e.g. "ERR Unknown option or number of arguments for CONFIG SET -
  // 'foo'").
  // client_is_local decides `enable-protected-configs local` (dir,
  // dbfilename). An odd number of arguments gives "ERR syntax error"; none
  // gives the arity error of CONFIG|SET.
  Status Set(std::span<const std::string_view> name_value_pairs, bool client_is_local = false);

  // The CONFIG GET value of one directive or alias (any case), hidden ones
  // included; nullopt if unknown.
  std::optional<std::string> GetOne(std::string_view name) const;
  // True for directives whose CONFIG SET value must be redacted from
  // SLOWLOG / MONITOR (requirepass, masterauth, masteruser).
  static bool IsSensitive(std::string_view name);

  // Directives Redis accepts in a config file but that are not config values:
  // `user ...`, `rename-command a b`, `loadmodule path args...` and module
  // configs `module.name value`, kept as their split arguments (directive
  // lower-cased) for the layers that will implement them. Nothing acts on
  // them yet (docs/CONFIG.md).
  const std::vector<std::vector<std::string>>& deferred_directives() const { return deferred_; }

  // Checks each `user` and `rename-command` line while the file is read, as
  // Redis does (its command table exists before it reads the config): a
  // non-empty answer is the error of Redis's FATAL CONFIG FILE ERROR block
  // for that line. Set by main (MakeDeferredDirectiveCheck); none in tests
  // that load configs on their own.
  using DeferredCheck = std::function<std::string(const std::vector<std::string>& argv)>;
  void set_deferred_check(DeferredCheck check) { deferred_check_ = std::move(check); }

  // The path of the loaded config file ("" if none), for CONFIG REWRITE and
  // INFO server's config_file.
  const std::string& file() const { return file_; }

  // CONFIG REWRITE (config_rewrite.cc): rewrites file() to hold the current
  // values, as Redis 7.0.15 does (RenderRewrite), without ever leaving a
  // half-written file: the text goes to a temporary file in the same
  // directory (file() + ".XXXXXX"), which is fsynced, given the old file's
  // permission bits (0644 & ~umask if there was no file) and renamed over the
  // old file; then the directory is fsynced. If file() is a symbolic link the
  // file it points to is rewritten and the link kept.
  //
  // Returns the exact reply text on failure:
  //   "ERR The server is running without a config file"   (file() is "")
  //   "ERR Rewriting config file: <strerror(errno)>"       (any I/O error)
  // On failure the old file is untouched and no temporary file is left.
  // A missing file is not an error: it is created.
  Status Rewrite() const;

  // The text CONFIG REWRITE makes of old_text (the config file's current
  // content; "" for a missing or empty file). Pure, for tests:
  //  - every line is trimmed of " \t\r\n"; comments and blank lines stay;
  //  - a line that does not parse, or names no directive, becomes "# ??? line"
  //    (`include`, `rename-command`, `loadmodule`, `sentinel` and
  //    module options `a.b` are kept as they are; `user` lines as
  //    set_user_lines_source says);
  //  - each directive (aliases count as their directive) is rewritten on the
  //    lines where it already appears, first occurrence first; its lines left
  //    over are blanked; a directive absent from the file is appended only if
  //    its value is not the default (dir, save and
  //    latency-tracking-info-percentiles always are), after the line
  //    "# Generated by CONFIG REWRITE" unless the file already has it;
  //  - runs of blank lines become one, every line ends with "\n".
  // Appended lines come in directive-table order (Redis: hash-table order).
  std::string RenderRewrite(std::string_view old_text) const;

  // notify-keyspace-events as storage::NotifyFlag bits ('n' included even
  // where the CONFIG GET text, as Redis's, leaves it out next to 'A').
  uint32_t notify_keyspace_events_flags() const { return notify_flags_; }

  // The `user` lines CONFIG REWRITE writes (Redis's rewriteConfigUserOption):
  // "user <name> <rules>" for every user, as ACL LIST describes them, set by
  // the server. When aclfile is empty the rewrite replaces the file's `user`
  // lines with these (reusing their places, appending the rest); when aclfile
  // is set it removes them, as Redis does. Without a source (a Config used
  // alone, as in unit tests) `user` lines are kept as they are.
  void set_user_lines_source(std::function<std::vector<std::string>()> fn) {
    user_lines_ = std::move(fn);
  }

  // Called after a directive changed at run time (CONFIG SET), with its
  // canonical name; the server uses it to apply changes (loglevel, maxclients ...).
  void set_on_change(std::function<Status(std::string_view name)> fn) {
    on_change_ = std::move(fn);
  }

 private:
  uint32_t notify_flags_ = 0;
  Status LoadText(std::string_view text, int depth);
  Status SetFromFile(size_t index, std::vector<std::string>& args, std::string* err);
  void SyncTyped();

  ServerConfig values_;
  // The CONFIG GET text of every directive, indexed like the directive table;
  // the typed fields of values_ are derived from it (SyncTyped). Copying it is
  // the whole snapshot CONFIG SET needs to roll back.
  std::vector<std::string> current_;
  std::vector<std::vector<std::string>> deferred_;
  DeferredCheck deferred_check_;
  bool reading_file_ = false;
  bool save_loaded_ = false;
  std::string file_;
  std::function<Status(std::string_view)> on_change_;
  std::function<std::vector<std::string>()> user_lines_;
};

}  // namespace spindle::server

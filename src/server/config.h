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
  std::vector<std::string> bind = {"*", "-::*"};  // Redis 7 default when no config file
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
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  bool active_expire_enabled = true;
};

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
  Status Load(const std::string& path, const std::vector<std::string>& override_lines);
  // The same on text already in memory (tests, fuzzing).
  Status LoadString(std::string_view text);

  // CONFIG GET: (name, value) pairs of every directive matching any pattern
  // (glob, case-insensitive), each directive once, in table order.
  std::vector<std::pair<std::string, std::string>> Get(
      std::span<const std::string_view> patterns) const;

  // CONFIG SET name value [name value ...], atomic as Redis 7: all are
  // validated and applied, or none. On failure returns the exact Redis error
  // text (e.g. "ERR Unknown option or number of arguments for CONFIG SET -
  // 'foo'").
  Status Set(std::span<const std::string_view> name_value_pairs);

  // The path of the loaded config file ("" if none), for CONFIG REWRITE and
  // INFO server's config_file.
  const std::string& file() const { return file_; }

  // Called after a directive changed at run time (CONFIG SET), with its
  // canonical name; the server uses it to apply changes (loglevel, maxclients ...).
  void set_on_change(std::function<Status(std::string_view name)> fn) { on_change_ = std::move(fn); }

 private:
  ServerConfig values_;
  std::string file_;
  std::function<Status(std::string_view)> on_change_;
};

}  // namespace spindle::server

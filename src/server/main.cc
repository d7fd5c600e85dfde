// spindle-server [config-file] [--name value ...]
//
// Arguments are read as redis-server reads them: an optional config file
// first, then "--name value..." overrides, each turned into one config line
// (values quoted so the config parser sees them exactly as given).

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/logging.h"
#include "server/config.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/version.h"

namespace {

spindle::server::Server* g_server = nullptr;  // for the signal handler only

void OnShutdownSignal(int sig) {
  if (g_server) g_server->RequestShutdown(sig);
}

void InstallSignalHandlers() {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  sigemptyset(&act.sa_mask);
  act.sa_handler = OnShutdownSignal;
  sigaction(SIGTERM, &act, nullptr);
  sigaction(SIGINT, &act, nullptr);
}

void Usage() {
  fprintf(stderr,
          "Usage: ./spindle-server [/path/to/redis.conf] [options] [-]\n"
          "       ./spindle-server - (read config from stdin)\n"
          "       ./spindle-server -v or --version\n"
          "       ./spindle-server -h or --help\n\n"
          "Examples:\n"
          "       ./spindle-server (run the server with default conf)\n"
          "       ./spindle-server /etc/redis/6379.conf\n"
          "       ./spindle-server --port 7777\n"
          "       ./spindle-server --port 7777 --io-backend epoll-et\n"
          "       ./spindle-server /etc/myredis.conf --loglevel verbose\n");
}

// Raises RLIMIT_NOFILE so maxclients descriptors fit (Redis's
// adjustOpenFilesLimit); lowers maxclients when the hard limit is too low.
void AdjustOpenFilesLimit(spindle::server::ServerConfig* cfg) {
  const rlim_t reserved = 32 + 128;
  rlim_t needed = static_cast<rlim_t>(cfg->maxclients) + reserved;
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur >= needed) return;
  rlim_t target = needed;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < target) target = limit.rlim_max;
  struct rlimit want = {target, limit.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &want) != 0) target = limit.rlim_cur;
  if (target < needed) {
    int old = cfg->maxclients;
    cfg->maxclients = target > reserved ? static_cast<int>(target - reserved) : 1;
    LOG_WARNING(
        "You requested maxclients of %d requiring at least %llu max file descriptors.", old,
        static_cast<unsigned long long>(needed));
    LOG_WARNING(
        "Current maximum open files is %llu. maxclients has been reduced to %d to compensate for "
        "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
        static_cast<unsigned long long>(target), cfg->maxclients);
  } else {
    LOG_NOTICE("Increased maximum number of open files to %llu (it was originally set to %llu).",
               static_cast<unsigned long long>(target),
               static_cast<unsigned long long>(limit.rlim_cur));
  }
}

void Daemonize() {
  if (fork() != 0) _exit(0);  // the parent exits
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

void WritePidFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "w");
  if (!f) {
    LOG_WARNING("Failed to write PID file: %s", strerror(errno));
    return;
  }
  fprintf(f, "%d\n", static_cast<int>(getpid()));
  fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  using spindle::server::Config;
  if (argc >= 2) {
    std::string first = argv[1];
    if (first == "-v" || first == "--version") {
      printf("Spindle server v=%s (Redis %s compatible) bits=%d\n", spindle::server::kSpindleVersion,
             spindle::server::kRedisVersion, static_cast<int>(sizeof(void*) * 8));
      return 0;
    }
    if (first == "--help" || first == "-h") {
      Usage();
      return 0;
    }
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  spindle::server::CommandLine command_line = spindle::server::ParseCommandLine(args);

  Config config;
  // `user` and `rename-command` lines are checked as they are read, with
  // the line in Redis's FATAL CONFIG FILE ERROR block on error.
  config.set_deferred_check(spindle::server::MakeDeferredDirectiveCheck());
  spindle::Status st = config.Load(command_line);
  if (!st.ok()) {
    if (st.code() == spindle::Status::Code::kIOError) {
      LOG_WARNING("%s", st.message().c_str());  // e.g. can't open config file
    } else {
      fprintf(stderr, "\n%s\n", st.message().c_str());  // Redis's FATAL CONFIG FILE ERROR block
    }
    return 1;
  }
  const std::string& config_file = command_line.config_file;
  spindle::server::ServerConfig& cfg = config.values();
  if (cfg.daemonize) Daemonize();
  spindle::SetLogLevel(cfg.loglevel);
  if (!cfg.logfile.empty() && !spindle::SetLogFile(cfg.logfile)) {
    fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
    return 1;
  }
  if (!cfg.dir.empty() && chdir(cfg.dir.c_str()) != 0) {
    LOG_WARNING("Can't chdir to '%s': %s", cfg.dir.c_str(), strerror(errno));
    return 1;
  }
  LOG_NOTICE("oO0OoO0OoO0Oo Spindle is starting oO0OoO0OoO0Oo");
  LOG_NOTICE("Spindle version=%s, Redis compatibility=%s, bits=%d, pid=%d, just started",
             spindle::server::kSpindleVersion, spindle::server::kRedisVersion,
             static_cast<int>(sizeof(void*) * 8), static_cast<int>(getpid()));
  if (config_file.empty()) {
    LOG_WARNING(
        "Warning: no config file specified, using the default config. In order to specify a "
        "config file use %s /path/to/redis.conf",
        argv[0]);
  } else {
    LOG_NOTICE("Configuration loaded");
  }
  AdjustOpenFilesLimit(&cfg);

  spindle::server::Server server(std::move(config));
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) server.set_executable(std::string(exe, n));
  g_server = &server;
  InstallSignalHandlers();
  st = server.Start();
  if (!st.ok()) {
    LOG_WARNING("Failed to start: %s", st.message().c_str());
    return 1;
  }
  if (!server.cfg().pidfile.empty()) WritePidFile(server.cfg().pidfile);
  LOG_NOTICE("Server initialized");
  // A file that exists but cannot be loaded stops the start, as in Redis:
  // serving an empty dataset would let the next save destroy the data.
  if (!server.LoadDataFromDisk()) return 1;
  int code = server.Run();
  g_server = nullptr;
  return code;
}

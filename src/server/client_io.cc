// A client's bytes in and out: socket reads into the query buffer, parsing,
// running what was parsed, and writing the reply buffer out, with or without
// I/O threads.
//
// Without I/O threads (io-threads 1) a readable client is read, parsed and
// served at once, and replies are written before the loop sleeps.
//
// With io-threads N (> 1):
//  - writes: the clients with pending output are written by the I/O threads
//    and the main thread together (IoThreads::ParallelFor), then the main
//    thread does what follows each write (stats, closing, write interest);
//  - reads (io-threads-do-reads yes): a readable client is only listed; the
//    next BeforeSleep reads every listed client and cuts its complete
//    commands out of its buffer on the threads, then runs them on the main
//    thread in the order the poller reported the clients.
// The threads only touch the socket, the query buffer, the parser and the
// reply buffer of the clients of their batch, while the main thread works on
// that same batch: it never runs a command or touches the keyspace in the
// meantime. A batch smaller than UseIoThreads wants runs on the main thread
// alone, as Redis stops its threads when there are few pending writes.

#include <errno.h>
#include <string.h>

#include <algorithm>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strings.h"
#include "net/socket.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {
namespace {

// Bytes written to one client per event under level-triggered backends
// (Redis's NET_MAX_WRITES_PER_EVENT): one huge reply cannot starve the rest.
// Edge-triggered backends must write until EAGAIN instead.
constexpr size_t kMaxWritePerEvent = 64 * 1024;
// Bytes read per readable event under level-triggered backends (Redis's
// PROTO_IOBUF_LEN); a large bulk in progress reads up to what it still needs.
// Also the size of the query buffers lent to clients for a read.
constexpr size_t kReadChunk = 16 * 1024;
// A large bulk in progress grows the query buffer by at least this much at
// a time (and at most by what is already buffered), never by what was
// announced.
constexpr size_t kBulkStep = 1024 * 1024;
// Edge-triggered backends read until EAGAIN, but not without end: a client
// that sends faster than it is read would hold the loop (and grow its query
// buffer) while everyone else waits. Past this many bytes in one pass the
// client is read again in the next iteration instead (ReadOutcome::more).
constexpr size_t kMaxReadPerPassEt = 1024 * 1024;
// Lent buffers that grew past this are freed rather than pooled, and the
// pool keeps at most kReadPoolMax of them (what threaded reads of that many
// clients at once need).
constexpr size_t kPooledBufferMax = 64 * 1024;
constexpr size_t kReadPoolMax = 256;

}  // namespace

// --- query buffers ---------------------------------------------------------

void Server::LendQueryBuffer(Client* c) {
  net::Buffer& q = c->query();
  if (q.capacity() != 0) return;  // holds a partial command (or a lent buffer)
  if (read_pool_.empty()) {
    q.Reserve(kReadChunk);
    return;
  }
  q.Swap(read_pool_.back());
  read_pool_.pop_back();
}

void Server::ReturnQueryBuffer(Client* c) {
  net::Buffer& q = c->query();
  if (!q.empty() || q.capacity() == 0) return;
  if (q.capacity() <= kPooledBufferMax && read_pool_.size() < kReadPoolMax) {
    read_pool_.emplace_back();
    read_pool_.back().Swap(q);
  } else {
    q.Release();
  }
}

// --- reads -----------------------------------------------------------------

// noinline: with the transport test in front, GCC would split the function
// (the test inlined into its callers, the plain body outlined), which puts
// a call level back into the write path; measured +13 instructions per
// request at P=1 (docs/TLS.md).
__attribute__((noinline)) void Server::ReadSocket(Client* c, ReadOutcome* out) const {
  if (c->tls() != nullptr) [[unlikely]] {
    ReadTls(c, out);
    return;
  }
  net::Buffer& q = c->query();
  const size_t limit = static_cast<size_t>(config_.values().client_query_buffer_limit);
  for (;;) {
    size_t want = kReadChunk;
    size_t hint = c->parser().BulkHint();
    if (hint > q.size()) {
      // A big argument is on its way. Room is made as its bytes arrive, not
      // for what the client announced: a client that announces a 512 MB bulk
      // and sends nothing must not make the server hold 512 MB (Redis 7.0
      // reserves it all up front). Each step reserves at most as much again
      // as is buffered (at least kBulkStep), so the buffer grows
      // geometrically (each byte copied about once), and the last step
      // reserves exactly what completes the bulk, so it ends in place.
      want = hint - q.size();
      const size_t step = std::max(q.size(), kBulkStep);
      if (want <= step) {
        q.ReserveExact(want);
      } else {
        q.Reserve(step);
        want = step;
      }
    }
    int err = 0;
    ssize_t n = q.ReadFd(c->fd(), &err, edge_triggered_ ? kMaxReadPerPassEt : want);
    if (n > 0) {
      out->bytes += static_cast<size_t>(n);
      ++out->reads;
      if (!edge_triggered_) return;
      if (q.size() > limit) return;
      if (out->bytes >= kMaxReadPerPassEt) {
        out->more = true;  // no EAGAIN seen: no new edge will come for it
        return;
      }
      continue;
    }
    if (n == 0) {
      out->end = ReadOutcome::End::kEof;
      return;
    }
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) return;
    out->end = ReadOutcome::End::kError;
    out->err = err;
    return;
  }
}

void Server::PreParse(Client* c, PreParsed* out) {
  thread_local std::vector<std::string_view> argv;
  const net::Buffer& q = c->query();
  const char* base = q.data();
  const size_t total = q.size();
  size_t offset = 0;
  while (offset < total) {
    size_t consumed = 0;
    auto status = c->parser().Parse(base + offset, total - offset, &consumed, &argv);
    // kNeedMore: a partial command stays for the next read. kError: the
    // parser repeats it when the main thread parses on, which then answers
    // it and closes the client after the commands before it.
    if (status != protocol::RespParser::Status::kComplete) break;
    for (std::string_view a : argv) {
      if (a.data() >= base && a.data() + a.size() <= base + total) {
        out->args.push_back({static_cast<size_t>(a.data() - base), a.size(), false});
      } else {
        out->args.push_back({out->storage.size(), a.size(), true});
        out->storage.append(a);
      }
    }
    out->commands.push_back({static_cast<uint32_t>(argv.size()), consumed});
    offset += consumed;
  }
}

void Server::HandleReadable(Client* c) {
  if (c->closing()) return;
  if (threaded_reads_) {
    if (!c->pending_read) {
      c->pending_read = true;
      pending_reads_.push_back(c);
    }
    return;
  }
  LendQueryBuffer(c);
  ReadOutcome r;
  ReadSocket(c, &r);
  FinishRead(c, r, nullptr);
}

void Server::FinishRead(Client* c, const ReadOutcome& r, PreParsed* pre) {
  stats_.total_net_input_bytes += r.bytes;
  stats_.total_reads_processed += r.reads;
  if (r.end == ReadOutcome::End::kEof) {
    LOG_VERBOSE("Client closed connection id=%llu addr=%s",
                static_cast<unsigned long long>(c->id()), c->PeerId().c_str());
    if (r.bytes > 0) {
      // Edge-triggered reads go on to EOF in one pass, so the bytes before
      // a FIN (a whole command, then shutdown(SHUT_WR)) arrive with it. A
      // level-triggered server (Redis) runs them and writes the reply before
      // its next read sees EOF: so does this one, closing after the reply.
      ProcessInput(c, nullptr);
      if (c->closing() && !c->close_after_reply()) return;
      if (c->blocked()) {
        CloseClientAsync(c);  // nothing will come to serve it
        return;
      }
      c->MarkCloseAfterReply();
      QueueWrite(c);
      return;
    }
    CloseClientAsync(c);
    return;
  }
  if (r.end == ReadOutcome::End::kError) {
    LOG_VERBOSE("Reading from client: %s", IoErrorText(c, r.err).c_str());
    CloseClientAsync(c);
    return;
  }
  c->Touch(Clock::NowMs());
  if (r.more) {
    if (r.tls_want_write) [[unlikely]] {
      // A TLS read that must write first goes on when the socket is
      // writable (HandleTlsWritable).
      if (loop_->SetMask(c->fd(), net::kReadable | net::kWritable).ok()) c->write_interest = true;
    } else {
      // Edge-triggered and not drained: read it again next iteration (the
      // loop does not sleep while queued work waits).
      const uint64_t id = c->id();
      loop_->RunInLoop([this, id] {
        Client* again = FindClient(id);
        if (again != nullptr && !again->closing()) HandleReadable(again);
      });
    }
  }
  net::Buffer& q = c->query();
  if (q.size() > static_cast<size_t>(config_.values().client_query_buffer_limit)) {
    // Redis's line: the client's CLIENT LIST line, then the buffer's first
    // 64 bytes quoted.
    const std::string info = ClientInfoLine(*c, Clock::NowMs());
    const std::string head = Repr(std::string_view(q.data(), std::min<size_t>(q.size(), 64)));
    LOG_WARNING("Closing client that reached max query buffer length: %s (qbuf initial bytes: %s)",
                info.c_str(), head.c_str());
    CloseClientAsync(c);
    return;
  }
  ProcessInput(c, pre);
}

void Server::ProcessInput(Client* c, PreParsed* pre) {
  net::Buffer& q = c->query();
  if (pre != nullptr && !pre->commands.empty()) {
    // What an I/O thread parsed: the buffer has not moved since.
    const char* base = q.data();
    size_t arg = 0;
    while (pre->next < pre->commands.size() && !c->closing() && !c->blocked() &&
           !c->postponed()) {
      const PreParsed::Command& cmd = pre->commands[pre->next];
      argv_.clear();
      for (uint32_t k = 0; k < cmd.argc; ++k, ++arg) {
        const PreParsed::Arg& a = pre->args[arg];
        argv_.emplace_back((a.in_storage ? pre->storage.data() : base) + a.offset, a.len);
      }
      if (!argv_.empty()) {
        if (pause_type_ != PauseType::kNone && MustPostpone(c, argv_)) {
          Postpone(c);
          break;
        }
        ExecuteCommand(c, argv_);
      }
      q.Consume(cmd.consumed);
      ++pre->next;
    }
    if (pre->next < pre->commands.size()) {
      // Stopped early (blocked, paused, closing): the rest is parsed again
      // from the buffer when the client goes on; the parser's notes about a
      // partial command after them no longer match the buffer's front.
      c->parser().Reset();
    }
    pre->Clear();  // run once: a later ProcessInput parses from the buffer
  }
  while (!c->closing() && !c->blocked() && !c->postponed() && !q.empty()) {
    size_t consumed = 0;
    auto status = c->parser().Parse(q.data(), q.size(), &consumed, &argv_);
    if (status == protocol::RespParser::Status::kNeedMore) break;
    if (status == protocol::RespParser::Status::kError) {
      uint64_t errors_before = c->reply().errors_written();
      c->reply().Error(c->parser().error());
      CountErrors(c, errors_before);
      LOG_VERBOSE("Protocol error (%s) from client: id=%llu addr=%s",
                  c->parser().error().c_str(), static_cast<unsigned long long>(c->id()),
                  c->PeerId().c_str());
      c->MarkCloseAfterReply();
      q.Consume(q.size());
      break;
    }
    if (!argv_.empty()) {
      // CLIENT PAUSE: the command stays in the buffer, unread, until the
      // pause ends (the parser finds it again then).
      if (pause_type_ != PauseType::kNone && MustPostpone(c, argv_)) {
        Postpone(c);
        break;
      }
      ExecuteCommand(c, argv_);
    }
    q.Consume(consumed);
  }
  ReturnQueryBuffer(c);
  UpdateClientMemory(c);
  if (!c->output().empty() || c->close_after_reply()) QueueWrite(c);
}

bool Server::UseIoThreads(size_t n) const {
  // Redis's stopThreadedIOIfNeeded: fewer than two clients per thread is
  // not worth waking anyone. (When woken threads find no free core,
  // IoThreads backs off on its own: see its stall rule.)
  return io_threads_ != nullptr && n >= 2 * static_cast<size_t>(io_threads_->threads());
}

void Server::HandlePendingReads() {
  if (pending_reads_.empty()) return;
  read_batch_.swap(pending_reads_);
  const size_t n = read_batch_.size();
  read_outcomes_.assign(n, ReadOutcome());
  if (pre_parsed_.size() < n) pre_parsed_.resize(n);
  parse_allowed_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    Client* c = read_batch_[i];
    c->pending_read = false;
    pre_parsed_[i].Clear();
    if (c->closing()) continue;
    LendQueryBuffer(c);
    // An unauthenticated client's parser limits change with its AUTH, and a
    // blocked or paused one runs nothing now: the main thread parses theirs.
    parse_allowed_[i] = (!AuthRequired(c) && !c->blocked() && !c->postponed()) ? 2 : 1;
  }
  auto job = [this](size_t i) {
    if (parse_allowed_[i] == 0) return;
    Client* c = read_batch_[i];
    ReadSocket(c, &read_outcomes_[i]);
    if (parse_allowed_[i] == 2 && read_outcomes_[i].end == ReadOutcome::End::kOk) {
      PreParse(c, &pre_parsed_[i]);
    }
  };
  io_threads_active_ = UseIoThreads(n);
  if (io_threads_active_) {
    io_threads_->ParallelFor(n, job);
    io_threaded_reads_ += n;
  } else {
    for (size_t i = 0; i < n; ++i) job(i);
  }
  for (size_t i = 0; i < n; ++i) {
    Client* c = read_batch_[i];
    // A command of an earlier client of the batch may have closed this one
    // (CLIENT KILL): what was read for it is dropped with it.
    if (parse_allowed_[i] == 0 || c->closing()) continue;
    FinishRead(c, read_outcomes_[i], &pre_parsed_[i]);
  }
  read_batch_.clear();
}

// --- writes ----------------------------------------------------------------

void Server::QueueWrite(Client* c) {
  if (!c->in_pending_writes && !c->write_interest) {
    c->in_pending_writes = true;
    pending_writes_.push_back(c);
  }
}

void Server::HandleWritable(Client* c) {
  if (c->close_asap()) return;
  // Under appendfsync always, replies to this iteration's writes may be in
  // c's output already: the AOF goes to disk first.
  if (aof_->must_flush_before_replies()) aof_->Flush(false);
  WriteToClient(c);
}

__attribute__((noinline)) void Server::WriteSocket(Client* c, WriteOutcome* out) const {
  if (c->tls() != nullptr) [[unlikely]] {
    WriteTls(c, out);
    return;
  }
  ChunkedBuffer& buf = c->output();
  while (!buf.empty()) {
    int err = 0;
    size_t cap = edge_triggered_ ? 0 : kMaxWritePerEvent - out->bytes;
    ssize_t n = net::WriteChunks(c->fd(), &buf, cap, &err);
    if (n > 0) {
      out->bytes += static_cast<size_t>(n);
      if (!edge_triggered_ && out->bytes >= kMaxWritePerEvent) break;
      continue;
    }
    if (n < 0 && err == EINTR) continue;
    if (n < 0 && err != EAGAIN && err != EWOULDBLOCK) out->err = err;
    break;  // EAGAIN: the socket is full
  }
}

bool Server::WriteToClient(Client* c) {
  WriteOutcome w;
  WriteSocket(c, &w);
  return FinishWrite(c, w);
}

bool Server::FinishWrite(Client* c, const WriteOutcome& w) {
  stats_.total_net_output_bytes += w.bytes;
  if (w.err != 0) {
    LOG_VERBOSE("Error writing to client: %s", IoErrorText(c, w.err).c_str());
    CloseClientAsync(c);
    return false;
  }
  ++stats_.total_writes_processed;
  if (w.bytes > 0) c->Touch(Clock::NowMs());
  const ChunkedBuffer& out = c->output();
  if (out.empty() && c->close_after_reply()) {
    CloseClientAsync(c);
    return false;
  }
  // Read interest stays unless the client is closing; write interest only
  // while output is left (the write would have blocked).
  bool want_write = !out.empty();
  if (want_write != c->write_interest || c->close_after_reply()) {
    if (c->tls() != nullptr) [[unlikely]] {
      // A TLS write that must read first waits for readable (HandleTlsReadable
      // writes again); a TLS read that must write keeps write interest.
      if (c->tls()->write_wants_read) want_write = false;
      if (c->tls()->read_wants_write) want_write = true;
    }
    int mask = (c->close_after_reply() ? 0 : net::kReadable) | (want_write ? net::kWritable : 0);
    if (loop_->SetMask(c->fd(), mask).ok()) c->write_interest = want_write;
  }
  UpdateClientMemory(c);
  return true;
}

void Server::WritePendingClients() {
  const size_t n = pending_writes_.size();
  if (n == 0) return;
  if (!UseIoThreads(n)) {
    for (size_t i = 0; i < n; ++i) {
      Client* c = pending_writes_[i];
      c->in_pending_writes = false;
      if (c->close_asap()) continue;
      WriteToClient(c);
    }
    pending_writes_.clear();
    return;
  }
  write_outcomes_.assign(n, WriteOutcome());
  for (size_t i = 0; i < n; ++i) {
    Client* c = pending_writes_[i];
    c->in_pending_writes = false;
    write_outcomes_[i].skipped = c->close_asap();
  }
  auto job = [this](size_t i) {
    if (!write_outcomes_[i].skipped) WriteSocket(pending_writes_[i], &write_outcomes_[i]);
  };
  io_threads_->ParallelFor(n, job);
  io_threaded_writes_ += n;
  io_threads_active_ = true;
  for (size_t i = 0; i < n; ++i) {
    if (!write_outcomes_[i].skipped) FinishWrite(pending_writes_[i], write_outcomes_[i]);
  }
  pending_writes_.clear();
}

}  // namespace spindle::server

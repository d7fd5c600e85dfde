// The multi-part AOF manifest (Redis 7.0's aofLoadManifestFromFile,
// getAofManifestAsString, getNewBaseFileNameAndMarkPreAsHistory,
// getNewIncrAofName, markRewrittenIncrAofAsHistory, writeAofManifestFile).

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "common/logging.h"
#include "common/strings.h"
#include "persistence/aof.h"
#include "persistence/file_io.h"

namespace spindle::persistence {
namespace {

// MANIFEST_MAX_LINE: Redis reads lines with fgets into a buffer of 1024 + 1
// bytes, so a line (its '\n' included) longer than 1024 bytes is cut.
constexpr size_t kManifestMaxLine = 1024;

constexpr const char* kEmpty = "Found an empty AOF manifest";
constexpr const char* kTooLong = "The AOF manifest file contains too long line";
constexpr const char* kInvalid = "Invalid AOF manifest file format";
constexpr const char* kPath = "File can't be a path, just a filename";
constexpr const char* kDuplicateBase = "Found duplicate base file information";
constexpr const char* kNonMonotonic = "Found a non-monotonic sequence number";
constexpr const char* kUnknownType = "Unknown AOF file type";

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// sdsneedsrepr: whether sdscatrepr would change the name (so that
// sdssplitargs reads it back whole).
bool NeedsRepr(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"' || u < 0x20 || u >= 0x7f || IsCSpace(c)) return true;
  }
  return false;
}

// atoll (glibc's strtoll): leading white space, a sign, digits up to the
// first non-digit; saturates on overflow.
int64_t Atoll(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  uint64_t v = 0;
  const uint64_t limit = neg ? static_cast<uint64_t>(INT64_MAX) + 1 : INT64_MAX;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    // Saturated, the value stays there whatever digits follow.
    v = v > (limit - d) / 10 ? limit : v * 10 + d;
  }
  if (neg) return v == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(v);
  return static_cast<int64_t>(v);
}

std::string_view Trim(std::string_view s) {
  auto strip = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && strip(s.front())) s.remove_prefix(1);
  while (!s.empty() && strip(s.back())) s.remove_suffix(1);
  return s;
}

void AppendInfo(std::string* out, const AofFileInfo& info) {
  *out += "file ";
  *out += NeedsRepr(info.name) ? Repr(info.name) : info.name;
  *out += " seq ";
  *out += std::to_string(info.seq);
  *out += " type ";
  out->push_back(static_cast<char>(info.type));
  out->push_back('\n');
}

}  // namespace

std::string AofManifest::ToString() const {
  std::string out;
  if (base) AppendInfo(&out, *base);
  for (const auto& h : history) AppendInfo(&out, h);
  for (const auto& i : incrs) AppendInfo(&out, i);
  return out;
}

std::string AofManifest::NewBase(std::string_view prefix, bool rdb_preamble) {
  if (base) {
    base->type = AofFileType::kHistory;
    history.insert(history.begin(), std::move(*base));
  }
  AofFileInfo info;
  info.seq = ++curr_base_seq;
  info.name = std::string(prefix) + "." + std::to_string(info.seq) + ".base" +
              (rdb_preamble ? ".rdb" : ".aof");
  info.type = AofFileType::kBase;
  base = std::move(info);
  return base->name;
}

std::string AofManifest::NewIncr(std::string_view prefix) {
  AofFileInfo info;
  info.seq = ++curr_incr_seq;
  info.name = std::string(prefix) + "." + std::to_string(info.seq) + ".incr.aof";
  info.type = AofFileType::kIncr;
  incrs.push_back(std::move(info));
  return incrs.back().name;
}

void AofManifest::MarkRewrittenIncrsAsHistory(bool keep_last) {
  if (incrs.empty()) return;
  const size_t moving = keep_last ? incrs.size() - 1 : incrs.size();
  // Redis walks the incrs from the tail and puts each at the head of
  // history: the moved ones end up first, in ascending order.
  for (size_t i = 0; i < moving; ++i) incrs[i].type = AofFileType::kHistory;
  history.insert(history.begin(), std::make_move_iterator(incrs.begin()),
                 std::make_move_iterator(incrs.begin() + static_cast<ptrdiff_t>(moving)));
  incrs.erase(incrs.begin(), incrs.begin() + static_cast<ptrdiff_t>(moving));
}

Status ParseAofManifest(std::string_view text, AofManifest* out) {
  return ParseAofManifest(text, out, nullptr);
}

Status ParseAofManifest(std::string_view text, AofManifest* out, AofManifestError* error) {
  AofManifest am;
  int64_t maxseq = 0;
  int linenum = 0;
  auto fail = [&](const char* why, std::string_view line, bool with_line) {
    if (error != nullptr) {
      error->line = with_line ? linenum : 0;
      error->content = with_line ? std::string(line) : std::string();
    }
    return Status::Corruption(why);
  };
  if (text.empty()) return fail(kEmpty, {}, false);

  size_t pos = 0;
  while (pos < text.size()) {
    // One fgets: through the next '\n', at most kManifestMaxLine bytes.
    size_t len = std::min(kManifestMaxLine, text.size() - pos);
    const size_t nl = text.substr(pos, len).find('\n');
    if (nl != std::string_view::npos) len = nl + 1;
    // What C string functions see of it: the bytes before a NUL.
    const std::string_view buf = CStringView(text.substr(pos, len));
    pos += len;
    ++linenum;

    if (!buf.empty() && buf[0] == '#') continue;  // a comment
    if (buf.find('\n') == std::string_view::npos) return fail(kTooLong, {}, false);

    const std::string_view line = Trim(buf);
    if (line.empty()) return fail(kInvalid, line, true);
    const auto argv = SplitArgs(line);
    // At least six, in pairs: unknown keys are allowed for forward
    // compatibility.
    if (!argv || argv->size() < 6 || argv->size() % 2 != 0) return fail(kInvalid, line, true);

    AofFileInfo info;
    bool has_name = false;
    char type = '\0';
    for (size_t i = 0; i < argv->size(); i += 2) {
      const std::string& key = (*argv)[i];
      const std::string_view value = CStringView((*argv)[i + 1]);
      if (EqualsIgnoreCase(key, "file")) {
        info.name = std::string(value);
        has_name = true;
        // pathIsBaseName: a file inside the AOF directory, nothing else.
        if (value.find('/') != std::string_view::npos ||
            value.find('\\') != std::string_view::npos) {
          return fail(kPath, line, true);
        }
      } else if (EqualsIgnoreCase(key, "seq")) {
        info.seq = Atoll(value);
      } else if (EqualsIgnoreCase(key, "type")) {
        type = value.empty() ? '\0' : value[0];
      }
    }
    if (!has_name || info.seq == 0 || type == '\0') return fail(kInvalid, line, true);

    switch (type) {
      case static_cast<char>(AofFileType::kBase):
        if (am.base) return fail(kDuplicateBase, line, true);
        info.type = AofFileType::kBase;
        am.curr_base_seq = info.seq;
        am.base = std::move(info);
        break;
      case static_cast<char>(AofFileType::kHistory):
        info.type = AofFileType::kHistory;
        am.history.push_back(std::move(info));
        break;
      case static_cast<char>(AofFileType::kIncr):
        if (info.seq <= maxseq) return fail(kNonMonotonic, line, true);
        info.type = AofFileType::kIncr;
        maxseq = info.seq;
        am.curr_incr_seq = info.seq;
        am.incrs.push_back(std::move(info));
        break;
      default:
        return fail(kUnknownType, line, true);
    }
  }
  *out = std::move(am);
  return Status::Ok();
}

Status LoadAofManifestFile(const std::string& path, AofManifest* out) {
  return LoadAofManifestFile(path, out, nullptr);
}

Status LoadAofManifestFile(const std::string& path, AofManifest* out, AofManifestError* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(std::strerror(errno));
    return Status::IOError(std::strerror(errno));
  }
  std::string text;
  char chunk[4096];
  while (true) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      if (error != nullptr) *error = AofManifestError{};
      return Status::Corruption("Read AOF manifest failed");
    }
    if (n == 0) break;
    text.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  return ParseAofManifest(text, out, error);
}

Status PersistAofManifest(const std::string& dir, const std::string& manifest_name,
                          const AofManifest& manifest) {
  const std::string tmp_name = "temp-" + manifest_name;
  const std::string tmp_path = dir + "/" + tmp_name;
  const std::string path = dir + "/" + manifest_name;
  const std::string text = manifest.ToString();

  int fd = open(tmp_path.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Can't open the AOF manifest file %s: %s", tmp_name.c_str(), err.c_str());
    return Status::IOError(err);
  }
  auto give_up = [&](Status st) {
    if (fd >= 0) close(fd);
    unlink(tmp_path.c_str());
    return st;
  };
  Status st = WriteAll(fd, text);
  if (!st.ok()) {
    LOG_WARNING("Error trying to write the temporary AOF manifest file %s: %s", tmp_name.c_str(),
                st.message().c_str());
    return give_up(st);
  }
  // redis_fsync: fdatasync on Linux.
  if (fdatasync(fd) != 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Fail to fsync the temp AOF file %s: %s.", tmp_name.c_str(), err.c_str());
    return give_up(Status::IOError(err));
  }
  const int closing = fd;
  fd = -1;
  if (close(closing) != 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Error trying to write the temporary AOF manifest file %s: %s", tmp_name.c_str(),
                err.c_str());
    return give_up(Status::IOError(err));
  }
  if (rename(tmp_path.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Error trying to rename the temporary AOF manifest file %s into %s: %s",
                tmp_name.c_str(), manifest_name.c_str(), err.c_str());
    return give_up(Status::IOError(err));
  }
  // New AOF files may have appeared in the directory too: one sync covers
  // them and the rename.
  st = FsyncDir(dir);
  if (!st.ok()) {
    LOG_WARNING("Fail to fsync AOF directory %s: %s.", path.c_str(), st.message().c_str());
    return st;
  }
  return Status::Ok();
}

std::string AofManifestName(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

std::string AofTempIncrName(std::string_view appendfilename) {
  return "temp-" + std::string(appendfilename) + ".incr";
}

}  // namespace spindle::persistence

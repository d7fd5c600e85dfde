// Tests for persistence/aof.h: command encoding, the manifest, the reader
// and the base files.
//
// Fixtures in testdata/aof/ were written by redis-server 7.0.15 itself and
// copied unchanged; testdata/aof/record.py re-records them and says how each
// was made (its datasets are mirrored by MakeExactDataset / MakeMixedDataset
// below).

#include "persistence/aof.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "storage/hash_value.h"
#include "storage/keyspace.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::persistence {
namespace {

namespace fs = std::filesystem;
using storage::EncodingLimits;
using storage::HashValue;
using storage::Keyspace;
using storage::ListValue;
using storage::SetValue;
using storage::Value;
using storage::ValueType;
using storage::ZSetValue;
using R = AofReader::Result;

constexpr int64_t kT2100 = 4102444800000;  // record.py's T2100

std::string Fixture(const std::string& name) {
  const fs::path path = fs::path(__FILE__).parent_path() / "testdata" / "aof" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/aof_test.XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An anonymous file holding bytes, for the reader.
class MemFile {
 public:
  explicit MemFile(std::string_view bytes) {
    fd_ = memfd_create("aof_test", MFD_CLOEXEC);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  ~MemFile() { close(fd_); }
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::vector<std::string> Strings(const std::vector<std::string_view>& argv) {
  return std::vector<std::string>(argv.begin(), argv.end());
}

std::string Cmd(std::vector<std::string_view> argv) {
  std::string out;
  AppendAofCommand(&out, argv);
  return out;
}

// ---------------------------------------------------------------------------
// Commands

TEST(AofCommandTest, EncodesMultibulk) {
  EXPECT_EQ(Cmd({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(Cmd({"SET", "", std::string_view("a\0\r\nb", 5)}),
            std::string("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\na\0\r\nb\r\n", 30));
  std::string big(12345, 'x');
  EXPECT_EQ(Cmd({"ECHO", big}), "*2\r\n$4\r\nECHO\r\n$12345\r\n" + big + "\r\n");
  std::string out = "prefix";
  AppendAofCommand(&out, std::vector<std::string_view>{"PING"});
  EXPECT_EQ(out, "prefix*1\r\n$4\r\nPING\r\n");
}

TEST(AofCommandTest, SelectAndTimestamp) {
  std::string out;
  AppendAofSelect(&out, 0);
  EXPECT_EQ(out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
  out.clear();
  AppendAofSelect(&out, 15);
  EXPECT_EQ(out, "*2\r\n$6\r\nSELECT\r\n$2\r\n15\r\n");
  out.clear();
  AppendAofSelect(&out, 1234);
  EXPECT_EQ(out, "*2\r\n$6\r\nSELECT\r\n$4\r\n1234\r\n");
  out.clear();
  AppendAofTimestamp(&out, 1700000000);
  EXPECT_EQ(out, "#TS:1700000000\r\n");
}

// ---------------------------------------------------------------------------
// Manifest

AofManifest Parse(std::string_view text) {
  AofManifest m;
  AofManifestError err;
  Status st = ParseAofManifest(text, &m, &err);
  EXPECT_TRUE(st.ok()) << st.message() << " at line " << err.line << ": " << err.content;
  return m;
}

TEST(AofManifestTest, ParsesAndFormatsRedisManifests) {
  for (const char* name :
       {"manifest.1-start", "manifest.2-rewriting", "manifest.3-killed", "manifest.4-rewritten",
        "manifest.5-rewritten", "manifest.6-rewritten-aof", "manifest.quoted"}) {
    const std::string text = Fixture(name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(Parse(text).ToString(), text) << name;
  }
  AofManifest m = Parse(Fixture("manifest.6-rewritten-aof"));
  ASSERT_TRUE(m.base);
  EXPECT_EQ(*m.base, (AofFileInfo{"appendonly.aof.4.base.aof", 4, AofFileType::kBase}));
  ASSERT_EQ(m.history.size(), 7u);
  EXPECT_EQ(m.history.front(),
            (AofFileInfo{"appendonly.aof.4.incr.aof", 4, AofFileType::kHistory}));
  EXPECT_EQ(m.history.back(), (AofFileInfo{"appendonly.aof.1.base.rdb", 1, AofFileType::kHistory}));
  ASSERT_EQ(m.incrs.size(), 1u);
  EXPECT_EQ(m.incrs[0], (AofFileInfo{"appendonly.aof.5.incr.aof", 5, AofFileType::kIncr}));
  EXPECT_EQ(m.curr_base_seq, 4);
  EXPECT_EQ(m.curr_incr_seq, 5);

  AofManifest q = Parse(Fixture("manifest.quoted"));
  ASSERT_TRUE(q.base);
  EXPECT_EQ(q.base->name, "a b\"\xc3\xa9'\t.aof.1.base.rdb");
  EXPECT_EQ(q.incrs.at(0).name, "a b\"\xc3\xa9'\t.aof.1.incr.aof");
}

// The manifests redis-server wrote at each step of record.py's sequence,
// rebuilt with NewBase / NewIncr / MarkRewrittenIncrsAsHistory in the order
// Redis calls them (aofOpenIfNeededOnServerStart, openNewIncrAofForAppend,
// backgroundRewriteDoneHandler).
TEST(AofManifestTest, RewriteSequenceMatchesRedis) {
  const std::string prefix = "appendonly.aof";
  AofManifest m;
  // Start-up with an empty dataset: a base, then the incr to append to.
  EXPECT_EQ(m.NewBase(prefix, true), "appendonly.aof.1.base.rdb");
  EXPECT_EQ(m.NewIncr(prefix), "appendonly.aof.1.incr.aof");
  EXPECT_EQ(m.ToString(), Fixture("manifest.1-start"));
  // BGREWRITEAOF opens a new incr; the child is killed: nothing else moves.
  EXPECT_EQ(m.NewIncr(prefix), "appendonly.aof.2.incr.aof");
  EXPECT_EQ(m.ToString(), Fixture("manifest.2-rewriting"));
  EXPECT_EQ(m.ToString(), Fixture("manifest.3-killed"));
  // A rewrite that succeeds.
  auto rewrite = [&](bool rdb) {
    m.NewIncr(prefix);
    m.NewBase(prefix, rdb);
    m.MarkRewrittenIncrsAsHistory();
  };
  rewrite(true);
  EXPECT_EQ(m.ToString(), Fixture("manifest.4-rewritten"));
  rewrite(true);
  EXPECT_EQ(m.ToString(), Fixture("manifest.5-rewritten"));
  rewrite(false);
  EXPECT_EQ(m.base->name, "appendonly.aof.4.base.aof");
  EXPECT_EQ(m.ToString(), Fixture("manifest.6-rewritten-aof"));

  // The same from a manifest loaded from disk: the seqs carry on.
  AofManifest loaded = Parse(Fixture("manifest.3-killed"));
  EXPECT_EQ(loaded.curr_base_seq, 1);
  EXPECT_EQ(loaded.curr_incr_seq, 2);
  loaded.NewIncr(prefix);
  loaded.NewBase(prefix, true);
  loaded.MarkRewrittenIncrsAsHistory();
  EXPECT_EQ(loaded.ToString(), Fixture("manifest.4-rewritten"));
}

TEST(AofManifestTest, MarkRewrittenIncrs) {
  AofManifest m;
  m.MarkRewrittenIncrsAsHistory();  // nothing to move
  EXPECT_EQ(m.ToString(), "");
  m.NewBase("x", false);
  m.NewIncr("x");
  m.MarkRewrittenIncrsAsHistory();  // the only incr is the one being written
  EXPECT_EQ(m.ToString(), "file x.1.base.aof seq 1 type b\nfile x.1.incr.aof seq 1 type i\n");
  m.NewIncr("x");
  m.NewIncr("x");
  // AOF off: every incr moves.
  m.MarkRewrittenIncrsAsHistory(false);
  EXPECT_TRUE(m.incrs.empty());
  EXPECT_EQ(m.ToString(),
            "file x.1.base.aof seq 1 type b\n"
            "file x.1.incr.aof seq 1 type h\n"
            "file x.2.incr.aof seq 2 type h\n"
            "file x.3.incr.aof seq 3 type h\n");
  EXPECT_EQ(m.NewIncr("x"), "x.4.incr.aof");
}

TEST(AofManifestTest, QuotesNamesAsSdscatrepr) {
  struct Case {
    std::string name;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"plain.aof", "plain.aof"},
      {"a'b", "a'b"},  // sdsneedsrepr does not quote a single quote
      {"sp ace", "\"sp ace\""},
      {"q\"uote", "\"q\\\"uote\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"nl\n\r\t\a\b", "\"nl\\n\\r\\t\\a\\b\""},
      {std::string("ctl\x01\x7f\xff", 6), "\"ctl\\x01\\x7f\\xff\""},
      {"\v\f", "\"\\x0b\\x0c\""},
  };
  for (const auto& c : cases) {
    AofManifest m;
    m.base = AofFileInfo{c.name, 7, AofFileType::kBase};
    const std::string text = m.ToString();
    EXPECT_EQ(text, "file " + c.written + " seq 7 type b\n") << c.name;
    // Redis cannot read these back either: sdssplitargs stops at the quote,
    // pathIsBaseName refuses the backslash.
    if (c.name == "a'b" || c.name == "back\\slash") continue;
    AofManifest back = Parse(text);
    ASSERT_TRUE(back.base) << c.name;
    EXPECT_EQ(back.base->name, c.name);
  }
  // Every field in Redis's order: base, history, incrs.
  AofManifest m;
  m.incrs.push_back({"i", 3, AofFileType::kIncr});
  m.history.push_back({"h", 2, AofFileType::kHistory});
  m.base = AofFileInfo{"b", 1, AofFileType::kBase};
  EXPECT_EQ(m.ToString(), "file b seq 1 type b\nfile h seq 2 type h\nfile i seq 3 type i\n");
}

struct BadManifest {
  std::string name;
  std::string text;
  std::string error;
  int line;
  std::string content;
};

// Each checked against redis-server 7.0.15 started on that manifest (its
// "*** FATAL AOF MANIFEST FILE ERROR ***" log lines).
TEST(AofManifestTest, ErrorsAsRedis) {
  const std::string invalid = "Invalid AOF manifest file format";
  const std::string too_long = "The AOF manifest file contains too long line";
  const std::vector<BadManifest> cases = {
      {"empty", "", "Found an empty AOF manifest", 0, ""},
      {"blank line", "\n", invalid, 1, ""},
      {"crlf only", "\r\n", invalid, 1, ""},
      {"no newline", "file a.1.base.rdb seq 1 type b", too_long, 0, ""},
      {"path", "file ../a seq 1 type b\n", "File can't be a path, just a filename", 1,
       "file ../a seq 1 type b"},
      {"backslash", "file a\\\\b seq 1 type b\n", "File can't be a path, just a filename", 1,
       "file a\\\\b seq 1 type b"},
      {"four args", "file a seq 1\n", invalid, 1, "file a seq 1"},
      {"odd args", "file a seq 1 type b x\n", invalid, 1, "file a seq 1 type b x"},
      {"seq 0", "file a seq 0 type b\n", invalid, 1, "file a seq 0 type b"},
      {"seq text", "file a seq abc type b\n", invalid, 1, "file a seq abc type b"},
      {"no file", "name a seq 1 type b\n", invalid, 1, "name a seq 1 type b"},
      {"no type", "file a seq 1 foo b\n", invalid, 1, "file a seq 1 foo b"},
      {"empty type", "file a seq 1 type ''\n", invalid, 1, "file a seq 1 type ''"},
      {"unknown type", "file a seq 1 type x\n", "Unknown AOF file type", 1, "file a seq 1 type x"},
      {"upper type", "file a seq 1 type B\n", "Unknown AOF file type", 1, "file a seq 1 type B"},
      {"duplicate base", "file a seq 1 type b\nfile b seq 2 type b\n",
       "Found duplicate base file information", 2, "file b seq 2 type b"},
      {"same incr seq", "file a seq 2 type i\nfile b seq 2 type i\n",
       "Found a non-monotonic sequence number", 2, "file b seq 2 type i"},
      {"decreasing incr seq", "file a seq 3 type i\n# c\nfile b seq 2 type i\n",
       "Found a non-monotonic sequence number", 3, "file b seq 2 type i"},
      {"negative incr", "file a seq -1 type i\n", "Found a non-monotonic sequence number", 1,
       "file a seq -1 type i"},
      {"unbalanced quote", "file \"a seq 1 type b\n", invalid, 1, "file \"a seq 1 type b"},
      {"quote inside", "file a'b seq 1 type b\n", invalid, 1, "file a'b seq 1 type b"},
      {"closing quote glued", "file \"a\"b seq 1 type b\n", invalid, 1, "file \"a\"b seq 1 type b"},
      {"1025 bytes", "file " + std::string(1025 - 5 - 14, 'a') + " seq 1 type b\n", too_long, 0,
       ""},
      {"long comment", "#" + std::string(1100, 'a') + "\n", invalid, 2, std::string(77, 'a')},
      {"nul in line", std::string("file a\0x seq 1 type b\n", 22), too_long, 0, ""},
      {"nul first", std::string("\0file a seq 1 type b\n", 21), too_long, 0, ""},
      {"bad third line", "# c\nfile a seq 1 type b\nfile\n", invalid, 3, "file"},
  };
  for (const auto& c : cases) {
    AofManifest m;
    m.curr_base_seq = 99;  // untouched on failure
    AofManifestError err;
    Status st = ParseAofManifest(c.text, &m, &err);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.code(), Status::Code::kCorruption) << c.name;
    EXPECT_EQ(st.message(), c.error) << c.name;
    EXPECT_EQ(err.line, c.line) << c.name;
    EXPECT_EQ(err.content, c.content) << c.name;
    EXPECT_EQ(m.curr_base_seq, 99) << c.name;
    // The overload without details fails the same way.
    EXPECT_EQ(ParseAofManifest(c.text, &m).message(), c.error) << c.name;
  }
}

// Accepted by redis-server 7.0.15 too (it went on to look for the files).
TEST(AofManifestTest, AcceptsWhatRedisAccepts) {
  AofManifest m;
  m = Parse("# only a comment\n");
  EXPECT_FALSE(m.base);
  EXPECT_TRUE(m.incrs.empty());

  m = Parse("file a seq 1 type b foo bar\n");  // unknown keys are ignored
  EXPECT_EQ(*m.base, (AofFileInfo{"a", 1, AofFileType::kBase}));
  m = Parse("FILE a SEQ 1 TYPE b\n");  // keys in any case
  EXPECT_EQ(m.base->name, "a");
  m = Parse("file a seq -3 type b\n");  // atoll: a negative base seq is nonzero
  EXPECT_EQ(m.base->seq, -3);
  EXPECT_EQ(m.curr_base_seq, -3);
  m = Parse("file a seq 1 type base\n");  // the type's first character
  EXPECT_EQ(m.base->type, AofFileType::kBase);
  m = Parse("file \"a b\" seq 1 type b\n");
  EXPECT_EQ(m.base->name, "a b");
  m = Parse("file 'a b' seq 1 type b\n");
  EXPECT_EQ(m.base->name, "a b");
  m = Parse("file \"a\\x00b\" seq 1 type b\n");  // the name is a C string
  EXPECT_EQ(m.base->name, "a");
  m = Parse("file a seq 1abc type b\n");
  EXPECT_EQ(m.base->seq, 1);
  m = Parse("file a seq 99999999999999999999 type i\n");
  EXPECT_EQ(m.incrs.at(0).seq, INT64_MAX);
  EXPECT_EQ(m.curr_incr_seq, INT64_MAX);
  m = Parse("  file a seq 1 type b  \r\n");
  EXPECT_EQ(m.base->name, "a");
  m = Parse("file .. seq 1 type b\n");  // not a path to Redis either
  EXPECT_EQ(m.base->name, "..");
  m = Parse("file a seq 1 type b file c seq 5\n");  // the last value counts
  EXPECT_EQ(*m.base, (AofFileInfo{"c", 5, AofFileType::kBase}));
  m = Parse("file '' seq 1 type b\n");  // an empty name is a name
  EXPECT_EQ(m.base->name, "");
  m = Parse("file a seq 1 type b\n# trailing comment without newline");
  EXPECT_EQ(m.base->name, "a");
  m = Parse("file " + std::string(1024 - 5 - 14, 'a') + " seq 1 type b\n");  // 1024 bytes
  EXPECT_EQ(m.base->name.size(), 1005u);

  m = Parse("file h2 seq 9 type h\nfile a seq 1 type i\nfile h1 seq 3 type h\n");
  EXPECT_FALSE(m.base);
  EXPECT_EQ(m.history.size(), 2u);
  EXPECT_EQ(m.history[0].name, "h2");
  EXPECT_EQ(m.curr_incr_seq, 1);  // history does not count
  EXPECT_EQ(m.curr_base_seq, 0);
}

TEST(AofManifestTest, LoadFile) {
  TempDir dir;
  AofManifest m;
  Status st = LoadAofManifestFile(dir.file("missing.manifest"), &m);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);

  std::ofstream(dir.file("m")) << Fixture("manifest.4-rewritten");
  ASSERT_TRUE(LoadAofManifestFile(dir.file("m"), &m).ok());
  EXPECT_EQ(m.ToString(), Fixture("manifest.4-rewritten"));

  std::ofstream(dir.file("bad")) << "file a seq 1 type b\nfile b seq 1 type b\n";
  AofManifestError err;
  st = LoadAofManifestFile(dir.file("bad"), &m, &err);
  EXPECT_EQ(st.message(), "Found duplicate base file information");
  EXPECT_EQ(err.line, 2);

  // A directory opens but cannot be read.
  fs::create_directory(dir.file("d"));
  st = LoadAofManifestFile(dir.file("d"), &m, &err);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_EQ(st.message(), "Read AOF manifest failed");
  EXPECT_EQ(err.line, 0);
}

TEST(AofManifestTest, Persist) {
  TempDir dir;
  AofManifest m = Parse(Fixture("manifest.5-rewritten"));
  ASSERT_TRUE(PersistAofManifest(dir.path(), "appendonly.aof.manifest", m).ok());
  EXPECT_EQ(ReadFile(dir.file("appendonly.aof.manifest")), Fixture("manifest.5-rewritten"));
  EXPECT_FALSE(fs::exists(dir.file("temp-appendonly.aof.manifest")));
  // Replaces the old one.
  m.NewIncr("appendonly.aof");
  ASSERT_TRUE(PersistAofManifest(dir.path(), "appendonly.aof.manifest", m).ok());
  EXPECT_EQ(ReadFile(dir.file("appendonly.aof.manifest")), m.ToString());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);

  // No such directory.
  Status st = PersistAofManifest(dir.file("nope"), "x.manifest", m);
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  // The rename fails (a non-empty directory is in the way): the old content
  // stays and the temporary file is gone.
  fs::create_directories(dir.file("sub/in.manifest/child"));
  st = PersistAofManifest(dir.file("sub"), "in.manifest", m);
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_FALSE(fs::exists(dir.file("sub/temp-in.manifest")));
  EXPECT_TRUE(fs::is_directory(dir.file("sub/in.manifest")));
}

TEST(AofManifestTest, Names) {
  EXPECT_EQ(AofManifestName("appendonly.aof"), "appendonly.aof.manifest");
  EXPECT_EQ(AofTempIncrName("appendonly.aof"), "temp-appendonly.aof.incr");
}

// ---------------------------------------------------------------------------
// Reader

struct ReadAll {
  std::vector<std::vector<std::string>> commands;
  std::vector<uint64_t> starts;  // last_command_offset after each
  std::vector<uint64_t> ends;    // valid_up_to after each
  R end;
  uint64_t valid_up_to;
};

ReadAll ReadCommands(int fd, uint64_t size, uint64_t start = 0, size_t chunk = AofReader::kChunk) {
  AofReader reader(fd, size, start, chunk);
  ReadAll out;
  std::vector<std::string_view> argv;
  R r;
  while ((r = reader.Next(&argv)) == R::kCommand) {
    out.commands.push_back(Strings(argv));
    out.starts.push_back(reader.last_command_offset());
    out.ends.push_back(reader.valid_up_to());
  }
  out.end = r;
  out.valid_up_to = reader.valid_up_to();
  // Failures and the end are sticky.
  EXPECT_EQ(reader.Next(&argv), r);
  EXPECT_TRUE(argv.empty());
  return out;
}

ReadAll ReadBytes(std::string_view bytes, uint64_t start = 0, size_t chunk = AofReader::kChunk) {
  MemFile f(bytes);
  return ReadCommands(f.fd(), bytes.size(), start, chunk);
}

TEST(AofReaderTest, ReadsCommandsAndSkipsAnnotations) {
  const std::string big(300 * 1024, 'b');  // several chunks
  const std::string bin("\0\r\n*$#", 6);
  const std::string file = "#TS:1700000000\r\n" + Cmd({"SELECT", "0"}) + Cmd({"SET", "k", ""}) +
                           "#TS:1700000001\r\n" + "#\r\n" + Cmd({"SET", bin, big}) + Cmd({"PING"});
  ReadAll all = ReadBytes(file);
  EXPECT_EQ(all.end, R::kEnd);
  ASSERT_EQ(all.commands.size(), 4u);
  EXPECT_EQ(all.commands[0], (std::vector<std::string>{"SELECT", "0"}));
  EXPECT_EQ(all.commands[1], (std::vector<std::string>{"SET", "k", ""}));
  EXPECT_EQ(all.commands[2], (std::vector<std::string>{"SET", bin, big}));
  EXPECT_EQ(all.commands[3], (std::vector<std::string>{"PING"}));
  EXPECT_EQ(all.starts[0], 16u);
  EXPECT_EQ(all.ends[0], 16u + Cmd({"SELECT", "0"}).size());
  EXPECT_EQ(all.starts[1], all.ends[0]);
  EXPECT_EQ(all.starts[2], file.find("*3\r\n$3\r\nSET\r\n$6"));
  EXPECT_EQ(all.ends[2], all.starts[2] + Cmd({"SET", bin, big}).size());
  EXPECT_EQ(all.starts[3], all.ends[2]);
  EXPECT_EQ(all.valid_up_to, file.size());

  // Leading zeros in a count are still decimal digits (Redis's atoi and
  // strtol read them too).
  all = ReadBytes("*02\r\n$03\r\nGET\r\n$001\r\nk\r\n");
  EXPECT_EQ(all.end, R::kEnd);
  EXPECT_EQ(all.commands, (std::vector<std::vector<std::string>>{{"GET", "k"}}));

  EXPECT_EQ(ReadBytes("").end, R::kEnd);
  EXPECT_EQ(ReadBytes("#only\r\n").end, R::kEnd);
  // An annotation without its newline ends the file (Redis's fgets).
  all = ReadBytes(Cmd({"PING"}) + "#TS:17");
  EXPECT_EQ(all.end, R::kEnd);
  EXPECT_EQ(all.commands.size(), 1u);
  EXPECT_EQ(all.valid_up_to, 14u);
  // A long one costs nothing.
  all = ReadBytes("#" + std::string(1 << 20, 'x') + "\n" + Cmd({"PING"}));
  EXPECT_EQ(all.end, R::kEnd);
  EXPECT_EQ(all.commands.size(), 1u);
}

TEST(AofReaderTest, ManyCommandsAcrossChunks) {
  std::string file;
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < 20000; ++i) {
    std::string v(i % 97, static_cast<char>('a' + i % 26));
    expected.push_back({"RPUSH", "list", std::to_string(i), v});
    file += Cmd({"RPUSH", "list", std::to_string(i), v});
    if (i % 1000 == 0) file += "#TS:" + std::to_string(i) + "\r\n";
    if (i == 5000) {
      std::string huge(3 * AofReader::kChunk + 17, 'h');
      expected.push_back({"SET", huge});
      file += Cmd({"SET", huge});
    }
  }
  ASSERT_GT(file.size(), 10 * AofReader::kChunk);
  for (size_t chunk : {AofReader::kChunk, size_t{1000}, size_t{7}}) {
    ReadAll all = ReadBytes(file, 0, chunk);
    EXPECT_EQ(all.end, R::kEnd) << chunk;
    EXPECT_EQ(all.commands, expected) << chunk;
    EXPECT_EQ(all.valid_up_to, file.size()) << chunk;
  }
}

TEST(AofReaderTest, StartOffsetAndPreamble) {
  const std::string file = "REDIS0010<rdb bytes>" + Cmd({"SET", "a", "b"});
  ReadAll all = ReadBytes(file, 20);
  EXPECT_EQ(all.end, R::kEnd);
  ASSERT_EQ(all.commands.size(), 1u);
  EXPECT_EQ(all.starts[0], 20u);
  // Truncated before any command: cut back to the start offset.
  all = ReadBytes(file.substr(0, 25), 20);
  EXPECT_EQ(all.end, R::kTruncated);
  EXPECT_EQ(all.valid_up_to, 20u);
  MemFile f(file);
  AofReader reader(f.fd(), file.size(), 20);
  EXPECT_EQ(reader.valid_up_to(), 20u);
  EXPECT_EQ(reader.last_command_offset(), 20u);

  EXPECT_TRUE(StartsWithRdbPreamble("REDIS0010"));
  EXPECT_TRUE(StartsWithRdbPreamble("REDIS"));
  EXPECT_FALSE(StartsWithRdbPreamble("REDI"));
  EXPECT_FALSE(StartsWithRdbPreamble("*2\r\n"));
  EXPECT_FALSE(StartsWithRdbPreamble("redis"));
}

// Cut after every byte of a file of several commands and annotations: the
// commands wholly before the cut come back, then kEnd when the cut is at a
// command boundary (or inside an annotation), kTruncated otherwise, with
// valid_up_to at the end of the last whole command.
TEST(AofReaderTest, TruncatedAtEveryOffset) {
  struct Piece {
    std::string bytes;
    bool command;
  };
  const std::vector<Piece> pieces = {
      {"#TS:1700000000\r\n", false},
      {Cmd({"SELECT", "3"}), true},
      {Cmd({"SET", "key", ""}), true},
      {"#TS:1700000001\r\n", false},
      {Cmd({"RPUSH", "l", std::string(40, 'v'), "1234567890"}), true},
      {Cmd({"MULTI"}), true},
      {Cmd({"INCR", "n"}), true},
      {Cmd({"EXEC"}), true},
  };
  std::string file;
  for (const auto& p : pieces) file += p.bytes;
  for (size_t cut = 0; cut <= file.size(); ++cut) {
    size_t whole = 0;      // commands wholly inside the cut
    uint64_t valid = 0;    // end of the last of them
    bool boundary = true;  // the cut is not inside a command
    size_t at = 0;
    for (const auto& p : pieces) {
      const size_t end = at + p.bytes.size();
      if (end <= cut) {
        if (p.command) {
          ++whole;
          valid = end;
        }
      } else if (at < cut && p.command) {
        boundary = false;
      }
      at = end;
    }
    // Chunk boundaries everywhere too.
    for (size_t chunk : {AofReader::kChunk, size_t{1}, size_t{3}, size_t{16}}) {
      ReadAll all = ReadBytes(std::string_view(file).substr(0, cut), 0, chunk);
      ASSERT_EQ(all.commands.size(), whole) << "cut " << cut << " chunk " << chunk;
      EXPECT_EQ(all.end, boundary ? R::kEnd : R::kTruncated) << "cut " << cut;
      EXPECT_EQ(all.valid_up_to, valid) << "cut " << cut;
    }
    // The same when the file is shorter than the size it was announced with.
    MemFile shorter(std::string_view(file).substr(0, cut));
    ReadAll told = ReadCommands(shorter.fd(), file.size());
    EXPECT_EQ(told.commands.size(), whole) << "cut " << cut;
    EXPECT_EQ(told.end, boundary ? R::kEnd : R::kTruncated) << "cut " << cut;
  }
}

TEST(AofReaderTest, BadFormats) {
  const std::string ok = Cmd({"SET", "a", "b"});
  const std::vector<std::string> bad = {
      "x",
      "\r\n",
      "*0\r\n",
      "*-1\r\n",
      "*\r\n",
      "*+1\r\n$1\r\na\r\n",
      "* 1\r\n$1\r\na\r\n",
      "*1\n$1\r\na\r\n",
      "*1\r\r\n",
      "*1x\r\n",
      "*1\r\n:5\r\n",
      "*1\r\n$\r\n\r\n",
      "*1\r\n$-1\r\n",
      "*1\r\n$1x\r\na\r\n",
      "*1\r\n$1\na\r\n",
      "*1\r\n$3\r\nabcX\n",
      "*1\r\n$3\r\nabc\rX",
      "*1\r\n$3\r\nabc\n\r",
      "*2\r\n$1\r\na\r\n#TS:1\r\n$1\r\nb\r\n",  // no annotation inside a command
      "*" + std::string(21, '1') + "\r\n",
      "*1\r\n$" + std::string(21, '0') + "1\r\n",
      "*3000000000\r\n$1\r\na\r\n",  // more arguments than an int
  };
  for (const auto& b : bad) {
    ReadAll all = ReadBytes(ok + b);
    EXPECT_EQ(all.end, R::kBadFormat) << b;
    EXPECT_EQ(all.commands.size(), 1u) << b;
    EXPECT_EQ(all.valid_up_to, ok.size()) << b;
  }
  // Between commands.
  for (const std::string b : {"\r\n", "\n", " ", "$1\r\na\r\n", "PING\r\n"}) {
    ReadAll all = ReadBytes(ok + ok + b + ok);
    EXPECT_EQ(all.end, R::kBadFormat) << b;
    EXPECT_EQ(all.commands.size(), 2u) << b;
    EXPECT_EQ(all.valid_up_to, 2 * ok.size()) << b;
  }
  // A bad byte is reported even when the file ends right after it.
  EXPECT_EQ(ReadBytes("*2\r\nx").end, R::kBadFormat);
  EXPECT_EQ(ReadBytes("*1\r\n$1\r\na\rx").end, R::kBadFormat);
}

size_t MaxRssKiB() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<size_t>(ru.ru_maxrss);
}

// A corrupt length must neither allocate what it claims nor wait for bytes
// that cannot come: the file is truncated at that command.
TEST(AofReaderTest, HugeClaimedLengths) {
  const size_t rss_before = MaxRssKiB();
  const std::string ok = Cmd({"PING"});
  for (const std::string& tail :
       {std::string("*1\r\n$999999999999\r\nabc"), std::string("*1\r\n$4294967296\r\n"),
        std::string("*1\r\n$18446744073709551615\r\nxx"),
        std::string("*1\r\n$99999999999999999999\r\nxx"), std::string("*2147483647\r\n$1\r\na\r\n"),
        std::string("*1\r\n$3\r\nab")}) {
    ReadAll all = ReadBytes(ok + tail);
    EXPECT_EQ(all.end, R::kTruncated) << tail;
    EXPECT_EQ(all.commands.size(), 1u);
    EXPECT_EQ(all.valid_up_to, ok.size());
  }
  // A length that fits the announced size but not the actual file.
  MemFile f(ok + "*1\r\n$1000000000\r\nabc");
  EXPECT_EQ(ReadCommands(f.fd(), 2000000000).end, R::kTruncated);
  EXPECT_LT(MaxRssKiB() - rss_before, 64u * 1024) << "KiB";
}

TEST(AofReaderTest, ReadError) {
  TempDir dir;
  const std::string path = dir.file("f");
  std::ofstream(path) << Cmd({"PING"});
  int fd = open(path.c_str(), O_WRONLY);  // pread fails with EBADF
  ASSERT_GE(fd, 0);
  AofReader reader(fd, 14, 0);
  std::vector<std::string_view> argv;
  EXPECT_EQ(reader.Next(&argv), R::kReadError);
  EXPECT_FALSE(reader.read_error().empty());
  EXPECT_EQ(reader.Next(&argv), R::kReadError);
  close(fd);
}

// ---------------------------------------------------------------------------
// Base files

// record.py's exact_dataset().
void MakeExactDataset(Keyspace& ks) {
  EncodingLimits limits;
  auto list = std::make_unique<ListValue>();
  for (int i = 0; i < 130; ++i) {
    switch (i % 5) {
      case 0:
        list->PushBack(std::to_string(i * 1000 - 50000));
        break;
      case 1:
        list->PushBack("item" + std::to_string(i));
        break;
      case 2:
        list->PushBack(std::string(i % 17, 'x'));
        break;
      case 3:
        list->PushBack("0" + std::to_string(i));
        break;
      default:
        list->PushBack(std::to_string(i) + ".5");
    }
  }
  ks.db(0).Set("list", Value::FromCollection(ValueType::kList, std::move(list)));

  auto ints = SetValue::CreateIntset();
  for (int i = 0; i < 70; ++i) {
    ints->Add(std::to_string((i - 20) * (i % 3 == 0 ? 100003 : 7)), limits.set_max_intset_entries);
  }
  ints->Add("5000000000", limits.set_max_intset_entries);
  ints->Add("-5000000000", limits.set_max_intset_entries);
  ks.db(1).Set("ints", Value::FromCollection(ValueType::kSet, std::move(ints)));

  std::vector<ZSetValue::Element> zs = {
      {"a", 1},    {"b", 1.5}, {"c", -2.25}, {"d", 0.1}, {"e", HUGE_VAL},      {"f", -HUGE_VAL},
      {"g", 1e20}, {"7", 3},   {"-3", 3},    {"h", 0},   {"i", 123456789.125}, {"j", -0.0},
  };
  ks.db(2).Set("zs", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, zs)));

  auto hash = std::make_unique<HashValue>();
  for (auto [f, v] : std::vector<std::pair<std::string, std::string>>{{"f1", "v1"},
                                                                      {"n", "123"},
                                                                      {"neg", "-1"},
                                                                      {"empty", ""},
                                                                      {"big", std::string(60, 'x')},
                                                                      {"f2", "3.14"}}) {
    hash->Set(f, v, limits);
  }
  ks.db(3).Set("h", Value::FromCollection(ValueType::kHash, std::move(hash)));

  ks.db(4).Set("n", Value::FromString("12345"));
  ks.db(4).SetExpire("n", kT2100);
  ks.db(5).Set("s", Value::FromString("hello world"));
  ks.db(9).Set("neg", Value::FromString("-123456789012"));
  auto l2 = std::make_unique<ListValue>();
  for (const char* e : {"x", "y", "1"}) l2->PushBack(e);
  ks.db(15).Set("l2", Value::FromCollection(ValueType::kList, std::move(l2)));
  ks.db(15).SetExpire("l2", kT2100 + 123);
}

// record.py's mixed_dataset().
void MakeMixedDataset(Keyspace& ks) {
  EncodingLimits limits;
  storage::Database& db0 = ks.db(0);
  for (int i = 1; i <= 5; ++i) {
    db0.Set("str" + std::to_string(i), Value::FromString("v" + std::to_string(i)));
  }
  db0.Set("int7", Value::FromString("7"));
  db0.Set("ttlstr", Value::FromString("t"));
  db0.SetExpire("ttlstr", kT2100 + 1);
  auto list = std::make_unique<ListValue>();
  for (int i = 0; i < 200; ++i) {
    list->PushBack(i % 3 == 0 ? std::to_string(i * 7) : "e" + std::to_string(i));
  }
  db0.Set("biglist", Value::FromCollection(ValueType::kList, std::move(list)));
  auto small = SetValue::CreateFor("a");
  for (const char* m : {"a", "b", "c"}) small->Add(m, limits.set_max_intset_entries);
  db0.Set("smallset", Value::FromCollection(ValueType::kSet, std::move(small)));
  auto bigset = SetValue::CreateFor("m0");
  for (int i = 0; i < 100; ++i) bigset->Add("m" + std::to_string(i), limits.set_max_intset_entries);
  db0.Set("bigset", Value::FromCollection(ValueType::kSet, std::move(bigset)));
  auto intset2 = SetValue::CreateIntset();
  for (int i = 1; i <= 600; ++i) intset2->Add(std::to_string(i), limits.set_max_intset_entries);
  EXPECT_FALSE(intset2->is_intset());
  db0.Set("intset2", Value::FromCollection(ValueType::kSet, std::move(intset2)));
  auto bighash = std::make_unique<HashValue>();
  for (int i = 0; i < 200; ++i) {
    bighash->Set("f" + std::to_string(i), "v" + std::to_string(i * 3), limits);
  }
  db0.Set("bighash", Value::FromCollection(ValueType::kHash, std::move(bighash)));
  std::vector<ZSetValue::Element> z;
  for (int i = 0; i < 150; ++i) z.push_back({"z" + std::to_string(i), i / 3.0});
  db0.Set("bigzset", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, z)));
  auto hashttl = std::make_unique<HashValue>();
  hashttl->Set("a", "1", limits);
  hashttl->Set("b", "2", limits);
  db0.Set("hashttl", Value::FromCollection(ValueType::kHash, std::move(hashttl)));
  db0.SetExpire("hashttl", kT2100 + 2);
  z.clear();
  for (int i = 0; i < 140; ++i) z.push_back({"q" + std::to_string(i), -i * 1.25});
  db0.Set("zsetttl", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, z)));
  db0.SetExpire("zsetttl", kT2100 + 3);
  ks.db(1).Set("k", Value::FromString("v"));
  for (int i = 0; i < 20; ++i) {
    ks.db(7).Set("key:" + std::to_string(i), Value::FromString(std::to_string(i * 1000003)));
  }
}

std::string CommandsOf(Keyspace& ks, const AofBaseOptions& options) {
  std::string out;
  Status st = WriteAofCommands(ks, options, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

AofBaseOptions CommandForm() {
  AofBaseOptions o;
  o.rdb_preamble = false;
  return o;
}

TEST(AofBaseTest, CommandFormMatchesRedisByteForByte) {
  const std::string redis = Fixture("exact.base.aof");
  ASSERT_EQ(redis.compare(0, 4, "#TS:"), 0);
  const size_t eol = redis.find("\r\n");
  Keyspace ks(16);
  MakeExactDataset(ks);
  AofBaseOptions o = CommandForm();
  o.timestamp = true;
  o.now_unix_s = std::stoll(redis.substr(4, eol - 4));
  EXPECT_EQ(CommandsOf(ks, o), redis);
  // Without the annotation: the same commands.
  EXPECT_EQ(CommandsOf(ks, CommandForm()), redis.substr(eol + 2));

  // The file writer writes the same bytes.
  TempDir dir;
  ASSERT_TRUE(WriteAofBaseFile(ks, dir.file("base.aof"), o).ok());
  EXPECT_EQ(ReadFile(dir.file("base.aof")), redis);
}

// The integer an RDB AUX value holds (an INT8/16/32 or a plain string).
int64_t AuxInt(const std::string& rdb, const std::string& key) {
  size_t at = rdb.find(key);
  EXPECT_NE(at, std::string::npos);
  at += key.size();
  const auto b = static_cast<uint8_t>(rdb[at]);
  auto le = [&](int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(rdb[at + 1 + i])} << (8 * i);
    return v;
  };
  if (b == 0xc0) return static_cast<int8_t>(le(1));
  if (b == 0xc1) return static_cast<int16_t>(le(2));
  if (b == 0xc2) return static_cast<int32_t>(le(4));
  return std::stoll(rdb.substr(at + 1, b));
}

TEST(AofBaseTest, RdbPreambleMatchesRedisByteForByte) {
  const std::string redis = Fixture("exact.base.rdb");
  Keyspace ks(16);
  MakeExactDataset(ks);
  AofBaseOptions o;
  o.rdb_preamble = true;
  o.rdb.compression = false;  // recorded with rdbcompression no
  o.rdb.now_ms = AuxInt(redis, "ctime") * 1000;
  o.rdb.used_mem = static_cast<uint64_t>(AuxInt(redis, "used-mem"));
  TempDir dir;
  ASSERT_TRUE(WriteAofBaseFile(ks, dir.file("base.rdb"), o).ok());
  const std::string ours = ReadFile(dir.file("base.rdb"));
  EXPECT_EQ(ours, redis);
  EXPECT_NE(ours.find(std::string("\x08"
                                  "aof-base\xc0\x01",
                                  11)),
            std::string::npos);
  EXPECT_TRUE(StartsWithRdbPreamble(ours));

  // A plain snapshot still says aof-base 0.
  RdbWriter w(o.rdb);
  ASSERT_TRUE(WriteRdb(ks, w).ok());
  EXPECT_NE(w.buffer().find(std::string("\x08"
                                        "aof-base\xc0\x00",
                                        11)),
            std::string::npos);
}

// Per database, per key: the key's commands. SADD / HMSET / ZADD batches of
// hashtable-encoded values follow Redis's siphash order (random per
// process), so those are compared as the batch sizes plus the elements as a
// multiset; everything else byte for byte.
std::map<std::string, std::string> Canonical(const std::string& aof) {
  MemFile f(aof);
  AofReader reader(f.fd(), aof.size(), 0);
  std::map<std::string, std::vector<std::vector<std::string>>> keys;
  std::string db;
  std::string last;
  std::vector<std::string_view> argv;
  R r;
  while ((r = reader.Next(&argv)) == R::kCommand) {
    if (argv[0] == "SELECT") {
      db = std::string(argv[1]);
      continue;
    }
    const std::string id = db + "/" + std::string(argv[1]);
    // A key's commands are consecutive.
    EXPECT_TRUE(id == last || !keys.count(id)) << id;
    last = id;
    keys[id].push_back(Strings(argv));
  }
  EXPECT_EQ(r, R::kEnd);
  std::map<std::string, std::string> out;
  for (auto& [id, cmds] : keys) {
    std::string desc;
    std::vector<std::string> items;
    for (auto& c : cmds) {
      if (c[0] == "SADD" || c[0] == "HMSET" || c[0] == "ZADD") {
        const size_t step = c[0] == "SADD" ? 1 : 2;
        desc += c[0] + "(" + std::to_string((c.size() - 2) / step) + ") ";
        for (size_t i = 2; i < c.size(); i += step) {
          items.push_back(step == 1 ? c[i] : c[i] + "=" + c[i + 1]);
        }
      } else {
        for (auto& a : c) desc += a + " ";
        desc += "| ";
      }
    }
    std::sort(items.begin(), items.end());
    for (auto& i : items) desc += i + ",";
    out[id] = desc;
  }
  return out;
}

TEST(AofBaseTest, CommandFormMatchesRedisPerKey) {
  const std::string redis = Fixture("mixed.base.aof");
  Keyspace ks(16);
  MakeMixedDataset(ks);
  const std::string ours = CommandsOf(ks, CommandForm());
  const auto a = Canonical(ours);
  const auto b = Canonical(redis);
  EXPECT_EQ(a.size(), b.size());
  for (const auto& [id, desc] : b) {
    auto it = a.find(id);
    ASSERT_NE(it, a.end()) << id;
    EXPECT_EQ(it->second, desc) << id;
  }
  EXPECT_EQ(ours.size(), redis.size());
  // Databases in order, each selected once, empty ones skipped.
  std::vector<std::string> selects;
  MemFile f(ours);
  AofReader reader(f.fd(), ours.size(), 0);
  std::vector<std::string_view> argv;
  while (reader.Next(&argv) == R::kCommand) {
    if (argv[0] == "SELECT") selects.emplace_back(argv[1]);
  }
  EXPECT_EQ(selects, (std::vector<std::string>{"0", "1", "7"}));
}

std::vector<size_t> Arities(const std::string& aof, std::string_view name) {
  MemFile f(aof);
  AofReader reader(f.fd(), aof.size(), 0);
  std::vector<std::string_view> argv;
  std::vector<size_t> out;
  while (reader.Next(&argv) == R::kCommand) {
    if (argv[0] == name) out.push_back(argv.size());
  }
  return out;
}

TEST(AofBaseTest, BatchesOf64) {
  EncodingLimits limits;
  for (size_t n : {1u, 63u, 64u, 65u, 128u, 129u}) {
    Keyspace ks(16);
    auto list = std::make_unique<ListValue>();
    auto set = SetValue::CreateIntset();
    auto hash = std::make_unique<HashValue>();
    std::vector<ZSetValue::Element> z;
    for (size_t i = 0; i < n; ++i) {
      list->PushBack("e" + std::to_string(i));
      set->Add(std::to_string(i), limits.set_max_intset_entries);
      hash->Set("f" + std::to_string(i), "v", limits);
      z.push_back({"m" + std::to_string(i), static_cast<double>(i)});
    }
    ks.db(0).Set("l", Value::FromCollection(ValueType::kList, std::move(list)));
    ks.db(0).Set("s", Value::FromCollection(ValueType::kSet, std::move(set)));
    ks.db(0).Set("h", Value::FromCollection(ValueType::kHash, std::move(hash)));
    ks.db(0).Set("z", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, z)));
    const std::string aof = CommandsOf(ks, CommandForm());
    std::vector<size_t> singles;
    std::vector<size_t> pairs;
    for (size_t left = n; left > 0; left -= std::min<size_t>(left, 64)) {
      singles.push_back(2 + std::min<size_t>(left, 64));
      pairs.push_back(2 + 2 * std::min<size_t>(left, 64));
    }
    EXPECT_EQ(Arities(aof, "RPUSH"), singles) << n;
    EXPECT_EQ(Arities(aof, "SADD"), singles) << n;
    EXPECT_EQ(Arities(aof, "HMSET"), pairs) << n;
    EXPECT_EQ(Arities(aof, "ZADD"), pairs) << n;
  }
}

TEST(AofBaseTest, ScoresAndLargeValues) {
  EncodingLimits limits;
  Keyspace ks(16);
  // A skiplist keeps -0 (a listpack stores it as 0: see the exact dataset).
  std::vector<ZSetValue::Element> z;
  for (int i = 0; i < 200; ++i) z.push_back({"m" + std::to_string(i), 1.0 + i});
  z.push_back({"negzero", -0.0});
  z.push_back({"third", 1.0 / 3});
  z.push_back({"tiny", 5e-324});
  z.push_back({"huge", 4611686018427387904.0});
  ks.db(0).Set("z", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, z)));
  const std::string big(200 * 1024, 'q');  // past the writer's chunk
  ks.db(0).Set(big, Value::FromString(big));
  ks.db(0).SetExpire(big, 1);
  const std::string aof = CommandsOf(ks, CommandForm());
  EXPECT_NE(aof.find("$2\r\n-0\r\n$7\r\nnegzero\r\n"), std::string::npos);
  EXPECT_NE(aof.find("$19\r\n0.33333333333333331\r\n$5\r\nthird\r\n"), std::string::npos);
  EXPECT_NE(aof.find("$23\r\n4.9406564584124654e-324\r\n$4\r\ntiny\r\n"), std::string::npos);
  EXPECT_NE(aof.find("$22\r\n4.6116860184273879e+18\r\n$4\r\nhuge\r\n"), std::string::npos);
  const std::string set = "*3\r\n$3\r\nSET\r\n$204800\r\n" + big + "\r\n$204800\r\n" + big + "\r\n";
  const std::string expire = "*3\r\n$9\r\nPEXPIREAT\r\n$204800\r\n" + big + "\r\n$1\r\n1\r\n";
  EXPECT_NE(aof.find(set + expire), std::string::npos);

  // Read back: the commands rebuild the same values.
  MemFile f(aof);
  AofReader reader(f.fd(), aof.size(), 0);
  std::vector<std::string_view> argv;
  size_t members = 0;
  while (reader.Next(&argv) == R::kCommand) {
    if (argv[0] == "ZADD") members += (argv.size() - 2) / 2;
  }
  EXPECT_EQ(members, z.size());
}

TEST(AofBaseTest, EmptyKeyspace) {
  Keyspace ks(16);
  EXPECT_EQ(CommandsOf(ks, CommandForm()), "");
  AofBaseOptions o = CommandForm();
  o.timestamp = true;
  o.now_unix_s = 42;
  EXPECT_EQ(CommandsOf(ks, o), "#TS:42\r\n");
}

TEST(AofBaseTest, Failures) {
  Keyspace ks(16);
  ks.db(0).Set("a", Value::FromString(std::string(100000, 'a')));
  ks.db(0).Set("b", Value::FromString("b"));
  // The sink's error stops the writer and comes back.
  int calls = 0;
  Status st = WriteAofCommands(ks, CommandForm(), [&](std::string_view) {
    ++calls;
    return Status::IOError("No space left on device");
  });
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_EQ(st.message(), "No space left on device");
  EXPECT_EQ(calls, 1);

  TempDir dir;
  // Nowhere to write.
  st = WriteAofBaseFile(ks, dir.file("no/such/dir"), CommandForm());
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  // A value the format cannot hold: the file is removed.
  ks.db(3).Set("stream", Value::EmptyOfType(ValueType::kStream));
  for (bool rdb : {false, true}) {
    AofBaseOptions o = CommandForm();
    o.rdb_preamble = rdb;
    st = WriteAofBaseFile(ks, dir.file("base"), o);
    EXPECT_FALSE(st.ok());
    EXPECT_FALSE(fs::exists(dir.file("base")));
  }
}

TEST(AofBaseTest, LargeFileWithIncrementalFsync) {
  Keyspace ks(16);
  for (int i = 0; i < 6; ++i) {
    ks.db(i).Set("k", Value::FromString(std::string(1 << 20, static_cast<char>('a' + i))));
  }
  TempDir dir;
  AofBaseOptions o = CommandForm();
  o.incremental_fsync = true;
  ASSERT_TRUE(WriteAofBaseFile(ks, dir.file("big.aof"), o).ok());
  const std::string bytes = ReadFile(dir.file("big.aof"));
  EXPECT_EQ(bytes, CommandsOf(ks, o));
  EXPECT_GT(bytes.size(), 6u << 20);
}

}  // namespace
}  // namespace spindle::persistence

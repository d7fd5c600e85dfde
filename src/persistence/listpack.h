#pragma once
// Redis's listpack byte format, built and read here for RDB files and DUMP
// payloads (RDB_TYPE_*_LISTPACK and the nodes of RDB_TYPE_LIST_QUICKLIST_2).
// The storage payloads keep their own compact layouts; these functions only
// speak the on-disk format, from and to plain strings and integers.
//
//   <total bytes: u32 LE> <count: u16 LE, 65535 = "count them"> entries 0xFF
//
// Each entry is an encoding byte (and its data) followed by a back-length
// that lets Redis walk the listpack backwards:
//   0xxxxxxx                  7-bit unsigned integer
//   10xxxxxx <data>           string shorter than 64 bytes
//   110xxxxx yyyyyyyy         13-bit signed integer
//   1110xxxx yyyyyyyy <data>  string shorter than 4096 bytes
//   0xF0 <u32 LE len> <data>  longer string
//   0xF1 / 0xF2 / 0xF3 / 0xF4 16 / 24 / 32 / 64-bit signed integer, LE
// A string that reads as a canonical integer (Redis's string2ll, at most 20
// characters) is stored as an integer, exactly as lpAppend does.
//
// Thread: any (no shared state).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace spindle::persistence {

class ListpackBuilder {
 public:
  ListpackBuilder();

  // lpAppend of a string: an integer entry when s is a canonical integer.
  void AppendString(std::string_view s);
  void AppendInteger(int64_t v);

  size_t count() const { return count_; }
  // Size of the listpack Finish() returns (header and end byte included).
  size_t bytes() const { return buf_.size() + 1; }

  // The finished listpack; the builder is empty again afterwards.
  std::string Finish();

 private:
  void AppendEntry(const char* enc, size_t enc_len, std::string_view data);

  std::string buf_;  // header placeholder and entries, no end byte yet
  size_t count_ = 0;
};

// The number of bytes the encoding of s (or of the integer it reads as)
// takes in a listpack, back-length included.
size_t ListpackEntrySize(std::string_view s);

// One entry as read back: an integer, or a string pointing into the listpack.
struct ListpackEntry {
  bool is_int = false;
  int64_t value = 0;
  std::string_view str;
};

// Validates lp completely (header size, every entry's encoding and bounds,
// every back-length, the count, the end byte; Redis's lpValidateIntegrity
// with deep checks) and calls fn for each entry in order; fn returns false to
// fail the validation. Returns false on any malformation, without calling fn
// for anything past it.
bool ForEachListpackEntry(std::string_view lp, const std::function<bool(const ListpackEntry&)>& fn);

}  // namespace spindle::persistence

#pragma once
// ReplyBuilder: the only way command handlers answer. It writes RESP2 or
// RESP3 into a ChunkedBuffer; a handler calls the typed methods and never
// knows which protocol the client speaks (RESP3 types degrade to their RESP2
// forms: a map becomes a flat array, a double a bulk string, null a null bulk).
//
// Thread: used by the thread executing the command (the main thread).

#include <cstdint>
#include <string_view>

#include "common/chunked_buffer.h"

namespace spindle::protocol {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(ChunkedBuffer* out) : out_(out) {}

  void set_resp(int version) { resp_ = version; }
  int resp() const { return resp_; }

  // The buffer replies go to; may be swapped (e.g. MULTI bookkeeping).
  void set_output(ChunkedBuffer* out) { out_ = out; }
  ChunkedBuffer* output() const { return out_; }

  void SimpleString(std::string_view s);  // "+s\r\n"
  void Ok() { Raw("+OK\r\n"); }
  // msg is the whole error line without '-' or CRLF, code word included:
  // "ERR syntax error", "WRONGTYPE Operation ...". CR/LF inside msg become
  // spaces, as in Redis, so a reply can never be split.
  void Error(std::string_view msg);
  void Integer(int64_t v);               // ":v\r\n"
  void Bulk(std::string_view s);         // "$len\r\n...\r\n"
  void BulkLongLong(int64_t v);          // bulk string holding a decimal integer
  void Null();                           // RESP2 "$-1", RESP3 "_"
  void NullArray();                      // RESP2 "*-1", RESP3 "_"
  void EmptyArray() { Raw("*0\r\n"); }
  void ArrayHeader(size_t n);            // "*n"
  void MapHeader(size_t pairs);          // RESP3 "%n", RESP2 "*2n"
  void SetHeader(size_t n);              // RESP3 "~n", RESP2 "*n"
  void PushHeader(size_t n);             // RESP3 ">n", RESP2 "*n"
  // A double, formatted as Redis does ("%.17g" with inf/-inf): RESP3 ",d",
  // RESP2 a bulk string.
  void Double(double d);
  // A long double formatted by the caller (INCRBYFLOAT style): RESP3 double,
  // RESP2 bulk string.
  void DoubleText(std::string_view text);
  void Bool(bool b);                     // RESP3 "#t"/"#f", RESP2 ":1"/":0"
  void Verbatim(std::string_view s, std::string_view format = "txt");  // RESP2 bulk

  // Appends preformatted protocol bytes.
  void Raw(std::string_view bytes) { out_->Append(bytes); }

  // Counts errors written since construction (INFO errorstat hooks).
  uint64_t errors_written() const { return errors_written_; }
  // The code word of the last error written ("ERR", "WRONGTYPE", ...).
  std::string_view last_error_code() const {
    return std::string_view(last_error_code_buf_, last_error_code_len_);
  }

 private:
  void Header(char type, int64_t n);

  ChunkedBuffer* out_;
  int resp_ = 2;
  uint64_t errors_written_ = 0;
  // A length, not a view into the buffer, so copies stay correct.
  char last_error_code_buf_[32] = {0};
  size_t last_error_code_len_ = 0;
};

}  // namespace spindle::protocol

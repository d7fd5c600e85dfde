#include "protocol/reply_builder.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace spindle::protocol {
namespace {

// Writes v in decimal into buf (at least 21 bytes); returns the length.
size_t FormatInt(int64_t v, char* buf) {
  char tmp[24];
  size_t n = 0;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  size_t len = 0;
  if (v < 0) buf[len++] = '-';
  while (n > 0) buf[len++] = tmp[--n];
  return len;
}

}  // namespace

void ReplyBuilder::Header(char type, int64_t n) {
  char buf[32];
  buf[0] = type;
  size_t len = 1 + FormatInt(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->Append(buf, len);
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->Append('+');
  out_->Append(s);
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view msg) {
  ++errors_written_;
  // Redis (afterErrorReply) takes the code word up to the first space among
  // the first 32 bytes of "-CODE ...", i.e. the first 31 of msg; with no
  // space there the error counts as "ERR".
  std::string_view head = msg.substr(0, sizeof(last_error_code_buf_) - 1);
  size_t code_len = head.find(' ');
  if (code_len == std::string_view::npos) {
    std::memcpy(last_error_code_buf_, "ERR", 3);
    code_len = 3;
  } else {
    std::memcpy(last_error_code_buf_, msg.data(), code_len);
  }
  last_error_code_len_ = code_len;

  out_->Append('-');
  if (msg.find_first_of("\r\n") == std::string_view::npos) {
    out_->Append(msg);
  } else {
    std::string clean(msg);
    for (char& c : clean) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    out_->Append(clean);
  }
  out_->Append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->Append(s);
  out_->Append("\r\n", 2);
}

void ReplyBuilder::BulkLongLong(int64_t v) {
  char num[24];
  size_t n = FormatInt(v, num);
  Bulk(std::string_view(num, n));
}

void ReplyBuilder::Null() {
  if (resp_ >= 3) {
    Raw("_\r\n");
  } else {
    Raw("$-1\r\n");
  }
}

void ReplyBuilder::NullArray() {
  if (resp_ >= 3) {
    Raw("_\r\n");
  } else {
    Raw("*-1\r\n");
  }
}

void ReplyBuilder::ArrayHeader(size_t n) { Header('*', static_cast<int64_t>(n)); }

void ReplyBuilder::MapHeader(size_t pairs) {
  if (resp_ >= 3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyBuilder::SetHeader(size_t n) { Header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }

void ReplyBuilder::PushHeader(size_t n) { Header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

void ReplyBuilder::Double(double d) {
  if (std::isinf(d)) {
    DoubleText(d > 0 ? "inf" : "-inf");
    return;
  }
  char buf[64];
  int n = snprintf(buf, sizeof(buf), "%.17g", d);
  DoubleText(std::string_view(buf, n));
}

void ReplyBuilder::DoubleText(std::string_view text) {
  if (resp_ >= 3) {
    out_->Append(',');
    out_->Append(text);
    out_->Append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp_ >= 3) {
    Raw(b ? "#t\r\n" : "#f\r\n");
  } else {
    Raw(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::Verbatim(std::string_view s, std::string_view format) {
  if (resp_ >= 3) {
    // The format is three characters ("txt", "mkd"); the length counts it
    // and the ':' whatever its size, so the frame stays consistent.
    format = format.substr(0, 3);
    Header('=', static_cast<int64_t>(s.size() + format.size() + 1));
    out_->Append(format);
    out_->Append(':');
    out_->Append(s);
    out_->Append("\r\n", 2);
  } else {
    Bulk(s);
  }
}

}  // namespace spindle::protocol

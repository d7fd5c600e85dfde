// libFuzzer target for SplitArgs (sdssplitargs semantics).
//
// Checked: no crash or out-of-bounds read on any line; and a round trip: when
// a line splits, quoting each argument with Repr() (sdscatrepr) and joining
// them with spaces gives a line that splits back into the same arguments.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "common/strings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exactly-sized copy so ASan sees any read past the end.
  std::unique_ptr<char[]> copy(new char[size == 0 ? 1 : size]);
  if (size > 0) std::memcpy(copy.get(), data, size);
  std::string_view line(copy.get(), size);

  auto args = spindle::SplitArgs(line);
  if (!args) return 0;
  std::string joined;
  for (const std::string& a : *args) {
    if (!joined.empty()) joined.push_back(' ');
    joined += spindle::Repr(a);
  }
  auto again = spindle::SplitArgs(joined);
  if (!again || *again != *args) {
    fprintf(stderr, "round trip failed for %s\n", spindle::Repr(line).c_str());
    abort();
  }
  return 0;
}

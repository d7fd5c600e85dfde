#include "persistence/compression.h"

namespace spindle::persistence {

// No LZF codec in common/ yet: strings are stored verbatim (always valid
// RDB), and a compressed string in a file is refused with a clear error.
bool LzfAvailable() { return false; }

size_t LzfCompressTo(const void*, size_t, void*, size_t) { return 0; }

bool LzfDecompressTo(const void*, size_t, void*, size_t) { return false; }

}  // namespace spindle::persistence

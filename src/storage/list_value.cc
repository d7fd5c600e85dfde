#include "storage/list_value.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <utility>

#include "common/lzf.h"

namespace spindle::storage {
namespace {

// Redis's quicklist limits: optimization_level[] for fill -1..-5, and
// SIZE_SAFETY_LIMIT for a count-capped node (so a node of 128 entries of
// 1 KiB each still gets split).
constexpr size_t kOptimizationLevel[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSizeSafetyLimit = 8192;

// quicklist.c: MIN_COMPRESS_BYTES (smaller nodes are not worth it),
// MIN_COMPRESS_IMPROVE (the stream must be this much smaller), COMPRESS_MAX
// (the depth is a 16-bit field).
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;
constexpr int64_t kCompressMax = (1 << 16) - 1;
// The largest node raw_size can describe.
constexpr size_t kMaxCompressedRaw = (size_t{1} << 31) - 1;

size_t VarintLength(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

ListValue::ListValue(int64_t fill, int64_t compress_depth)
    : fill_(fill == 0 ? 1 : fill),
      depth_(static_cast<uint32_t>(std::clamp<int64_t>(compress_depth, 0, kCompressMax))) {}

std::unique_ptr<CollectionPayload> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>(fill_, depth_);
  copy->nodes_ = nodes_;
  copy->count_ = count_;
  return copy;
}

size_t ListValue::HeapBytes() const {
  // Each std::list node carries two links beside the Node.
  size_t bytes = 0;
  for (const Node& n : nodes_) bytes += sizeof(Node) + 2 * sizeof(void*) + n.data.capacity();
  return bytes;
}

std::vector<ListValue::NodeInfo> ListValue::Nodes() const {
  std::vector<NodeInfo> out;
  out.reserve(nodes_.size());
  for (const Node& n : nodes_) {
    out.push_back({n.count, n.RawSize(), n.data.size(), n.compressed()});
  }
  return out;
}

size_t ListValue::compressed_node_count() const {
  return static_cast<size_t>(
      std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.compressed(); }));
}

// ---------------------------------------------------------------------------
// Entries

size_t ListValue::EntryLength(std::string_view value) {
  return VarintLength(value.size()) + value.size();
}

void ListValue::InsertEntry(std::string* data, size_t pos, std::string_view value) {
  size_t len = EntryLength(value);
  data->insert(pos, len, '\0');
  char* p = data->data() + pos;
  size_t v = value.size();
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
}

std::string_view ListValue::ReadEntry(std::string_view data, size_t* pos) {
  size_t len = 0;
  int shift = 0;
  for (;;) {
    auto b = static_cast<uint8_t>(data[(*pos)++]);
    len |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  std::string_view out = data.substr(*pos, len);
  *pos += len;
  return out;
}

size_t ListValue::EntryOffset(std::string_view data, size_t k) {
  size_t pos = 0;
  for (size_t i = 0; i < k; ++i) ReadEntry(data, &pos);
  return pos;
}

// ---------------------------------------------------------------------------
// Node caps

size_t ListValue::NodeByteLimit() const {
  if (fill_ > 0) return kSizeSafetyLimit;
  int64_t level = std::min<int64_t>(-fill_, 5) - 1;
  return kOptimizationLevel[level];
}

bool ListValue::NodeFits(uint32_t count, size_t bytes) const {
  if (count <= 1) return true;
  if (fill_ > 0 && count > static_cast<uint64_t>(fill_)) return false;
  return bytes <= NodeByteLimit();
}

size_t ListValue::Rebalance(NodeIt it) {
  Node& node = *it;
  if (NodeFits(node.count, node.data.size())) return 1;
  // Greedy split: fill each new node as far as the caps allow. Each part is
  // copied out at its exact size, so a split leaves no spare capacity.
  std::string_view data = node.data;
  std::vector<Node> parts;
  size_t pos = 0, part_start = 0;
  uint32_t part_count = 0;
  auto cut = [&](size_t end) {
    Node part;
    part.data.assign(data.substr(part_start, end - part_start));
    part.count = part_count;
    parts.push_back(std::move(part));
    part_start = end;
    part_count = 0;
  };
  for (uint32_t k = 0; k < node.count; ++k) {
    size_t start = pos;
    ReadEntry(data, &pos);
    if (part_count > 0 && !NodeFits(part_count + 1, pos - part_start)) cut(start);
    ++part_count;
  }
  cut(pos);
  size_t n = parts.size();
  *it = std::move(parts[0]);  // `data` dies here; parts own copies
  nodes_.insert(std::next(it), std::make_move_iterator(parts.begin() + 1),
                std::make_move_iterator(parts.end()));
  return n;
}

// ---------------------------------------------------------------------------
// Compression and memory

std::string_view ListValue::View(const Node& n, std::string* scratch) {
  if (!n.compressed()) return n.data;
  scratch->resize(n.raw_size);
  // Our own stream of a known size: failing to decode it means the heap is
  // corrupt, which no caller could recover from.
  if (LzfDecompress(n.data.data(), n.data.size(), scratch->data(), n.raw_size) != n.raw_size) {
    std::abort();
  }
  return *scratch;
}

void ListValue::Decompress(Node& n) {
  std::string raw;
  View(n, &raw);
  n.data = std::move(raw);
  n.raw_size = 0;
}

std::string& ListValue::Open(Node& n) {
  if (n.compressed()) Decompress(n);
  n.incompressible = 0;
  return n.data;
}

void ListValue::TryCompress(Node& n) {
  size_t raw = n.data.size();
  if (raw < kMinCompressBytes || raw > kMaxCompressedRaw) {
    n.incompressible = 1;
    return;
  }
  // Room for a stream that saves more than MIN_COMPRESS_IMPROVE bytes:
  // anything longer is a failure, so the compressor may stop early.
  size_t room = raw - kMinCompressImprove - 1;
  auto buf = std::make_unique_for_overwrite<char[]>(room);
  size_t c = LzfCompress(n.data.data(), raw, buf.get(), room);
  if (c == 0) {
    n.incompressible = 1;
    return;
  }
  n.data = std::string(buf.get(), c);  // exact size: the point is memory
  n.raw_size = static_cast<uint32_t>(raw);
}

void ListValue::Tidy(Node& n, bool exact) {
  if (n.compressed()) return;
  size_t size = n.data.size();
  size_t slack = n.data.capacity() - size;
  if (slack == 0 || (!exact && slack <= size / 4 + 32)) return;
  n.data.shrink_to_fit();
}

bool ListValue::Inner(size_t i) const {
  return depth_ > 0 && i >= depth_ && i + depth_ < nodes_.size();
}

void ListValue::Canon(Node& n, size_t i) {
  if (Inner(i)) {
    if (!n.compressed() && !n.incompressible) TryCompress(n);
  } else if (n.compressed()) {
    Decompress(n);
  }
}

void ListValue::Settle(size_t window) {
  if (depth_ == 0) return;
  const size_t total = nodes_.size();
  window = std::min(window, total);
  auto fwd = nodes_.begin();
  auto back = nodes_.rbegin();
  for (size_t k = 0; k < window; ++k, ++fwd, ++back) {
    Canon(*fwd, k);
    Canon(*back, total - 1 - k);
  }
}

void ListValue::AfterEdit(NodeIt first, size_t i, size_t parts) {
  if (parts > 1) Settle(depth_ + parts - 1);
  for (size_t k = 0; k < parts; ++k, ++first) {
    Canon(*first, i + k);
    Tidy(*first, false);
  }
}

// ---------------------------------------------------------------------------
// Locating

template <typename NodeSeq>
auto ListValue::LocateIn(NodeSeq& nodes, size_t count, size_t index)
    -> Position<decltype(nodes.begin())> {
  assert(index < count);
  if (index < count / 2) {
    auto it = nodes.begin();
    size_t node = 0;
    while (index >= it->count) {
      index -= it->count;
      ++it;
      ++node;
    }
    return {it, node, index};
  }
  // Nearer the tail: walk backwards, counting from the end.
  size_t from_tail = count - 1 - index;
  auto it = std::prev(nodes.end());
  size_t node = nodes.size() - 1;
  while (from_tail >= it->count) {
    from_tail -= it->count;
    --it;
    --node;
  }
  return {it, node, it->count - 1 - from_tail};
}

// ---------------------------------------------------------------------------
// Operations

void ListValue::PushFront(std::string_view value) {
  NodeIt sealed = nodes_.end();
  if (nodes_.empty() ||
      !NodeFits(nodes_.front().count + 1, nodes_.front().RawSize() + EntryLength(value))) {
    sealed = nodes_.begin();
    nodes_.emplace_front();
  }
  Node& n = nodes_.front();
  InsertEntry(&Open(n), 0, value);
  ++n.count;
  ++count_;
  if (sealed != nodes_.end()) {
    // The old head moved one step inwards and will not grow from this end
    // again: compress it if it is now inside the depth, or drop its slack.
    Settle(depth_ + 1);
    Tidy(*sealed, true);
  }
}

void ListValue::PushBack(std::string_view value) {
  NodeIt sealed = nodes_.end();
  if (nodes_.empty() ||
      !NodeFits(nodes_.back().count + 1, nodes_.back().RawSize() + EntryLength(value))) {
    if (!nodes_.empty()) sealed = std::prev(nodes_.end());
    nodes_.emplace_back();
  }
  Node& n = nodes_.back();
  std::string& data = Open(n);
  InsertEntry(&data, data.size(), value);
  ++n.count;
  ++count_;
  if (sealed != nodes_.end()) {
    Settle(depth_ + 1);
    Tidy(*sealed, true);
  }
}

std::string ListValue::PopFront() {
  assert(count_ > 0);
  Node& n = nodes_.front();
  std::string& data = Open(n);
  size_t pos = 0;
  std::string out(ReadEntry(data, &pos));
  --count_;
  if (--n.count == 0) {
    nodes_.pop_front();
    Settle(depth_);
  } else {
    data.erase(0, pos);
    Tidy(n, false);
  }
  return out;
}

std::string ListValue::PopBack() {
  assert(count_ > 0);
  Node& n = nodes_.back();
  std::string& data = Open(n);
  size_t pos = EntryOffset(data, n.count - 1);
  size_t start = pos;
  std::string out(ReadEntry(data, &pos));
  --count_;
  if (--n.count == 0) {
    nodes_.pop_back();
    Settle(depth_);
  } else {
    data.resize(start);
    Tidy(n, false);
  }
  return out;
}

std::string ListValue::At(size_t index) const {
  auto p = LocateIn(nodes_, count_, index);
  std::string scratch;
  std::string_view data = View(*p.it, &scratch);
  size_t pos = EntryOffset(data, p.local);
  return std::string(ReadEntry(data, &pos));
}

void ListValue::Replace(size_t index, std::string_view value) {
  auto p = LocateIn(nodes_, count_, index);
  std::string& data = Open(*p.it);
  size_t start = EntryOffset(data, p.local);
  size_t end = start;
  ReadEntry(data, &end);
  data.erase(start, end - start);
  InsertEntry(&data, start, value);
  AfterEdit(p.it, p.node, Rebalance(p.it));
}

void ListValue::Insert(size_t index, std::string_view value) {
  assert(index <= count_);
  if (index == 0) return PushFront(value);
  if (index == count_) return PushBack(value);
  auto p = LocateIn(nodes_, count_, index);
  std::string& data = Open(*p.it);
  InsertEntry(&data, EntryOffset(data, p.local), value);
  ++p.it->count;
  ++count_;
  AfterEdit(p.it, p.node, Rebalance(p.it));
}

void ListValue::Erase(size_t index) {
  auto p = LocateIn(nodes_, count_, index);
  std::string& data = Open(*p.it);
  size_t start = EntryOffset(data, p.local);
  size_t end = start;
  ReadEntry(data, &end);
  --count_;
  if (--p.it->count == 0) {
    nodes_.erase(p.it);
    Settle(depth_);
    return;
  }
  data.erase(start, end - start);
  AfterEdit(p.it, p.node, 1);
}

void ListValue::EraseFront(size_t n) {
  assert(n <= count_);
  count_ -= n;
  bool removed = false;
  while (n > 0 && n >= nodes_.front().count) {
    n -= nodes_.front().count;
    nodes_.pop_front();
    removed = true;
  }
  if (n > 0) {
    Node& front = nodes_.front();
    std::string& data = Open(front);
    data.erase(0, EntryOffset(data, n));
    front.count -= static_cast<uint32_t>(n);
    Tidy(front, false);
  }
  // The head is raw now (Open), as position 0 wants; nodes that moved within
  // the depth follow.
  if (removed) Settle(depth_);
}

void ListValue::EraseBack(size_t n) {
  assert(n <= count_);
  count_ -= n;
  bool removed = false;
  while (n > 0 && n >= nodes_.back().count) {
    n -= nodes_.back().count;
    nodes_.pop_back();
    removed = true;
  }
  if (n > 0) {
    Node& back = nodes_.back();
    std::string& data = Open(back);
    back.count -= static_cast<uint32_t>(n);
    data.resize(EntryOffset(data, back.count));
    Tidy(back, false);
  }
  if (removed) Settle(depth_);
}

size_t ListValue::RemoveMatching(std::string_view value, size_t limit, bool from_tail) {
  size_t removed = 0;
  bool emptied = false;
  const size_t total = nodes_.size();
  std::string scratch;
  std::vector<size_t> offsets;
  std::vector<bool> drop;
  // Each node is decompressed, edited and settled before the next one, so
  // at most one node is held raw beyond its usual state at any time.
  auto scan = [&](Node& n, size_t i) {
    std::string_view data = View(n, &scratch);
    offsets.clear();
    size_t pos = 0;
    for (uint32_t k = 0; k < n.count; ++k) {
      offsets.push_back(pos);
      ReadEntry(data, &pos);
    }
    offsets.push_back(pos);
    drop.assign(n.count, false);
    size_t dropped = 0, dropped_bytes = 0;
    for (uint32_t s = 0; s < n.count && (limit == 0 || removed < limit); ++s) {
      uint32_t k = from_tail ? n.count - 1 - s : s;
      size_t at = offsets[k];
      if (ReadEntry(data, &at) == value) {
        drop[k] = true;
        ++dropped;
        ++removed;
        dropped_bytes += offsets[k + 1] - offsets[k];
      }
    }
    if (dropped == 0) return;
    std::string kept;
    kept.reserve(data.size() - dropped_bytes);
    for (uint32_t k = 0; k < n.count; ++k) {
      if (!drop[k]) kept.append(data.substr(offsets[k], offsets[k + 1] - offsets[k]));
    }
    n.data = std::move(kept);
    n.raw_size = 0;
    n.incompressible = 0;
    n.count -= static_cast<uint32_t>(dropped);
    if (n.count == 0) {
      emptied = true;
    } else {
      Canon(n, i);
    }
  };
  if (!from_tail) {
    size_t i = 0;
    for (auto it = nodes_.begin(); it != nodes_.end() && (limit == 0 || removed < limit);
         ++it, ++i) {
      scan(*it, i);
    }
  } else {
    size_t i = total;
    for (auto it = nodes_.rbegin(); it != nodes_.rend() && (limit == 0 || removed < limit); ++it) {
      scan(*it, --i);
    }
  }
  count_ -= removed;
  if (emptied) {
    nodes_.remove_if([](const Node& n) { return n.count == 0; });
    Settle(depth_);
  }
  return removed;
}

void ListValue::Visit(size_t start, bool reverse,
                      const std::function<bool(size_t, std::string_view)>& fn) const {
  if (start >= count_) return;
  auto p = LocateIn(nodes_, count_, start);
  size_t index = start;
  std::string scratch;
  if (!reverse) {
    size_t skip = p.local;
    for (auto it = p.it; it != nodes_.end(); ++it) {
      std::string_view data = View(*it, &scratch);
      size_t pos = EntryOffset(data, skip);
      for (size_t k = skip; k < it->count; ++k) {
        if (!fn(index++, ReadEntry(data, &pos))) return;
      }
      skip = 0;
    }
    return;
  }
  std::vector<size_t> offsets;
  size_t last = p.local;  // the entry to start from in the current node
  for (auto it = p.it;;) {
    std::string_view data = View(*it, &scratch);
    offsets.clear();
    size_t pos = 0;
    for (size_t k = 0; k <= last; ++k) {
      offsets.push_back(pos);
      ReadEntry(data, &pos);
    }
    for (size_t k = last + 1; k-- > 0;) {
      size_t at = offsets[k];
      if (!fn(index--, ReadEntry(data, &at))) return;
    }
    if (it == nodes_.begin()) return;
    --it;
    last = it->count - 1;
  }
}

std::vector<std::string> ListValue::ToVector() const {
  std::vector<std::string> out;
  out.reserve(count_);
  Visit(0, false, [&out](size_t, std::string_view e) {
    out.emplace_back(e);
    return true;
  });
  return out;
}

}  // namespace spindle::storage

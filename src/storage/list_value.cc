#include "storage/list_value.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/memory.h"
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
// quicklist.c: FILL_MAX (a 16-bit signed field) and the lowest size level.
constexpr int64_t kFillMax = (1 << 15) - 1;
constexpr int64_t kFillMin = -5;
// NodeRing positions are 32-bit.
constexpr size_t kMaxNodes = size_t{1} << 31;
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
    : fill_(static_cast<int32_t>(fill == 0 ? 1 : std::clamp(fill, kFillMin, kFillMax))),
      depth_(static_cast<uint32_t>(std::clamp<int64_t>(compress_depth, 0, kCompressMax))) {}

std::unique_ptr<CollectionPayload> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>(fill_, depth_);
  copy->nodes_ = nodes_;
  copy->count_ = count_;
  return copy;
}

size_t ListValue::EstimateHeapBytes(size_t samples) const {
  // Redis samples the first nodes of the quicklist and scales by the count.
  const size_t fixed = memory::MallocSize(sizeof(ListValue)) +
                       memory::MallocSize(nodes_.capacity() * sizeof(Node));
  const size_t n = nodes_.size();
  const size_t take = samples == 0 ? n : std::min(samples, n);
  if (take == 0) return fixed;
  size_t bytes = 0;
  for (size_t i = 0; i < take; ++i) bytes += memory::MallocSize(nodes_[i].data.capacity());
  return fixed + static_cast<size_t>(static_cast<double>(bytes) / take * n);
}

size_t ListValue::HeapBytes() const {
  size_t bytes = nodes_.capacity() * sizeof(Node);
  for (size_t i = 0; i < nodes_.size(); ++i) bytes += nodes_[i].data.capacity();
  return bytes;
}

std::vector<ListValue::NodeInfo> ListValue::Nodes() const {
  std::vector<NodeInfo> out;
  out.reserve(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    out.push_back({n.count, n.RawSize(), n.data.size(), n.compressed()});
  }
  return out;
}

size_t ListValue::compressed_node_count() const {
  size_t n = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) n += nodes_[i].compressed() ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------------------
// NodeRing

ListValue::NodeRing::NodeRing(const NodeRing& other) {
  if (other.size_ == 0) return;
  cap_ = std::bit_ceil(other.size_);
  slots_ = std::make_unique<Node[]>(cap_);
  size_ = other.size_;
  for (size_t i = 0; i < size_; ++i) slots_[i] = other[i];
}

ListValue::NodeRing& ListValue::NodeRing::operator=(const NodeRing& other) {
  if (this != &other) {
    NodeRing copy(other);
    std::swap(slots_, copy.slots_);
    std::swap(cap_, copy.cap_);
    std::swap(head_, copy.head_);
    std::swap(size_, copy.size_);
  }
  return *this;
}

void ListValue::NodeRing::Reallocate(size_t cap) {
  assert(cap >= size_);
  std::unique_ptr<Node[]> slots = cap == 0 ? nullptr : std::make_unique<Node[]>(cap);
  for (size_t i = 0; i < size_; ++i) slots[i] = std::move((*this)[i]);
  slots_ = std::move(slots);
  cap_ = static_cast<uint32_t>(cap);
  head_ = 0;
}

void ListValue::NodeRing::MaybeShrink() {
  if (size_ == 0) {
    Reallocate(0);
  } else if (cap_ >= 16 && size_ <= cap_ / 4) {
    Reallocate(cap_ / 2);
  }
}

void ListValue::NodeRing::PushFront() { InsertEmpty(0, 1); }

void ListValue::NodeRing::PushBack() { InsertEmpty(size_, 1); }

void ListValue::NodeRing::PopFront() {
  front() = Node();
  head_ = (head_ + 1) & (cap_ - 1);
  --size_;
  MaybeShrink();
}

void ListValue::NodeRing::PopBack() {
  back() = Node();
  --size_;
  MaybeShrink();
}

void ListValue::NodeRing::InsertEmpty(size_t i, size_t n) {
  assert(i <= size_);
  if (n == 0) return;
  if (size_ + n > kMaxNodes) std::abort();  // unreachable: memory runs out first
  if (size_ + n > cap_) Reallocate(std::bit_ceil(std::max<size_t>(size_ + n, 2 * cap_)));
  if (i < size_ - i) {
    // Nearer the head: the first i nodes move n slots back.
    head_ = static_cast<uint32_t>((head_ - n) & (cap_ - 1));
    size_ += static_cast<uint32_t>(n);
    for (size_t k = 0; k < i; ++k) (*this)[k] = std::move((*this)[k + n]);
  } else {
    size_ += static_cast<uint32_t>(n);
    for (size_t k = size_ - 1; k >= i + n; --k) (*this)[k] = std::move((*this)[k - n]);
  }
  for (size_t k = i; k < i + n; ++k) (*this)[k] = Node();
}

void ListValue::NodeRing::Erase(size_t i) {
  assert(i < size_);
  if (i < size_ - 1 - i) {
    for (size_t k = i; k > 0; --k) (*this)[k] = std::move((*this)[k - 1]);
    front() = Node();
    head_ = (head_ + 1) & (cap_ - 1);
  } else {
    for (size_t k = i; k + 1 < size_; ++k) (*this)[k] = std::move((*this)[k + 1]);
    back() = Node();
  }
  --size_;
  MaybeShrink();
}

void ListValue::NodeRing::EraseEmpty() {
  size_t kept = 0;
  for (size_t k = 0; k < size_; ++k) {
    if ((*this)[k].count == 0) continue;
    if (kept != k) (*this)[kept] = std::move((*this)[k]);
    ++kept;
  }
  for (size_t k = kept; k < size_; ++k) (*this)[k] = Node();
  size_ = static_cast<uint32_t>(kept);
  MaybeShrink();
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

size_t ListValue::Rebalance(size_t i) {
  if (NodeFits(nodes_[i].count, nodes_[i].data.size())) return 1;
  // Greedy split: fill each new node as far as the caps allow. Each part is
  // copied out at its exact size, so a split leaves no spare capacity.
  Node old = std::move(nodes_[i]);
  std::string_view data = old.data;
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
  for (uint32_t k = 0; k < old.count; ++k) {
    size_t start = pos;
    ReadEntry(data, &pos);
    if (part_count > 0 && !NodeFits(part_count + 1, pos - part_start)) cut(start);
    ++part_count;
  }
  cut(pos);
  nodes_.InsertEmpty(i + 1, parts.size() - 1);
  for (size_t k = 0; k < parts.size(); ++k) nodes_[i + k] = std::move(parts[k]);
  return parts.size();
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
  for (size_t k = 0; k < window; ++k) {
    Canon(nodes_[k], k);
    Canon(nodes_[total - 1 - k], total - 1 - k);
  }
}

void ListValue::AfterEdit(size_t i, size_t parts) {
  if (parts > 1) Settle(depth_ + parts - 1);
  for (size_t k = i; k < i + parts; ++k) {
    Canon(nodes_[k], k);
    Tidy(nodes_[k], false);
  }
}

// ---------------------------------------------------------------------------
// Operations

ListValue::Position ListValue::Locate(size_t index) const {
  assert(index < count_);
  if (index < count_ / 2) {
    size_t node = 0;
    while (index >= nodes_[node].count) index -= nodes_[node++].count;
    return {node, index};
  }
  // Nearer the tail: walk backwards, counting from the end.
  size_t from_tail = count_ - 1 - index;
  size_t node = nodes_.size() - 1;
  while (from_tail >= nodes_[node].count) from_tail -= nodes_[node--].count;
  return {node, nodes_[node].count - 1 - from_tail};
}

void ListValue::PushFront(std::string_view value) {
  bool sealed = false;
  if (nodes_.empty() ||
      !NodeFits(nodes_.front().count + 1, nodes_.front().RawSize() + EntryLength(value))) {
    sealed = !nodes_.empty();
    nodes_.PushFront();
  }
  Node& n = nodes_.front();
  InsertEntry(&Open(n), 0, value);
  ++n.count;
  ++count_;
  if (sealed) {
    // The old head moved one step inwards and will not grow from this end
    // again: compress it if it is now inside the depth, or drop its slack.
    Settle(depth_ + 1);
    Tidy(nodes_[1], true);
  }
}

void ListValue::PushBack(std::string_view value) {
  bool sealed = false;
  if (nodes_.empty() ||
      !NodeFits(nodes_.back().count + 1, nodes_.back().RawSize() + EntryLength(value))) {
    sealed = !nodes_.empty();
    nodes_.PushBack();
  }
  Node& n = nodes_.back();
  std::string& data = Open(n);
  InsertEntry(&data, data.size(), value);
  ++n.count;
  ++count_;
  if (sealed) {
    Settle(depth_ + 1);
    Tidy(nodes_[nodes_.size() - 2], true);
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
    nodes_.PopFront();
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
    nodes_.PopBack();
    Settle(depth_);
  } else {
    data.resize(start);
    Tidy(n, false);
  }
  return out;
}

std::string ListValue::At(size_t index) const {
  Position p = Locate(index);
  std::string scratch;
  std::string_view data = View(nodes_[p.node], &scratch);
  size_t pos = EntryOffset(data, p.local);
  return std::string(ReadEntry(data, &pos));
}

void ListValue::Replace(size_t index, std::string_view value) {
  Position p = Locate(index);
  std::string& data = Open(nodes_[p.node]);
  size_t start = EntryOffset(data, p.local);
  size_t end = start;
  ReadEntry(data, &end);
  data.erase(start, end - start);
  InsertEntry(&data, start, value);
  AfterEdit(p.node, Rebalance(p.node));
}

void ListValue::Insert(size_t index, std::string_view value) {
  assert(index <= count_);
  if (index == 0) return PushFront(value);
  if (index == count_) return PushBack(value);
  Position p = Locate(index);
  Node& n = nodes_[p.node];
  std::string& data = Open(n);
  InsertEntry(&data, EntryOffset(data, p.local), value);
  ++n.count;
  ++count_;
  AfterEdit(p.node, Rebalance(p.node));
}

void ListValue::Erase(size_t index) {
  Position p = Locate(index);
  Node& n = nodes_[p.node];
  std::string& data = Open(n);
  size_t start = EntryOffset(data, p.local);
  size_t end = start;
  ReadEntry(data, &end);
  --count_;
  if (--n.count == 0) {
    nodes_.Erase(p.node);
    Settle(depth_);
    return;
  }
  data.erase(start, end - start);
  AfterEdit(p.node, 1);
}

void ListValue::EraseFront(size_t n) {
  assert(n <= count_);
  count_ -= n;
  bool removed = false;
  while (n > 0 && n >= nodes_.front().count) {
    n -= nodes_.front().count;
    nodes_.PopFront();
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
    nodes_.PopBack();
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
  std::string scratch;
  std::vector<size_t> offsets;
  std::vector<bool> drop;
  // Each node is decompressed, edited and settled before the next one, so
  // at most one node is held raw beyond its usual state at any time.
  const size_t total = nodes_.size();
  for (size_t step = 0; step < total && (limit == 0 || removed < limit); ++step) {
    size_t i = from_tail ? total - 1 - step : step;
    Node& n = nodes_[i];
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
    if (dropped == 0) continue;
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
  }
  count_ -= removed;
  if (emptied) {
    nodes_.EraseEmpty();
    Settle(depth_);
  }
  return removed;
}

void ListValue::Visit(size_t start, bool reverse,
                      const std::function<bool(size_t, std::string_view)>& fn) const {
  if (start >= count_) return;
  Position p = Locate(start);
  size_t index = start;
  std::string scratch;
  if (!reverse) {
    size_t skip = p.local;
    for (size_t i = p.node; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      std::string_view data = View(n, &scratch);
      size_t pos = EntryOffset(data, skip);
      for (size_t k = skip; k < n.count; ++k) {
        if (!fn(index++, ReadEntry(data, &pos))) return;
      }
      skip = 0;
    }
    return;
  }
  std::vector<size_t> offsets;
  size_t last = p.local;  // the entry to start from in the current node
  for (size_t i = p.node + 1; i-- > 0;) {
    std::string_view data = View(nodes_[i], &scratch);
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
    if (i > 0) last = nodes_[i - 1].count - 1;
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

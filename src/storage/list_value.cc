#include "storage/list_value.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace spindle::storage {
namespace {

// Redis's quicklist limits: optimization_level[] for fill -1..-5, and
// SIZE_SAFETY_LIMIT for a count-capped node (so a node of 128 entries of
// 1 KiB each still gets split).
constexpr size_t kOptimizationLevel[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSizeSafetyLimit = 8192;

size_t VarintLength(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

ListValue::ListValue(int64_t fill) : fill_(fill == 0 ? 1 : fill) {}

std::unique_ptr<CollectionPayload> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>(fill_);
  copy->nodes_ = nodes_;
  copy->count_ = count_;
  return copy;
}

size_t ListValue::HeapBytes() const {
  size_t bytes = 0;
  for (const Node& n : nodes_) bytes += sizeof(Node) + n.data.capacity();
  return bytes;
}

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

void ListValue::AppendEntry(std::string* data, std::string_view value) {
  size_t v = value.size();
  while (v >= 0x80) {
    data->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  data->push_back(static_cast<char>(v));
  data->append(value);
}

std::string ListValue::EncodeEntry(std::string_view value) {
  std::string out;
  out.reserve(VarintLength(value.size()) + value.size());
  AppendEntry(&out, value);
  return out;
}

std::string_view ListValue::ReadEntry(const std::string& data, size_t* pos) {
  size_t len = 0;
  int shift = 0;
  for (;;) {
    auto b = static_cast<uint8_t>(data[(*pos)++]);
    len |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  std::string_view out(data.data() + *pos, len);
  *pos += len;
  return out;
}

std::vector<size_t> ListValue::Offsets(const Node& n) {
  std::vector<size_t> out;
  out.reserve(n.count + 1);
  size_t pos = 0;
  for (uint32_t i = 0; i < n.count; ++i) {
    out.push_back(pos);
    ReadEntry(n.data, &pos);
  }
  out.push_back(pos);
  return out;
}

void ListValue::Locate(size_t index, size_t* node, size_t* local) const {
  assert(index < count_);
  if (index < count_ / 2) {
    size_t i = 0;
    while (index >= nodes_[i].count) index -= nodes_[i++].count;
    *node = i;
    *local = index;
    return;
  }
  // Nearer the tail: walk backwards, counting from the end.
  size_t from_tail = count_ - 1 - index;
  size_t i = nodes_.size() - 1;
  while (from_tail >= nodes_[i].count) from_tail -= nodes_[i--].count;
  *node = i;
  *local = nodes_[i].count - 1 - from_tail;
}

void ListValue::Rebalance(size_t i) {
  if (NodeFits(nodes_[i].count, nodes_[i].data.size())) return;
  // Greedy split: fill each new node as far as the caps allow.
  Node old = std::move(nodes_[i]);
  std::vector<Node> parts;
  size_t pos = 0;
  Node cur;
  for (uint32_t k = 0; k < old.count; ++k) {
    size_t start = pos;
    ReadEntry(old.data, &pos);
    size_t len = pos - start;
    if (cur.count > 0 && !NodeFits(cur.count + 1, cur.data.size() + len)) {
      parts.push_back(std::move(cur));
      cur = Node();
    }
    cur.data.append(old.data, start, len);
    ++cur.count;
  }
  parts.push_back(std::move(cur));
  nodes_[i] = std::move(parts[0]);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                std::make_move_iterator(parts.begin() + 1), std::make_move_iterator(parts.end()));
}

void ListValue::PushFront(std::string_view value) {
  std::string entry = EncodeEntry(value);
  if (nodes_.empty() ||
      !NodeFits(nodes_.front().count + 1, nodes_.front().data.size() + entry.size())) {
    nodes_.emplace_front();
  }
  Node& n = nodes_.front();
  n.data.insert(0, entry);
  ++n.count;
  ++count_;
}

void ListValue::PushBack(std::string_view value) {
  size_t entry_len = VarintLength(value.size()) + value.size();
  if (nodes_.empty() || !NodeFits(nodes_.back().count + 1, nodes_.back().data.size() + entry_len)) {
    nodes_.emplace_back();
  }
  Node& n = nodes_.back();
  AppendEntry(&n.data, value);
  ++n.count;
  ++count_;
}

std::string ListValue::PopFront() {
  assert(count_ > 0);
  Node& n = nodes_.front();
  size_t pos = 0;
  std::string out(ReadEntry(n.data, &pos));
  if (--n.count == 0) {
    nodes_.pop_front();
  } else {
    n.data.erase(0, pos);
  }
  --count_;
  return out;
}

std::string ListValue::PopBack() {
  assert(count_ > 0);
  Node& n = nodes_.back();
  std::vector<size_t> offsets = Offsets(n);
  size_t pos = offsets[n.count - 1];
  std::string out(ReadEntry(n.data, &pos));
  if (--n.count == 0) {
    nodes_.pop_back();
  } else {
    n.data.resize(offsets[n.count]);
  }
  --count_;
  return out;
}

std::string_view ListValue::At(size_t index) const {
  size_t node, local;
  Locate(index, &node, &local);
  const Node& n = nodes_[node];
  size_t pos = 0;
  for (size_t k = 0; k < local; ++k) ReadEntry(n.data, &pos);
  return ReadEntry(n.data, &pos);
}

void ListValue::Replace(size_t index, std::string_view value) {
  size_t node, local;
  Locate(index, &node, &local);
  Node& n = nodes_[node];
  size_t pos = 0;
  for (size_t k = 0; k < local; ++k) ReadEntry(n.data, &pos);
  size_t start = pos;
  ReadEntry(n.data, &pos);
  n.data.replace(start, pos - start, EncodeEntry(value));
  Rebalance(node);
}

void ListValue::Insert(size_t index, std::string_view value) {
  assert(index <= count_);
  if (index == 0) return PushFront(value);
  if (index == count_) return PushBack(value);
  size_t node, local;
  Locate(index, &node, &local);
  Node& n = nodes_[node];
  size_t pos = 0;
  for (size_t k = 0; k < local; ++k) ReadEntry(n.data, &pos);
  n.data.insert(pos, EncodeEntry(value));
  ++n.count;
  ++count_;
  Rebalance(node);
}

void ListValue::Erase(size_t index) {
  size_t node, local;
  Locate(index, &node, &local);
  Node& n = nodes_[node];
  size_t pos = 0;
  for (size_t k = 0; k < local; ++k) ReadEntry(n.data, &pos);
  size_t start = pos;
  ReadEntry(n.data, &pos);
  n.data.erase(start, pos - start);
  --count_;
  if (--n.count == 0) nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(node));
}

void ListValue::EraseFront(size_t n) {
  assert(n <= count_);
  count_ -= n;
  while (n > 0 && n >= nodes_.front().count) {
    n -= nodes_.front().count;
    nodes_.pop_front();
  }
  if (n == 0) return;
  Node& front = nodes_.front();
  size_t pos = 0;
  for (size_t k = 0; k < n; ++k) ReadEntry(front.data, &pos);
  front.data.erase(0, pos);
  front.count -= static_cast<uint32_t>(n);
}

void ListValue::EraseBack(size_t n) {
  assert(n <= count_);
  count_ -= n;
  while (n > 0 && n >= nodes_.back().count) {
    n -= nodes_.back().count;
    nodes_.pop_back();
  }
  if (n == 0) return;
  Node& back = nodes_.back();
  std::vector<size_t> offsets = Offsets(back);
  back.count -= static_cast<uint32_t>(n);
  back.data.resize(offsets[back.count]);
}

size_t ListValue::RemoveMatching(std::string_view value, size_t limit, bool from_tail) {
  size_t removed = 0;
  const size_t nodes = nodes_.size();
  for (size_t step = 0; step < nodes && (limit == 0 || removed < limit); ++step) {
    size_t i = from_tail ? nodes - 1 - step : step;
    Node& n = nodes_[i];
    std::vector<size_t> offsets = Offsets(n);
    std::vector<bool> drop(n.count, false);
    size_t dropped = 0;
    for (uint32_t s = 0; s < n.count && (limit == 0 || removed < limit); ++s) {
      uint32_t k = from_tail ? n.count - 1 - s : s;
      size_t pos = offsets[k];
      if (ReadEntry(n.data, &pos) == value) {
        drop[k] = true;
        ++dropped;
        ++removed;
      }
    }
    if (dropped == 0) continue;
    std::string kept;
    kept.reserve(n.data.size());
    for (uint32_t k = 0; k < n.count; ++k) {
      if (!drop[k]) kept.append(n.data, offsets[k], offsets[k + 1] - offsets[k]);
    }
    n.data = std::move(kept);
    n.count -= static_cast<uint32_t>(dropped);
  }
  count_ -= removed;
  std::erase_if(nodes_, [](const Node& n) { return n.count == 0; });
  return removed;
}

void ListValue::Visit(size_t start, bool reverse,
                      const std::function<bool(size_t, std::string_view)>& fn) const {
  if (start >= count_) return;
  size_t node, local;
  Locate(start, &node, &local);
  size_t index = start;
  if (!reverse) {
    size_t pos = 0;
    for (size_t k = 0; k < local; ++k) ReadEntry(nodes_[node].data, &pos);
    for (size_t i = node; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      for (size_t k = (i == node ? local : 0); k < n.count; ++k) {
        if (!fn(index++, ReadEntry(n.data, &pos))) return;
      }
      pos = 0;
    }
    return;
  }
  for (size_t i = node + 1; i-- > 0;) {
    const Node& n = nodes_[i];
    std::vector<size_t> offsets = Offsets(n);
    for (size_t k = (i == node ? local : n.count - 1) + 1; k-- > 0;) {
      size_t pos = offsets[k];
      if (!fn(index--, ReadEntry(n.data, &pos))) return;
    }
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

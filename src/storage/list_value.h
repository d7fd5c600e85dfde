#pragma once
// ListValue: the payload of a list key, a quicklist as Redis 7.0 keeps one:
// a sequence of nodes, each a compact buffer of length-prefixed entries (the
// role a listpack plays in Redis). Nodes are capped by list-max-listpack-size
// (> 0: entries per node, also at most 8 KiB; -1..-5: 4..64 KiB per node);
// an element too large for any node sits alone in its own node.
//
// Redis 7.0 creates every list as a quicklist, however small (the listpack
// list encoding arrived in 7.2), so OBJECT ENCODING always reports
// "quicklist"; the node cap changes memory layout, never a reply.
//
// Indexes are 0-based from the head; callers check ranges first (the
// commands layer turns Redis's negative indexes into these).
//
// Thread: main thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/value.h"

namespace spindle::storage {

class ListValue final : public CollectionPayload {
 public:
  // `fill` is list-max-listpack-size when the list is created; Redis keeps
  // it for the life of the list. 0 is treated as 1 entry per node.
  explicit ListValue(int64_t fill = -2);

  std::unique_ptr<CollectionPayload> Clone() const override;
  Encoding encoding() const override { return Encoding::kQuicklist; }
  size_t Length() const override { return count_; }
  size_t HeapBytes() const override;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  int64_t fill() const { return fill_; }
  size_t node_count() const { return nodes_.size(); }

  void PushFront(std::string_view value);
  void PushBack(std::string_view value);
  // Remove and return the first / last element (the list is not empty).
  std::string PopFront();
  std::string PopBack();

  // The element at index (< size()). The view stays valid until the list is
  // next modified.
  std::string_view At(size_t index) const;
  // Replaces the element at index (< size()).
  void Replace(size_t index, std::string_view value);
  // Inserts value so that it ends up at index (<= size()): before the
  // element now there, or at the tail when index == size().
  void Insert(size_t index, std::string_view value);
  // Removes the element at index (< size()).
  void Erase(size_t index);
  // Removes the first / last n elements (n <= size()).
  void EraseFront(size_t n);
  void EraseBack(size_t n);
  // Removes elements equal to value, scanning from the head (or from the
  // tail when from_tail), at most `limit` of them (0: all). Returns how many.
  size_t RemoveMatching(std::string_view value, size_t limit, bool from_tail);

  // Visits elements starting at index `start` (< size()) towards the tail,
  // or towards the head when reverse, until fn returns false or the end.
  // fn(index, element) must not modify the list.
  void Visit(size_t start, bool reverse,
             const std::function<bool(size_t index, std::string_view element)>& fn) const;

  // All elements head to tail (tests).
  std::vector<std::string> ToVector() const;

 private:
  // One node: entries stored as a varint length followed by the bytes.
  struct Node {
    std::string data;
    uint32_t count = 0;
  };

  // Node byte budget: Redis's optimization_level for negative fill, the
  // 8 KiB safety limit for positive fill.
  size_t NodeByteLimit() const;
  // Whether a node holding `count` entries in `bytes` bytes is within the
  // caps (a node with a single entry always is).
  bool NodeFits(uint32_t count, size_t bytes) const;
  // Splits nodes_[i] into as many nodes as the caps require.
  void Rebalance(size_t i);
  // The node holding index and the entry's position inside it.
  void Locate(size_t index, size_t* node, size_t* local) const;
  // Byte offsets of the entries of a node (each entry's header start), plus
  // the node's end.
  static std::vector<size_t> Offsets(const Node& n);
  static void AppendEntry(std::string* data, std::string_view value);
  static std::string EncodeEntry(std::string_view value);
  // Reads the entry whose header starts at *pos; advances *pos past it.
  static std::string_view ReadEntry(const std::string& data, size_t* pos);

  std::deque<Node> nodes_;
  size_t count_ = 0;
  int64_t fill_;
};

}  // namespace spindle::storage

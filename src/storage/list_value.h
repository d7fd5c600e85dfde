#pragma once
// ListValue: the payload of a list key, a quicklist as Redis 7.0 keeps one:
// a sequence of nodes, each a compact buffer of length-prefixed entries (the
// role a listpack plays in Redis). Nodes are capped by list-max-listpack-size
// (> 0: entries per node, also at most 8 KiB; -1..-5: 4..64 KiB per node); an
// element too large for any node sits alone in its own node. A node keeps
// spare capacity only while it grows at an end of the list.
//
// list-compress-depth (quicklist->compress): when > 0, the `depth` nodes at
// each end stay raw and every node between them is kept LZF-compressed when
// that pays (Redis's rules: at least 48 raw bytes, and the stream more than
// 8 bytes smaller; otherwise the node stays raw until its contents change).
// Reads decompress a copy; writes decompress the node, change it, and
// compress it again, so after every call each node is in that state.
//
// Redis 7.0 creates every list as a quicklist, however small (the listpack
// list encoding arrived in 7.2), so OBJECT ENCODING always reports
// "quicklist"; the node cap and compression change memory layout, never a
// reply.
//
// Indexes are 0-based from the head; callers check ranges first (the
// commands layer turns Redis's negative indexes into these).
//
// Thread: main thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/value.h"

namespace spindle::storage {

class ListValue final : public CollectionPayload {
 public:
  // `fill` is list-max-listpack-size and `compress_depth` list-compress-depth
  // when the list is created; Redis keeps both for the life of the list
  // (quicklistSetOptions at creation). As there, the fill is clamped to
  // -5..32767 (FILL_MAX) and the depth to 0..65535 (COMPRESS_MAX); a fill of
  // 0 is treated as 1 entry per node.
  explicit ListValue(int64_t fill = -2, int64_t compress_depth = 0);

  std::unique_ptr<CollectionPayload> Clone() const override;
  Encoding encoding() const override { return Encoding::kQuicklist; }
  size_t Length() const override { return count_; }
  size_t HeapBytes() const override;
  size_t EstimateHeapBytes(size_t samples) const override;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  int64_t fill() const { return fill_; }
  uint32_t compress_depth() const { return depth_; }
  size_t node_count() const { return nodes_.size(); }

  // One node as stored (tests, DEBUG): entries, bytes of its entries, bytes
  // it holds now (the LZF stream when compressed), whether it is compressed.
  struct NodeInfo {
    uint32_t count;
    size_t raw_bytes;
    size_t stored_bytes;
    bool compressed;
  };
  std::vector<NodeInfo> Nodes() const;
  size_t compressed_node_count() const;

  void PushFront(std::string_view value);
  void PushBack(std::string_view value);
  // Remove and return the first / last element (the list is not empty).
  std::string PopFront();
  std::string PopBack();

  // A copy of the element at index (< size()): its node may be compressed.
  std::string At(size_t index) const;
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
  // fn(index, element) must not modify the list; the view is valid during
  // the call only.
  void Visit(size_t start, bool reverse,
             const std::function<bool(size_t index, std::string_view element)>& fn) const;

  // All elements head to tail (tests).
  std::vector<std::string> ToVector() const;

 private:
  // One node: entries stored as a varint length followed by the bytes, or,
  // when compressed (raw_size != 0), the LZF stream of those bytes.
  struct Node {
    std::string data;
    uint32_t count = 0;
    // Bytes of the entries when compressed; 0 when data holds them raw (a
    // compressed node is never empty: compression needs 48 bytes).
    uint32_t raw_size : 31 = 0;
    // Compression was tried and did not pay; cleared when the entries
    // change, so an unchanged node is not compressed again and again.
    uint32_t incompressible : 1 = 0;

    bool compressed() const { return raw_size != 0; }
    size_t RawSize() const { return compressed() ? raw_size : data.size(); }
  };
  // The nodes, head to tail, in a circular array with a power-of-two
  // capacity: pushes and pops at both ends are O(1), a walk over the nodes
  // reads one contiguous array (a linked list costs a cache miss per node),
  // and an empty list allocates nothing (std::deque allocates ~560 bytes up
  // front). Inserting or erasing a node in the middle moves the nodes on the
  // shorter side. The array shrinks when it is three-quarters empty.
  class NodeRing {
   public:
    NodeRing() = default;
    NodeRing(const NodeRing& other);
    NodeRing& operator=(const NodeRing& other);

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    size_t capacity() const { return cap_; }
    Node& operator[](size_t i) { return slots_[(head_ + i) & (cap_ - 1)]; }
    const Node& operator[](size_t i) const { return slots_[(head_ + i) & (cap_ - 1)]; }
    Node& front() { return (*this)[0]; }
    Node& back() { return (*this)[size_ - 1]; }

    // Adds an empty node at the head / tail.
    void PushFront();
    void PushBack();
    void PopFront();
    void PopBack();
    // Makes `n` empty nodes at positions i .. i + n - 1 (i <= size()).
    void InsertEmpty(size_t i, size_t n);
    void Erase(size_t i);
    // Drops the nodes holding no entries.
    void EraseEmpty();

   private:
    // Moves the nodes into a fresh array of `cap` slots (a power of two,
    // >= size()), head at slot 0; cap 0 frees the array.
    void Reallocate(size_t cap);
    void MaybeShrink();

    std::unique_ptr<Node[]> slots_;
    // 32-bit positions keep a list's fixed cost small; 2^31 nodes would
    // need over 80 GiB of node headers alone.
    uint32_t cap_ = 0;
    uint32_t head_ = 0;
    uint32_t size_ = 0;
  };

  // Where an element lives: its node's position and the entry's position
  // inside it.
  struct Position {
    size_t node;
    size_t local;
  };
  Position Locate(size_t index) const;

  // Node byte budget: Redis's optimization_level for negative fill, the
  // 8 KiB safety limit for positive fill.
  size_t NodeByteLimit() const;
  // Whether a node holding `count` entries in `bytes` bytes is within the
  // caps (a node with a single entry always is).
  bool NodeFits(uint32_t count, size_t bytes) const;
  // Splits node i into as many nodes as the caps require; returns how many
  // nodes it now spans (1 when it fitted).
  size_t Rebalance(size_t i);

  // The raw entries of a node for reading: its data, or its entries
  // decompressed into *scratch.
  static std::string_view View(const Node& n, std::string* scratch);
  // The raw entries of a node for writing: decompresses it in place if
  // needed and forgets that compression did not pay (the caller changes
  // the entries).
  static std::string& Open(Node& n);
  // Compresses a raw node when that pays (quicklist's __quicklistCompressNode
  // rules), or marks it incompressible.
  static void TryCompress(Node& n);
  static void Decompress(Node& n);
  // Returns spare capacity of a raw node to the allocator: always when
  // `exact` (a node that has stopped growing), otherwise only past a
  // quarter of its size so that repeated edits stay amortized O(1).
  static void Tidy(Node& n, bool exact);

  // Whether the node at position i (of node_count()) is inside the depth.
  bool Inner(size_t i) const;
  // Brings one node to the state its position asks for: compressed (when
  // that pays) inside the depth, raw within it.
  void Canon(Node& n, size_t i);
  // Canon on the `window` nodes at each end. After nodes were removed,
  // `depth_` covers every node that moved within the depth; after k nodes
  // were added, `depth_ + k` covers every node that moved inside it.
  void Settle(size_t window);
  // After an edit of the `parts` nodes starting at position i: the ends
  // when nodes were added, then each edited node.
  void AfterEdit(size_t i, size_t parts);

  static size_t EntryLength(std::string_view value);
  // Makes room at pos and writes the entry there.
  static void InsertEntry(std::string* data, size_t pos, std::string_view value);
  // Reads the entry whose header starts at *pos; advances *pos past it.
  static std::string_view ReadEntry(std::string_view data, size_t* pos);
  // Byte offset of the entry `k` of a node's raw entries.
  static size_t EntryOffset(std::string_view data, size_t k);

  NodeRing nodes_;
  size_t count_ = 0;
  int32_t fill_;
  uint32_t depth_;
};

}  // namespace spindle::storage

#pragma once
// ZSetValue: the payload of a sorted set. Elements are (member, score) pairs
// kept ordered by score, then by member bytes (memcmp order), as Redis orders
// them; members are unique.
//
// Two encodings, named as OBJECT ENCODING reports them:
//   listpack  one malloc'd byte buffer of the elements in order, each as a
//             varint member length, the member bytes and the score (a varint
//             when it is an integer of at most 53 bits, else a marker byte and
//             the 8 bytes of the double): compact, O(n) operations, used
//             while the set has at most zset-max-listpack-entries elements
//             and every member is at most zset-max-listpack-value bytes. The
//             buffer is reallocated to its exact size on each write, as
//             Redis's listpack is.
//   skiplist  a skiplist with spans (O(log n) insert, delete, rank and
//             element-at-rank) whose nodes are also the entries of an
//             intrusive member index (storage/hashtable.h: O(1) score
//             lookup, incremental rehash, the reverse-binary ZSCAN cursor).
//             Each element is one allocation holding its index link, score,
//             levels and member bytes: the member is stored once.
// Conversion is one-way (listpack -> skiplist) for a live set, as in Redis:
// removing elements never converts back. Results built whole (ZRANGESTORE,
// ZUNIONSTORE ...) pick their encoding from their final size (CreateFor).
//
// Every position below is a 0-based rank in ascending order. Views passed to
// callbacks point into the payload and are valid during the call; a write
// must not be passed one (copy the member first).
//
// Thread: main thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/encoding_limits.h"
#include "storage/value.h"

namespace spindle::storage {

// A score interval (ZRANGEBYSCORE, ZCOUNT ...): min/max with "(" exclusivity.
struct ZScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// One end of a lex interval: "-" (below everything), "+" (above everything),
// or "[x" / "(x".
struct ZLexBound {
  enum class Kind : uint8_t { kMinusInf, kPlusInf, kValue } kind = Kind::kMinusInf;
  std::string value;
  bool exclusive = false;
};
struct ZLexRange {
  ZLexBound min;
  ZLexBound max;
};

class ZSetValue final : public CollectionPayload {
 public:
  struct Element {
    std::string member;
    double score;
  };

  // An empty set in the encoding Redis gives a key created by ZADD /
  // ZINCRBY: skiplist when zset-max-listpack-entries is 0 or the first
  // member is longer than zset-max-listpack-value, listpack otherwise.
  static std::unique_ptr<ZSetValue> CreateForFirst(const EncodingLimits& limits,
                                                   size_t first_member_len);
  // A set built whole from `elements` (distinct members, any order): listpack
  // when it fits both limits, skiplist otherwise (store commands).
  static std::unique_ptr<ZSetValue> CreateFrom(const EncodingLimits& limits,
                                               std::vector<Element> elements);

  // A set built by inserting `elements` (distinct members) one by one, in
  // order, into a set created for `size_hint` elements (listpack when the
  // hint fits zset-max-listpack-entries), converting as Insert does: Redis's
  // ZRANGESTORE. Scores inserted while the set is a listpack read -0 as 0.
  static std::unique_ptr<ZSetValue> CreateByInsertion(const EncodingLimits& limits,
                                                      size_t size_hint,
                                                      const std::vector<Element>& elements);

  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;
  ~ZSetValue() override;

  // CollectionPayload.
  std::unique_ptr<CollectionPayload> Clone() const override;
  Encoding encoding() const override;
  size_t Length() const override { return size(); }
  size_t HeapBytes() const override;
  size_t EstimateHeapBytes(size_t samples) const override;

  bool is_listpack() const { return !skiplist_form_; }
  size_t size() const;

  // The member's score; false when absent.
  bool Score(std::string_view member, double* score) const;
  // Adds a member that is not present. Converts to skiplist first when the
  // listpack would break a limit (Redis checks before inserting).
  void Insert(std::string_view member, double score, const EncodingLimits& limits);
  // Changes the score of a present member (no-op when equal).
  void UpdateScore(std::string_view member, double old_score, double new_score);
  // Removes a member; false when absent.
  bool Remove(std::string_view member);

  // The member's rank (ascending); false when absent.
  bool Rank(std::string_view member, size_t* rank) const;
  // The element at rank (rank < size()).
  Element At(size_t rank) const;
  // Visits ranks [start, end) ascending, or when reverse, ranks end-1 down to
  // start. fn returns false to stop.
  void Visit(size_t start, size_t end, bool reverse,
             const std::function<bool(std::string_view member, double score)>& fn) const;
  // Removes ranks [start, end); returns how many.
  size_t RemoveRanks(size_t start, size_t end);

  // ZSCAN over a skiplist: one reverse-binary cursor step over the member
  // index (see HashTable::Scan), returning the next cursor, 0 when done; an
  // element present from the first call to the last is visited at least
  // once. A listpack visits everything in order and returns 0 (Redis replies
  // with the whole set). fn must not touch the set (a lookup would move the
  // index's buckets under the walk).
  uint64_t Scan(uint64_t cursor,
                const std::function<void(std::string_view member, double score)>& fn) const;

  // Score ranges: the ranks of the elements in range are [first, last) with
  // first = ScoreRangeBegin(r), last = ScoreRangeEnd(r) (empty if last <= first).
  size_t ScoreRangeBegin(const ZScoreRange& range) const;
  size_t ScoreRangeEnd(const ZScoreRange& range) const;
  // Lex ranges, by member bytes. Meaningful when all scores are equal (as
  // Redis documents); otherwise they assume ordering and stay deterministic.
  size_t LexRangeBegin(const ZLexRange& range) const;
  size_t LexRangeEnd(const ZLexRange& range) const;

  // Converts a listpack set to skiplist (tests, and Insert).
  void ConvertToSkiplist();

 private:
  class Skiplist;
  ZSetValue() = default;

  // Number of leading elements (in order) for which pred holds; pred must
  // hold for a prefix of the order.
  size_t CountPrefix(const std::function<bool(double score, std::string_view member)>& pred) const;

  // Listpack form helpers (zset_value.cc).
  static constexpr size_t kNotFound = ~size_t{0};
  // Byte offset of member's entry, or kNotFound; *rank gets its rank.
  size_t ListpackFind(std::string_view member, size_t* rank = nullptr) const;
  // Byte offset of the entry at rank (lp_bytes_ for rank == size()).
  size_t ListpackOffset(size_t rank) const;
  // Resizes the bytes [offset, offset + old_len) to new_len, moving what
  // follows; returns where they start. Reallocates the buffer.
  char* ListpackSplice(size_t offset, size_t old_len, size_t new_len);
  void ListpackInsert(std::string_view member, double score);
  // Removes the entry at offset.
  void ListpackErase(size_t offset);

  // The listpack form owns lp_ (lp_bytes_ bytes holding lp_count_ elements,
  // nullptr while empty); the skiplist form owns skiplist_. The object is 24
  // bytes, one 32-byte malloc chunk.
  union {
    char* lp_ = nullptr;
    Skiplist* skiplist_;
  };
  uint32_t lp_bytes_ = 0;
  uint32_t lp_count_ : 31 = 0;
  uint32_t skiplist_form_ : 1 = 0;
};

// Orders (score, member) pairs as Redis does: by score, then memcmp order.
inline bool ZElementLess(double a_score, std::string_view a_member, double b_score,
                         std::string_view b_member) {
  if (a_score != b_score) return a_score < b_score;
  return a_member.compare(b_member) < 0;
}

}  // namespace spindle::storage

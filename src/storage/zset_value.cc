// The sorted-set payload. The skiplist follows the classic design (Pugh's
// skiplist with a span per link, as Redis's t_zset.c describes it): the span
// of a link counts the level-0 steps it jumps, so summing spans on the way
// down gives a rank, and a rank is found by descending while the running sum
// stays below it. Its nodes double as the entries of the member index, so
// where Redis keeps a skiplist node and a dict entry (and shares the member
// sds between them), Spindle keeps one allocation per element.

#include "storage/zset_value.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/memory.h"
#include "common/packed.h"
#include "storage/hashtable.h"

namespace spindle::storage {
namespace {

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack that would grow past it
// converts to a skiplist (lpSafeToAdd). It also keeps lp_bytes_ in 32 bits.
constexpr size_t kListpackMaxSafety = size_t{1} << 30;

// A listpack keeps a score as its text (Redis's d2string, an integer when it
// is one), so -0 is stored, and read back, as 0. The skiplist keeps -0.
double ListpackScore(double score) { return score == 0 ? 0.0 : score; }

// ---------------------------------------------------------------------------
// Listpack entry codec: [varint member length][member][score]. A score that
// is an integer of magnitude at most 2^53 (exact in a double) is the varint
// of its zigzag form shifted left once (even); any other is the varint 1
// followed by the 8 bytes of the double. Small integer scores, the common
// case, take one byte.

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
constexpr uint64_t kDoubleMarker = 1;

// The varint a score is written as when it is an exact integer, or
// kDoubleMarker.
uint64_t ScoreTag(double score) {
  if (score >= -kMaxExactInt && score <= kMaxExactInt && std::trunc(score) == score) {
    const auto i = static_cast<int64_t>(score);
    const uint64_t zigzag = (static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63);
    return zigzag << 1;
  }
  return kDoubleMarker;
}

size_t EntrySize(std::string_view member, double score) {
  const uint64_t tag = ScoreTag(score);
  return VarintSize(member.size()) + member.size() +
         (tag == kDoubleMarker ? 1 + sizeof(double) : VarintSize(tag));
}

char* WriteEntry(char* p, std::string_view member, double score) {
  p = WriteVarint(p, member.size());
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  p += member.size();
  const uint64_t tag = ScoreTag(score);
  p = WriteVarint(p, tag);
  if (tag == kDoubleMarker) {
    std::memcpy(p, &score, sizeof(double));
    p += sizeof(double);
  }
  return p;
}

struct LpEntry {
  std::string_view member;
  double score;
  const char* end;  // where the next entry starts
};

LpEntry ReadEntry(const char* p) {
  LpEntry e;
  uint64_t v;
  p = ReadVarint(p, &v);
  e.member = std::string_view(p, v);
  p = ReadVarint(p + v, &v);
  if (v == kDoubleMarker) {
    std::memcpy(&e.score, p, sizeof(double));
    p += sizeof(double);
  } else {
    const uint64_t zigzag = v >> 1;
    e.score =
        static_cast<double>(static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1));
  }
  e.end = p;
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------
// The skiplist form.

class ZSetValue::Skiplist {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node;
  struct Level {
    Node* forward;
    size_t span;
  };
  // One element: [index link | backward | score | member length | height |
  // levels[height] | member bytes], one allocation. A 16-byte member on one
  // level (3 nodes in 4) is 64 bytes.
  struct Node {
    Node* hnext;  // the member index's chain
    Node* backward;
    double score;
    uint32_t len;
    uint8_t height;

    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    Node* next() const { return levels()[0].forward; }
    std::string_view member() const {
      return std::string_view(reinterpret_cast<const char*>(levels() + height), len);
    }
    size_t bytes_used() const { return sizeof(Node) + height * sizeof(Level) + len; }

    static Node* Create(int height, double score, std::string_view member) {
      auto* n = static_cast<Node*>(
          std::malloc(sizeof(Node) + static_cast<size_t>(height) * sizeof(Level) + member.size()));
      if (n == nullptr) throw std::bad_alloc();
      n->hnext = nullptr;
      n->backward = nullptr;
      n->score = score;
      n->len = static_cast<uint32_t>(member.size());
      n->height = static_cast<uint8_t>(height);
      for (int i = 0; i < height; ++i) n->levels()[i] = Level{nullptr, 0};
      if (!member.empty()) {
        std::memcpy(reinterpret_cast<char*>(n->levels() + height), member.data(), member.size());
      }
      return n;
    }
    static void Destroy(Node* n) { std::free(n); }
  };
  struct NodeTraits {
    static std::string_view Key(const Node* n) { return n->member(); }
    static Node*& Next(Node* n) { return n->hnext; }
    static Node* Next(const Node* n) { return n->hnext; }
    static void Destroy(Node* n) { Node::Destroy(n); }
  };
  using Index = HashTable<Node, NodeTraits>;

  Skiplist() : header_(Node::Create(kMaxLevel, 0, {})) {}
  // The index owns the element nodes and frees them.
  ~Skiplist() { Node::Destroy(header_); }
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t length() const { return index_.size(); }
  Node* first() const { return header_->next(); }
  Node* last() const { return tail_; }

  // A lookup does a step of rehash work, as Redis's dictFind does (reads
  // included, or a set only read would stay mid-rehash).
  Node* Find(std::string_view member) const { return index_.Find(member, HashKey(member)); }

  // Adds (score, member); the member must not be present.
  void Insert(double score, std::string_view member) {
    Node* x = Node::Create(RandomLevel(), score, member);
    Link(x);
    index_.Insert(x, HashKey(x->member()));
  }

  // Removes a present node.
  void Delete(Node* x) {
    Unlink(x);
    index_.Unlink(x->member(), HashKey(x->member()));
    Node::Destroy(x);
    index_.ResizeIfNeeded();
  }

  // Moves a present node to a new score (Redis's zslUpdateScore): in place
  // when it keeps its position, else unlinked and linked again; the node and
  // its index entry stay.
  void UpdateScore(Node* x, double score) {
    const Node* next = x->next();
    if ((x->backward == nullptr || x->backward->score < score) &&
        (next == nullptr || next->score > score)) {
      x->score = score;
      return;
    }
    Unlink(x);
    x->score = score;
    Link(x);
  }

  // 1-based rank of a present node.
  size_t RankOf(const Node* n) const {
    size_t rank = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels()[i].forward != nullptr &&
             !ZElementLess(n->score, n->member(), x->levels()[i].forward->score,
                           x->levels()[i].forward->member())) {
        rank += x->levels()[i].span;
        x = x->levels()[i].forward;
      }
      if (x == n) return rank;
    }
    return rank;
  }

  // The node at a 1-based rank (1 <= rank <= length).
  Node* ByRank(size_t rank) const {
    size_t traversed = 0;
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= rank) {
        traversed += x->levels()[i].span;
        x = x->levels()[i].forward;
      }
      if (traversed == rank) return x;
    }
    return nullptr;
  }

  size_t CountPrefix(const std::function<bool(double, std::string_view)>& pred) const {
    size_t count = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels()[i].forward != nullptr &&
             pred(x->levels()[i].forward->score, x->levels()[i].forward->member())) {
        count += x->levels()[i].span;
        x = x->levels()[i].forward;
      }
    }
    return count;
  }

  // Removes 0-based ranks [start, end).
  size_t RemoveRanks(size_t start, size_t end) {
    Node* update[kMaxLevel];
    size_t traversed = 0;
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= start) {
        traversed += x->levels()[i].span;
        x = x->levels()[i].forward;
      }
      update[i] = x;
    }
    x = x->next();
    size_t removed = 0;
    while (x != nullptr && start + removed < end) {
      Node* next = x->next();
      UnlinkAt(x, update);
      index_.Unlink(x->member(), HashKey(x->member()));
      Node::Destroy(x);
      ++removed;
      x = next;
    }
    index_.ResizeIfNeeded();
    return removed;
  }

  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return index_.Scan(cursor, [&](const Node* n) { fn(n->member(), n->score); });
  }

  size_t heap_bytes() const {
    size_t bytes = sizeof(Skiplist) + header_->bytes_used() + index_.buckets() * sizeof(void*);
    for (const Node* x = first(); x != nullptr; x = x->next()) bytes += x->bytes_used();
    return bytes;
  }

 private:
  // Links an unlinked node at the position of its (score, member), keeping
  // its height.
  void Link(Node* x) {
    Node* update[kMaxLevel];
    size_t rank[kMaxLevel];
    const std::string_view member = x->member();
    Node* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
      while (p->levels()[i].forward != nullptr &&
             ZElementLess(p->levels()[i].forward->score, p->levels()[i].forward->member(), x->score,
                          member)) {
        rank[i] += p->levels()[i].span;
        p = p->levels()[i].forward;
      }
      update[i] = p;
    }
    const int lvl = x->height;
    if (lvl > level_) {
      for (int i = level_; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = header_;
        header_->levels()[i].span = linked_;
      }
      level_ = lvl;
    }
    for (int i = 0; i < lvl; ++i) {
      Level& up = update[i]->levels()[i];
      x->levels()[i].forward = up.forward;
      up.forward = x;
      x->levels()[i].span = up.span - (rank[0] - rank[i]);
      up.span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level_; ++i) update[i]->levels()[i].span++;
    x->backward = update[0] == header_ ? nullptr : update[0];
    if (x->next() != nullptr) {
      x->next()->backward = x;
    } else {
      tail_ = x;
    }
    ++linked_;
  }

  // Unlinks a linked node from the skiplist (not from the index).
  void Unlink(Node* x) {
    Node* update[kMaxLevel];
    Node* p = header_;
    const std::string_view member = x->member();
    for (int i = level_ - 1; i >= 0; --i) {
      while (p->levels()[i].forward != nullptr &&
             ZElementLess(p->levels()[i].forward->score, p->levels()[i].forward->member(), x->score,
                          member)) {
        p = p->levels()[i].forward;
      }
      update[i] = p;
    }
    UnlinkAt(x, update);
  }

  void UnlinkAt(Node* x, Node** update) {
    for (int i = 0; i < level_; ++i) {
      Level& up = update[i]->levels()[i];
      if (up.forward == x) {
        up.span += x->levels()[i].span - 1;
        up.forward = x->levels()[i].forward;
      } else {
        up.span -= 1;
      }
    }
    if (x->next() != nullptr) {
      x->next()->backward = x->backward;
    } else {
      tail_ = x->backward;
    }
    while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) --level_;
    --linked_;
  }

  // Level k with probability 1/4^(k-1), as Redis's ZSKIPLIST_P = 0.25.
  int RandomLevel() {
    int lvl = 1;
    while (lvl < kMaxLevel && (NextRandom() & 3) == 0) ++lvl;
    return lvl;
  }
  uint64_t NextRandom() {
    // xorshift64*: cheap and good enough for level choice.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return (rng_ * 0x2545F4914F6CDD1DULL) >> 32;
  }

  Node* header_;
  Node* tail_ = nullptr;
  size_t linked_ = 0;  // nodes in the list (the index's size, but for a node being moved)
  int level_ = 1;
  uint64_t rng_ = 0x9E3779B97F4A7C15ULL;
  mutable Index index_;
};

// vptr, the union and the sizes: a 32-byte malloc chunk per sorted set.
static_assert(sizeof(ZSetValue) == 24);

ZSetValue::~ZSetValue() {
  if (skiplist_form_) {
    delete skiplist_;
  } else {
    std::free(lp_);
  }
}

std::unique_ptr<ZSetValue> ZSetValue::CreateForFirst(const EncodingLimits& limits,
                                                     size_t first_member_len) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (limits.zset_max_listpack_entries == 0 ||
      static_cast<int64_t>(first_member_len) > limits.zset_max_listpack_value) {
    z->ConvertToSkiplist();
  }
  return z;
}

std::unique_ptr<ZSetValue> ZSetValue::CreateFrom(const EncodingLimits& limits,
                                                 std::vector<Element> elements) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  size_t max_len = 0;
  size_t bytes = 0;
  for (const Element& e : elements) {
    max_len = std::max(max_len, e.member.size());
    bytes += EntrySize(e.member, ListpackScore(e.score));
  }
  if (static_cast<int64_t>(elements.size()) > limits.zset_max_listpack_entries ||
      static_cast<int64_t>(max_len) > limits.zset_max_listpack_value ||
      bytes > kListpackMaxSafety) {
    z->ConvertToSkiplist();
    for (const Element& e : elements) z->skiplist_->Insert(e.score, e.member);
    return z;
  }
  for (Element& e : elements) e.score = ListpackScore(e.score);
  std::sort(elements.begin(), elements.end(), [](const Element& a, const Element& b) {
    return ZElementLess(a.score, a.member, b.score, b.member);
  });
  if (bytes > 0) {
    z->lp_ = static_cast<char*>(std::malloc(bytes));
    if (z->lp_ == nullptr) throw std::bad_alloc();
  }
  char* p = z->lp_;
  for (const Element& e : elements) p = WriteEntry(p, e.member, e.score);
  z->lp_bytes_ = static_cast<uint32_t>(bytes);
  z->lp_count_ = static_cast<uint32_t>(elements.size());
  return z;
}

std::unique_ptr<ZSetValue> ZSetValue::CreateByInsertion(const EncodingLimits& limits,
                                                        size_t size_hint,
                                                        const std::vector<Element>& elements) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (static_cast<int64_t>(size_hint) > limits.zset_max_listpack_entries) {
    z->ConvertToSkiplist();
  }
  for (const Element& e : elements) z->Insert(e.member, e.score, limits);
  return z;
}

std::unique_ptr<CollectionPayload> ZSetValue::Clone() const {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (!skiplist_form_) {
    if (lp_bytes_ > 0) {
      z->lp_ = static_cast<char*>(std::malloc(lp_bytes_));
      if (z->lp_ == nullptr) throw std::bad_alloc();
      std::memcpy(z->lp_, lp_, lp_bytes_);
    }
    z->lp_bytes_ = lp_bytes_;
    z->lp_count_ = lp_count_;
    return z;
  }
  z->ConvertToSkiplist();
  for (const Skiplist::Node* x = skiplist_->first(); x != nullptr; x = x->next()) {
    z->skiplist_->Insert(x->score, x->member());
  }
  return z;
}

Encoding ZSetValue::encoding() const {
  return skiplist_form_ ? Encoding::kSkiplist : Encoding::kListpack;
}

size_t ZSetValue::EstimateHeapBytes(size_t) const {
  // The skiplist keeps its byte count as it changes: no sampling needed.
  return memory::MallocSize(sizeof(ZSetValue)) +
         (skiplist_form_ ? skiplist_->heap_bytes() : memory::MallocSize(lp_bytes_));
}

size_t ZSetValue::HeapBytes() const { return skiplist_form_ ? skiplist_->heap_bytes() : lp_bytes_; }

size_t ZSetValue::size() const { return skiplist_form_ ? skiplist_->length() : lp_count_; }

// ---------------------------------------------------------------------------
// Listpack helpers.

size_t ZSetValue::ListpackFind(std::string_view member, size_t* rank) const {
  size_t i = 0;
  for (const char* p = lp_; p < lp_ + lp_bytes_; ++i) {
    LpEntry e = ReadEntry(p);
    if (e.member == member) {
      if (rank != nullptr) *rank = i;
      return static_cast<size_t>(p - lp_);
    }
    p = e.end;
  }
  return kNotFound;
}

size_t ZSetValue::ListpackOffset(size_t rank) const {
  const char* p = lp_;
  for (size_t i = 0; i < rank; ++i) p = ReadEntry(p).end;
  return static_cast<size_t>(p - lp_);
}

char* ZSetValue::ListpackSplice(size_t offset, size_t old_len, size_t new_len) {
  return SpliceBytes(&lp_, &lp_bytes_, offset, old_len, new_len);
}

void ZSetValue::ListpackInsert(std::string_view member, double score) {
  score = ListpackScore(score);
  const char* p = lp_;
  const char* end = lp_ + lp_bytes_;
  while (p < end) {
    LpEntry e = ReadEntry(p);
    if (!ZElementLess(e.score, e.member, score, member)) break;
    p = e.end;
  }
  const size_t offset = static_cast<size_t>(p - lp_);
  WriteEntry(ListpackSplice(offset, 0, EntrySize(member, score)), member, score);
  ++lp_count_;
}

void ZSetValue::ListpackErase(size_t offset) {
  const size_t len = static_cast<size_t>(ReadEntry(lp_ + offset).end - lp_) - offset;
  ListpackSplice(offset, len, 0);
  --lp_count_;
}

// ---------------------------------------------------------------------------
// Operations.

bool ZSetValue::Score(std::string_view member, double* score) const {
  if (skiplist_form_) {
    const Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    *score = n->score;
    return true;
  }
  size_t at = ListpackFind(member);
  if (at == kNotFound) return false;
  *score = ReadEntry(lp_ + at).score;
  return true;
}

void ZSetValue::Insert(std::string_view member, double score, const EncodingLimits& limits) {
  if (!skiplist_form_ && (static_cast<int64_t>(lp_count_) + 1 > limits.zset_max_listpack_entries ||
                          static_cast<int64_t>(member.size()) > limits.zset_max_listpack_value ||
                          lp_bytes_ + member.size() > kListpackMaxSafety)) {
    ConvertToSkiplist();
  }
  if (skiplist_form_) {
    skiplist_->Insert(score, member);
    return;
  }
  ListpackInsert(member, score);
}

void ZSetValue::UpdateScore(std::string_view member, double old_score, double new_score) {
  if (old_score == new_score) return;
  if (skiplist_form_) {
    Skiplist::Node* n = skiplist_->Find(member);
    if (n != nullptr) skiplist_->UpdateScore(n, new_score);
    return;
  }
  size_t at = ListpackFind(member);
  if (at == kNotFound) return;
  std::string owned(member);  // member may point into the listpack
  ListpackErase(at);
  ListpackInsert(owned, new_score);
}

bool ZSetValue::Remove(std::string_view member) {
  if (skiplist_form_) {
    Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    skiplist_->Delete(n);
    return true;
  }
  size_t at = ListpackFind(member);
  if (at == kNotFound) return false;
  ListpackErase(at);
  return true;
}

bool ZSetValue::Rank(std::string_view member, size_t* rank) const {
  if (skiplist_form_) {
    const Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    *rank = skiplist_->RankOf(n) - 1;
    return true;
  }
  return ListpackFind(member, rank) != kNotFound;
}

ZSetValue::Element ZSetValue::At(size_t rank) const {
  if (skiplist_form_) {
    const Skiplist::Node* n = skiplist_->ByRank(rank + 1);
    return {std::string(n->member()), n->score};
  }
  LpEntry e = ReadEntry(lp_ + ListpackOffset(rank));
  return {std::string(e.member), e.score};
}

void ZSetValue::Visit(size_t start, size_t end, bool reverse,
                      const std::function<bool(std::string_view, double)>& fn) const {
  end = std::min(end, size());
  if (start >= end) return;
  size_t n = end - start;
  if (!skiplist_form_) {
    const char* p = lp_ + ListpackOffset(start);
    if (!reverse) {
      for (; n > 0; --n) {
        LpEntry e = ReadEntry(p);
        if (!fn(e.member, e.score)) return;
        p = e.end;
      }
      return;
    }
    // Entries only parse forwards: find the range's offsets first.
    std::vector<uint32_t> offsets(n);
    for (size_t i = 0; i < n; ++i) {
      offsets[i] = static_cast<uint32_t>(p - lp_);
      p = ReadEntry(p).end;
    }
    for (size_t i = n; i-- > 0;) {
      LpEntry e = ReadEntry(lp_ + offsets[i]);
      if (!fn(e.member, e.score)) return;
    }
    return;
  }
  if (reverse) {
    for (const Skiplist::Node* x = skiplist_->ByRank(end); x != nullptr && n > 0;
         x = x->backward, --n) {
      if (!fn(x->member(), x->score)) return;
    }
  } else {
    for (const Skiplist::Node* x = skiplist_->ByRank(start + 1); x != nullptr && n > 0;
         x = x->next(), --n) {
      if (!fn(x->member(), x->score)) return;
    }
  }
}

size_t ZSetValue::RemoveRanks(size_t start, size_t end) {
  end = std::min(end, size());
  if (start >= end) return 0;
  if (skiplist_form_) return skiplist_->RemoveRanks(start, end);
  const size_t from = ListpackOffset(start);
  const char* p = lp_ + from;
  for (size_t i = start; i < end; ++i) p = ReadEntry(p).end;
  ListpackSplice(from, static_cast<size_t>(p - lp_) - from, 0);
  lp_count_ -= static_cast<uint32_t>(end - start);
  return end - start;
}

uint64_t ZSetValue::Scan(uint64_t cursor,
                         const std::function<void(std::string_view, double)>& fn) const {
  if (skiplist_form_) return skiplist_->Scan(cursor, fn);
  Visit(0, size(), false, [&](std::string_view m, double s) {
    fn(m, s);
    return true;
  });
  return 0;
}

size_t ZSetValue::CountPrefix(
    const std::function<bool(double score, std::string_view member)>& pred) const {
  if (skiplist_form_) return skiplist_->CountPrefix(pred);
  size_t count = 0;
  for (const char* p = lp_; p < lp_ + lp_bytes_; ++count) {
    LpEntry e = ReadEntry(p);
    if (!pred(e.score, e.member)) break;
    p = e.end;
  }
  return count;
}

size_t ZSetValue::ScoreRangeBegin(const ZScoreRange& r) const {
  // Elements before the range: score < min (<= min when min is exclusive).
  return CountPrefix(
      [&](double s, std::string_view) { return r.min_exclusive ? s <= r.min : s < r.min; });
}

size_t ZSetValue::ScoreRangeEnd(const ZScoreRange& r) const {
  // Elements up to the end of the range: score <= max (< max when exclusive).
  return CountPrefix(
      [&](double s, std::string_view) { return r.max_exclusive ? s < r.max : s <= r.max; });
}

namespace {

// member compared with a lex bound: <0 below it, 0 equal, >0 above.
int CompareToBound(std::string_view member, const ZLexBound& b) {
  switch (b.kind) {
    case ZLexBound::Kind::kMinusInf:
      return 1;
    case ZLexBound::Kind::kPlusInf:
      return -1;
    case ZLexBound::Kind::kValue:
      break;
  }
  int c = member.compare(b.value);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

size_t ZSetValue::LexRangeBegin(const ZLexRange& r) const {
  return CountPrefix([&](double, std::string_view m) {
    int c = CompareToBound(m, r.min);
    return r.min.exclusive ? c <= 0 : c < 0;
  });
}

size_t ZSetValue::LexRangeEnd(const ZLexRange& r) const {
  return CountPrefix([&](double, std::string_view m) {
    int c = CompareToBound(m, r.max);
    return r.max.exclusive ? c < 0 : c <= 0;
  });
}

void ZSetValue::ConvertToSkiplist() {
  if (skiplist_form_) return;
  auto sl = std::make_unique<Skiplist>();
  for (const char* p = lp_; p < lp_ + lp_bytes_;) {
    LpEntry e = ReadEntry(p);
    sl->Insert(e.score, e.member);
    p = e.end;
  }
  std::free(lp_);
  lp_bytes_ = 0;
  lp_count_ = 0;
  skiplist_ = sl.release();
  skiplist_form_ = 1;
}

}  // namespace spindle::storage

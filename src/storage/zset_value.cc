// The sorted-set payload. The skiplist follows the classic design (Pugh's
// skiplist with a span per link, as Redis's t_zset.c describes it): the span
// of a link counts the level-0 steps it jumps, so summing spans on the way
// down gives a rank, and a rank is found by descending while the running sum
// stays below it.

#include "storage/zset_value.h"

#include <algorithm>
#include <unordered_map>

namespace spindle::storage {
namespace {

// A listpack keeps a score as its text (Redis's d2string, an integer when it
// is one), so -0 is stored, and read back, as 0. The skiplist keeps -0.
double ListpackScore(double score) { return score == 0 ? 0.0 : score; }

}  // namespace

class ZSetValue::Skiplist {
 public:
  struct Node;
  struct Level {
    Node* forward = nullptr;
    size_t span = 0;
  };
  struct Node {
    std::string member;
    double score = 0;
    Node* backward = nullptr;
    std::vector<Level> levels;
  };
  static constexpr int kMaxLevel = 32;

  Skiplist() : header_(new Node) { header_->levels.resize(kMaxLevel); }
  ~Skiplist() {
    Node* x = header_->levels[0].forward;
    while (x != nullptr) {
      Node* next = x->levels[0].forward;
      delete x;
      x = next;
    }
    delete header_;
  }
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t length() const { return length_; }
  Node* first() const { return header_->levels[0].forward; }

  Node* Find(std::string_view member) const {
    auto it = dict_.find(member);
    return it == dict_.end() ? nullptr : it->second;
  }

  // Adds (score, member); the member must not be present.
  void Insert(double score, std::string_view member) {
    Node* update[kMaxLevel];
    size_t rank[kMaxLevel];
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
      while (
          x->levels[i].forward != nullptr &&
          ZElementLess(x->levels[i].forward->score, x->levels[i].forward->member, score, member)) {
        rank[i] += x->levels[i].span;
        x = x->levels[i].forward;
      }
      update[i] = x;
    }
    int lvl = RandomLevel();
    if (lvl > level_) {
      for (int i = level_; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = header_;
        header_->levels[i].span = length_;
      }
      level_ = lvl;
    }
    x = new Node;
    x->member.assign(member);
    x->score = score;
    x->levels.resize(lvl);
    for (int i = 0; i < lvl; ++i) {
      x->levels[i].forward = update[i]->levels[i].forward;
      update[i]->levels[i].forward = x;
      x->levels[i].span = update[i]->levels[i].span - (rank[0] - rank[i]);
      update[i]->levels[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level_; ++i) update[i]->levels[i].span++;
    x->backward = update[0] == header_ ? nullptr : update[0];
    if (x->levels[0].forward != nullptr) {
      x->levels[0].forward->backward = x;
    } else {
      tail_ = x;
    }
    ++length_;
    dict_.emplace(std::string_view(x->member), x);
  }

  // Removes the node holding (score, member), which must be present.
  void Delete(double score, std::string_view member) {
    Node* update[kMaxLevel];
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (
          x->levels[i].forward != nullptr &&
          ZElementLess(x->levels[i].forward->score, x->levels[i].forward->member, score, member)) {
        x = x->levels[i].forward;
      }
      update[i] = x;
    }
    x = x->levels[0].forward;
    Unlink(x, update);
    dict_.erase(std::string_view(x->member));
    delete x;
  }

  // 1-based rank of a present node.
  size_t RankOf(const Node* n) const {
    size_t rank = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels[i].forward != nullptr &&
             !ZElementLess(n->score, n->member, x->levels[i].forward->score,
                           x->levels[i].forward->member)) {
        rank += x->levels[i].span;
        x = x->levels[i].forward;
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
      while (x->levels[i].forward != nullptr && traversed + x->levels[i].span <= rank) {
        traversed += x->levels[i].span;
        x = x->levels[i].forward;
      }
      if (traversed == rank) return x;
    }
    return nullptr;
  }

  size_t CountPrefix(const std::function<bool(double, std::string_view)>& pred) const {
    size_t count = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->levels[i].forward != nullptr &&
             pred(x->levels[i].forward->score, x->levels[i].forward->member)) {
        count += x->levels[i].span;
        x = x->levels[i].forward;
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
      while (x->levels[i].forward != nullptr && traversed + x->levels[i].span <= start) {
        traversed += x->levels[i].span;
        x = x->levels[i].forward;
      }
      update[i] = x;
    }
    x = x->levels[0].forward;
    size_t removed = 0;
    while (x != nullptr && start + removed < end) {
      Node* next = x->levels[0].forward;
      Unlink(x, update);
      dict_.erase(std::string_view(x->member));
      delete x;
      ++removed;
      x = next;
    }
    return removed;
  }

  size_t heap_bytes() const { return heap_bytes_estimate(); }

 private:
  void Unlink(Node* x, Node** update) {
    for (int i = 0; i < level_; ++i) {
      if (update[i]->levels[i].forward == x) {
        update[i]->levels[i].span += x->levels[i].span - 1;
        update[i]->levels[i].forward = x->levels[i].forward;
      } else {
        update[i]->levels[i].span -= 1;
      }
    }
    if (x->levels[0].forward != nullptr) {
      x->levels[0].forward->backward = x->backward;
    } else {
      tail_ = x->backward;
    }
    while (level_ > 1 && header_->levels[level_ - 1].forward == nullptr) --level_;
    --length_;
  }

  // Level k with probability 1/4^(k-1), as Redis's ZSKIPLIST_P = 0.25.
  int RandomLevel() {
    int lvl = 1;
    while (lvl < kMaxLevel && (Next() & 3) == 0) ++lvl;
    return lvl;
  }
  uint64_t Next() {
    // xorshift64*: cheap and good enough for level choice.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return (rng_ * 0x2545F4914F6CDD1DULL) >> 32;
  }
  size_t heap_bytes_estimate() const {
    size_t bytes = 0;
    for (const Node* x = first(); x != nullptr; x = x->levels[0].forward) {
      bytes += sizeof(Node) + x->levels.size() * sizeof(Level) + x->member.capacity();
    }
    return bytes + dict_.size() * (sizeof(void*) * 4);
  }

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_ = 0x9E3779B97F4A7C15ULL;
  std::unordered_map<std::string_view, Node*> dict_;

  friend class ZSetValue;
};

ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::CreateForFirst(const EncodingLimits& limits,
                                                     size_t first_member_len) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (limits.zset_max_listpack_entries == 0 ||
      static_cast<int64_t>(first_member_len) > limits.zset_max_listpack_value) {
    z->skiplist_ = std::make_unique<Skiplist>();
  }
  return z;
}

std::unique_ptr<ZSetValue> ZSetValue::CreateFrom(const EncodingLimits& limits,
                                                 std::vector<Element> elements) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  size_t max_len = 0;
  for (const Element& e : elements) max_len = std::max(max_len, e.member.size());
  if (static_cast<int64_t>(elements.size()) > limits.zset_max_listpack_entries ||
      static_cast<int64_t>(max_len) > limits.zset_max_listpack_value) {
    z->skiplist_ = std::make_unique<Skiplist>();
    for (const Element& e : elements) z->skiplist_->Insert(e.score, e.member);
    return z;
  }
  z->listpack_.reserve(elements.size());
  for (Element& e : elements) {
    z->listpack_.emplace_back(ListpackScore(e.score), std::move(e.member));
  }
  std::sort(z->listpack_.begin(), z->listpack_.end(), [](const auto& a, const auto& b) {
    return ZElementLess(a.first, a.second, b.first, b.second);
  });
  return z;
}

std::unique_ptr<ZSetValue> ZSetValue::CreateByInsertion(const EncodingLimits& limits,
                                                        size_t size_hint,
                                                        const std::vector<Element>& elements) {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (static_cast<int64_t>(size_hint) > limits.zset_max_listpack_entries) {
    z->skiplist_ = std::make_unique<Skiplist>();
  }
  for (const Element& e : elements) z->Insert(e.member, e.score, limits);
  return z;
}

std::unique_ptr<CollectionPayload> ZSetValue::Clone() const {
  std::unique_ptr<ZSetValue> z(new ZSetValue);
  if (skiplist_ == nullptr) {
    z->listpack_ = listpack_;
  } else {
    z->skiplist_ = std::make_unique<Skiplist>();
    for (const Skiplist::Node* x = skiplist_->first(); x != nullptr; x = x->levels[0].forward) {
      z->skiplist_->Insert(x->score, x->member);
    }
  }
  return z;
}

Encoding ZSetValue::encoding() const {
  return skiplist_ == nullptr ? Encoding::kListpack : Encoding::kSkiplist;
}

size_t ZSetValue::HeapBytes() const {
  if (skiplist_ != nullptr) return skiplist_->heap_bytes();
  size_t bytes = listpack_.capacity() * sizeof(listpack_[0]);
  for (const auto& e : listpack_) {
    if (e.second.capacity() > 15) bytes += e.second.capacity();
  }
  return bytes;
}

size_t ZSetValue::size() const {
  return skiplist_ == nullptr ? listpack_.size() : skiplist_->length();
}

bool ZSetValue::Score(std::string_view member, double* score) const {
  if (skiplist_ != nullptr) {
    const Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    *score = n->score;
    return true;
  }
  for (const auto& e : listpack_) {
    if (e.second == member) {
      *score = e.first;
      return true;
    }
  }
  return false;
}

void ZSetValue::Insert(std::string_view member, double score, const EncodingLimits& limits) {
  if (skiplist_ == nullptr &&
      (static_cast<int64_t>(listpack_.size()) + 1 > limits.zset_max_listpack_entries ||
       static_cast<int64_t>(member.size()) > limits.zset_max_listpack_value)) {
    ConvertToSkiplist();
  }
  if (skiplist_ != nullptr) {
    skiplist_->Insert(score, member);
    return;
  }
  score = ListpackScore(score);
  auto it = std::lower_bound(listpack_.begin(), listpack_.end(), std::make_pair(score, member),
                             [](const auto& a, const auto& b) {
                               return ZElementLess(a.first, a.second, b.first, b.second);
                             });
  listpack_.emplace(it, score, std::string(member));
}

void ZSetValue::UpdateScore(std::string_view member, double old_score, double new_score) {
  if (old_score == new_score) return;
  if (skiplist_ != nullptr) {
    skiplist_->Delete(old_score, member);
    skiplist_->Insert(new_score, member);
    return;
  }
  new_score = ListpackScore(new_score);
  std::string owned(member);
  Remove(owned);
  auto it = std::lower_bound(listpack_.begin(), listpack_.end(),
                             std::make_pair(new_score, std::string_view(owned)),
                             [](const auto& a, const auto& b) {
                               return ZElementLess(a.first, a.second, b.first, b.second);
                             });
  listpack_.emplace(it, new_score, std::move(owned));
}

bool ZSetValue::Remove(std::string_view member) {
  if (skiplist_ != nullptr) {
    const Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    double score = n->score;
    std::string owned(member);  // member may point into the node
    skiplist_->Delete(score, owned);
    return true;
  }
  for (auto it = listpack_.begin(); it != listpack_.end(); ++it) {
    if (it->second == member) {
      listpack_.erase(it);
      return true;
    }
  }
  return false;
}

bool ZSetValue::Rank(std::string_view member, size_t* rank) const {
  if (skiplist_ != nullptr) {
    const Skiplist::Node* n = skiplist_->Find(member);
    if (n == nullptr) return false;
    *rank = skiplist_->RankOf(n) - 1;
    return true;
  }
  for (size_t i = 0; i < listpack_.size(); ++i) {
    if (listpack_[i].second == member) {
      *rank = i;
      return true;
    }
  }
  return false;
}

ZSetValue::Element ZSetValue::At(size_t rank) const {
  if (skiplist_ != nullptr) {
    const Skiplist::Node* n = skiplist_->ByRank(rank + 1);
    return {n->member, n->score};
  }
  return {listpack_[rank].second, listpack_[rank].first};
}

void ZSetValue::Visit(size_t start, size_t end, bool reverse,
                      const std::function<bool(std::string_view, double)>& fn) const {
  end = std::min(end, size());
  if (start >= end) return;
  if (skiplist_ == nullptr) {
    if (reverse) {
      for (size_t i = end; i-- > start;) {
        if (!fn(listpack_[i].second, listpack_[i].first)) return;
      }
    } else {
      for (size_t i = start; i < end; ++i) {
        if (!fn(listpack_[i].second, listpack_[i].first)) return;
      }
    }
    return;
  }
  size_t n = end - start;
  if (reverse) {
    for (const Skiplist::Node* x = skiplist_->ByRank(end); x != nullptr && n > 0;
         x = x->backward, --n) {
      if (!fn(x->member, x->score)) return;
    }
  } else {
    for (const Skiplist::Node* x = skiplist_->ByRank(start + 1); x != nullptr && n > 0;
         x = x->levels[0].forward, --n) {
      if (!fn(x->member, x->score)) return;
    }
  }
}

size_t ZSetValue::RemoveRanks(size_t start, size_t end) {
  end = std::min(end, size());
  if (start >= end) return 0;
  if (skiplist_ != nullptr) return skiplist_->RemoveRanks(start, end);
  listpack_.erase(listpack_.begin() + static_cast<ptrdiff_t>(start),
                  listpack_.begin() + static_cast<ptrdiff_t>(end));
  return end - start;
}

size_t ZSetValue::CountPrefix(
    const std::function<bool(double score, std::string_view member)>& pred) const {
  if (skiplist_ != nullptr) return skiplist_->CountPrefix(pred);
  auto it = std::partition_point(listpack_.begin(), listpack_.end(),
                                 [&](const auto& e) { return pred(e.first, e.second); });
  return static_cast<size_t>(it - listpack_.begin());
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
  if (skiplist_ != nullptr) return;
  auto sl = std::make_unique<Skiplist>();
  for (const auto& e : listpack_) sl->Insert(e.first, e.second);
  listpack_.clear();
  listpack_.shrink_to_fit();
  skiplist_ = std::move(sl);
}

}  // namespace spindle::storage

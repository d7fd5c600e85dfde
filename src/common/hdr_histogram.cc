#include "common/hdr_histogram.h"

#include <algorithm>
#include <cstdlib>

namespace spindle {

namespace {

// floor(log2(v)) for v >= 1.
int32_t FloorLog2(int64_t v) { return 63 - __builtin_clzll(static_cast<uint64_t>(v)); }

}  // namespace

HdrHistogram::HdrHistogram(int64_t lowest, int64_t highest, int significant_figures)
    : lowest_(lowest), highest_(highest) {
  if (lowest < 1 || significant_figures < 1 || significant_figures > 5 || lowest * 2 > highest) {
    std::abort();
  }
  // Values up to 2 * 10^figures must be told apart at unit resolution: the
  // sub-buckets are the smallest power of two at least that many.
  int64_t single_unit_limit = 2;
  for (int i = 0; i < significant_figures; ++i) single_unit_limit *= 10;
  int32_t sub_bucket_count_magnitude = 0;
  while ((int64_t{1} << sub_bucket_count_magnitude) < single_unit_limit) {
    ++sub_bucket_count_magnitude;
  }
  sub_bucket_half_count_magnitude_ = std::max(sub_bucket_count_magnitude, 1) - 1;
  unit_magnitude_ = FloorLog2(lowest);
  sub_bucket_count_ = int32_t{1} << (sub_bucket_half_count_magnitude_ + 1);
  sub_bucket_half_count_ = sub_bucket_count_ / 2;
  sub_bucket_mask_ = (static_cast<int64_t>(sub_bucket_count_) - 1) << unit_magnitude_;
  if (unit_magnitude_ + sub_bucket_half_count_magnitude_ > 61) std::abort();
  // Buckets double the range each: as many as it takes for the first value
  // past the last bucket to exceed `highest`.
  int64_t untrackable = static_cast<int64_t>(sub_bucket_count_) << unit_magnitude_;
  bucket_count_ = 1;
  while (untrackable <= highest) {
    if (untrackable > INT64_MAX / 2) {
      ++bucket_count_;
      break;
    }
    untrackable <<= 1;
    ++bucket_count_;
  }
  counts_len_ = (bucket_count_ + 1) * sub_bucket_half_count_;
  counts_ = std::make_unique<int64_t[]>(static_cast<size_t>(counts_len_));
}

int64_t HdrHistogram::ValueAtIndex(int32_t index) const {
  int32_t bucket = (index >> sub_bucket_half_count_magnitude_) - 1;
  int32_t sub_bucket = (index & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
  if (bucket < 0) {
    // Bucket 0's lower half: the values below half the sub-bucket count.
    sub_bucket -= sub_bucket_half_count_;
    bucket = 0;
  }
  return static_cast<int64_t>(sub_bucket) << (bucket + unit_magnitude_);
}

int64_t HdrHistogram::LowestEquivalent(int64_t value) const {
  const int32_t bucket = BucketOf(value);
  return static_cast<int64_t>(SubBucketOf(value, bucket)) << (bucket + unit_magnitude_);
}

int64_t HdrHistogram::SizeOfEquivalentRange(int64_t value) const {
  const int32_t bucket = BucketOf(value);
  const int32_t sub_bucket = SubBucketOf(value, bucket);
  const int32_t width_bucket = sub_bucket >= sub_bucket_count_ ? bucket + 1 : bucket;
  return int64_t{1} << (unit_magnitude_ + width_bucket);
}

void HdrHistogram::Reset() {
  std::fill(counts_.get(), counts_.get() + counts_len_, 0);
  total_count_ = 0;
}

int64_t HdrHistogram::Min() const {
  for (int32_t i = 0; i < counts_len_; ++i) {
    if (counts_[i] != 0) return ValueAtIndex(i);
  }
  return 0;
}

int64_t HdrHistogram::Max() const {
  for (int32_t i = counts_len_ - 1; i >= 0; --i) {
    if (counts_[i] != 0) return HighestEquivalent(ValueAtIndex(i));
  }
  return 0;
}

int64_t HdrHistogram::ValueAtPercentile(double percentile) const {
  const double p = percentile < 100.0 ? percentile : 100.0;
  int64_t wanted = static_cast<int64_t>(p / 100 * static_cast<double>(total_count_) + 0.5);
  if (wanted < 1) wanted = 1;
  int64_t found = 0;  // an empty histogram answers 0
  int64_t seen = 0;
  for (int32_t i = 0; i < counts_len_; ++i) {
    seen += counts_[i];
    if (seen >= wanted) {
      found = ValueAtIndex(i);
      break;
    }
  }
  return percentile == 0.0 ? LowestEquivalent(found) : HighestEquivalent(found);
}

// ---------------------------------------------------------------------------
// LogIterator

HdrHistogram::LogIterator::LogIterator(const HdrHistogram& h, int64_t first_level, double base)
    : h_(h), base_(base), level_(first_level), level_lowest_(h.LowestEquivalent(first_level)) {}

bool HdrHistogram::LogIterator::Advance() {
  ++index_;
  if (index_ >= h_.counts_len_) return false;
  count_ = h_.counts_[index_];
  cumulative_ += count_;
  value_ = h_.ValueAtIndex(index_);
  highest_equivalent_ = value_ + h_.SizeOfEquivalentRange(value_) - 1;
  return true;
}

bool HdrHistogram::LogIterator::Next() {
  added_ = 0;
  // Go on while counts remain to be passed, or while a further slot lies
  // beyond the next level (never once past the last slot).
  const bool counts_left = cumulative_ < h_.total_count_;
  const bool slots_beyond =
      index_ < h_.counts_len_ && h_.ValueAtIndex(index_ + 1) > level_lowest_;
  if (!counts_left && !slots_beyond) return false;
  while (true) {
    if (value_ >= level_lowest_) {
      iterated_from_ = iterated_to_;
      iterated_to_ = level_;
      level_ *= static_cast<int64_t>(base_);
      level_lowest_ = h_.LowestEquivalent(level_);
      return true;
    }
    // Off the last slot: this step ends where the slots do.
    if (!Advance()) return true;
    added_ += count_;
  }
}

}  // namespace spindle

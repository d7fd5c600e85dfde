#pragma once
// A High Dynamic Range histogram: counts of values over a wide range kept at
// a fixed relative precision, in the layout of the public HdrHistogram
// algorithm, so that percentiles and iteration report what Redis 7.0's
// vendored hdr_histogram reports for the same recorded values (Redis keeps
// one per command for LATENCY HISTOGRAM and INFO latencystats).
//
// Layout. Values are grouped in buckets; bucket b covers values whose
// highest set bit puts them in [2^(b+m) * half, 2^(b+m+1) * half), each
// bucket split into `half` sub-buckets of width 2^(b+unit) (m = the
// sub-bucket-count magnitude, unit = log2 of the lowest discernible value).
// Bucket 0 also owns the values below `half`, at unit width. Counts are one
// flat array: bucket 0 takes 2 * half slots, every further bucket its upper
// `half` slots (the lower half would repeat the previous bucket's values).
// All values in one slot are "equivalent": they share a lowest, a highest
// and a median equivalent value.
//
// With Redis's parameters (1 .. 1e9, 2 significant figures): 256 sub-buckets
// (half = 128), 23 buckets, 3072 slots (24 KB of counts), values exact below
// 256 and within 1/128 above.
//
// Not thread-safe: callers serialise (the server records on its main thread).

#include <cstddef>
#include <cstdint>
#include <memory>

namespace spindle {

class HdrHistogram {
 public:
  // lowest >= 1, lowest * 2 <= highest, 1 <= significant_figures <= 5; the
  // caller checks (a broken configuration aborts).
  HdrHistogram(int64_t lowest, int64_t highest, int significant_figures);

  // Counts one value. False, and nothing counted, for a negative value or
  // one beyond the last slot (callers clamp first, as Redis does).
  // Inline: the server records on every command.
  bool Record(int64_t value) {
    if (value < 0) return false;
    const int32_t index = IndexOf(value);
    if (index < 0 || index >= counts_len_) return false;
    ++counts_[index];
    ++total_count_;
    return true;
  }
  void Reset();

  int64_t total_count() const { return total_count_; }
  // The lowest value equivalent to the smallest value recorded, and the
  // highest equivalent to the largest (hdr_min / hdr_max); 0 while empty.
  // Found from the counts, so that recording keeps no extremes.
  int64_t Min() const;
  int64_t Max() const;

  // The value at a percentile (0..100, more is taken as 100): the highest
  // value equivalent to the recorded value at which the cumulative count
  // first reaches percentile% of the total (rounded half up, at least 1);
  // the lowest equivalent value for percentile 0. 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // Equivalence ranges of a value.
  int64_t LowestEquivalent(int64_t value) const;
  int64_t SizeOfEquivalentRange(int64_t value) const;
  int64_t NextNonEquivalent(int64_t value) const {
    return LowestEquivalent(value) + SizeOfEquivalentRange(value);
  }
  int64_t HighestEquivalent(int64_t value) const { return NextNonEquivalent(value) - 1; }
  int64_t MedianEquivalent(int64_t value) const {
    return LowestEquivalent(value) + (SizeOfEquivalentRange(value) >> 1);
  }

  // The slots: their number, the slot of a value (may be out of range for
  // values beyond the highest trackable), the lowest value a slot holds and
  // its count.
  int32_t counts_len() const { return counts_len_; }
  int32_t IndexOf(int64_t value) const {
    const int32_t bucket = BucketOf(value);
    return Index(bucket, SubBucketOf(value, bucket));
  }
  int64_t ValueAtIndex(int32_t index) const;
  int64_t CountAtIndex(int32_t index) const { return counts_[index]; }

  int32_t bucket_count() const { return bucket_count_; }
  int32_t sub_bucket_count() const { return sub_bucket_count_; }

  // Walks the slots in steps that end at the reporting levels first,
  // first * base, first * base^2, ... (hdr_iter_log). Each step stops at
  // the first slot whose value reaches the level's lowest equivalent value
  // and reports that slot; the walk ends once every count was passed and no
  // further slot lies beyond the next level. Running off the last slot ends
  // the step there, and the walk after it.
  class LogIterator {
   public:
    LogIterator(const HdrHistogram& h, int64_t first_level, double base);
    // Advances to the next step; false when the walk is over.
    bool Next();

    // The slot the step stopped at.
    int64_t value() const { return value_; }                        // its lowest value
    int64_t highest_equivalent() const { return highest_equivalent_; }
    int64_t count() const { return count_; }                        // the slot's own count
    int64_t cumulative_count() const { return cumulative_; }         // counts up to and including it
    int64_t count_added() const { return added_; }                   // counts passed in this step
    int64_t value_iterated_to() const { return iterated_to_; }       // the level reported
    int64_t value_iterated_from() const { return iterated_from_; }   // the level before

   private:
    bool Advance();  // moves to the next slot; false past the last

    const HdrHistogram& h_;
    double base_;
    int32_t index_ = -1;
    int64_t value_ = 0;
    int64_t highest_equivalent_ = 0;
    int64_t count_ = 0;
    int64_t cumulative_ = 0;
    int64_t added_ = 0;
    int64_t level_;
    int64_t level_lowest_;
    int64_t iterated_to_ = 0;
    int64_t iterated_from_ = 0;
  };

 private:
  // The power of two just above the value (at least the sub-bucket count),
  // less the bits the sub-buckets and the unit take.
  int32_t BucketOf(int64_t value) const {
    const int32_t pow2_ceiling =
        64 - __builtin_clzll(static_cast<uint64_t>(value | sub_bucket_mask_));
    return pow2_ceiling - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
  }
  int32_t SubBucketOf(int64_t value, int32_t bucket) const {
    return static_cast<int32_t>(value >> (bucket + unit_magnitude_));
  }
  int32_t Index(int32_t bucket, int32_t sub_bucket) const {
    return ((bucket + 1) << sub_bucket_half_count_magnitude_) + (sub_bucket - sub_bucket_half_count_);
  }

  int64_t lowest_;
  int64_t highest_;
  int32_t unit_magnitude_;
  int32_t sub_bucket_half_count_magnitude_;
  int32_t sub_bucket_count_;
  int32_t sub_bucket_half_count_;
  int64_t sub_bucket_mask_;
  int32_t bucket_count_;
  int32_t counts_len_;
  int64_t total_count_ = 0;
  std::unique_ptr<int64_t[]> counts_;
};

}  // namespace spindle

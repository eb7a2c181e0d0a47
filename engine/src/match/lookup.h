// Candidate generation and verification over the persistent index (index/fuzzy_index.h).
//
// IndexedSearch is exact: it reports every indexed unit whose fuzzy score reaches the (possibly
// rising) threshold, using only lossless filters: the length filter, the count filter, prefix
// filtering over the lists read rarest first (Chaudhuri et al. 2006; Okazaki & Tsujii 2010), then
// verification with the bit-parallel distance, best possible fuzzy first. docs/match.md,
// "### Lookup", numbers the steps; lookup.cc runs them as the methods of a class, one method per
// step, named there.
// The sink sees candidates in no particular order and may raise the threshold (top-k pruning: once
// k results are held, a unit needs fuzzy >= the k-th score to enter, since score <= fuzzy).
// BruteForceSearch reports the same set by scanning every index record, no filters (the oracle).
#ifndef DHAKIRA_MATCH_LOOKUP_H_
#define DHAKIRA_MATCH_LOOKUP_H_

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/status.h"
#include "index/fuzzy_index.h"

namespace dhakira::match {

struct LookupQuery {
  // Distance token ids of the query (unknown tokens: distinct ids never stored).
  std::vector<uint32_t> ids;
  std::string src_lang;  // primary subtags
  std::string tgt_lang;
  uint64_t origin_hash = 0;  // 0 = any origin
  // Optional, empty or one per id: the size of the posting list of the token's first occurrence
  // when the caller knows it (kUnknownListSize otherwise). Only the order in which lists are read
  // depends on it, never the result, so a size that is out of date costs time at worst.
  std::vector<uint64_t> list_sizes;
};
inline constexpr uint64_t kUnknownListSize = ~uint64_t{0};

struct Candidate {
  uint64_t id = 0;
  uint32_t distance = 0;
  uint32_t longer = 0;
  double fuzzy = 0;
  int64_t changed_at = 0;
};

class CandidateSink {
 public:
  virtual ~CandidateSink() = default;
  // A unit whose fuzzy >= the current threshold. Returns the threshold from now on (>= the current
  // one); a value above 100 ends the search.
  virtual StatusOr<double> Accept(const Candidate& candidate) = 0;
};

// Hit counters are a dense array indexed by unit id while the TM's largest id is below this (2
// bytes per id: 64 MB at most); beyond, a hash map.
inline constexpr uint64_t kMaxDenseIds = uint64_t{1} << 25;

// The buffers an indexed lookup works in, kept by a Searcher between queries so that they are
// allocated once (lookup.cc says what each holds during a lookup).
struct LookupScratch {
  std::vector<uint16_t> counts;   // dense hit counters by unit id (when ids are small enough); all
                                  // 0 between queries
  std::vector<uint64_t> seen;     // with counts: bit id set when the unit was touched; all 0 between
                                  // queries
  std::vector<uint64_t> touched;  // first posting (length, id) of each unit hit
  std::vector<uint32_t> read_hi;  // per list read: the longest source length it was read for
  std::vector<uint64_t> hot;      // units with the most hits so far (verified early)
  struct Ranked {
    double bound;      // the highest fuzzy the unit can reach, from its hits and length
    uint32_t hits;     // lists read that hold it
    uint64_t posting;  // its (length, id)
  };
  std::vector<Ranked> ranked;           // candidates left after the count filter
  std::vector<Candidate> passed;        // verified, awaiting the sink
  std::vector<uint64_t> measured;       // see Searcher::measured_list_sizes()
  std::vector<uint64_t> mask_features;  // of the query's language
};

// Thread-compatible: one Searcher per thread (it keeps scratch buffers between queries).
class Searcher {
 public:
  // max_dense_ids: the id bound of the dense counters (tests pass 0 to run the hash-map path).
  explicit Searcher(uint64_t max_dense_ids = kMaxDenseIds) : max_dense_ids_(max_dense_ids) {}

  Status IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query, double threshold,
                       CandidateSink& sink, MatchStats* stats);
  Status BruteForceSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query, double threshold,
                          CandidateSink& sink, MatchStats* stats);

  // After IndexedSearch: per query id, the size of the posting list of the token's first occurrence
  // as read from the index, or kUnknownListSize when it was not looked up (given by the caller,
  // repeated or unknown token, or the search did not size the lists).
  const std::vector<uint64_t>& measured_list_sizes() const { return scratch_.measured; }

  // For tests: whether every dense hit counter and touched bit is back to 0, as the next search
  // needs them. O(largest unit id).
  bool CountersAreClear() const {
    for (uint16_t c : scratch_.counts) {
      if (c != 0) return false;
    }
    for (uint64_t w : scratch_.seen) {
      if (w != 0) return false;
    }
    return true;
  }

 private:
  uint64_t max_dense_ids_;
  LookupScratch scratch_;
};

}  // namespace dhakira::match

#endif  // DHAKIRA_MATCH_LOOKUP_H_

// Candidate generation and verification over the persistent index (index/fuzzy_index.h).
//
// IndexedSearch is exact: it reports every indexed unit whose fuzzy score reaches the (possibly rising)
// threshold, using only lossless filters:
//   1. length filter: only source lengths n in FeasibleLengths(m, T) are read (lengths are in the key);
//   2. count filter per length n: a unit needs MinOverlap(m, n, T) = τ shared (token, occurrence) features.
//      Features are ordered by their list size for this n; any unit with τ shared features appears in at
//      least one of the first m − τ + 1 lists (prefix filtering, Chaudhuri et al. 2006; CPMerge,
//      Okazaki & Tsujii 2010). We read the first s ≥ m − τ + 1 lists (more when they are short) and keep
//      units seen in at least τ − (m − s) of them. The very common tokens (في من على, the of, ".") sort last
//      and are never read unless the threshold forces it;
//   3. verification with the bit-parallel distance, stopping once the unit cannot reach the threshold.
// The sink sees candidates in no particular order and may raise the threshold (top-k pruning: once k
// results are held, a unit needs fuzzy >= the k-th score to enter, since score <= fuzzy).
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
  std::vector<uint32_t> ids;  // distance token ids of the query (unknown tokens: distinct ids never stored)
  std::string src_lang;       // primary subtags
  std::string tgt_lang;
  uint64_t origin_hash = 0;   // 0 = any origin
};

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
  // A unit whose fuzzy >= the current threshold. Returns the threshold from now on (>= the current one);
  // a value above 100 ends the search.
  virtual StatusOr<double> Accept(const Candidate& candidate) = 0;
};

// Thread-compatible: one Searcher per thread (it keeps scratch buffers between queries).
class Searcher {
 public:
  Status IndexedSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query,
                       double threshold, CandidateSink& sink, MatchStats* stats);
  Status BruteForceSearch(MDB_txn* txn, const index::FuzzyIndex& index, const LookupQuery& query,
                          double threshold, CandidateSink& sink, MatchStats* stats);

 private:
  std::vector<uint16_t> counts_;  // dense counters by unit id (when ids are small enough)
  std::vector<uint64_t> touched_;
  std::vector<uint64_t> buffer_;
};

}  // namespace dhakira::match

#endif  // DHAKIRA_MATCH_LOOKUP_H_

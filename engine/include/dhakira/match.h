// Fuzzy matching and concordance over a Store. Scoring and index are described in docs/match.md.
//
// Score (exactly as implemented):
//   Query and TM source are compared on their match keys (source-language profile, text.h). For the distance,
//   every number token is the same symbol (12 vs 15 vs ١٥ cost nothing) and inline-code placeholders are
//   dropped. D = token Levenshtein distance with unit costs;
//     fuzzy = 100 × (1 − D / max(|query|, |source|))
//     score = max(0, fuzzy − Σ penalties)
//   Penalties (each listed with its reason and points, see MatchOptions for the defaults): tokens equal in
//   key but written differently (diacritics, hamza form, tatweel, case, digit script), capped; numbers of
//   another value (the target gets the query's number substituted); a number that could not be found in
//   the target; differing inline codes; per-origin penalties.
//   Kinds: exact (identical as written, score 100), context (exact and the given previous/next source
//   segments equal the stored ones, score 101), fuzzy. Penalties of an exact or context match can only come
//   from origin penalties.
//   Ranking: score desc, then fuzzy desc, then changed_at desc (most recent first), then id desc.
//
// Recall: for any threshold the indexed lookup returns exactly what a full scan (brute_force) returns: its
// filters are lossless (length bounds and multiset token-count filtering implied by the threshold).
#ifndef DHAKIRA_MATCH_H_
#define DHAKIRA_MATCH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira {

enum class MatchKind : uint8_t {
  kFuzzy = 0,
  kExact = 1,    // identical as written (after NFC)
  kContext = 2,  // exact, and the given context segment(s) equal the stored ones
};
const char* MatchKindName(MatchKind kind);  // "fuzzy", "exact", "context"

struct Penalty {
  std::string reason;  // e.g. "written variant: إعلان/اعلان", "number 12 -> 15", "origin: MT"
  double points = 0;
};

struct MatchOptions {
  // Languages of the query and of the wanted target (BCP 47, any case; required). Pairs match when the
  // primary language subtags agree ("ar-SY" finds "ar" units).
  std::string src_lang;
  std::string tgt_lang;
  // Minimum score of a returned match, percent, (0 .. 101]. 101 returns only context matches.
  double threshold = 70;
  // Most matches returned, 1 .. 1000.
  uint32_t top = 5;
  // The source segments before and after the query in its document ("" when unknown); used for kind context.
  std::string prev_source;
  std::string next_source;
  // Only units of this origin when not empty (exact comparison).
  std::string origin;

  // Penalty for one token equal in key but written differently, points (0 .. 100); at most
  // written_variant_cap points in all (0 .. 100).
  double written_variant_points = 1;
  double written_variant_cap = 5;
  // Penalty for one number of another value (its target counterpart is substituted), points (0 .. 100).
  double number_points = 1;
  // Extra penalty when a differing number could not be located in the target (not substituted), points.
  double unsubstituted_number_points = 5;
  // Penalty per inline code present on one side and not the other (placeholder count difference), points.
  double inline_code_points = 1;
  // Penalty by unit origin (exact origin string), points (0 .. 100 each).
  std::map<std::string, double> origin_points;

  // Longest query accepted, in match-key tokens (1 .. 100000).
  uint32_t max_query_tokens = 1000;
  // Scan every unit instead of using the index (the oracle for tests and benchmarks). Same results.
  bool brute_force = false;

  Status Validate() const;  // InvalidArgument naming the first bad field
};

struct Match {
  SegmentPair pair;  // the stored unit (id, source, target, origin, doc_id, changed_at, ...)
  double score = 0;  // 0 .. 101
  double fuzzy = 0;  // 0 .. 100
  MatchKind kind = MatchKind::kFuzzy;
  std::vector<Penalty> penalties;  // in the order applied
  std::string target_substituted;  // pair.target with the query's numbers substituted (== target if none)
  // Byte spans [begin, end) in pair.source of the tokens that differ from the query (substituted, inserted,
  // or written differently), for highlighting.
  std::vector<std::pair<uint32_t, uint32_t>> source_marks;
};

struct MatchStats {
  uint64_t candidates = 0;  // units that passed the filters
  uint64_t verified = 0;    // units whose distance was computed
  uint64_t postings = 0;    // posting entries read
  uint64_t scored = 0;      // units loaded and scored in full (penalties, substitution)
};

struct MatchResult {
  std::string query;
  std::vector<Match> matches;  // ranked
  MatchStats stats;
};

enum class ConcordanceSide : uint8_t { kSource = 0, kTarget = 1 };
StatusOr<ConcordanceSide> ParseConcordanceSide(std::string_view name);  // "source" / "target"

struct ConcordanceOptions {
  // Languages of the unit pairs searched (required), BCP 47; primary subtags must agree as in MatchOptions.
  std::string src_lang;
  std::string tgt_lang;
  ConcordanceSide side = ConcordanceSide::kSource;  // which side the phrase is looked for in
  uint32_t top = 20;                                // most hits, 1 .. 10000
  uint32_t max_phrase_tokens = 64;                  // longest phrase in key tokens, 1 .. 1000
  bool brute_force = false;                         // scan every unit (oracle)

  Status Validate() const;
};

struct ConcordanceHit {
  SegmentPair pair;
  // Byte spans [begin, end) of each occurrence of the phrase in the searched side's text.
  std::vector<std::pair<uint32_t, uint32_t>> spans;
};

// Ranked: fewer key tokens in the searched side first (the phrase covers more of it), then changed_at desc,
// then id desc.
struct ConcordanceResult {
  std::string phrase;
  std::vector<ConcordanceHit> hits;
};

// Looks up a TM opened by TranslationMemory::Open (its index is kept by the store in the same LMDB environment, updated
// in the same transaction as every write). Each lookup reads one consistent snapshot.
// Thread safety: a Matcher is NOT safe for concurrent use (it owns ICU normalizers); create one per thread.
// It must not outlive its Store. Memory: besides the normalizers, a table of the TM's frequent source tokens
// (at most 8,192 entries per source language, under 1 MB each) and per-lookup scratch of 2 bytes per unit id
// (docs/match.md).
class Matcher {
 public:
  // Made by TranslationMemory::NewMatcher (dhakira/translation_memory.h).
  virtual ~Matcher() = default;

  // InvalidArgument for an empty query (no match-key token), an over-long one, bad options or languages.
  virtual StatusOr<MatchResult> Match(std::string_view query, const MatchOptions& options) = 0;
  virtual StatusOr<ConcordanceResult> Concordance(std::string_view phrase, const ConcordanceOptions& options) = 0;
};

}  // namespace dhakira

#endif  // DHAKIRA_MATCH_H_

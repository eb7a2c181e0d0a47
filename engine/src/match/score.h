// Scoring one TM source against a query: distance, penalties, marks, number substitution (README "Score").
// Pure functions over match-key tokens (text.h); thread-compatible.
#ifndef DHAKIRA_MATCH_SCORE_H_
#define DHAKIRA_MATCH_SCORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/text.h"
#include "index/distance_key.h"

namespace dhakira::match {

// A token sequence as the distance sees it: placeholders dropped, every number the same symbol.
// `ids` are only comparable within one SymbolTable.
struct DistanceView {
  std::vector<uint32_t> ids;
  std::vector<uint32_t> token_index;  // ids[i] comes from tokens[token_index[i]]
  uint32_t placeholders = 0;          // placeholder tokens dropped
};

// The distance key of a token (kNumberSymbol for numbers): defined by the index, whose vocabulary
// holds these keys.
using index::DistanceKey;
using index::kNumberSymbol;

// One substitution to make in the target: the stored source had number `source_value` written as
// `source_text`, the query has `query_text` there.
struct NumberSubstitution {
  double source_value = 0;
  std::string source_text;
  std::string query_text;
};

struct ScoreDetail {
  uint32_t distance = 0;
  uint32_t longer = 0;  // max(|query|, |source|) in distance tokens
  double fuzzy = 0;
  double score = 0;
  MatchKind kind = MatchKind::kFuzzy;
  std::vector<Penalty> penalties;
  std::vector<std::pair<uint32_t, uint32_t>> source_marks;
  std::vector<NumberSubstitution> substitutions;
};

struct ScoreInput {
  std::string_view query_text;  // NFC text the query tokens index into
  const std::vector<Token>* query_tokens = nullptr;
  std::string_view source_text;  // NFC text the source tokens index into
  const std::vector<Token>* source_tokens = nullptr;
  std::string_view origin;     // the unit's origin, for origin penalties
  bool context_equal = false;  // the caller found the given context segments equal to the stored ones
};

// Scores one source. Substitution penalties for numbers missing from the target are added later by
// SubstituteNumbers (it needs the target's tokens).
ScoreDetail Score(const ScoreInput& input, const MatchOptions& options);

// Applies `detail.substitutions` to `target` (tokens of the target-language profile indexing into it):
// each source number is looked for among the target's number tokens by value (first unused occurrence) and
// its digits are replaced by the query's, written in the target number's digit script (Western 0-9,
// Arabic-Indic U+0660.., Extended Arabic-Indic U+06F0..), with decimal and group separators mapped
// (. ↔ ٫, , ↔ ٬). A number not found adds an "unsubstituted number" penalty to `detail` (score updated).
std::string SubstituteNumbers(std::string_view target, const std::vector<Token>& target_tokens,
                              const MatchOptions& options, ScoreDetail* detail);

// Converts the digits and separators of `number_text` to the digit script of `model` (see above).
std::string RenderNumberLike(std::string_view number_text, std::string_view model);

// Strict weak ordering of the ranking: score desc, fuzzy desc, changed_at desc, id desc.
bool RanksBefore(double score_a, double fuzzy_a, int64_t changed_a, uint64_t id_a, double score_b, double fuzzy_b,
                 int64_t changed_b, uint64_t id_b);

}  // namespace dhakira::match

#endif  // DHAKIRA_MATCH_SCORE_H_

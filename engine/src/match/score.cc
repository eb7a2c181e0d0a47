#include "match/score.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "match/levenshtein.h"

namespace dhakira::match {
namespace {

std::string_view Span(std::string_view text, const Token& t) {
  if (t.begin > t.end || t.end > text.size()) return {};
  return text.substr(t.begin, t.end - t.begin);
}

// Maps key tokens of both sequences into one id space (numbers share id 0).
class SymbolTable {
 public:
  DistanceView View(const std::vector<Token>& tokens) {
    DistanceView v;
    v.ids.reserve(tokens.size());
    v.token_index.reserve(tokens.size());
    for (uint32_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      if (t.type == TokenType::kPlaceholder) {
        ++v.placeholders;
        continue;
      }
      uint32_t id = 0;
      if (t.type != TokenType::kNumber) {
        auto [it, inserted] = ids_.try_emplace(t.key, static_cast<uint32_t>(ids_.size() + 1));
        id = it->second;
      }
      v.ids.push_back(id);
      v.token_index.push_back(i);
    }
    return v;
  }

 private:
  std::unordered_map<std::string_view, uint32_t> ids_;
};

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// Byte range [first digit, end of last digit) of `text`; {npos, npos} when it has no digit.
std::pair<size_t, size_t> DigitRange(std::string_view text) {
  size_t first = std::string_view::npos, last_end = std::string_view::npos;
  int32_t i = 0;
  const int32_t len = static_cast<int32_t>(text.size());
  while (i < len) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(text.data(), i, len, c);
    if (c >= 0 && u_charDigitValue(c) >= 0) {
      if (first == std::string_view::npos) first = static_cast<size_t>(start);
      last_end = static_cast<size_t>(i);
    }
  }
  return {first, last_end};
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(buf, n, 4, c, error);
  if (!error) out->append(buf, static_cast<size_t>(n));
}

}  // namespace

std::string RenderNumberLike(std::string_view number_text, std::string_view model) {
  UChar32 zero = '0';
  {
    int32_t i = 0;
    const int32_t len = static_cast<int32_t>(model.size());
    while (i < len) {
      UChar32 c;
      U8_NEXT(model.data(), i, len, c);
      if (c >= 0 && u_charDigitValue(c) >= 0) {
        zero = c - u_charDigitValue(c);
        break;
      }
    }
  }
  const bool arabic_separators = zero != '0';
  auto [first, last_end] = DigitRange(number_text);
  if (first == std::string_view::npos) return std::string(number_text);
  const std::string_view core = number_text.substr(first, last_end - first);
  std::string out;
  int32_t i = 0;
  const int32_t len = static_cast<int32_t>(core.size());
  while (i < len) {
    UChar32 c;
    U8_NEXT(core.data(), i, len, c);
    if (c < 0) continue;
    const int32_t digit = u_charDigitValue(c);
    if (digit >= 0) {
      AppendUtf8(zero + digit, &out);
    } else if (c == '.' || c == 0x066B) {
      AppendUtf8(arabic_separators ? 0x066B : '.', &out);
    } else if (c == ',' || c == 0x066C) {
      AppendUtf8(arabic_separators ? 0x066C : ',', &out);
    } else {
      AppendUtf8(c, &out);
    }
  }
  return out;
}

namespace {

// The penalties of one pair of aligned tokens with equal keys (docs/match.md, score step 4): numbers
// of other values (the target gets the query's substituted), or the same key written otherwise, at
// most options.written_variant_cap points in all (*variant_points: given so far).
void PenalizeEqualKeys(const ScoreInput& in, const Token& query_token, const Token& source_token,
                       const MatchOptions& options, double* variant_points, ScoreDetail* detail) {
  const std::string_view query_written = Span(in.query_text, query_token);
  const std::string_view source_written = Span(in.source_text, source_token);
  if (query_token.type == TokenType::kNumber && source_token.type == TokenType::kNumber &&
      query_token.value != source_token.value) {
    detail->penalties.push_back(
        {"number " + FormatNumber(source_token.value) + " -> " + FormatNumber(query_token.value),
         options.number_points});
    detail->substitutions.push_back({source_token.value, std::string(source_written), std::string(query_written)});
    detail->source_marks.emplace_back(source_token.begin, source_token.end);
  } else if (query_written != source_written) {
    // Equal keys, different writing: diacritics, hamza seat, tatweel, case, digit script.
    const double room = options.written_variant_cap - *variant_points;
    const double points = std::min(options.written_variant_points, std::max(0.0, room));
    *variant_points += points;
    detail->penalties.push_back(
        {"written variant: " + std::string(source_written) + " ~ " + std::string(query_written), points});
    detail->source_marks.emplace_back(source_token.begin, source_token.end);
  }
}

}  // namespace

ScoreDetail Score(const ScoreInput& in, const MatchOptions& options) {
  ScoreDetail detail;
  const std::vector<Token>& query_tokens = *in.query_tokens;
  const std::vector<Token>& source_tokens = *in.source_tokens;
  SymbolTable symbols;
  const DistanceView query = symbols.View(query_tokens);
  const DistanceView source = symbols.View(source_tokens);
  detail.longer = static_cast<uint32_t>(std::max(query.ids.size(), source.ids.size()));

  const bool exact = in.query_text == in.source_text;
  double origin_points = 0;
  if (auto it = options.origin_points.find(std::string(in.origin));
      it != options.origin_points.end() && it->second > 0) {
    origin_points = it->second;
  }

  const auto alignment = Align(query.ids, source.ids);
  double variant_points = 0;
  for (const auto& [qi, si] : alignment) {
    if (qi < 0 || si < 0) {
      ++detail.distance;
      if (si >= 0) {
        const Token& marked = source_tokens[source.token_index[si]];
        detail.source_marks.emplace_back(marked.begin, marked.end);
      }
      continue;
    }
    const Token& query_token = query_tokens[query.token_index[qi]];
    const Token& source_token = source_tokens[source.token_index[si]];
    if (query.ids[qi] != source.ids[si]) {
      ++detail.distance;
      detail.source_marks.emplace_back(source_token.begin, source_token.end);
      continue;
    }
    PenalizeEqualKeys(in, query_token, source_token, options, &variant_points, &detail);
  }
  detail.fuzzy = FuzzyPercent(detail.distance, detail.longer);

  if (query.placeholders != source.placeholders && options.inline_code_points > 0) {
    const uint32_t diff = query.placeholders > source.placeholders ? query.placeholders - source.placeholders
                                                                   : source.placeholders - query.placeholders;
    detail.penalties.push_back({"inline codes: " + std::to_string(source.placeholders) + " stored, " +
                                    std::to_string(query.placeholders) + " in query",
                                options.inline_code_points * diff});
  }
  if (origin_points > 0) detail.penalties.push_back({"origin: " + std::string(in.origin), origin_points});

  if (exact) {
    // Identical as written: only an origin penalty can apply.
    detail.kind = in.context_equal ? MatchKind::kContext : MatchKind::kExact;
    detail.penalties.clear();
    if (origin_points > 0) detail.penalties.push_back({"origin: " + std::string(in.origin), origin_points});
    detail.score = std::max(0.0, (in.context_equal ? 101.0 : 100.0) - origin_points);
    detail.source_marks.clear();
    return detail;
  }
  double total = 0;
  for (const Penalty& p : detail.penalties) total += p.points;
  detail.score = std::clamp(detail.fuzzy - total, 0.0, detail.fuzzy);
  return detail;
}

std::string SubstituteNumbers(std::string_view target, const std::vector<Token>& target_tokens,
                              const MatchOptions& options, ScoreDetail* detail) {
  struct Edit {
    size_t begin, end;
    std::string text;
  };
  std::vector<Edit> edits;
  std::vector<bool> used(target_tokens.size(), false);
  for (const NumberSubstitution& sub : detail->substitutions) {
    bool found = false;
    for (size_t i = 0; i < target_tokens.size(); ++i) {
      const Token& t = target_tokens[i];
      if (used[i] || t.type != TokenType::kNumber || t.value != sub.source_value) continue;
      if (t.end > target.size() || t.begin > t.end) continue;
      const std::string_view written = target.substr(t.begin, t.end - t.begin);
      auto [first, last_end] = DigitRange(written);
      if (first == std::string_view::npos) continue;
      used[i] = true;
      edits.push_back({t.begin + first, t.begin + last_end, RenderNumberLike(sub.query_text, written)});
      found = true;
      break;
    }
    if (!found && detail->kind == MatchKind::kFuzzy) {
      detail->penalties.push_back({"number " + FormatNumber(sub.source_value) + " not found in target, not substituted",
                                   options.unsubstituted_number_points});
    }
  }
  if (detail->kind == MatchKind::kFuzzy) {
    double total = 0;
    for (const Penalty& p : detail->penalties) total += p.points;
    detail->score = std::clamp(detail->fuzzy - total, 0.0, detail->fuzzy);
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  std::string out(target);
  for (const Edit& e : edits) out.replace(e.begin, e.end - e.begin, e.text);
  return out;
}

bool RanksBefore(double score_a, double fuzzy_a, int64_t changed_a, uint64_t id_a, double score_b, double fuzzy_b,
                 int64_t changed_b, uint64_t id_b) {
  if (score_a != score_b) return score_a > score_b;
  if (fuzzy_a != fuzzy_b) return fuzzy_a > fuzzy_b;
  if (changed_a != changed_b) return changed_a > changed_b;
  return id_a > id_b;
}

}  // namespace dhakira::match

// Option validation and names of the public match API (dhakira/match.h).
#include <cmath>
#include <string>

#include "dhakira/match.h"

namespace dhakira {
namespace {

Status CheckRange(const char* field, double v, double lo, double hi) {
  if (!std::isfinite(v) || v < lo || v > hi) {
    return Status::InvalidArgument(std::string(field) + " is " + std::to_string(v) + ", must be in [" +
                                   std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return Status::OK();
}

}  // namespace

const char* MatchKindName(MatchKind kind) {
  switch (kind) {
    case MatchKind::kFuzzy:
      return "fuzzy";
    case MatchKind::kExact:
      return "exact";
    case MatchKind::kContext:
      return "context";
  }
  return "fuzzy";
}

Status MatchOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("MatchOptions.src_lang is empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("MatchOptions.tgt_lang is empty");
  if (!std::isfinite(threshold) || threshold <= 0 || threshold > 101) {
    return Status::InvalidArgument("MatchOptions.threshold is " + std::to_string(threshold) + ", must be in (0, 101]");
  }
  if (top < 1 || top > 1000) {
    return Status::InvalidArgument("MatchOptions.top is " + std::to_string(top) + ", must be in [1, 1000]");
  }
  DHAKIRA_RETURN_IF_ERROR(CheckRange("MatchOptions.written_variant_points", written_variant_points, 0, 100));
  DHAKIRA_RETURN_IF_ERROR(CheckRange("MatchOptions.written_variant_cap", written_variant_cap, 0, 100));
  DHAKIRA_RETURN_IF_ERROR(CheckRange("MatchOptions.number_points", number_points, 0, 100));
  DHAKIRA_RETURN_IF_ERROR(CheckRange("MatchOptions.unsubstituted_number_points", unsubstituted_number_points, 0, 100));
  DHAKIRA_RETURN_IF_ERROR(CheckRange("MatchOptions.inline_code_points", inline_code_points, 0, 100));
  for (const auto& [origin, points] : origin_points) {
    DHAKIRA_RETURN_IF_ERROR(CheckRange(("MatchOptions.origin_points[" + origin + "]").c_str(), points, 0, 100));
  }
  if (max_query_tokens < 1 || max_query_tokens > 100000) {
    return Status::InvalidArgument("MatchOptions.max_query_tokens is " + std::to_string(max_query_tokens) +
                                   ", must be in [1, 100000]");
  }
  return Status::OK();
}

StatusOr<ConcordanceSide> ParseConcordanceSide(std::string_view name) {
  if (name == "source") return ConcordanceSide::kSource;
  if (name == "target") return ConcordanceSide::kTarget;
  return Status::InvalidArgument("concordance side is \"" + std::string(name) + "\", must be \"source\" or \"target\"");
}

Status ConcordanceOptions::Validate() const {
  if (src_lang.empty()) return Status::InvalidArgument("ConcordanceOptions.src_lang is empty");
  if (tgt_lang.empty()) return Status::InvalidArgument("ConcordanceOptions.tgt_lang is empty");
  if (top < 1 || top > 10000) {
    return Status::InvalidArgument("ConcordanceOptions.top is " + std::to_string(top) + ", must be in [1, 10000]");
  }
  if (max_phrase_tokens < 1 || max_phrase_tokens > 1000) {
    return Status::InvalidArgument("ConcordanceOptions.max_phrase_tokens is " + std::to_string(max_phrase_tokens) +
                                   ", must be in [1, 1000]");
  }
  return Status::OK();
}

}  // namespace dhakira

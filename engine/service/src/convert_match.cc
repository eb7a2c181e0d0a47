// Proto <-> engine mapping of lookups and concordance (convert.h).
#include <string>
#include <utility>
#include <vector>

#include "convert.h"

namespace dhakira::service {
namespace {

v1::MatchKind KindToProto(MatchKind kind) {
  switch (kind) {
    case MatchKind::kFuzzy:
      return v1::FUZZY;
    case MatchKind::kExact:
      return v1::EXACT;
    case MatchKind::kContext:
      return v1::EXACT_IN_CONTEXT;
  }
  return v1::MATCH_KIND_UNSPECIFIED;
}

MatchKind KindFromProto(v1::MatchKind kind) {
  switch (kind) {
    case v1::EXACT:
      return MatchKind::kExact;
    case v1::EXACT_IN_CONTEXT:
      return MatchKind::kContext;
    default:
      return MatchKind::kFuzzy;
  }
}

void SpansToProto(const std::vector<std::pair<uint32_t, uint32_t>>& spans,
                  google::protobuf::RepeatedPtrField<v1::Span>* out) {
  out->Reserve(static_cast<int>(spans.size()));
  for (const auto& [begin, end] : spans) {
    v1::Span* span = out->Add();
    span->set_begin(begin);
    span->set_end(end);
  }
}

std::vector<std::pair<uint32_t, uint32_t>> SpansFromProto(const google::protobuf::RepeatedPtrField<v1::Span>& in) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(static_cast<size_t>(in.size()));
  for (const v1::Span& span : in) out.emplace_back(span.begin(), span.end());
  return out;
}

Status TopWithinLimit(uint32_t top, uint32_t max_top, const char* field) {
  if (top <= max_top) return Status::OK();
  return Status::InvalidArgument(std::string(field) + ": " + std::to_string(top) +
                                 " is more than the server's limit of " + std::to_string(max_top));
}

}  // namespace

Status FromProto(const v1::LookupOptions& in, uint32_t max_top, MatchOptions* out) {
  out->src_lang = in.src_lang();
  out->tgt_lang = in.tgt_lang();
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(out->src_lang, "options.src_lang", "ar"));
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(out->tgt_lang, "options.tgt_lang", "en"));
  if (in.threshold() != 0) out->threshold = in.threshold();  // 0 = default
  if (in.top() != 0) {
    DHAKIRA_RETURN_IF_ERROR(TopWithinLimit(in.top(), max_top, "options.top"));
    out->top = in.top();
  }
  out->origin = in.origin();
  for (const auto& [origin, points] : in.origin_penalties()) out->origin_points[origin] = points;
  Status valid = out->Validate();
  if (!valid.ok()) return Status::InvalidArgument("options: " + valid.message());
  return Status::OK();
}

Status ToProto(const MatchOptions& in, v1::LookupOptions* out) {
  const MatchOptions defaults;
  if (in.brute_force) return Status::InvalidArgument("brute_force: not available through the server");
  if (in.written_variant_points != defaults.written_variant_points ||
      in.written_variant_cap != defaults.written_variant_cap || in.number_points != defaults.number_points ||
      in.unsubstituted_number_points != defaults.unsubstituted_number_points ||
      in.inline_code_points != defaults.inline_code_points || in.max_query_tokens != defaults.max_query_tokens) {
    return Status::InvalidArgument(
        "penalty points and max_query_tokens: only the defaults are available through the server");
  }
  out->set_src_lang(in.src_lang);
  out->set_tgt_lang(in.tgt_lang);
  out->set_threshold(in.threshold);
  out->set_top(in.top);
  out->set_origin(in.origin);
  for (const auto& [origin, points] : in.origin_points) (*out->mutable_origin_penalties())[origin] = points;
  return Status::OK();
}

Status ToProto(std::string_view query, const MatchOptions& options, v1::LookupRequest* out) {
  DHAKIRA_RETURN_IF_ERROR(ToProto(options, out->mutable_options()));
  out->set_source(std::string(query));
  out->set_previous_source(options.prev_source);
  out->set_next_source(options.next_source);
  return Status::OK();
}

void ToProto(std::string_view query, const MatchOptions& options, v1::BatchSegment* out) {
  out->set_source(std::string(query));
  out->set_previous_source(options.prev_source);
  out->set_next_source(options.next_source);
}

void ToProto(const grpc::Status& status, int index, v1::Error* out) {
  out->set_code(static_cast<int32_t>(status.error_code()));
  out->set_message("segment " + std::to_string(index) + ": " + status.error_message());
}

Status FromProto(const v1::Error& error, int index) {
  if (error.code() == 0) return Status::OK();
  std::string message = error.message();
  const std::string prefix = "segment " + std::to_string(index) + ": ";
  if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
  return FromGrpc(grpc::Status(static_cast<grpc::StatusCode>(error.code()), message), "");
}

void ToProto(const Match& match, v1::Match* out) {
  ToProto(match.pair, out->mutable_unit());
  out->set_score(match.score);
  out->set_fuzzy(match.fuzzy);
  out->set_kind(KindToProto(match.kind));
  for (const Penalty& penalty : match.penalties) {
    v1::Penalty* pp = out->add_penalties();
    pp->set_reason(penalty.reason);
    pp->set_points(penalty.points);
  }
  out->set_target_substituted(match.target_substituted);
  SpansToProto(match.source_marks, out->mutable_source_marks());
}

void FromProto(const google::protobuf::RepeatedPtrField<v1::Match>& in, std::vector<Match>* out) {
  out->reserve(static_cast<size_t>(in.size()));
  for (const v1::Match& pm : in) {
    Match match;
    FromProtoAll(pm.unit(), &match.pair);
    match.score = pm.score();
    match.fuzzy = pm.fuzzy();
    match.kind = KindFromProto(pm.kind());
    for (const v1::Penalty& p : pm.penalties()) match.penalties.push_back(Penalty{p.reason(), p.points()});
    match.target_substituted = pm.target_substituted();
    match.source_marks = SpansFromProto(pm.source_marks());
    out->push_back(std::move(match));
  }
}

Status FromProto(const v1::ConcordanceRequest& in, uint32_t max_top, ConcordanceOptions* out) {
  out->src_lang = in.src_lang();
  out->tgt_lang = in.tgt_lang();
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(out->src_lang, "src_lang", "ar"));
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(out->tgt_lang, "tgt_lang", "en"));
  switch (in.side()) {
    case v1::CONCORDANCE_SIDE_SOURCE:
      out->side = ConcordanceSide::kSource;
      break;
    case v1::CONCORDANCE_SIDE_TARGET:
      out->side = ConcordanceSide::kTarget;
      break;
    default:
      return Status::InvalidArgument("side: unknown value " + std::to_string(static_cast<int>(in.side())));
  }
  if (in.top() != 0) {
    DHAKIRA_RETURN_IF_ERROR(TopWithinLimit(in.top(), max_top, "top"));
    out->top = in.top();
  }
  Status valid = out->Validate();
  if (!valid.ok()) return Status::InvalidArgument(valid.message());
  return Status::OK();
}

Status ToProto(std::string_view phrase, const ConcordanceOptions& options, v1::ConcordanceRequest* out) {
  if (options.brute_force) return Status::InvalidArgument("brute_force: not available through the server");
  if (options.max_phrase_tokens != ConcordanceOptions().max_phrase_tokens) {
    return Status::InvalidArgument("max_phrase_tokens: only the default is available through the server");
  }
  out->set_phrase(std::string(phrase));
  out->set_src_lang(options.src_lang);
  out->set_tgt_lang(options.tgt_lang);
  out->set_side(options.side == ConcordanceSide::kTarget ? v1::CONCORDANCE_SIDE_TARGET : v1::CONCORDANCE_SIDE_SOURCE);
  out->set_top(options.top);
  return Status::OK();
}

void ToProto(const ConcordanceHit& hit, v1::ConcordanceHit* out) {
  ToProto(hit.pair, out->mutable_unit());
  SpansToProto(hit.spans, out->mutable_spans());
}

void FromProto(const v1::ConcordanceHit& in, ConcordanceHit* out) {
  FromProtoAll(in.unit(), &out->pair);
  out->spans = SpansFromProto(in.spans());
}

}  // namespace dhakira::service

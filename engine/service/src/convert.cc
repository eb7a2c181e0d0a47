// Proto <-> engine mapping of Status, units, write policies and statistics (convert.h). The service
// only maps types; all semantics live in the engine.
#include "convert.h"

#include <string>

namespace dhakira::service {

grpc::Status ToGrpc(const Status& status) {
  using C = Status::Code;
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (status.code()) {
    case C::kOk:
      return grpc::Status::OK;
    case C::kNotFound:
      code = grpc::StatusCode::NOT_FOUND;
      break;
    case C::kInvalidArgument:
      code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    case C::kCorruption:
      // Stored data damaged or not ours: DATA_LOSS is the canonical "unrecoverable corruption". Handlers that
      // parse client-sent files (Import) report a Corruption as INVALID_ARGUMENT themselves.
      code = grpc::StatusCode::DATA_LOSS;
      break;
    case C::kIOError:
      // A disk or LMDB failure on the server. Not UNAVAILABLE: that tells clients to retry blindly, and a full
      // disk does not heal by retrying.
      code = grpc::StatusCode::INTERNAL;
      break;
    case C::kFailedPrecondition:
      code = grpc::StatusCode::FAILED_PRECONDITION;
      break;
    case C::kAlreadyExists:
      code = grpc::StatusCode::ALREADY_EXISTS;
      break;
    case C::kResourceExhausted:
      code = grpc::StatusCode::RESOURCE_EXHAUSTED;
      break;
    case C::kCancelled:
      code = grpc::StatusCode::CANCELLED;
      break;
    case C::kInternal:
      code = grpc::StatusCode::INTERNAL;
      break;
  }
  return grpc::Status(code, status.message());
}

Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return Status::OK();
  std::string msg;
  if (!what.empty()) {
    msg = what;
    msg += ": ";
  }
  msg += status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return Status::NotFound(msg);
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return Status::InvalidArgument(msg);
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::UNIMPLEMENTED:  // Status has no "unimplemented": the server cannot do it now
      return Status::FailedPrecondition(msg);
    case grpc::StatusCode::ALREADY_EXISTS:
      return Status::AlreadyExists(msg);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Status::ResourceExhausted(msg);
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status::Cancelled(msg);
    case grpc::StatusCode::DATA_LOSS:
      return Status::Corruption(msg);
    case grpc::StatusCode::UNAVAILABLE:
      return Status::IOError(msg);
    default:
      return Status::Internal(msg);
  }
}

namespace {

void CodesToProto(const std::vector<InlineCode>& codes, google::protobuf::RepeatedPtrField<v1::InlineCode>* out) {
  out->Reserve(static_cast<int>(codes.size()));
  for (const InlineCode& c : codes) {
    v1::InlineCode* p = out->Add();
    p->set_element(c.element);
    p->set_native(c.native);
  }
}

void CodesFromProto(const google::protobuf::RepeatedPtrField<v1::InlineCode>& in, std::vector<InlineCode>* out) {
  out->clear();
  out->reserve(in.size());
  for (const v1::InlineCode& c : in) out->push_back(InlineCode{c.element(), c.native()});
}

}  // namespace

void ToProto(const SegmentPair& pair, v1::Unit* unit) {
  unit->set_id(pair.id);
  unit->set_src_lang(pair.src_lang);
  unit->set_tgt_lang(pair.tgt_lang);
  unit->set_source(pair.source);
  unit->set_target(pair.target);
  CodesToProto(pair.source_codes, unit->mutable_source_codes());
  CodesToProto(pair.target_codes, unit->mutable_target_codes());
  v1::Metadata* m = unit->mutable_metadata();
  m->set_origin(pair.origin);
  m->set_doc_id(pair.doc_id);
  m->set_doc_position(pair.doc_position);
  m->set_created_at(pair.created_at);
  m->set_changed_at(pair.changed_at);
  m->set_created_by(pair.created_by);
  m->set_changed_by(pair.changed_by);
  m->set_note(pair.note);
  for (const auto& [type, value] : pair.properties) {
    v1::Property* p = m->add_properties();
    p->set_type(type);
    p->set_value(value);
  }
  m->set_prev_hash(pair.prev_hash);
  m->set_next_hash(pair.next_hash);
}

void FromProto(const v1::Unit& unit, SegmentPair* pair) {
  pair->id = unit.id();
  pair->src_lang = unit.src_lang();
  pair->tgt_lang = unit.tgt_lang();
  pair->source = unit.source();
  pair->target = unit.target();
  CodesFromProto(unit.source_codes(), &pair->source_codes);
  CodesFromProto(unit.target_codes(), &pair->target_codes);
  const v1::Metadata& m = unit.metadata();
  pair->origin = m.origin();
  pair->doc_id = m.doc_id();
  pair->doc_position = m.doc_position();
  pair->created_at = m.created_at();
  pair->changed_at = m.changed_at();
  pair->created_by = m.created_by();
  pair->changed_by = m.changed_by();
  pair->note = m.note();
  pair->properties.clear();
  pair->properties.reserve(m.properties_size());
  for (const v1::Property& p : m.properties()) pair->properties.emplace_back(p.type(), p.value());
}

void FromProtoAll(const v1::Unit& unit, SegmentPair* pair) {
  FromProto(unit, pair);
  pair->prev_hash = unit.metadata().prev_hash();
  pair->next_hash = unit.metadata().next_hash();
}

v1::DuplicatePolicy ToProto(DuplicatePolicy policy) {
  switch (policy) {
    case DuplicatePolicy::kSkip:
      return v1::DUPLICATE_POLICY_SKIP;
    case DuplicatePolicy::kUpdate:
      return v1::DUPLICATE_POLICY_UPDATE;
    case DuplicatePolicy::kKeepBoth:
      return v1::DUPLICATE_POLICY_KEEP_BOTH;
  }
  return v1::DUPLICATE_POLICY_SKIP;
}

StatusOr<DuplicatePolicy> FromProto(v1::DuplicatePolicy policy) {
  switch (policy) {
    case v1::DUPLICATE_POLICY_SKIP:
      return DuplicatePolicy::kSkip;
    case v1::DUPLICATE_POLICY_UPDATE:
      return DuplicatePolicy::kUpdate;
    case v1::DUPLICATE_POLICY_KEEP_BOTH:
      return DuplicatePolicy::kKeepBoth;
    default:
      break;
  }
  return Status::InvalidArgument("on_duplicate: unknown duplicate policy " + std::to_string(static_cast<int>(policy)));
}

v1::WriteOutcome ToProto(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kAdded:
      return v1::WRITE_OUTCOME_ADDED;
    case WriteOutcome::kUpdated:
      return v1::WRITE_OUTCOME_UPDATED;
    case WriteOutcome::kSkippedDuplicate:
      return v1::WRITE_OUTCOME_SKIPPED_DUPLICATE;
    case WriteOutcome::kDeleted:
      return v1::WRITE_OUTCOME_DELETED;
  }
  return v1::WRITE_OUTCOME_ADDED;
}

WriteOutcome FromProto(v1::WriteOutcome outcome) {
  switch (outcome) {
    case v1::WRITE_OUTCOME_UPDATED:
      return WriteOutcome::kUpdated;
    case v1::WRITE_OUTCOME_SKIPPED_DUPLICATE:
      return WriteOutcome::kSkippedDuplicate;
    case v1::WRITE_OUTCOME_DELETED:
      return WriteOutcome::kDeleted;
    default:
      return WriteOutcome::kAdded;
  }
}

void ToProto(const StoreStats& stats, v1::StatsResponse* out) {
  out->set_units(stats.segments);
  for (const auto& [key, count] : stats.language_pairs) {
    v1::LanguagePairCount* lp = out->add_language_pairs();
    // StoreStats names a pair "src>tgt" (LanguagePairKey).
    const size_t gt = key.find('>');
    lp->set_src_lang(gt == std::string::npos ? key : key.substr(0, gt));
    lp->set_tgt_lang(gt == std::string::npos ? std::string() : key.substr(gt + 1));
    lp->set_units(count);
  }
  for (const auto& [origin, count] : stats.origins) (*out->mutable_origins())[origin] = count;
  out->set_used_bytes(stats.used_bytes);
  out->set_allocated_bytes(stats.allocated_bytes);
  out->set_file_bytes(stats.file_bytes);
  out->set_map_bytes(stats.map_bytes);
  out->set_format_version(stats.format_version);
}

void FromProto(const v1::StatsResponse& in, StoreStats* stats) {
  stats->segments = in.units();
  stats->language_pairs.clear();
  for (const v1::LanguagePairCount& lp : in.language_pairs()) {
    stats->language_pairs[LanguagePairKey(lp.src_lang(), lp.tgt_lang())] = lp.units();
  }
  stats->origins.clear();
  for (const auto& [origin, count] : in.origins()) stats->origins[origin] = count;
  stats->used_bytes = in.used_bytes();
  stats->allocated_bytes = in.allocated_bytes();
  stats->file_bytes = in.file_bytes();
  stats->map_bytes = in.map_bytes();
  stats->format_version = in.format_version();
}

Status RequiredLanguage(const std::string& value, const char* field, const char* example) {
  if (!value.empty()) return Status::OK();
  return Status::InvalidArgument(std::string(field) + ": required (a BCP 47 language, e.g. \"" + example + "\")");
}

Status FromProto(const v1::UpsertRequest& in, SegmentPair* pair) {
  if (!in.has_unit()) return Status::InvalidArgument("unit: required");
  const v1::Unit& unit = in.unit();
  if (unit.src_lang().empty()) return Status::InvalidArgument("unit.src_lang: required (a BCP 47 language)");
  if (unit.tgt_lang().empty()) return Status::InvalidArgument("unit.tgt_lang: required (a BCP 47 language)");
  if (unit.source().empty()) return Status::InvalidArgument("unit.source: required (the source segment)");
  if (unit.target().empty()) return Status::InvalidArgument("unit.target: required (the target segment)");
  FromProto(unit, pair);
  return Status::OK();
}

void ToProto(const SegmentPair& pair, std::string_view previous_source, std::string_view next_source,
             DuplicatePolicy on_duplicate, v1::UpsertRequest* out) {
  ToProto(pair, out->mutable_unit());
  // The server derives the context hashes from the neighbours' text.
  out->mutable_unit()->mutable_metadata()->clear_prev_hash();
  out->mutable_unit()->mutable_metadata()->clear_next_hash();
  out->set_previous_source(std::string(previous_source));
  out->set_next_source(std::string(next_source));
  out->set_on_duplicate(ToProto(on_duplicate));
}

void ToProto(const StoreStats& stats, const ServerOptions& options, v1::CapabilitiesResponse* out) {
  v1::StatsResponse tm;
  ToProto(stats, &tm);
  *out->mutable_tm_language_pairs() = tm.language_pairs();
  out->set_format_version(stats.format_version);
  v1::Limits* limits = out->mutable_limits();
  limits->set_max_message_bytes(options.max_message_bytes);
  limits->set_max_query_bytes(options.max_query_bytes);
  limits->set_max_batch_segments(options.max_batch_segments);
  limits->set_max_top(options.max_top);
  limits->set_max_concordance_top(options.max_concordance_top);
  limits->set_max_import_bytes(options.max_import_bytes);
  out->set_read_only(options.read_only);
}

}  // namespace dhakira::service

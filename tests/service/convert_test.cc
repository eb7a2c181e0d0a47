// Proto <-> engine mapping: units survive the round trip; Status codes map to the canonical gRPC codes the
// proto promises, and back.
#include "convert.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace dhakira::service {
namespace {

SegmentPair Sample() {
  SegmentPair p;
  p.id = 42;
  p.src_lang = "ar-SY";
  p.tgt_lang = "en";
  p.source = "قال \xEE\x80\x80الرئيس";
  p.target = "The \xEE\x80\x80president said";
  p.source_codes = {{"bpt", "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>"}};
  p.target_codes = {{"bpt", "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>"}};
  p.origin = "Al-Watan";
  p.doc_id = "2024/03/07-12";
  p.doc_position = 7;
  p.prev_hash = 0x0123456789ABCDEFull;
  p.next_hash = std::numeric_limits<uint64_t>::max();
  p.created_at = -5;
  p.changed_at = 1700000000;
  p.created_by = "مترجم";
  p.changed_by = "editor";
  p.note = "note";
  p.properties = {{"x-a", "1"}, {"x-b", "2"}, {"x-a", "3"}};
  return p;
}

TEST(ConvertTest, UnitRoundTrip) {
  const SegmentPair in = Sample();
  v1::Unit unit;
  ToProto(in, &unit);
  // Through the wire format too.
  v1::Unit parsed;
  ASSERT_TRUE(parsed.ParseFromString(unit.SerializeAsString()));
  SegmentPair out;
  FromProtoAll(parsed, &out);
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.src_lang, in.src_lang);
  EXPECT_EQ(out.tgt_lang, in.tgt_lang);
  EXPECT_EQ(out.source, in.source);
  EXPECT_EQ(out.target, in.target);
  ASSERT_EQ(out.source_codes.size(), 1u);
  EXPECT_EQ(out.source_codes[0].element, "bpt");
  EXPECT_EQ(out.source_codes[0].native, in.source_codes[0].native);
  ASSERT_EQ(out.target_codes.size(), 1u);
  EXPECT_EQ(out.origin, in.origin);
  EXPECT_EQ(out.doc_id, in.doc_id);
  EXPECT_EQ(out.doc_position, in.doc_position);
  EXPECT_EQ(out.prev_hash, in.prev_hash);
  EXPECT_EQ(out.next_hash, in.next_hash);
  EXPECT_EQ(out.created_at, in.created_at);
  EXPECT_EQ(out.changed_at, in.changed_at);
  EXPECT_EQ(out.created_by, in.created_by);
  EXPECT_EQ(out.changed_by, in.changed_by);
  EXPECT_EQ(out.note, in.note);
  EXPECT_EQ(out.properties, in.properties);
}

TEST(ConvertTest, ClientSetFieldsDoNotIncludeContextHashes) {
  v1::Unit unit;
  ToProto(Sample(), &unit);
  SegmentPair out;
  FromProto(unit, &out);  // what the server takes from a client
  EXPECT_EQ(out.prev_hash, 0u);
  EXPECT_EQ(out.next_hash, 0u);
  EXPECT_EQ(out.source, Sample().source);
}

TEST(ConvertTest, StatusCodesMapBothWays) {
  struct Case {
    Status status;
    grpc::StatusCode grpc_code;
    Status::Code back;
  };
  const Case cases[] = {
      {Status::NotFound("no unit 7"), grpc::StatusCode::NOT_FOUND, Status::Code::kNotFound},
      {Status::InvalidArgument("src_lang: bad"), grpc::StatusCode::INVALID_ARGUMENT, Status::Code::kInvalidArgument},
      {Status::FailedPrecondition("format 3"), grpc::StatusCode::FAILED_PRECONDITION,
       Status::Code::kFailedPrecondition},
      {Status::Corruption("crc"), grpc::StatusCode::DATA_LOSS, Status::Code::kCorruption},
      {Status::AlreadyExists("dup"), grpc::StatusCode::ALREADY_EXISTS, Status::Code::kAlreadyExists},
      {Status::ResourceExhausted("full"), grpc::StatusCode::RESOURCE_EXHAUSTED, Status::Code::kResourceExhausted},
      {Status::Cancelled("stop"), grpc::StatusCode::CANCELLED, Status::Code::kCancelled},
      {Status::IOError("disk"), grpc::StatusCode::INTERNAL, Status::Code::kInternal},
      {Status::Internal("bug"), grpc::StatusCode::INTERNAL, Status::Code::kInternal},
  };
  for (const Case& c : cases) {
    grpc::Status g = ToGrpc(c.status);
    EXPECT_EQ(g.error_code(), c.grpc_code) << c.status.ToString();
    EXPECT_EQ(g.error_message(), c.status.message());
    Status back = FromGrpc(g, "lookup");
    EXPECT_EQ(back.code(), c.back) << c.status.ToString();
    EXPECT_EQ(back.message(), "lookup: " + c.status.message());
  }
  EXPECT_TRUE(ToGrpc(Status::OK()).ok());
  EXPECT_TRUE(FromGrpc(grpc::Status::OK, "x").ok());
  EXPECT_EQ(FromGrpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), "x").code(), Status::Code::kIOError);
  EXPECT_EQ(FromGrpc(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"), "x").code(), Status::Code::kCancelled);
}

TEST(ConvertTest, StatsLanguagePairsSplit) {
  StoreStats s;
  s.segments = 3;
  s.language_pairs[LanguagePairKey("ar", "en")] = 2;
  s.language_pairs[LanguagePairKey("fr", "de-CH")] = 1;
  s.origins[""] = 1;
  s.origins["Al-Watan"] = 2;
  s.format_version = 1;
  v1::StatsResponse r;
  ToProto(s, &r);
  ASSERT_EQ(r.language_pairs_size(), 2);
  bool saw_ar = false;
  for (const auto& lp : r.language_pairs()) {
    if (lp.src_lang() == "ar") {
      saw_ar = true;
      EXPECT_EQ(lp.tgt_lang(), "en");
      EXPECT_EQ(lp.units(), 2u);
    }
  }
  EXPECT_TRUE(saw_ar);
  StoreStats back;
  FromProto(r, &back);
  EXPECT_EQ(back.language_pairs, s.language_pairs);
  EXPECT_EQ(back.origins, s.origins);
  EXPECT_EQ(back.segments, 3u);
}

TEST(ConvertTest, DuplicatePolicies) {
  for (DuplicatePolicy p : {DuplicatePolicy::kSkip, DuplicatePolicy::kUpdate, DuplicatePolicy::kKeepBoth}) {
    auto back = FromProto(ToProto(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
  }
  EXPECT_TRUE(FromProto(static_cast<v1::DuplicatePolicy>(17)).status().IsInvalidArgument());
}

// The request readers name the proto field of a bad value.
TEST(ConvertTest, RequestErrorsNameTheField) {
  MatchOptions match;
  v1::LookupOptions lookup;
  lookup.set_tgt_lang("en");
  Status st = FromProto(lookup, 100, &match);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.message().rfind("options.src_lang: required", 0), 0u) << st.message();
  lookup.set_src_lang("ar");
  lookup.set_top(101);
  st = FromProto(lookup, 100, &match);
  EXPECT_EQ(st.message(), "options.top: 101 is more than the server's limit of 100");

  ImportOptions import;
  v1::ImportOptions upload;
  upload.set_file_name("news.docx");
  st = FromProto(upload, &import);
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.message().rfind("options.file_name: ", 0), 0u) << st.message();
  upload.set_file_name("news.tmx.gz");
  ASSERT_TRUE(FromProto(upload, &import).ok());
  EXPECT_EQ(import.format, FileFormat::kTmx);
  EXPECT_EQ(import.origin, "news.tmx.gz");  // no origin given: the file name

  ExportOptions export_options;
  bool gzip = false;
  v1::ExportRequest export_request;
  export_request.set_src_lang("??");
  st = FromProto(export_request, &export_options, &gzip);
  EXPECT_EQ(st.message().rfind("src_lang", 0), 0u) << st.message();

  AlignOptions align;
  v1::AlignRequest align_request;
  align_request.set_src_lang("AR");
  align_request.set_tgt_lang("en_us");
  ASSERT_TRUE(FromProto(align_request, &align).ok());
  EXPECT_EQ(align.src_lang, "ar");
  EXPECT_EQ(align.tgt_lang, "en-US");
}

// Every editorial kind crosses the wire as itself, and no two share a proto value.
TEST(ConvertTest, EveryEditorialKindRoundTrips) {
  AlignResult result;
  std::vector<std::string> target;
  for (size_t k = 0; k < kEditorialKindCount; ++k) {
    result.links.push_back(AlignLink{{}, {static_cast<uint32_t>(k)}, 0.95, false, static_cast<EditorialKind>(k)});
    target.push_back("line " + std::to_string(k));
  }
  v1::AlignResponse response;
  ToProto({}, target, result, &response);
  AlignResult back;
  FromProto(response, &back);
  ASSERT_EQ(back.links.size(), kEditorialKindCount);
  for (size_t k = 0; k < kEditorialKindCount; ++k) {
    EXPECT_EQ(back.links[k].editorial, static_cast<EditorialKind>(k))
        << EditorialKindName(static_cast<EditorialKind>(k));
    EXPECT_EQ(static_cast<size_t>(response.links(static_cast<int>(k)).editorial()), k);
  }
}

// What the server sends, the client reads back unchanged.
TEST(ConvertTest, ResultsRoundTrip) {
  AlignResult result;
  result.length_ratio = 1.25;
  result.links.push_back(AlignLink{{0}, {0, 1}, 0.75, false, EditorialKind::kNone});
  result.links.push_back(AlignLink{{}, {2}, 0.5, true, EditorialKind::kDisclaimer});
  v1::AlignResponse response;
  ToProto({"a"}, {"b", "c", "d"}, result, &response);
  ASSERT_EQ(response.pairs_size(), 1);
  EXPECT_EQ(response.pairs(0).target(), "b c");
  AlignResult back;
  FromProto(response, &back);
  ASSERT_EQ(back.links.size(), 2u);
  EXPECT_EQ(back.length_ratio, 1.25);
  EXPECT_EQ(back.links[0].tgt, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(back.links[1].editorial, EditorialKind::kDisclaimer);
  EXPECT_TRUE(back.links[1].low_confidence);

  ImportSummary summary;
  summary.format = FileFormat::kTmx;
  summary.encoding = "UTF-16LE";
  summary.records_read = 9;
  summary.added = 5;
  summary.rejected = 2;
  summary.rejected_by_reason = {{"empty-segment", 2}};
  summary.warnings_by_reason = {{"bad-date", 1}};
  summary.dry_run = true;
  v1::ImportSummary wire;
  ToProto(summary, &wire);
  ImportSummary read;
  FromProto(wire, &read);
  EXPECT_EQ(read.format, FileFormat::kTmx);
  EXPECT_EQ(read.encoding, "UTF-16LE");
  EXPECT_EQ(read.records_read, 9u);
  EXPECT_EQ(read.added, 5u);
  EXPECT_EQ(read.rejected_by_reason, summary.rejected_by_reason);
  EXPECT_EQ(read.warnings_by_reason, summary.warnings_by_reason);
  EXPECT_TRUE(read.dry_run);

  Match match;
  match.pair = Sample();
  match.score = 93;
  match.fuzzy = 95;
  match.kind = MatchKind::kContext;
  match.penalties = {Penalty{"origin", 2}};
  match.source_marks = {{1, 3}};
  google::protobuf::RepeatedPtrField<v1::Match> matches;
  ToProto(match, matches.Add());
  std::vector<Match> matches_back;
  FromProto(matches, &matches_back);
  ASSERT_EQ(matches_back.size(), 1u);
  EXPECT_EQ(matches_back[0].kind, MatchKind::kContext);
  EXPECT_EQ(matches_back[0].pair.prev_hash, match.pair.prev_hash);
  EXPECT_EQ(matches_back[0].penalties.size(), 1u);
  EXPECT_EQ(matches_back[0].source_marks, match.source_marks);
}

}  // namespace
}  // namespace dhakira::service

// Proto <-> engine mapping: units survive the round trip; Status codes map to the canonical gRPC codes the
// proto promises, and back.
#include "convert.h"

#include <gtest/gtest.h>

#include <limits>

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
      {Status::InvalidArgument("src_lang: bad"), grpc::StatusCode::INVALID_ARGUMENT,
       Status::Code::kInvalidArgument},
      {Status::FailedPrecondition("format 3"), grpc::StatusCode::FAILED_PRECONDITION,
       Status::Code::kFailedPrecondition},
      {Status::Corruption("crc"), grpc::StatusCode::DATA_LOSS, Status::Code::kCorruption},
      {Status::AlreadyExists("dup"), grpc::StatusCode::ALREADY_EXISTS, Status::Code::kAlreadyExists},
      {Status::ResourceExhausted("full"), grpc::StatusCode::RESOURCE_EXHAUSTED,
       Status::Code::kResourceExhausted},
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
  EXPECT_EQ(FromGrpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), "x").code(),
            Status::Code::kIOError);
  EXPECT_EQ(FromGrpc(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"), "x").code(),
            Status::Code::kCancelled);
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

}  // namespace
}  // namespace dhakira::service

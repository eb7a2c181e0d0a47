// Fuzzes the service's proto-to-engine conversion (engine/service/src/convert.*): the input is
// parsed as a request proto (the first byte picks which), converted to engine types the way the
// server does, and a converted unit is written to a real TM, as Upsert does. Conversions must
// round-trip, and nothing a client can send may crash the engine.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "convert.h"
#include "dhakira/segment.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.pb.h"
#include "fuzz_util.h"

namespace {

using dhakira::SegmentPair;
using dhakira::fuzz::Check;
namespace v1 = dhakira::v1;
namespace service = dhakira::service;

constexpr int kInputsPerStore = 500;

// What FromProto copies must come back through ToProto and FromProto unchanged.
void CheckRoundTrip(const SegmentPair& pair) {
  v1::Unit unit;
  service::ToProto(pair, &unit);
  SegmentPair back;
  service::FromProtoAll(unit, &back);
  Check(back.id == pair.id && back.src_lang == pair.src_lang && back.tgt_lang == pair.tgt_lang &&
            back.source == pair.source && back.target == pair.target && back.origin == pair.origin &&
            back.doc_id == pair.doc_id && back.doc_position == pair.doc_position &&
            back.created_at == pair.created_at && back.changed_at == pair.changed_at &&
            back.created_by == pair.created_by && back.changed_by == pair.changed_by && back.note == pair.note &&
            back.properties == pair.properties && back.source_codes.size() == pair.source_codes.size() &&
            back.target_codes.size() == pair.target_codes.size() && back.prev_hash == pair.prev_hash &&
            back.next_hash == pair.next_hash,
        "SegmentPair changes through ToProto/FromProtoAll");
}

void FuzzUpsert(const std::string& bytes) {
  v1::UpsertRequest req;
  if (!req.ParseFromString(bytes)) return;
  auto policy = service::FromProto(req.on_duplicate());
  if (!policy.ok()) {
    Check(policy.status().IsInvalidArgument(), "unknown DuplicatePolicy is not InvalidArgument");
    return;
  }
  Check(service::ToProto(*policy) == req.on_duplicate(), "DuplicatePolicy does not round-trip");
  // Any outcome value on the wire (open enum) maps to a known outcome.
  (void)service::ToProto(service::FromProto(static_cast<v1::WriteOutcome>(req.unit().metadata().doc_position())));
  SegmentPair pair;
  service::FromProto(req.unit(), &pair);
  CheckRoundTrip(pair);
  // The store validates what a client sent (languages, UTF-8, inline codes, sizes): it must refuse
  // bad units with a Status and keep good ones readable.
  dhakira::Store& store = dhakira::fuzz::ScratchStore(kInputsPerStore);
  pair.id = 0;
  auto written = store.Add(pair, *policy);
  if (!written.ok()) return;
  auto read = store.Get(written->id);
  dhakira::fuzz::CheckOk(read.status(), "Store::Get of a unit just written");
  v1::Unit out;
  service::ToProto(*read, &out);
  Check(out.id() == written->id, "ToProto lost the id");
}

void FuzzStats(const std::string& bytes) {
  v1::StatsResponse resp;
  if (!resp.ParseFromString(bytes)) return;
  dhakira::StoreStats stats;
  service::FromProto(resp, &stats);
  v1::StatsResponse again;
  service::ToProto(stats, &again);
  Check(again.units() == resp.units(), "StatsResponse units do not round-trip");
}

void FuzzStatus(uint8_t code, const std::string& message) {
  // Any gRPC code a server may send (also ones this version does not know) maps to an error Status
  // that keeps the server's text, and back to a gRPC error.
  const grpc::Status remote(static_cast<grpc::StatusCode>(code % 20), message);
  const dhakira::Status local = service::FromGrpc(remote, "fuzz");
  Check(local.ok() == remote.ok(), "FromGrpc changes success into failure or back");
  Check(local.ok() || local.message().find(message) != std::string::npos, "FromGrpc lost the message");
  const grpc::Status again = service::ToGrpc(local);
  Check(again.ok() == remote.ok(), "ToGrpc changes success into failure or back");
}

}  // namespace

// Invalid UTF-8 in a proto3 string makes parsing fail, as it should, and protobuf log an ERROR line
// each time: silenced so that the fuzzer's output stays readable.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const std::string bytes(in.Rest());
  switch (selector % 4) {
    case 0:
    case 1:
      FuzzUpsert(bytes);
      break;
    case 2:
      FuzzStats(bytes);
      break;
    default:
      FuzzStatus(in.Byte(), std::string(in.Rest()));
      break;
  }
  return 0;
}

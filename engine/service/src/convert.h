// Mapping between dhakira engine types and the dhakira.v1 protobuf messages, and between Status and
// grpc::Status. Pure functions; no I/O. Thread safety: none needed (no shared state).
#ifndef DHAKIRA_SERVICE_CONVERT_H_
#define DHAKIRA_SERVICE_CONVERT_H_

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.pb.h"

namespace dhakira::service {

// Canonical gRPC code for each Status code (kNotFound -> NOT_FOUND, kInvalidArgument -> INVALID_ARGUMENT,
// kCorruption -> DATA_LOSS, kIOError -> INTERNAL, ...; the .cc gives the reasons). The message is kept.
grpc::Status ToGrpc(const Status& status);
// The reverse, used by the client: the message keeps the server's text; `what` ("" = nothing) says
// what we were doing and prefixes it.
Status FromGrpc(const grpc::Status& status, std::string_view what);

void ToProto(const SegmentPair& pair, v1::Unit* unit);
// Copies everything a client may set (id, languages, text, codes, metadata except the context hashes).
void FromProto(const v1::Unit& unit, SegmentPair* pair);
// The full unit as the server sent it, hashes included (client side).
void FromProtoAll(const v1::Unit& unit, SegmentPair* pair);

v1::DuplicatePolicy ToProto(DuplicatePolicy policy);
StatusOr<DuplicatePolicy> FromProto(v1::DuplicatePolicy policy);
v1::WriteOutcome ToProto(WriteOutcome outcome);
WriteOutcome FromProto(v1::WriteOutcome outcome);

void ToProto(const StoreStats& stats, v1::StatsResponse* out);
void FromProto(const v1::StatsResponse& in, StoreStats* stats);

}  // namespace dhakira::service

#endif  // DHAKIRA_SERVICE_CONVERT_H_

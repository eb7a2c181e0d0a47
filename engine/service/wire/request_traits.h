// How the dhakira.v1 request messages are read off the wire, on the server and the client alike.
//
// protobuf 3.21 refuses to parse a proto3 `string` field that is not UTF-8, and gRPC then answers
// with an empty INTERNAL status (synchronous methods) or UNIMPLEMENTED (callback methods) before
// any of our code runs. Every request is therefore parsed by ParseRequest(), which on failure finds
// the field at fault and returns INVALID_ARGUMENT naming it. This header is included by the
// generated translation_memory.grpc.pb.h (protoc's additional_header_includes), so that every
// translation unit that instantiates gRPC's handlers sees the specialisations below.
#ifndef DHAKIRA_SERVICE_WIRE_REQUEST_TRAITS_H_
#define DHAKIRA_SERVICE_WIRE_REQUEST_TRAITS_H_

#include <google/protobuf/message.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "dhakira/v1/translation_memory.pb.h"

namespace dhakira::service {

// Parses `buffer` into `msg` (and empties `buffer`). On failure: INVALID_ARGUMENT
// "RPC: field `PATH`: invalid UTF-8 at byte N" (PATH dotted, with [i] for repeated fields, N the
// 0-based offset in the field's value) when a string field is not UTF-8, else
// "RPC: the request is not a valid TYPE message". The failure is also kept for the calling thread
// (see TakeLastRequestError).
grpc::Status ParseRequest(const char* rpc, grpc::ByteBuffer* buffer, google::protobuf::Message* msg);

// The same diagnosis on serialized bytes that failed to parse as `type` ("" when nothing is wrong).
std::string DiagnoseRequest(std::string_view bytes, const google::protobuf::Descriptor* type);

// The last ParseRequest failure on this thread, cleared by the call ("" = none). A synchronous
// stream's Read() returns false on a message it cannot parse, as at the end of the stream, and it
// parses on the reading thread: the Import handler asks here which of the two it was.
std::string TakeLastRequestError();

// Offset of the first byte of `text` that is not part of a well-formed UTF-8 sequence (no overlong
// forms, no surrogates, nothing above U+10FFFF), or std::string_view::npos when it is all UTF-8.
size_t FirstInvalidUtf8(std::string_view text);

}  // namespace dhakira::service

// Request types: parsed by ParseRequest; serialized as usual.
#define DHAKIRA_REQUEST_TRAITS(Type, Rpc)                                                                           \
  template <>                                                                                                       \
  class grpc::SerializationTraits<dhakira::v1::Type, void> {                                                        \
   public:                                                                                                          \
    static grpc::Status Serialize(const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb, bool* own_buffer) { \
      return grpc::GenericSerialize<grpc::ProtoBufferWriter, dhakira::v1::Type>(msg, bb, own_buffer);               \
    }                                                                                                               \
    static grpc::Status Deserialize(grpc::ByteBuffer* buffer, dhakira::v1::Type* msg) {                             \
      return dhakira::service::ParseRequest(Rpc, buffer, msg);                                                      \
    }                                                                                                               \
  };

DHAKIRA_REQUEST_TRAITS(LookupRequest, "Lookup")
DHAKIRA_REQUEST_TRAITS(BatchLookupRequest, "BatchLookup")
DHAKIRA_REQUEST_TRAITS(ConcordanceRequest, "Concordance")
DHAKIRA_REQUEST_TRAITS(UpsertRequest, "Upsert")
DHAKIRA_REQUEST_TRAITS(ImportRequest, "Import")
DHAKIRA_REQUEST_TRAITS(ExportRequest, "Export")
DHAKIRA_REQUEST_TRAITS(AlignRequest, "Align")

#undef DHAKIRA_REQUEST_TRAITS

#endif  // DHAKIRA_SERVICE_WIRE_REQUEST_TRAITS_H_

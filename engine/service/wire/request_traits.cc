// Request parsing with a diagnosis of what is wrong (see request_traits.h).
#include "request_traits.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <map>
#include <vector>

namespace dhakira::service {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

thread_local std::string last_error;

// Walks the wire bytes of one message of `type` and returns the first string field that is not
// UTF-8, as "field `PATH`: invalid UTF-8 at byte N"; "" when there is none (or the bytes are cut
// short: the caller then reports a malformed message).
std::string FindBadString(CodedInputStream* in, const Descriptor* type, const std::string& prefix, int depth) {
  if (depth > 64) return "";  // deeper than any dhakira message: malformed
  std::map<int, int> seen;    // field number -> occurrences so far (index of a repeated field)
  for (uint32_t tag = in->ReadTag(); tag != 0; tag = in->ReadTag()) {
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* field = type->FindFieldByNumber(number);
    if (field == nullptr || WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
        (field->type() != FieldDescriptor::TYPE_STRING && field->type() != FieldDescriptor::TYPE_MESSAGE)) {
      if (!WireFormatLite::SkipField(in, tag)) return "";
      continue;
    }
    std::string path = prefix + field->name();
    const int index = seen[number]++;
    if (field->is_repeated()) path += "[" + std::to_string(index) + "]";  // maps too: [i].key
    std::string value;
    uint32_t size = 0;
    if (!in->ReadVarint32(&size) || !in->ReadString(&value, static_cast<int>(size))) return "";
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const size_t bad = FirstInvalidUtf8(value);
      if (bad != std::string_view::npos) {
        return "field `" + path + "`: invalid UTF-8 at byte " + std::to_string(bad);
      }
      continue;
    }
    CodedInputStream sub(reinterpret_cast<const uint8_t*>(value.data()), static_cast<int>(value.size()));
    std::string found = FindBadString(&sub, field->message_type(), path + ".", depth + 1);
    if (!found.empty()) return found;
  }
  return "";
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string DiagnoseRequest(std::string_view bytes, const Descriptor* type) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  return FindBadString(&in, type, "", 0);
}

grpc::Status ParseRequest(const char* rpc, grpc::ByteBuffer* buffer, google::protobuf::Message* msg) {
  last_error.clear();
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, std::string(rpc) + ": no payload");
  bool parsed = false;
  {
    grpc::ProtoBufferReader reader(buffer);
    parsed = reader.status().ok() && msg->ParseFromZeroCopyStream(&reader);
  }
  if (parsed) {
    buffer->Clear();
    return grpc::Status::OK;
  }
  // The rare path: look at the bytes again to say what is wrong.
  std::string bytes;
  std::vector<grpc::Slice> slices;
  if (buffer->Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  buffer->Clear();
  std::string what = DiagnoseRequest(bytes, msg->GetDescriptor());
  if (what.empty()) what = "the request is not a valid " + msg->GetDescriptor()->full_name() + " message";
  last_error = std::string(rpc) + ": " + what;
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, last_error);
}

std::string TakeLastRequestError() {
  std::string error = std::move(last_error);
  last_error.clear();
  return error;
}

}  // namespace dhakira::service

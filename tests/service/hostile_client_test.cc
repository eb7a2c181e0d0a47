// Hostile clients against a real server on a real Unix socket: requests whose text fields are not
// UTF-8 (sent as raw bytes, as a buggy or hostile client sends them) get INVALID_ARGUMENT naming
// the field, on the callback methods, the synchronous ones and the Import stream alike, and the
// server keeps serving.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"
#include "service/service_fixture.h"
#include "testing/files.h"

namespace dhakira {
namespace {

// Replaces the first "@@@@" of `bytes` (a serialized message) by "\xFF\xFE\xFD\xFC": the same
// length, so the message stays well-formed protobuf, but the field holding it is no longer UTF-8.
std::string Poison(std::string bytes) {
  const size_t at = bytes.find("@@@@");
  EXPECT_NE(at, std::string::npos) << "the message has no @@@@ to poison";
  if (at != std::string::npos) bytes.replace(at, 4, "\xFF\xFE\xFD\xFC");
  return bytes;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class HostileClientTest : public test_support::ServiceTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(StartServer());
    channel_ = grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
  }

  // One unary call of `method` ("Lookup") with `bytes` as the request, as they are.
  grpc::Status RawUnary(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue cq;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::ByteBuffer response;
    grpc::Status status;
    auto call = stub.PrepareUnaryCall(&ctx, "/dhakira.v1.TranslationMemory/" + method, Buffer(bytes), &cq);
    call->StartCall();
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  // An Import stream of `messages`, each sent as it is.
  grpc::Status RawImport(const std::vector<std::string>& messages) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue cq;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto call = stub.PrepareCall(&ctx, "/dhakira.v1.TranslationMemory/Import", &cq);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(reinterpret_cast<void*>(1));
    EXPECT_TRUE(cq.Next(&tag, &ok));
    for (const std::string& m : messages) {
      call->Write(Buffer(m), reinterpret_cast<void*>(2));
      if (!cq.Next(&tag, &ok) || !ok) break;
    }
    call->WritesDone(reinterpret_cast<void*>(3));
    cq.Next(&tag, &ok);
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    cq.Next(&tag, &ok);
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(5));
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  uint64_t Units() {
    auto stats = store_->Stats();
    EXPECT_TRUE(stats.ok());
    return stats.ok() ? stats->segments : 0;
  }

  std::shared_ptr<grpc::Channel> channel_;
};

void ExpectNamed(const grpc::Status& st, const std::string& message) {
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_EQ(st.error_message(), message);
}

TEST_F(HostileClientTest, InvalidUtf8IsNamedOnTheCallbackMethods) {
  v1::LookupRequest lookup;
  lookup.set_source("قال المتحدث@@@@");  // 21 bytes before the marker
  lookup.mutable_options()->set_src_lang("ar");
  lookup.mutable_options()->set_tgt_lang("en");
  ExpectNamed(RawUnary("Lookup", Poison(lookup.SerializeAsString())),
              "Lookup: field `source`: invalid UTF-8 at byte 21");

  v1::LookupRequest lang = lookup;
  lang.set_source("قال المتحدث");
  v1::LookupRequest good = lang;
  lang.mutable_options()->set_tgt_lang("en@@@@");
  ExpectNamed(RawUnary("Lookup", Poison(lang.SerializeAsString())),
              "Lookup: field `options.tgt_lang`: invalid UTF-8 at byte 2");

  v1::LookupRequest penalty = lang;
  penalty.mutable_options()->set_tgt_lang("en");
  (*penalty.mutable_options()->mutable_origin_penalties())["MT@@@@"] = 5;
  ExpectNamed(RawUnary("Lookup", Poison(penalty.SerializeAsString())),
              "Lookup: field `options.origin_penalties[0].key`: invalid UTF-8 at byte 2");

  v1::BatchLookupRequest batch;
  *batch.mutable_options() = lang.options();
  batch.mutable_options()->set_tgt_lang("en");
  for (int i = 0; i < 12; ++i) batch.add_segments()->set_source("جملة " + std::to_string(i));
  batch.mutable_segments(10)->set_client_ref("seg-@@@@");
  ExpectNamed(RawUnary("BatchLookup", Poison(batch.SerializeAsString())),
              "BatchLookup: field `segments[10].client_ref`: invalid UTF-8 at byte 4");

  v1::ConcordanceRequest concordance;
  concordance.set_phrase("@@@@");
  concordance.set_src_lang("ar");
  concordance.set_tgt_lang("en");
  ExpectNamed(RawUnary("Concordance", Poison(concordance.SerializeAsString())),
              "Concordance: field `phrase`: invalid UTF-8 at byte 0");

  // Bytes that are no protobuf message at all.
  grpc::Status garbage = RawUnary("Lookup", "\x0A\xFF\xFF\xFF");
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << garbage.error_message();
  EXPECT_EQ(garbage.error_message(), "Lookup: the request is not a valid dhakira.v1.LookupRequest message");

  // The server still answers well-formed calls.
  grpc::Status fine = RawUnary("Lookup", good.SerializeAsString());
  EXPECT_TRUE(fine.ok()) << fine.error_message();
}

TEST_F(HostileClientTest, InvalidUtf8IsNamedOnTheSynchronousMethodsAndNothingIsWritten) {
  v1::UpsertRequest upsert;
  v1::Unit* unit = upsert.mutable_unit();
  unit->set_src_lang("ar");
  unit->set_tgt_lang("en");
  unit->set_source("انتهى الاجتماع");
  unit->set_target("The meeting ended");
  unit->mutable_metadata()->add_properties()->set_value("x@@@@");
  ExpectNamed(RawUnary("Upsert", Poison(upsert.SerializeAsString())),
              "Upsert: field `unit.metadata.properties[0].value`: invalid UTF-8 at byte 1");
  EXPECT_EQ(Units(), 0u);

  v1::ExportRequest exp;
  exp.set_origin("@@@@");
  ExpectNamed(RawUnary("Export", Poison(exp.SerializeAsString())), "Export: field `origin`: invalid UTF-8 at byte 0");

  v1::AlignRequest align;
  align.set_src_lang("ar");
  align.set_tgt_lang("en");
  align.mutable_source()->mutable_sentences()->add_sentence("جملة");
  align.mutable_target()->mutable_sentences()->add_sentence("ok");
  align.mutable_target()->mutable_sentences()->add_sentence("A @@@@ sentence");
  ExpectNamed(RawUnary("Align", Poison(align.SerializeAsString())),
              "Align: field `target.sentences.sentence[1]`: invalid UTF-8 at byte 2");

  upsert.mutable_unit()->mutable_metadata()->clear_properties();
  grpc::Status fine = RawUnary("Upsert", upsert.SerializeAsString());
  EXPECT_TRUE(fine.ok()) << fine.error_message();
  EXPECT_EQ(Units(), 1u);
}

TEST_F(HostileClientTest, InvalidUtf8InImportOptionsIsNamedAndNothingIsImported) {
  v1::ImportRequest options;
  options.mutable_options()->set_format(v1::FILE_FORMAT_TSV);
  options.mutable_options()->set_src_lang("ar");
  options.mutable_options()->set_tgt_lang("en");
  options.mutable_options()->set_origin("wire-@@@@");
  v1::ImportRequest data;
  data.set_data("جملة أولى\tFirst sentence\nجملة ثانية\tSecond sentence\n");
  ExpectNamed(RawImport({Poison(options.SerializeAsString()), data.SerializeAsString()}),
              "Import: field `options.origin`: invalid UTF-8 at byte 5");
  EXPECT_EQ(Units(), 0u);

  // A message that is not protobuf in the middle of the stream: the upload is refused as a whole,
  // not imported as if the stream had ended there.
  options.mutable_options()->set_origin("wire");
  grpc::Status cut = RawImport({options.SerializeAsString(), data.SerializeAsString(), "\x12\xFF\xFF\xFF"});
  EXPECT_EQ(cut.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << cut.error_message();
  EXPECT_EQ(cut.error_message(),
            "Import: the request is not a valid dhakira.v1.ImportRequest message (message 3 of the "
            "stream; nothing imported)");
  EXPECT_EQ(Units(), 0u);

  EXPECT_TRUE(RawImport({options.SerializeAsString(), data.SerializeAsString()}).ok());
  EXPECT_EQ(Units(), 2u);
}

}  // namespace
}  // namespace dhakira

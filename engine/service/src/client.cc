// Client: the C++ side of dhakira.v1.TranslationMemory, returning engine types so that the CLI prints the
// same output whether it works on a local TM or through a server.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "convert.h"
#include "dhakira/service.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"

namespace dhakira {
namespace {

class ClientImpl final : public Client {
 public:
  ClientImpl(std::string address, const ClientOptions& options, std::shared_ptr<grpc::Channel> channel)
      : address_(std::move(address)),
        options_(options),
        channel_(std::move(channel)),
        stub_(v1::TranslationMemory::NewStub(channel_)) {}

  const std::string& address() const override { return address_; }

  StatusOr<RemoteStats> Stats() override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::StatsRequest req;
    v1::StatsResponse resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Stats(&ctx, req, &resp), "stats"));
    RemoteStats out;
    service::FromProto(resp, &out.stats);
    out.path = resp.path();
    return out;
  }

  StatusOr<SegmentPair> Get(uint64_t id) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::GetRequest req;
    req.set_id(id);
    v1::Unit resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Get(&ctx, req, &resp), "get"));
    SegmentPair pair;
    service::FromProtoAll(resp, &pair);
    return pair;
  }

  StatusOr<WriteResult> Upsert(const SegmentPair& pair, std::string_view previous_source,
                               std::string_view next_source, DuplicatePolicy on_duplicate) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::UpsertRequest req;
    service::ToProto(pair, req.mutable_unit());
    req.mutable_unit()->mutable_metadata()->clear_prev_hash();  // the server derives them from the text
    req.mutable_unit()->mutable_metadata()->clear_next_hash();
    req.set_previous_source(std::string(previous_source));
    req.set_next_source(std::string(next_source));
    req.set_on_duplicate(service::ToProto(on_duplicate));
    v1::UpsertResponse resp;
    DHAKIRA_RETURN_IF_ERROR(Check(stub_->Upsert(&ctx, req, &resp), "upsert"));
    return WriteResult{resp.id(), service::FromProto(resp.outcome())};
  }

  Status Delete(const std::vector<uint64_t>& ids) override {
    grpc::ClientContext ctx;
    Prepare(&ctx);
    v1::DeleteRequest req;
    for (uint64_t id : ids) req.add_ids(id);
    v1::DeleteResponse resp;
    return Check(stub_->Delete(&ctx, req, &resp), "delete");
  }

 private:
  void Prepare(grpc::ClientContext* ctx) const {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(options_.timeout_ms));
  }
  // Server errors keep their code and message; transport failures name the address.
  Status Check(const grpc::Status& status, const std::string& what) const {
    if (status.ok()) return Status::OK();
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return Status::IOError("cannot reach the dhakira server at " + address_ + ": " +
                             status.error_message());
    }
    return service::FromGrpc(status, "server " + address_ + ": " + what);
  }

  std::string address_;
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TranslationMemory::Stub> stub_;
};

}  // namespace

Status ClientOptions::Validate() const {
  if (timeout_ms < 1 || timeout_ms > 86'400'000) {
    return Status::InvalidArgument("timeout_ms: " + std::to_string(timeout_ms) +
                                   " is outside 1 .. 86400000");
  }
  if (max_message_bytes < (4u << 10) || max_message_bytes > (1ull << 30)) {
    return Status::InvalidArgument("max_message_bytes: " + std::to_string(max_message_bytes) +
                                   " is outside 4096 .. 1073741824");
  }
  return Status::OK();
}

StatusOr<std::unique_ptr<Client>> Client::Connect(std::string_view address, const ClientOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (address.empty() || address == "unix:") {
    return Status::InvalidArgument("server address is empty (expected unix:PATH or HOST:PORT)");
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  args.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  std::string target(address);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (channel == nullptr) return Status::InvalidArgument("server address '" + target + "' is not usable");
  return std::unique_ptr<Client>(std::make_unique<ClientImpl>(target, options, std::move(channel)));
}

}  // namespace dhakira

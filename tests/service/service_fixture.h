// The fixture the service tests share: a real LMDB TM in a fresh temporary directory and a real
// server on a Unix socket inside it, reached by our Client or the generated stub. Include as
// "service/service_fixture.h" (tests/service only: it needs dhakira_service).
#ifndef DHAKIRA_TESTS_SERVICE_SERVICE_FIXTURE_H_
#define DHAKIRA_TESTS_SERVICE_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"
#include "testing/files.h"

namespace dhakira::test_support {

// SetUp opens the TM dir_/tm (with store_options_, set them in the test's constructor) and points
// options_ at dir_/s.sock with dir_ as the spool directory; the test adjusts options_ and calls
// StartServer(). TearDown closes the server before the TM, and the TM before the directory goes.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok()) << "cannot make a temporary directory";
    auto store = TranslationMemory::Open(dir_ + "/tm", store_options_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    options_.socket_path = dir_ + "/s.sock";
    options_.spool_dir = dir_;
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
  }

  // Starts the server on store_ with options_ (a fatal failure when it cannot).
  void StartServer() {
    auto server = Server::Start(store_.get(), options_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  // The server's first address ("unix:..."); StartServer() first.
  std::string Address() const { return server_->addresses()[0]; }
  // Our client on `address` ("" = Address()); null (with a failure) when it cannot be made.
  std::unique_ptr<Client> Connect(const std::string& address = "") {
    auto client = Client::Connect(address.empty() ? Address() : address);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
  // The generated stub on `address` ("" = Address()), for what our client does not send.
  std::unique_ptr<v1::TranslationMemory::Stub> Stub(const std::string& address = "") {
    return v1::TranslationMemory::NewStub(
        grpc::CreateChannel(address.empty() ? Address() : address, grpc::InsecureChannelCredentials()));
  }

  TempDir tmp_;  // first member: removed after the TM and the server are closed
  const std::string dir_ = tmp_.path();
  StoreOptions store_options_;
  std::unique_ptr<TranslationMemory> store_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
};

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_SERVICE_SERVICE_FIXTURE_H_

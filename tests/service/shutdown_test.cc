// Imports stopped half-way, against a real server on a real socket: SIGTERM to `dhakira serve`
// during a large streamed import ends the process within the grace period, and the client is told
// what the TM holds; a client that cancels its import leaves at most the batch that was committing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"
#include "service/service_fixture.h"
#include "testing/cli_runner.h"
#include "testing/files.h"

namespace dhakira {
namespace {

using Clock = std::chrono::steady_clock;

std::string Tsv(int n) {
  std::string tsv;
  tsv.reserve(static_cast<size_t>(n) * 160);
  for (int i = 0; i < n; ++i) {
    tsv += "قال المتحدث إن الاجتماع رقم " + std::to_string(i) + " سيعقد غدا في العاصمة\t" +
           "The spokesman said meeting number " + std::to_string(i) + " will be held tomorrow\n";
  }
  return tsv;
}

// Streams `data` into Import in 256 KiB chunks; `sent` is set once the whole file is sent.
grpc::Status Upload(v1::TranslationMemory::Stub* stub, grpc::ClientContext* ctx, uint32_t batch_size,
                    const std::string& data, std::atomic<bool>* sent) {
  v1::ImportSummary summary;
  auto writer = stub->Import(ctx, &summary);
  v1::ImportRequest first;
  first.mutable_options()->set_format(v1::FILE_FORMAT_TSV);
  first.mutable_options()->set_src_lang("ar");
  first.mutable_options()->set_tgt_lang("en");
  first.mutable_options()->set_file_name("big.tsv");
  first.mutable_options()->set_batch_size(batch_size);
  writer->Write(first);
  for (size_t off = 0; off < data.size(); off += 256 << 10) {
    v1::ImportRequest chunk;
    chunk.set_data(data.substr(off, 256 << 10));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  sent->store(true);
  return writer->Finish();
}

uint64_t RemoteUnits(v1::TranslationMemory::Stub* stub) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::StatsResponse stats;
  return stub->Stats(&ctx, v1::StatsRequest(), &stats).ok() ? stats.units() : 0;
}

// Waits (up to a minute) until the server has committed something of the import.
bool WaitForCommits(v1::TranslationMemory::Stub* stub, const std::atomic<bool>& sent) {
  const auto give_up = Clock::now() + std::chrono::minutes(1);
  while (Clock::now() < give_up) {
    if (sent.load() && RemoteUnits(stub) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The shared server+TM fixture (service_fixture.h). The in-process tests start a server on its TM
// with StartImportServer(); the SIGTERM test runs `dhakira serve` on a TM of its own.
class ShutdownTest : public test_support::ServiceTest {
 protected:
  ShutdownTest() { store_options_.sync = false; }  // a test TM: speed over durability
  // Starts the server with `adjust` applied to options_, and stub_ on it.
  template <typename Adjust>
  void StartImportServer(Adjust adjust) {
    adjust(options_);
    ASSERT_NO_FATAL_FAILURE(StartServer());
    stub_ = Stub();
  }
  // The import threads at normal priority: the test's own threads must not starve the import.
  static void NormalPriority(ServerOptions& options) {
    options.import_sched_idle = false;
    options.import_nice = 0;
  }

  std::unique_ptr<v1::TranslationMemory::Stub> stub_;
};

TEST_F(ShutdownTest, SigtermDuringAStreamedImportEndsWithinTheGraceAndTellsWhatWasCommitted) {
  const std::string served_tm = dir_ + "/served-tm";
  const std::string sock = dir_ + "/served.sock";
  constexpr int kGraceMs = 3000;
  test_support::BackgroundProcess serve(
      {DHAKIRA_CLI_BINARY, "--db", served_tm, "serve", "--socket", sock, "--grace-ms", std::to_string(kGraceMs)},
      test_support::BackgroundOptions{.pipe_stdout = true});
  ASSERT_TRUE(serve.running());
  ASSERT_EQ(serve.ReadLine(), "listening unix:" + sock);

  auto channel = grpc::CreateChannel("unix:" + sock, grpc::InsecureChannelCredentials());
  auto stub = v1::TranslationMemory::NewStub(channel);
  const std::string data = Tsv(400000);  // far more than the server imports in the grace
  std::atomic<bool> sent{false};
  grpc::Status told;
  std::thread client([&] {
    grpc::ClientContext ctx;
    told = Upload(stub.get(), &ctx, 5000, data, &sent);
  });
  const bool committing = WaitForCommits(stub.get(), sent);
  const auto signalled = Clock::now();
  ASSERT_TRUE(serve.Kill(SIGTERM));
  const int status = serve.Wait();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - signalled);
  client.join();
  ASSERT_TRUE(committing) << "the import did not start committing within a minute";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  RecordProperty("sigterm_to_exit_ms", static_cast<int>(took.count()));
  EXPECT_LE(took.count(), kGraceMs + 2000) << "the server took " << took.count() << " ms to stop";

  // Told: UNAVAILABLE, with the pairs committed; the TM holds exactly those.
  EXPECT_EQ(told.error_code(), grpc::StatusCode::UNAVAILABLE) << told.error_message();
  std::smatch m;
  const std::string message = told.error_message();
  ASSERT_TRUE(std::regex_search(message, m, std::regex("(\\d+) added, 0 updated, 0 duplicates skipped"))) << message;
  const uint64_t added = std::stoull(m[1].str());
  auto store = TranslationMemory::Open(served_tm);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->segments, added) << message;
  EXPECT_LT(added, 400000u);
}

TEST_F(ShutdownTest, ACancelledImportCommitsAtMostTheBatchThatWasCommitting) {
  ASSERT_NO_FATAL_FAILURE(StartImportServer(NormalPriority));
  auto* stub = stub_.get();
  constexpr uint32_t kBatch = 5000;
  const std::string data = Tsv(200000);
  std::atomic<bool> sent{false};
  grpc::ClientContext ctx;
  grpc::Status told;
  std::thread client([&] { told = Upload(stub, &ctx, kBatch, data, &sent); });
  ASSERT_TRUE(WaitForCommits(stub, sent));
  const uint64_t at_cancel = RemoteUnits(stub);
  ctx.TryCancel();
  client.join();
  EXPECT_EQ(told.error_code(), grpc::StatusCode::CANCELLED) << told.error_message();
  // The server's handler has returned once the server has shut down.
  server_->Shutdown();
  server_->Wait();
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GE(stats->segments, at_cancel);
  EXPECT_LE(stats->segments, at_cancel + kBatch) << "committed at the cancel: " << at_cancel;
  EXPECT_LT(stats->segments, 200000u);
}

TEST_F(ShutdownTest, AStalledUploadIsCancelledAndNothingOfItImported) {
  ASSERT_NO_FATAL_FAILURE(StartImportServer([](ServerOptions& options) { options.import_idle_timeout_ms = 300; }));
  auto* stub = stub_.get();

  grpc::ClientContext ctx;
  v1::ImportSummary summary;
  auto writer = stub->Import(&ctx, &summary);
  v1::ImportRequest first;
  first.mutable_options()->set_format(v1::FILE_FORMAT_TSV);
  first.mutable_options()->set_src_lang("ar");
  first.mutable_options()->set_tgt_lang("en");
  ASSERT_TRUE(writer->Write(first));
  v1::ImportRequest chunk;
  chunk.set_data(Tsv(100));
  ASSERT_TRUE(writer->Write(chunk));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the client stalls, its stream open
  // The server has given up on the call by now (it does not wait for the client to end it).
  EXPECT_FALSE(writer->Write(chunk));
  writer->WritesDone();
  grpc::Status st = writer->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::CANCELLED) << st.error_message();
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->segments, 0u);
}

TEST_F(ShutdownTest, AnImportNearItsDeadlineStopsAndTellsWhatWasCommitted) {
  ASSERT_NO_FATAL_FAILURE(StartImportServer(NormalPriority));
  auto* stub = stub_.get();

  const std::string data = Tsv(400000);  // more than the server imports in the deadline
  std::atomic<bool> sent{false};
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(4));
  const grpc::Status told = Upload(stub, &ctx, 5000, data, &sent);
  EXPECT_EQ(told.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << told.error_message();
  std::smatch m;
  const std::string message = told.error_message();
  ASSERT_TRUE(std::regex_search(message, m, std::regex("(\\d+) added, 0 updated, 0 duplicates skipped"))) << message;
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->segments, std::stoull(m[1].str())) << message;
}

}  // namespace
}  // namespace dhakira

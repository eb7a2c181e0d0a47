// Streamed Import and Export through the server, and reads served while a large import writes (LMDB readers
// run beside the one writer): every read during the import must answer.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"
#include "service/service_fixture.h"
#include "testing/files.h"

#if __has_include("dhakira/io.h")

namespace dhakira {
namespace {

namespace fs = std::filesystem;

class ImportTest : public test_support::ServiceTest {
 protected:
  ImportTest() { store_options_.sync = false; }  // a test TM: speed over durability
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(StartServer());
    stub_ = Stub();
  }

  // Streams `data` as one upload in 64 KiB chunks.
  grpc::Status Upload(const v1::ImportOptions& options, const std::string& data, v1::ImportSummary* summary,
                      grpc::StatusCode* code = nullptr) {
    grpc::ClientContext ctx;
    auto writer = stub_->Import(&ctx, summary);
    v1::ImportRequest first;
    *first.mutable_options() = options;
    writer->Write(first);
    for (size_t off = 0; off < data.size(); off += 64 << 10) {
      v1::ImportRequest chunk;
      chunk.set_data(data.substr(off, 64 << 10));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  static std::string Tsv(int n) {
    std::string tsv;
    for (int i = 0; i < n; ++i) {
      tsv += "قال المتحدث إن الاجتماع رقم " + std::to_string(i) + " سيعقد غدا في العاصمة\t" +
             "The spokesman said meeting number " + std::to_string(i) + " will be held tomorrow in the capital\n";
    }
    return tsv;
  }

  std::unique_ptr<v1::TranslationMemory::Stub> stub_;
};

TEST_F(ImportTest, ReadsAreServedDuringALargeStreamedImport) {
  // A first batch so that readers have something to find from the start.
  v1::ImportOptions options;
  options.set_format(v1::FILE_FORMAT_TSV);
  options.set_src_lang("ar");
  options.set_tgt_lang("en");
  options.set_file_name("seed.tsv");
  v1::ImportSummary seed;
  ASSERT_TRUE(Upload(options, Tsv(100), &seed).ok());
  ASSERT_EQ(seed.added(), 100u);

  constexpr int kUnits = 20000;
  std::string big;
  for (int i = 100; i < 100 + kUnits; ++i) {
    big += "أعلنت الوزارة أن المشروع رقم " + std::to_string(i) + " سينتهي في الموعد المحدد\t" +
           "The ministry announced that project number " + std::to_string(i) + " will finish on time\n";
  }
  std::atomic<bool> importing{true};
  std::atomic<int> reads_during{0}, failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      auto stub = v1::TranslationMemory::NewStub(
          grpc::CreateChannel(server_->addresses()[0], grpc::InsecureChannelCredentials()));
      int i = t;
      while (importing.load()) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        grpc::Status st;
#if __has_include("dhakira/match.h")
        v1::LookupRequest req;
        req.set_source("قال المتحدث إن الاجتماع رقم " + std::to_string(i % 100) + " سيعقد غدا");
        req.mutable_options()->set_src_lang("ar");
        req.mutable_options()->set_tgt_lang("en");
        req.mutable_options()->set_threshold(50);
        v1::LookupResponse resp;
        st = stub->Lookup(&ctx, req, &resp);
        if (st.ok() && resp.matches_size() == 0) st = grpc::Status(grpc::StatusCode::INTERNAL, "no match");
#else
        v1::GetRequest req;
        req.set_id(1 + static_cast<uint64_t>(i % 100));
        v1::Unit resp;
        st = stub->Get(&ctx, req, &resp);
#endif
        if (!st.ok()) {
          ++failures;
          ADD_FAILURE() << "read failed during import: " << st.error_message();
        } else if (importing.load()) {
          ++reads_during;
        }
        ++i;
      }
    });
  }
  options.set_file_name("big.tsv");
  v1::ImportSummary summary;
  grpc::Status st = Upload(options, big, &summary);
  importing = false;
  for (auto& r : readers) r.join();
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(summary.read(), static_cast<uint64_t>(kUnits));
  EXPECT_EQ(summary.added(), static_cast<uint64_t>(kUnits));
  EXPECT_EQ(summary.bytes(), big.size());
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads_during.load(), 0);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, static_cast<uint64_t>(kUnits + 100));
  // The spool file is gone.
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().rfind("dhakira-import", 0), std::string::npos) << e.path();
  }
}

// The scheduling policy (/proc/self/task/TID/stat, field 41) of every thread of this process.
std::vector<int> ThreadPolicies() {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(e.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');  // the thread name may hold spaces
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    std::string f;
    for (int i = 3; i <= 41 && fields >> f; ++i) {
      if (i == 41) out.push_back(std::atoi(f.c_str()));
    }
  }
  return out;
}

// The import runs on threads in the SCHED_IDLE class (ServerOptions::import_sched_idle, the
// default), which end with it: no gRPC thread is left in that class.
TEST_F(ImportTest, ImportRunsInTheIdleSchedulingClass) {
#ifndef SCHED_IDLE
  GTEST_SKIP() << "no SCHED_IDLE on this system";
#else
  ASSERT_FALSE(ThreadPolicies().empty()) << "no /proc/self/task";
  v1::ImportOptions options;
  options.set_format(v1::FILE_FORMAT_TSV);
  options.set_src_lang("ar");
  options.set_tgt_lang("en");
  options.set_file_name("big.tsv");
  std::atomic<bool> done{false};
  grpc::Status st;
  v1::ImportSummary summary;
  std::thread importer([&] {
    st = Upload(options, Tsv(20000), &summary);
    done = true;
  });
  bool seen_idle = false;
  while (!done && !seen_idle) {
    for (int policy : ThreadPolicies()) seen_idle = seen_idle || policy == SCHED_IDLE;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  importer.join();
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(summary.added(), 20000u);
  EXPECT_TRUE(seen_idle) << "no thread in SCHED_IDLE while the import ran";
  // Later calls are served by threads of ordinary priority (the import's threads are gone).
  for (int attempt = 0; attempt < 100; ++attempt) {
    bool any_idle = false;
    for (int policy : ThreadPolicies()) any_idle = any_idle || policy == SCHED_IDLE;
    if (!any_idle) break;
    ASSERT_LT(attempt, 99) << "a thread stayed in SCHED_IDLE after the import";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
#endif
}

TEST_F(ImportTest, ExportStreamsWhatWasImported) {
  v1::ImportOptions options;
  options.set_src_lang("ar");
  options.set_tgt_lang("en");
  options.set_file_name("news.tsv");  // format from the name
  v1::ImportSummary summary;
  ASSERT_TRUE(Upload(options, Tsv(250), &summary).ok());
  ASSERT_EQ(summary.added(), 250u);

  for (v1::FileFormat format : {v1::FILE_FORMAT_TSV, v1::FILE_FORMAT_TMX}) {
    grpc::ClientContext ctx;
    v1::ExportRequest req;
    req.set_format(format);
    req.set_src_lang("AR");  // any case
    auto reader = stub_->Export(&ctx, req);
    v1::ExportChunk chunk;
    std::string file;
    uint64_t units = 0;
    while (reader->Read(&chunk)) {
      file += chunk.data();
      units = chunk.units();
    }
    grpc::Status st = reader->Finish();
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(units, 250u);
    if (format == v1::FILE_FORMAT_TMX) {
      EXPECT_NE(file.find("<tmx"), std::string::npos);
      size_t tus = 0;
      for (size_t p = file.find("<tu"); p != std::string::npos; p = file.find("<tu", p + 1)) {
        if (file.compare(p, 4, "<tu>") == 0 || file.compare(p, 4, "<tu ") == 0) ++tus;
      }
      EXPECT_EQ(tus, 250u);
    } else {
      EXPECT_NE(file.find("meeting number 249 will be held"), std::string::npos);
    }
  }
}

TEST_F(ImportTest, BatchSizeZeroIsTheEngineDefault) {
  // The proto documents 0 as the engine's ImportOptions::batch_size: one batch more than that many
  // pairs takes two transactions, and exactly that many takes one.
  const uint32_t batch = ImportOptions().batch_size;
  v1::ImportOptions options;
  options.set_format(v1::FILE_FORMAT_TSV);
  options.set_src_lang("ar");
  options.set_tgt_lang("en");
  v1::ImportSummary summary;
  ASSERT_TRUE(Upload(options, Tsv(static_cast<int>(batch) + 1), &summary).ok());
  EXPECT_EQ(summary.added(), batch + 1);
  EXPECT_EQ(summary.batches_committed(), 2u);
}

TEST_F(ImportTest, BadUploadsAreNamedErrors) {
  v1::ImportSummary summary;
  {
    // Data before options.
    grpc::ClientContext ctx;
    auto writer = stub_->Import(&ctx, &summary);
    v1::ImportRequest data;
    data.set_data("x\ty\n");
    writer->Write(data);
    writer->WritesDone();
    grpc::Status st = writer->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("options"), std::string::npos) << st.error_message();
  }
  {
    // A TMX that is not XML: the error names the client's file, not our spool file.
    v1::ImportOptions options;
    options.set_file_name("broken.tmx");
    grpc::Status st = Upload(options, "this is not XML at all <<<", &summary);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
    EXPECT_NE(st.error_message().find("broken.tmx"), std::string::npos) << st.error_message();
    EXPECT_EQ(st.error_message().find("dhakira-import"), std::string::npos) << st.error_message();
  }
  {
    // TSV without languages.
    v1::ImportOptions options;
    options.set_format(v1::FILE_FORMAT_TSV);
    grpc::Status st = Upload(options, "a\tb\n", &summary);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  }
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, 0u);
}

}  // namespace
}  // namespace dhakira

#endif  // __has_include("dhakira/io.h")

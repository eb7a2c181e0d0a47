// The example Python client (clients/python/dhakira_client.py, Debian's stock python3-grpcio runtime)
// against a live server: another language's gRPC stack speaking to ours, reflection and health included.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "service/service_fixture.h"
#include "testing/cli_runner.h"
#include "testing/files.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

using test_support::NonEmptyLines;
using test_support::ProcessResult;
using test_support::ShellQuote;

class PythonClientTest : public test_support::ServiceTest {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
    if (test_support::RunProcess({"/usr/bin/python3", "-c", "import grpc, grpc_tools"}).exit_code != 0) {
      GTEST_SKIP() << "python3-grpcio / python3-grpc-tools are not installed (scripts/setup installs them)";
    }
    ASSERT_NO_FATAL_FAILURE(ServiceTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  // Runs the example client against the server with `args`; stderr merged into out.
  ProcessResult Python(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/python3", DHAKIRA_SOURCE_DIR "/clients/python/dhakira_client.py",
                                     "--server", Address()};
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::RunOptions options;
    options.merge_stderr = true;
    return test_support::RunProcess(argv, options);
  }
};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One interpreter start-up per test (the `script` command runs many calls over one connection): Python and
// the .proto compilation take about a second on a loaded machine.
TEST_F(PythonClientTest, DiscoversProbesWritesReadsAndDeletes) {
  const std::string script1 = dir_ + "/script1";
  {
    std::ofstream out(script1);
    out << "capabilities\n"
        << "health\n"
        << "services\n"
        << "upsert --src-lang ar --tgt-lang en --source " << ShellQuote("أعلنت الحكومة خطة جديدة") << " --target "
        << ShellQuote("The government announced a new plan") << " --origin Al-Watan\n"
        << "stats\n"
        << "upsert --src-lang '!!' --tgt-lang en --source x --target y\n";
  }
  ProcessResult first = Python({"script", script1});
  EXPECT_EQ(first.exit_code, 1) << first.out;  // the last upsert fails
  std::vector<std::string> lines = NonEmptyLines(first.out);
  ASSERT_EQ(lines.size(), 6u) << first.out;
  EXPECT_TRUE(Contains(lines[0], "\"api_version\": \"dhakira.v1\"")) << lines[0];
  EXPECT_TRUE(Contains(lines[0], "\"Upsert\"")) << lines[0];
  EXPECT_TRUE(Contains(lines[1], "\"status\": \"SERVING\"")) << lines[1];
  EXPECT_TRUE(Contains(lines[2], "\"dhakira.v1.TranslationMemory\"")) << lines[2];
  EXPECT_TRUE(Contains(lines[2], "\"grpc.health.v1.Health\"")) << lines[2];
  EXPECT_TRUE(Contains(lines[3], "WRITE_OUTCOME_ADDED")) << lines[3];
  EXPECT_TRUE(Contains(lines[4], "\"units\": \"1\"")) << lines[4];
  EXPECT_TRUE(Contains(lines[5], "INVALID_ARGUMENT")) << lines[5];

  // The id the Python side got is the one the store assigned.
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->segments, 1u);
  uint64_t id = 0;
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& p) {
                    id = p.id;
                    return false;
                  })
                  .ok());
  ASSERT_GT(id, 0u);
  EXPECT_TRUE(Contains(lines[3], "\"id\": \"" + std::to_string(id) + "\"")) << lines[3];

  const std::string script2 = dir_ + "/script2";
  {
    std::ofstream out(script2);
    out << "get " << id << "\ndelete " << id << "\nget " << id << "\n";
  }
  ProcessResult second = Python({"script", script2});
  lines = NonEmptyLines(second.out);
  ASSERT_EQ(lines.size(), 3u) << second.out;
  EXPECT_TRUE(Contains(lines[0], "أعلنت الحكومة خطة جديدة")) << lines[0];
  EXPECT_TRUE(Contains(lines[0], "Al-Watan")) << lines[0];
  EXPECT_TRUE(Contains(lines[1], "\"deleted\": " + std::to_string(id))) << lines[1];
  EXPECT_TRUE(Contains(lines[2], "NOT_FOUND")) << lines[2];
  EXPECT_EQ(second.exit_code, 1);
  auto after = store_->Stats();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->segments, 0u);
}

}  // namespace
}  // namespace dhakira

// The example Python client (clients/python/dhakira_client.py, Debian's stock python3-grpcio runtime)
// against a live server: another language's gRPC stack speaking to ours, reflection and health included.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/service.h"
#include "dhakira/store.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

struct PyRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

class PythonClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
    if (std::system("/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null") != 0) {
      GTEST_SKIP() << "python3-grpcio / python3-grpc-tools are not installed (scripts/setup installs them)";
    }
    char tmpl[] = "/tmp/dhk-py-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = Store::Open(dir_ + "/tm");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ServerOptions options;
    options.socket_path = dir_ + "/s.sock";
    auto server = Server::Start(store_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  PyRun Python(const std::string& args) {
    const std::string cmd = "/usr/bin/python3 " DHAKIRA_SOURCE_DIR "/clients/python/dhakira_client.py --server " +
                            Quote(server_->addresses()[0]) + " " + args + " 2>&1";
    PyRun run;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) return run;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.output.append(buf, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Server> server_;
};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
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
        << "upsert --src-lang ar --tgt-lang en --source " << Quote("أعلنت الحكومة خطة جديدة")
        << " --target " << Quote("The government announced a new plan") << " --origin Al-Watan\n"
        << "stats\n"
        << "upsert --src-lang '!!' --tgt-lang en --source x --target y\n";
  }
  PyRun first = Python("script " + Quote(script1));
  EXPECT_EQ(first.exit_code, 1) << first.output;  // the last upsert fails
  std::vector<std::string> lines = Lines(first.output);
  ASSERT_EQ(lines.size(), 6u) << first.output;
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
  ASSERT_TRUE(store_->ForEach([&](const SegmentPair& p) {
                  id = p.id;
                  return false;
                }).ok());
  ASSERT_GT(id, 0u);
  EXPECT_TRUE(Contains(lines[3], "\"id\": \"" + std::to_string(id) + "\"")) << lines[3];

  const std::string script2 = dir_ + "/script2";
  {
    std::ofstream out(script2);
    out << "get " << id << "\ndelete " << id << "\nget " << id << "\n";
  }
  PyRun second = Python("script " + Quote(script2));
  lines = Lines(second.output);
  ASSERT_EQ(lines.size(), 3u) << second.output;
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

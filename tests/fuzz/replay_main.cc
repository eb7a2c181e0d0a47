// GoogleTest driver that replays a fuzz target's seed corpus and regression inputs (crashers found
// and fixed) through its LLVMFuzzerTestOneInput, one test per file, so that they run in every
// build, with any compiler: in the Release suite and, sanitized, in scripts/test --sanitize. Built
// once per *_fuzzer.cc as fuzz_replay_<target> (tests/fuzz/replay.cmake); DHAKIRA_FUZZ_TARGET names
// the target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Optional in a target (weak: null when the target has none).
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

std::vector<std::string> InputFiles() {
  std::vector<std::string> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(DHAKIRA_FUZZ_DIR) / kind / DHAKIRA_FUZZ_TARGET;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ReplayTest : public testing::TestWithParam<std::string> {};

TEST_P(ReplayTest, RunsCleanly) {
  std::ifstream in(GetParam(), std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << GetParam();
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The target aborts on a broken invariant; the sanitizers abort on memory errors and undefined
  // behaviour.
  EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
}

TEST(ReplayCorpusTest, HasInputs) { EXPECT_FALSE(InputFiles().empty()) << "no seeds for " DHAKIRA_FUZZ_TARGET; }

// The test name: the file's kind and name, with characters gtest does not accept replaced.
std::string TestName(const testing::TestParamInfo<std::string>& info) {
  const fs::path p(info.param);
  std::string name = p.parent_path().parent_path().filename().string() + "_" + p.filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Inputs, ReplayTest, testing::ValuesIn(InputFiles()), TestName);

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  return RUN_ALL_TESTS();
}

// `dhakira import` under injected write faults: the fault shim (fault_shim.cc, LD_PRELOAD) fails
// the N-th disk write of the process, for every N the import makes. Each run must end with a clear
// error and exit code 1 (never a signal), and the TM must then open and hold whole batches only, a
// prefix of the input, with everything committed before intact.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"
#include "testing/files.h"

namespace dhakira {
namespace {

using test_support::ProcessResult;
using test_support::PyOnJson;
using test_support::ReadFile;
using test_support::RunCli;
using test_support::RunOptions;
using test_support::TempDir;

constexpr int kBatch = 5;

std::string Source(int i) { return "جملة الاختبار رقم " + std::to_string(i) + " عن الطقس"; }

// A TSV of n pairs numbered from `first`.
std::string Tsv(int first, int n) {
  std::string s = "source\ttarget\torigin\tdoc\n";
  for (int i = first; i < first + n; ++i) {
    s += Source(i) + "\tTest sentence number " + std::to_string(i) + " about the weather\tfault\tdoc\n";
  }
  return s;
}

// The environment that loads the shim; `at` 0 fails nothing and only counts.
std::vector<std::string> ShimEnv(long at, const std::string& error, bool sticky, const std::string& count_file) {
  std::string asan = "verify_asan_link_order=0";
  if (const char* old = std::getenv("ASAN_OPTIONS"); old != nullptr && *old != '\0') {
    asan = std::string(old) + ":" + asan;
  }
  return {"LD_PRELOAD=" DHAKIRA_FAULT_SHIM,
          "ASAN_OPTIONS=" + asan,
          "DHAKIRA_FAULT_AT=" + std::to_string(at),
          "DHAKIRA_FAULT_ERRNO=" + error,
          std::string("DHAKIRA_FAULT_STICKY=") + (sticky ? "1" : "0"),
          "DHAKIRA_FAULT_COUNT_FILE=" + count_file};
}

ProcessResult Import(const std::string& db, const std::string& file, const std::vector<std::string>& env = {}) {
  RunOptions options;
  options.env = env;
  return RunCli({"--db", db, "import", file, "--src-lang", "ar", "--tgt-lang", "en", "--batch", std::to_string(kBatch),
                 "--quiet"},
                options);
}

// Units in the TM, or -1 when it does not open (*err then says why).
long Segments(const std::string& db, std::string* err = nullptr) {
  ProcessResult r = RunCli({"--db", db, "stats", "--json"});
  if (err != nullptr) *err = r.err;
  if (r.exit_code != 0) return -1;
  return std::stol(PyOnJson(r.out, "doc['segments']"));
}

std::string SourceOfUnit(const std::string& db, long id) {
  ProcessResult r = RunCli({"--db", db, "get", std::to_string(id), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? PyOnJson(r.out, "doc['source']") : "";
}

struct FaultCase {
  const char* error;  // DHAKIRA_FAULT_ERRNO
  bool sticky;        // the disk stays full / failing from the N-th write on
  bool fresh;         // the import creates the TM (else it adds to one holding kBase pairs)
};

class ImportFaultTest : public ::testing::TestWithParam<FaultCase> {};

constexpr int kBase = 7;    // pairs in the TM before the faulted import
constexpr int kPairs = 20;  // pairs of the faulted import: 4 batches

TEST_P(ImportFaultTest, EveryWriteFailingInTurnLeavesWholeBatches) {
  const FaultCase& fc = GetParam();
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string base_file = dir.Write("base.tsv", Tsv(1000, kBase));
  const std::string file = dir.Write("new.tsv", Tsv(1, kPairs));
  const std::string counts = dir.Path("counts");

  // A run without faults tells how many writes the import makes.
  const std::string probe_db = dir.Path("probe.db");
  if (!fc.fresh) {
    ASSERT_EQ(Import(probe_db, base_file).exit_code, 0);
  }
  ProcessResult clean = Import(probe_db, file, ShimEnv(0, fc.error, fc.sticky, counts));
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const long writes = std::stol(ReadFile(counts));
  ASSERT_GE(writes, kPairs / kBatch) << "the shim saw too few writes: is it loaded?";

  const long base = fc.fresh ? 0 : kBase;
  for (long at = 1; at <= writes; ++at) {
    SCOPED_TRACE("write " + std::to_string(at) + " of " + std::to_string(writes) + " fails");
    const std::string db = dir.Path("tm" + std::to_string(at));
    if (!fc.fresh) {
      ASSERT_EQ(Import(db, base_file).exit_code, 0);
    }
    ProcessResult r = Import(db, file, ShimEnv(at, fc.error, fc.sticky, counts));
    long calls = 0, failed = 0;
    std::istringstream(ReadFile(counts)) >> calls >> failed;
    ASSERT_GT(failed, 0) << "the shim failed no call";
    if (r.exit_code == 0) {
      // A failed flush of a commit that was complete may go unnoticed only when nothing depends on
      // it: the TM must then hold everything.
      EXPECT_EQ(Segments(db), base + kPairs);
    } else {
      EXPECT_EQ(r.exit_code, 1) << "killed by a signal or odd exit: " << r.err;
      const bool named = r.err.find("No space left on device") != std::string::npos ||
                         r.err.find("Input/output error") != std::string::npos;
      EXPECT_TRUE(named) << r.err;
      EXPECT_EQ(r.err.rfind("dhakira: ", 0), 0u) << r.err;
    }
    // Whatever was committed opens, and is the base plus whole batches of the input, in order.
    std::string why;
    const long held = Segments(db, &why);
    if (held < 0) {
      // Only a new TM may be missing: a creation that failed removes what it made (an empty
      // data.mdb is not a TM); the import below must still create it.
      EXPECT_TRUE(fc.fresh) << why;
      EXPECT_NE(why.find("no TM at"), std::string::npos) << why;
    } else {
      ASSERT_GE(held, base);
      EXPECT_EQ((held - base) % kBatch, 0) << held << " units: a partial batch";
      if (held > base) {
        EXPECT_EQ(SourceOfUnit(db, held), Source(static_cast<int>(held - base)));
      }
      if (base > 0) {
        EXPECT_EQ(SourceOfUnit(db, base), Source(1000 + kBase - 1));
      }
    }
    // And the TM takes the rest of the import without faults.
    ProcessResult again = Import(db, file);
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(Segments(db), base + kPairs);
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, ImportFaultTest,
                         ::testing::Values(FaultCase{"ENOSPC", true, false}, FaultCase{"EIO", false, false},
                                           FaultCase{"ENOSPC", true, true}),
                         [](const ::testing::TestParamInfo<FaultCase>& info) {
                           return std::string(info.param.error) + (info.param.sticky ? "Sticky" : "Once") +
                                  (info.param.fresh ? "NewTm" : "ExistingTm");
                         });

}  // namespace
}  // namespace dhakira

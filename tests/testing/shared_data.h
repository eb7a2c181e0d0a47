// The shared test material outside the repository (../shared beside the source tree: corpora, tmx,
// align-eval). A clone built elsewhere has none: the tests that need it skip, with a message saying
// so, instead of failing. Include as "testing/shared_data.h".
#ifndef DHAKIRA_TESTS_TESTING_SHARED_DATA_H_
#define DHAKIRA_TESTS_TESTING_SHARED_DATA_H_

#include <gtest/gtest.h>

#include <string>

namespace dhakira::test_support {

// The shared directory: $DHAKIRA_SHARED_DIR when set and non-empty, else the one compiled in
// (PROJECT_SOURCE_DIR/../shared).
std::string SharedDir();

// SharedDir() + "/" + relative, e.g. SharedPath("tmx/weblate-tmx/memory.tmx").
std::string SharedPath(const std::string& relative);

// Empty when SharedDir() is a directory; else the reason to skip, naming the directory.
std::string SharedDirMissing();

}  // namespace dhakira::test_support

// Skips the running test when the shared directory is absent. In SetUpTestSuite it only returns
// early (googletest 1.12 still runs the suite's tests): call it in SetUp too. Only its absence
// skips: a file missing from a present ../shared still fails the test that reads it.
#define DHAKIRA_SKIP_WITHOUT_SHARED_DIR()                                                                            \
  do {                                                                                                               \
    if (const std::string dhakira_missing = ::dhakira::test_support::SharedDirMissing(); !dhakira_missing.empty()) { \
      GTEST_SKIP() << dhakira_missing;                                                                               \
    }                                                                                                                \
  } while (false)

#endif  // DHAKIRA_TESTS_TESTING_SHARED_DATA_H_

// Test helper: a TM whose fuzzy index an older dhakira wrote.
#ifndef DHAKIRA_TESTS_TESTING_OLD_INDEX_H_
#define DHAKIRA_TESTS_TESTING_OLD_INDEX_H_

#include <string>

namespace dhakira::test_support {

// Rewrites the fuzzy index of the closed TM at `path` as an older dhakira left it, with LMDB
// directly: index.meta "format" 1, and index.seg emptied (a lookup over that stale index would
// fail). Returns "" on success, else what failed.
std::string DowngradeFuzzyIndex(const std::string& path);

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_OLD_INDEX_H_

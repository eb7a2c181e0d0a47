// Test helper: a TM opened writable with its matcher and fuzzy index (header only: the tests link
// the engine, the test support library does not).
#ifndef DHAKIRA_TESTS_TESTING_INDEXED_TM_H_
#define DHAKIRA_TESTS_TESTING_INDEXED_TM_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "index/index_hook.h"
#include "store/store_internal.h"

namespace dhakira::test_support {

// Opens the TM at `dir` writable (creating it when missing) into *store, and a matcher on it (which
// attaches the fuzzy index) into *matcher. Fatal test failures on error.
inline void OpenStoreAndMatcher(const std::filesystem::path& dir, std::unique_ptr<Store>* store,
                                std::unique_ptr<Matcher>* matcher) {
  matcher->reset();
  store->reset();
  auto s = Store::Open(dir.string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  *store = std::move(*s);
  auto m = Matcher::Create(store->get());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  *matcher = std::move(*m);
}

// A TM opened writable, with a matcher and the fuzzy index's hook (for its read methods).
struct IndexedTm {
  std::unique_ptr<Store> store;
  std::unique_ptr<Matcher> matcher;
  LmdbStore* lmdb = nullptr;
  std::shared_ptr<const index::FuzzyIndexHook> hook;

  // (Re)opens the TM at `dir`, creating it when missing.
  void Open(const std::filesystem::path& dir) {
    Close();
    ASSERT_NO_FATAL_FAILURE(OpenStoreAndMatcher(dir, &store, &matcher));
    lmdb = AsLmdbStore(store.get());
    ASSERT_NE(lmdb, nullptr);
    hook = index::FindFuzzyIndex(lmdb->env());
    ASSERT_NE(hook, nullptr);
  }
  void Close() {
    hook.reset();
    matcher.reset();
    store.reset();
    lmdb = nullptr;
  }
  const index::FuzzyIndex& index() const { return hook->index(); }
};

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_INDEXED_TM_H_

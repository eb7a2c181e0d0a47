// Test helper: a TM opened writable with its matcher and fuzzy index (header only: the tests link
// the engine, the test support library does not).
#ifndef DHAKIRA_TESTS_TESTING_INDEXED_TM_H_
#define DHAKIRA_TESTS_TESTING_INDEXED_TM_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "index/fuzzy_index.h"
#include "store/store_internal.h"
#include "tm/translation_memory_impl.h"

namespace dhakira::test_support {

// Opens the TM at `dir` writable (creating it when missing) into *store, and a matcher on it into
// *matcher. Fatal test failures on error.
inline void OpenStoreAndMatcher(const std::filesystem::path& dir, std::unique_ptr<TranslationMemory>* store,
                                std::unique_ptr<Matcher>* matcher) {
  matcher->reset();
  store->reset();
  auto s = TranslationMemory::Open(dir.string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  *store = std::move(*s);
  auto m = (*store)->NewMatcher();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  *matcher = std::move(*m);
}

// A TM opened writable, with a matcher, and its parts (the LMDB store and the fuzzy index) for the
// white-box tests of the index and the lookup.
struct IndexedTm {
  std::unique_ptr<root::TranslationMemoryImpl> store;
  std::unique_ptr<Matcher> matcher;
  LmdbStore* lmdb = nullptr;

  // (Re)opens the TM at `dir`, creating it when missing.
  void Open(const std::filesystem::path& dir) {
    Close();
    auto opened = root::OpenTranslationMemory(dir.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store = std::move(*opened);
    auto m = store->NewMatcher();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    matcher = std::move(*m);
    lmdb = &store->lmdb_store();
  }
  void Close() {
    matcher.reset();
    store.reset();
    lmdb = nullptr;
  }
  const index::FuzzyIndex& index() const { return store->fuzzy_index(); }
};

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_INDEXED_TM_H_

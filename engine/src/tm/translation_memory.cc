// The composition root: the one place that knows a TM is a store plus an index and a learned lexicon, and
// wires them.
// The store (engine/src/store) knows only the StoreHook interface; the index (engine/src/index) is
// such a hook; the matcher (engine/src/match) is handed both. See docs/architecture.md.
#include <utility>

#include "match/new_matcher.h"
#include "tm/translation_memory_impl.h"

namespace dhakira {
namespace root {

TranslationMemoryImpl::TranslationMemoryImpl(std::unique_ptr<LmdbStore> store,
                                             std::shared_ptr<index::FuzzyIndexHook> index,
                                             std::shared_ptr<align::LexiconHook> lexicon)
    : store_(std::move(store)), index_(std::move(index)), lexicon_(std::move(lexicon)) {}

StatusOr<LearnedLexiconResult> TranslationMemoryImpl::LearnedLexicon(const std::vector<std::string>& source_texts,
                                                                     const std::vector<std::string>& target_texts,
                                                                     const LearnOptions& options,
                                                                     bool all_candidates) const {
  LearnedLexiconResult out;
  DHAKIRA_RETURN_IF_ERROR(store_->Read([&](MDB_txn* txn) {
    out = LearnedLexiconResult();
    return lexicon_->Learned(txn, source_texts, target_texts, options, all_candidates, &out);
  }));
  return out;
}

StatusOr<std::unique_ptr<Matcher>> TranslationMemoryImpl::NewMatcher() const {
  return match::NewMatcher(store_.get(), index_);
}

StatusOr<std::unique_ptr<TranslationMemoryImpl>> OpenTranslationMemory(const std::string& path,
                                                                       const StoreOptions& options) {
  // The index lives in the store's LMDB environment and is written in the same transactions as the
  // units (the store calls it as a hook), so the two can never disagree after a commit or a crash.
  // The learned lexicon is a hook too, counting the word statistics of each pair in the same transaction.
  auto index = std::make_shared<index::FuzzyIndexHook>();
  auto lexicon = std::make_shared<align::LexiconHook>();
  StoreInternalOptions internal;
  internal.hooks.push_back(index);
  internal.hooks.push_back(lexicon);
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<LmdbStore> store, LmdbStore::Open(path, options, internal));
  return std::make_unique<TranslationMemoryImpl>(std::move(store), std::move(index), std::move(lexicon));
}

}  // namespace root

StatusOr<std::unique_ptr<TranslationMemory>> TranslationMemory::Open(const std::string& path,
                                                                     const StoreOptions& options) {
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<root::TranslationMemoryImpl> opened,
                           root::OpenTranslationMemory(path, options));
  return std::unique_ptr<TranslationMemory>(std::move(opened));
}

}  // namespace dhakira

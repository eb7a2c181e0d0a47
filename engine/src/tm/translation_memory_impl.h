// The composition root's implementation of TranslationMemory: an LmdbStore with the fuzzy index and
// the learned lexicon attached as its StoreHooks, owned together. Private; white-box tests and benchmarks open a TM
// through OpenTranslationMemory to reach the parts without a cast.
#ifndef DHAKIRA_TM_TRANSLATION_MEMORY_IMPL_H_
#define DHAKIRA_TM_TRANSLATION_MEMORY_IMPL_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "align/lexicon_store.h"
#include "dhakira/translation_memory.h"
#include "index/index_hook.h"
#include "store/store_internal.h"

namespace dhakira::root {

class TranslationMemoryImpl final : public TranslationMemory {
 public:
  // `index` and `lexicon` must be hooks `store` was opened with.
  TranslationMemoryImpl(std::unique_ptr<LmdbStore> store, std::shared_ptr<index::FuzzyIndexHook> index,
                        std::shared_ptr<align::LexiconHook> lexicon);

  // ---- Store: forwarded to the LmdbStore, which calls the index inside each write ----
  const std::string& path() const override { return store_->path(); }
  StatusOr<WriteResult> Add(SegmentPair pair, DuplicatePolicy on_duplicate) override {
    return store_->Add(std::move(pair), on_duplicate);
  }
  Status Update(SegmentPair pair) override { return store_->Update(std::move(pair)); }
  Status Delete(uint64_t id) override { return store_->Delete(id); }
  StatusOr<std::vector<WriteResult>> Write(const WriteBatch& batch, DuplicatePolicy on_duplicate) override {
    return store_->Write(batch, on_duplicate);
  }
  StatusOr<PreparedBatch> Prepare(const WriteBatch& batch, DuplicatePolicy on_duplicate) override {
    return store_->Prepare(batch, on_duplicate);
  }
  StatusOr<std::vector<WriteResult>> Commit(PreparedBatch batch) override { return store_->Commit(std::move(batch)); }
  StatusOr<SegmentPair> Get(uint64_t id) const override { return store_->Get(id); }
  Status ForEach(const std::function<bool(const SegmentPair&)>& fn) const override { return store_->ForEach(fn); }
  StatusOr<StoreStats> Stats() const override { return store_->Stats(); }
  StatusOr<std::unique_ptr<Snapshot>> NewSnapshot() const override { return store_->NewSnapshot(); }

  StatusOr<std::unique_ptr<Matcher>> NewMatcher() const override;
  StatusOr<LearnedLexiconResult> LearnedLexicon(const std::vector<std::string>& source_texts,
                                                const std::vector<std::string>& target_texts,
                                                const LearnOptions& options, bool all_candidates) const override;

  // ---- the parts, for white-box tests and benchmarks ----
  LmdbStore& lmdb_store() const { return *store_; }
  const index::FuzzyIndex& fuzzy_index() const { return index_->index(); }

 private:
  std::unique_ptr<LmdbStore> store_;
  std::shared_ptr<index::FuzzyIndexHook> index_;  // also held by store_ as its hook
  std::shared_ptr<align::LexiconHook> lexicon_;   // likewise
};

// What TranslationMemory::Open does, returning the implementation type.
StatusOr<std::unique_ptr<TranslationMemoryImpl>> OpenTranslationMemory(const std::string& path,
                                                                       const StoreOptions& options = {});

}  // namespace dhakira::root

#endif  // DHAKIRA_TM_TRANSLATION_MEMORY_IMPL_H_

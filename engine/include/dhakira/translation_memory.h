// TranslationMemory: the composition root of the engine. It opens a TM (the LMDB store of units,
// docs/storage.md) together with its fuzzy index (docs/match.md) and its learned lexicon (docs/align.md),
// owns them, and is the only public
// way to open a TM: every write made through it reaches the units and the index in one transaction,
// and every Matcher it makes reads that index. See docs/architecture.md.
//
// A TranslationMemory is a Store (dhakira/store.h): pass it wherever a Store is taken (Import, Export,
// LearnLexicon's snapshot, ...); the Store methods keep their documented contracts.
//
// Thread safety: as Store (safe for concurrent use). NewMatcher may be called from any thread; each
// Matcher is for one thread at a time.
//
// Usage:
//   DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<TranslationMemory> tm, TranslationMemory::Open(path));
//   DHAKIRA_RETURN_IF_ERROR(tm->Add(pair, DuplicatePolicy::kSkip).status());
//   DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Matcher> matcher, tm->NewMatcher());
//   DHAKIRA_ASSIGN_OR_RETURN(MatchResult result, matcher->Match(query, options));
#ifndef DHAKIRA_TRANSLATION_MEMORY_H_
#define DHAKIRA_TRANSLATION_MEMORY_H_

#include <memory>
#include <string>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/match.h"
#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira {

class TranslationMemory : public Store {
 public:
  // Opens (or creates, per options) the TM at `path`, a directory, with its fuzzy index. Opened
  // writable, a TM whose index is absent or of an older format is indexed in the open transaction
  // (a one-time cost of one pass over the units). Errors as Store: Corruption when the files are
  // not a dhakira TM, FailedPrecondition for another format version, NotFound when absent and not
  // to be created, InvalidArgument for bad options.
  static StatusOr<std::unique_ptr<TranslationMemory>> Open(const std::string& path, const StoreOptions& options = {});
  ~TranslationMemory() override = default;

  // This TM as a Store (for callers written against the suggested has-a form; same object).
  Store& store() { return *this; }
  const Store& store() const { return *this; }

  // A new Matcher over this TM and its index. One per thread; it must not outlive this
  // TranslationMemory. FailedPrecondition when the TM has no index of this version (a TM of an
  // older index format opened read-only: open it once writable to build the index).
  virtual StatusOr<std::unique_ptr<Matcher>> NewMatcher() const = 0;

  // The lexicon this TM has learned from its pairs (kept up to date with every write; docs/align.md,
  // "Learned lexicon"), for the words of `source_texts` (language options.src_lang) toward
  // options.tgt_lang: reads only the statistics of their stems (cost independent of the TM's size).
  // Translations found in `target_texts` are marked in_target. all_candidates: every partner the TM
  // holds for these words, kept or not (what `dhakira lexicon` shows). InvalidArgument for bad options;
  // FailedPrecondition when the TM was opened read-only before it had a lexicon of this version.
  virtual StatusOr<LearnedLexiconResult> LearnedLexicon(const std::vector<std::string>& source_texts,
                                                        const std::vector<std::string>& target_texts,
                                                        const LearnOptions& options,
                                                        bool all_candidates = false) const = 0;

 protected:
  TranslationMemory() = default;
};

}  // namespace dhakira

#endif  // DHAKIRA_TRANSLATION_MEMORY_H_

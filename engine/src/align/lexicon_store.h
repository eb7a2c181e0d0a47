// The learned lexicon kept in the TM's LMDB environment (docs/storage.md, "Learned lexicon"; docs/align.md).
//
// Sufficient statistics that update with every stored pair, per language pair (base languages, e.g. ar/en):
// the number of usable pairs N, and per alignment stem s (align::AlignStem) of either language a record with
// c(s), the pairs holding s, and its most frequent partners t in the other language with c(s,t), the pairs
// holding both. A pair counts each distinct stem once; pairs with more than kMaxTokens words on a side teach
// nothing. Partners are bounded per record by the Space-Saving scheme (Metwally, Agrawal & El Abbadi 2005,
// "Efficient computation of frequent and top-k elements in data streams"): kMaxPartners counters, each with an
// error bound; a transaction's counts are merged into a record as Space-Saving summaries merge (Agarwal et al.
// 2012, "Mergeable summaries"): a partner not held enters with the record's smallest count as its error, and
// the kMaxPartners largest counts stay. The file thus grows with the vocabulary, not with the square of
// sentence length. Stems in more than kFrequentFraction of the pairs (function words) keep their c(s) but no
// partners: they would cost most of the counting and teach nothing an association measure keeps.
//
// Exactness: N and every c(s) are exact under add, replace and delete. A partner count is exact while its
// error bound is 0 (held since its first co-occurrence); a delete decrements the partners it finds, and a
// partner whose count falls to its error bound is dropped, so a word pair learned only from deleted pairs
// disappears.
//
// Learned pairs are scored with the Dice coefficient 2 c(s,t) / (c(s) + c(t)) (Dice 1945; as a translation
// association measure: Smadja, McKeown & Hatzivassiloglou 1996), using the guaranteed count c(s,t) - error.
#ifndef DHAKIRA_ALIGN_LEXICON_STORE_H_
#define DHAKIRA_ALIGN_LEXICON_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dhakira/align.h"
#include "store/store_internal.h"

namespace dhakira::align {

inline constexpr uint32_t kLexiconFormat = 1;        // bump when the encoding or the model changes
inline constexpr size_t kMaxPartners = 48;           // Space-Saving counters per stem record
inline constexpr uint32_t kMaxTokens = 80;           // LearnOptions::max_tokens' default
inline constexpr double kFrequentFraction = 0.005;   // a stem in more of the pairs keeps no partners...
inline constexpr uint64_t kFrequentMinPairs = 1000;  // ... once it is in at least this many
inline constexpr size_t kMaxStemBytes = 200;         // longer stems are skipped (LMDB keys are <= 511 bytes)

// One partner of a stem record.
struct Partner {
  std::string stem;
  uint64_t count = 0;  // c(s,t) as counted (an over-estimate by at most `error`)
  uint64_t error = 0;  // Space-Saving error bound: count - error <= the true c(s,t) <= count
};

// The record of one stem (value of index.lexicon).
struct StemRecord {
  uint64_t pairs = 0;             // c(s): usable pairs holding the stem
  std::vector<Partner> partners;  // at most kMaxPartners, count descending
};

// "ar\0en\0<stem>": the key of the record of `stem` (language `from`) with partners in `to`.
std::string LexiconKey(std::string_view from, std::string_view to, std::string_view stem);
void EncodeStemRecord(const StemRecord& record, std::string* out);
// Corruption naming the stem when the value is damaged.
Status DecodeStemRecord(std::string_view value, std::string_view stem, StemRecord* out);

// Distinct alignment stems of a text of language `lang` (base language), in first-seen order; false
// when it has more than max_words words or does not normalise.
bool DistinctStems(Normalizer& normalizer, std::string_view text, std::string_view lang, uint32_t max_words,
                   std::vector<std::string>* out);

// A fingerprint of align::AlignStem over a fixed probe list: changes when the aligner's stems change, so
// that a lexicon counted with other stems is rebuilt.
uint64_t StemFingerprint();

// The record of `stem` on `side` (0: the query's source language), or nullptr when there is none.
using RecordLookup = std::function<StatusOr<const StemRecord*>(int side, const std::string& stem)>;

// The scoring and selection shared by the stored lexicon and LearnLexicon: for every stem of
// `source_stems`, its partners scored with Dice (guaranteed counts), marked mutual when each is the other's
// best partner, kept per `options`; appended to out->translations (kept ones only unless all_candidates)
// and kept ones added to out->lexicon (languages: options' order). Sorted strongest first.
Status SelectLearned(const std::vector<std::string>& source_stems, const std::vector<std::string>& target_stems,
                     const RecordLookup& lookup, const LearnOptions& options, bool all_candidates,
                     LearnedLexiconResult* out);

// The learned lexicon as a StoreHook: counts in the store's write transaction (see above).
class LexiconHook : public StoreHook {
 public:
  LexiconHook();
  ~LexiconHook() override;

  // Opens (creates) index.lexicon and index.lexicon.meta; (re)builds them from the stored units when they
  // are absent or of another format or stem fingerprint (writable only; read-only: usable() false).
  Status Open(const HookOpenContext& ctx) override;
  Status OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit) override;
  StatusOr<std::unique_ptr<HookPrepared>> PrepareUnit(const SegmentPair& unit) override;
  Status OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit,
                       const HookPrepared* prepared) override;
  Status OnDelete(WriteContext& ctx, const SegmentPair& old_unit) override;
  Status BeforeCommit(WriteContext& ctx) override;
  void OnCommit() override;
  void OnAbort() override;

  // False when the TM was opened read-only with no lexicon of this format.
  bool usable() const { return usable_; }

  // TranslationMemory::LearnedLexicon, read in `txn`: only the records of the stems of `source_texts`,
  // of their partners and of their partners' partners (for the mutual-best test). FailedPrecondition when
  // not usable().
  Status Learned(MDB_txn* txn, const std::vector<std::string>& source_texts,
                 const std::vector<std::string>& target_texts, const LearnOptions& options, bool all_candidates,
                 LearnedLexiconResult* out) const;

  struct Buffer;

 private:
  Status Flush(MDB_txn* txn, const std::function<Status(int, std::string_view)>& check);

  MDB_dbi records_ = 0, meta_ = 0;
  bool usable_ = false;
  std::unique_ptr<Buffer> buffer_;  // the open transaction's counts
};

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_LEXICON_STORE_H_

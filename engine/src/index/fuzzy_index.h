// The persistent fuzzy-match and concordance index, kept in the TM's LMDB environment and written
// inside the store's write transactions (see store_internal.h StoreHook), so a unit is matchable
// the moment its write commits. No rebuild step, nothing loaded into memory at open. Layout
// (docs/match.md):
//
//   index.meta   "format" -> u32 index format version; "next_token" -> u32 next token id;
//                "mask:<lang>" -> up to 16 u64 features, the mask features of source language
//                <lang>; "units:<lang>" -> u64 units of <lang> written while it has none
//   index.vocab  "<lang>\0<key>" -> u32 token id. <lang> is the primary language subtag; <key> the
//   match key
//                (source side: every number is the one symbol kNumberSymbol; target side: the key
//                itself). Keys longer than kMaxVocabKeyBytes are replaced by a 64-bit hash of them.
//   index.src    u64 feature -> sorted duplicate u64 postings (MDB_DUPSORT|DUPFIXED|INTEGERDUP,
//   INTEGERKEY).
//                feature = token id << 32 | occurrence: the occurrence-th copy (1-based) of the
//                token in a source. Indexing copies turns multiset overlap into set overlap (count
//                filtering, Gravano et al. 2001). posting = length << 48 | unit id << 16 | mask,
//                length = the source's distance tokens (capped at kMaxIndexedLength): postings sort
//                by length, so a lookup reads one contiguous run per feature holding exactly the
//                lengths the threshold allows (one B-tree positioning, then whole pages via
//                MDB_GET_MULTIPLE). mask: bit b clear = the unit lacks mask feature b of its source
//                language (the 16 features with the largest lists, chosen once kMaskAfterUnits
//                units of the language were written; all bits set before), so a lookup knows those
//                features of every unit it meets without reading their lists.
//   index.tgt    the same for target key tokens (occurrence 1 only: concordance needs presence);
//   mask 0. Unit ids must be < 2^32 (the store assigns 1, 2, ...). index.seg    u64 unit id ->
//   record: languages, changed_at, origin hash, mask, source token ids,
//                target ids.
//
// Thread safety: the object holds DBI handles and a vocabulary cache. Write methods are called by
// the store with its writer mutex held (one writer); read methods are safe from any thread with
// their own read txn.
#ifndef DHAKIRA_INDEX_FUZZY_INDEX_H_
#define DHAKIRA_INDEX_FUZZY_INDEX_H_

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "dhakira/text.h"
#include "store/store_internal.h"  // LmdbError
#include "text/normalizer_pool.h"

namespace dhakira::index {

// 2: postings carry a mask of frequent features (format 1 TMs are re-indexed when opened writable).
inline constexpr uint32_t kIndexFormatVersion = 2;
inline constexpr uint32_t kMaxIndexedLength = 0xFFFF;  // lengths >= this share the last bucket
inline constexpr uint32_t kMaxOccurrence = 0xFFFF;
inline constexpr size_t kMaxVocabKeyBytes = 400;  // LMDB keys are at most 511 bytes
// Token ids are < kFirstUnknownToken; a lookup gives query tokens absent from the vocabulary
// distinct ids from kFirstUnknownToken up, which no stored unit has.
inline constexpr uint32_t kFirstUnknownToken = 0x80000000u;
inline constexpr uint32_t kUnknownToken = 0xFFFFFFFFu;  // LookupToken's "absent"

// Primary language subtag, lower-case ("ar-SY" -> "ar"): languages "agree" when these are equal.
std::string PrimaryLanguage(std::string_view tag);

uint64_t OriginHash(std::string_view origin);  // FNV-1a 64; 0 for ""

inline constexpr uint64_t kIdMask = (uint64_t{1} << 32) - 1;  // unit ids are < 2^32 in postings

// Mask features: at most kMaskBits per source language; a posting's mask has bit b clear when the
// unit lacks feature b. kMaskUnknown (every bit set) claims nothing: the units written before the
// language's mask features were chosen.
inline constexpr int kMaskBits = 16;
inline constexpr uint16_t kMaskUnknown = 0xFFFF;
// A language's mask features are chosen at the first flush after this many of its units were
// written (enough for the frequent features to stand out; counted in index.meta).
inline constexpr uint64_t kMaskAfterUnits = 10000;

inline uint64_t MakeFeature(uint32_t token, uint32_t occurrence) {
  if (occurrence > kMaxOccurrence) occurrence = kMaxOccurrence;
  return (uint64_t{token} << 32) | occurrence;
}
inline uint64_t MakePosting(uint32_t length, uint64_t id, uint16_t mask) {
  if (length > kMaxIndexedLength) length = kMaxIndexedLength;
  return (uint64_t{length} << 48) | ((id & kIdMask) << 16) | mask;
}
inline uint32_t PostingLength(uint64_t p) { return static_cast<uint32_t>(p >> 48); }
inline uint64_t PostingId(uint64_t p) { return (p >> 16) & kIdMask; }
inline uint16_t PostingMask(uint64_t p) { return static_cast<uint16_t>(p); }

// The decoded index.seg record of one unit.
struct SegRecord {
  std::string src_lang;  // primary subtags
  std::string tgt_lang;
  int64_t changed_at = 0;
  uint64_t origin_hash = 0;
  uint16_t mask = kMaskUnknown;  // the mask of the unit's source postings
  std::vector<uint32_t> src;     // distance token ids of the source
  std::vector<uint32_t> tgt;     // key token ids of the target
};
void EncodeSegRecord(const SegRecord& r, std::string* out);
// source_only: stop after the source tokens (out->tgt left empty).
Status DecodeSegRecord(std::string_view value, uint64_t id, SegRecord* out, bool source_only = false);

// The writer's cache of the vocabulary: an open-addressing hash table over one key arena (a
// node-based map cost a cache miss or three per token of every unit written). Not thread-safe.
class VocabCache {
 public:
  // The hash the table uses for `key`; thread-safe, so callers may compute it ahead (PrepareUnit).
  static uint64_t Hash(std::string_view key);
  // The id of `key` (whose Hash is `hash`), or kUnknownToken.
  uint32_t Find(std::string_view key, uint64_t hash) const;
  // Starts loading the slot `hash` probes first into the CPU cache.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // Adds `key` (absent, whose Hash is `hash`) with `id`.
  void Insert(std::string_view key, uint64_t hash, uint32_t id);
  void Clear();
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;  // in arena_
    uint32_t length = 0;
    uint32_t id = kUnknownToken;  // kUnknownToken: empty slot
  };
  void Grow();

  std::vector<Slot> slots_;  // size a power of two, at most half full
  std::string arena_;
  size_t size_ = 0;
};

class FuzzyIndex {
 public:
  FuzzyIndex() = default;
  FuzzyIndex(const FuzzyIndex&) = delete;
  FuzzyIndex& operator=(const FuzzyIndex&) = delete;

  // Opens the index databases in `txn` (creating them unless read_only). With read_only and no
  // index, present() is false afterwards. `fresh` is set when the databases were just created (a
  // caller with existing units must then Backfill).
  Status Open(MDB_txn* txn, bool read_only, bool* fresh = nullptr);
  bool present() const { return present_; }

  // ---- writes (inside the store's write transaction) ----
  // What Put needs of a unit that does not depend on the index's state: the target's tokens
  // (target-language normalizer) and the vocabulary hash of every token Put looks up.
  struct PreparedUnit {
    // The target's key tokens (placeholders skipped), concatenated; token i ends at
    // target_key_ends[i]. Compact on purpose: an import holds two batches of these (a Token costs
    // 56 bytes and more).
    std::string target_keys;
    std::vector<uint32_t> target_key_ends;
    // VocabCache::Hash of each source distance key, placeholders skipped.
    std::vector<uint64_t> source_hashes;
    std::vector<uint64_t> target_hashes;  // the same for the target keys
  };
  // Thread-safe (normalizers are pooled), so the store's preparing threads run it before the write
  // transaction, off the single writer's critical path. `unit.source_tokens` must be filled, and
  // the unit's text checked by the store (well-formed UTF-8 in NFC), as every unit it writes is.
  StatusOr<PreparedUnit> Prepare(const SegmentPair& unit);
  // Indexes `unit` (source_tokens filled). `prepared`: Prepare(unit), or nullptr to compute it
  // here. `old_unit` (same id) is removed first when given.
  Status Put(MDB_txn* txn, const SegmentPair* old_unit, const SegmentPair& unit,
             const PreparedUnit* prepared = nullptr);
  Status Delete(MDB_txn* txn, uint64_t id);
  // Writes the postings buffered by Put (sorted). Must run before the transaction commits.
  Status Flush(MDB_txn* txn);
  // The transaction ended: keep (commit) or forget (abort) vocabulary entries cached during it.
  void Commit();
  void Abort();
  // The LMDB return code of the last failed write call (MDB_SUCCESS if none), so that the store
  // hook can tell the store about MDB_MAP_FULL (it grows the map and reruns the transaction).
  int last_write_rc() const { return last_write_rc_; }
  void clear_last_write_rc() { last_write_rc_ = MDB_SUCCESS; }

  // ---- reads (any read or write transaction) ----
  // Token id of `key` in language `lang` (primary subtag), or kUnknownToken.
  StatusOr<uint32_t> LookupToken(MDB_txn* txn, std::string_view lang, std::string_view key) const;
  // NotFound when the unit is not indexed.
  Status GetSeg(MDB_txn* txn, uint64_t id, SegRecord* out, bool source_only = false) const;
  // The mask features of source language `lang` (primary subtag), bit b = element b; empty while
  // they are not chosen. Once chosen they never change.
  Status MaskFeatures(MDB_txn* txn, std::string_view lang, std::vector<uint64_t>* out) const;

  MDB_dbi src_dbi() const { return src_; }
  MDB_dbi tgt_dbi() const { return tgt_; }
  MDB_dbi seg_dbi() const { return seg_; }

 private:
  // `hash`: VocabCache::Hash of the vocabulary key (VocabKey(lang, key)).
  StatusOr<uint32_t> TokenId(MDB_txn* txn, std::string_view lang, std::string_view key, uint64_t hash);
  Status AddPostings(MDB_txn* txn, MDB_dbi dbi, uint64_t id, uint32_t length, const std::vector<uint64_t>& features,
                     uint16_t mask);
  Status RemovePostings(MDB_txn* txn, MDB_dbi dbi, uint64_t id, const std::vector<uint32_t>& tokens, bool occurrences,
                        uint16_t mask);
  // The writer's view of `lang`'s mask features (chosen in this transaction, committed, or read
  // from index.meta); nullptr while none are chosen.
  StatusOr<const std::vector<uint64_t>*> WriterMaskFeatures(MDB_txn* txn, const std::string& lang);
  // Chooses and writes the mask features of the languages that reached kMaskAfterUnits (Flush).
  Status ChooseMaskFeatures(MDB_txn* txn);
  // Steps of ChooseMaskFeatures: adds `added` to the count of `lang`'s units in index.meta and
  // returns the new count; the (posting list size, feature) of every source feature of `lang`; writes
  // `chosen` as `lang`'s mask features and drops the count.
  StatusOr<uint64_t> AddToUnitCount(MDB_txn* txn, const std::string& lang, uint64_t added);
  Status SourceListSizes(MDB_txn* txn, const std::string& lang,
                         std::vector<std::pair<uint64_t, uint64_t>>* sizes) const;
  Status WriteMaskFeatures(MDB_txn* txn, const std::string& lang, std::vector<uint64_t> chosen);
  // Steps of Open: empties the databases of an index of an older format and writes the current
  // format; opens (`create`: MDB_CREATE or 0) the databases other than index.meta.
  Status DropOlderFormat(MDB_txn* txn);
  Status OpenDatabases(MDB_txn* txn, unsigned create);

  Status WriteError(int rc, std::string_view what) {
    last_write_rc_ = rc;
    return LmdbError(rc, what);
  }

  bool present_ = false;
  int last_write_rc_ = MDB_SUCCESS;
  MDB_dbi meta_ = 0, vocab_ = 0, src_ = 0, tgt_ = 0, seg_ = 0;

  // Writer-side state (writer mutex held by the store).
  VocabCache vocab_cache_;  // "<lang>\0<key>" -> id, as of the open transaction (cleared on abort)
  // Token ids are < 2^31 (kFirstUnknownToken), so bit 63 of a feature is free to say which side it
  // is: sorting 16-byte pairs by two plain integer compares is the cheapest order for Flush.
  static constexpr uint64_t kTargetSide = uint64_t{1} << 63;
  struct PendingPosting {
    uint64_t key;  // feature, | kTargetSide for index.tgt
    uint64_t posting;
  };
  static constexpr size_t kMaxPendingPostings = size_t{1} << 22;  // ~100 MB; flushed early beyond
  std::vector<PendingPosting> pending_;
  std::vector<PendingPosting> pending_scratch_;  // SortPending's second buffer
  void SortPending();
  std::unordered_set<uint64_t> pending_ids_;  // units with postings in pending_
  std::string key_buffer_;
  // Mask features by source language: committed, and chosen in the open transaction.
  std::unordered_map<std::string, std::vector<uint64_t>> masks_, txn_masks_;
  // Units put since the last flush, by source language, while the language has no mask features.
  std::unordered_map<std::string, uint64_t> units_put_;
  uint32_t next_token_ = 0;
  bool next_token_loaded_ = false;
  // Target-language normalizers (Prepare runs on several threads).
  static NormalizerOptions TargetOptions();
  text_internal::NormalizerPool target_normalizers_{TargetOptions()};
};

// Feature list of a token sequence: (token, occurrence), occurrence 1-based (the k-th copy of a
// token has occurrence k), in ascending order; with occurrences == false, each distinct token once
// (occurrence 1).
std::vector<uint64_t> Features(const std::vector<uint32_t>& tokens, bool occurrences);

}  // namespace dhakira::index

#endif  // DHAKIRA_INDEX_FUZZY_INDEX_H_

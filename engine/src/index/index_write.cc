// FuzzyIndex writes, inside the store's write transaction: token ids, preparing a unit, postings
// buffered and flushed sorted, deletes, and the transaction's end.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "index/distance_key.h"
#include "index/fuzzy_index.h"
#include "index/index_format.h"
#include "text/normalizer_internal.h"

namespace dhakira::index {

StatusOr<uint32_t> FuzzyIndex::TokenId(MDB_txn* txn, std::string_view lang, std::string_view key, uint64_t hash) {
  // The key is built in a reused buffer: this runs for every token of every unit written.
  VocabKeyInto(lang, key, &key_buffer_);
  if (const uint32_t cached = vocab_cache_.Find(key_buffer_, hash); cached != kUnknownToken) {
    return cached;
  }
  const std::string& vk = key_buffer_;
  MDB_val k = Val(vk), v;
  int rc = mdb_get(txn, vocab_, &k, &v);
  if (rc == MDB_SUCCESS) {
    if (v.mv_size != 4) return Status::Corruption("fuzzy index vocabulary entry is damaged");
    uint32_t id;
    std::memcpy(&id, v.mv_data, 4);
    vocab_cache_.Insert(vk, hash, id);
    return id;
  }
  if (rc != MDB_NOTFOUND) return LmdbError(rc, "reading the fuzzy index vocabulary");
  if (!next_token_loaded_) {
    MDB_val nk = Val(kNextTokenKey, sizeof kNextTokenKey - 1), nv;
    rc = mdb_get(txn, meta_, &nk, &nv);
    if (rc == MDB_NOTFOUND) {
      next_token_ = 0;
    } else if (rc != MDB_SUCCESS) {
      return LmdbError(rc, "reading the fuzzy index token counter");
    } else if (nv.mv_size != 4) {
      return Status::Corruption("fuzzy index token counter is damaged");
    } else {
      std::memcpy(&next_token_, nv.mv_data, 4);
    }
    next_token_loaded_ = true;
  }
  if (next_token_ >= kFirstUnknownToken) {
    return Status::ResourceExhausted("fuzzy index vocabulary is full (2^31 tokens)");
  }
  const uint32_t id = next_token_++;
  MDB_val nv = Val(&id, sizeof id);
  rc = mdb_put(txn, vocab_, &k, &nv, MDB_NOOVERWRITE);
  if (rc != MDB_SUCCESS) return WriteError(rc, "adding to the fuzzy index vocabulary");
  MDB_val nk = Val(kNextTokenKey, sizeof kNextTokenKey - 1);
  MDB_val cv = Val(&next_token_, sizeof next_token_);
  rc = mdb_put(txn, meta_, &nk, &cv, 0);
  if (rc != MDB_SUCCESS) return WriteError(rc, "writing the fuzzy index token counter");
  vocab_cache_.Insert(vk, hash, id);  // dropped with the whole cache if the transaction aborts
  return id;
}

void FuzzyIndex::Commit() {
  pending_.clear();
  pending_ids_.clear();
  for (auto& [lang, features] : txn_masks_) masks_[lang] = std::move(features);
  txn_masks_.clear();
  units_put_.clear();
}

void FuzzyIndex::Abort() {
  pending_.clear();
  pending_ids_.clear();
  txn_masks_.clear();          // not written after all: chosen again at a later flush
  units_put_.clear();          // their counts in index.meta are rolled back too
  vocab_cache_.Clear();        // entries of the aborted transaction are gone; the rest reloads on demand
  next_token_loaded_ = false;  // reread the counter: the aborted increments are gone
}

NormalizerOptions FuzzyIndex::TargetOptions() {
  NormalizerOptions o;
  o.max_input_bytes = 64u << 20;
  return o;
}

StatusOr<FuzzyIndex::PreparedUnit> FuzzyIndex::Prepare(const SegmentPair& unit) {
  PreparedUnit out;
  std::string key;
  const std::string tgt_lang = PrimaryLanguage(unit.tgt_lang);
  {
    DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> n, target_normalizers_.Take(unit.tgt_lang));
    // The store checked the target (well-formed UTF-8, NFC) before any unit reaches the index.
    StatusOr<std::vector<Token>> target = text_internal::TokenizeCheckedNfc(*n, unit.target);
    target_normalizers_.Return(unit.tgt_lang, std::move(n));
    if (!target.ok()) return target.status();
    out.target_key_ends.reserve(target->size());
    out.target_hashes.reserve(target->size());
    for (const Token& t : *target) {
      if (t.type == TokenType::kPlaceholder) continue;
      out.target_keys.append(t.key);
      out.target_key_ends.push_back(static_cast<uint32_t>(out.target_keys.size()));
      VocabKeyInto(tgt_lang, t.key, &key);
      out.target_hashes.push_back(VocabCache::Hash(key));
    }
  }
  const std::string src_lang = PrimaryLanguage(unit.src_lang);
  out.source_hashes.reserve(unit.source_tokens.size());
  for (const Token& t : unit.source_tokens) {
    if (t.type == TokenType::kPlaceholder) continue;
    VocabKeyInto(src_lang, DistanceKey(t), &key);
    out.source_hashes.push_back(VocabCache::Hash(key));
  }
  return out;
}

Status FuzzyIndex::AddPostings(MDB_txn* txn, MDB_dbi dbi, uint64_t id, uint32_t length,
                               const std::vector<uint64_t>& features, uint16_t mask) {
  // Buffered, written sorted by Flush: inserting a transaction's postings in key order touches each
  // B-tree page once instead of once per posting, several times faster for batches than inserting
  // them as they come.
  const uint64_t posting = MakePosting(length, id, mask);
  const uint64_t side = dbi == src_ ? 0 : kTargetSide;
  for (uint64_t f : features) pending_.push_back({side | f, posting});
  pending_ids_.insert(id);
  if (pending_.size() >= kMaxPendingPostings) return Flush(txn);
  return Status::OK();
}

void FuzzyIndex::SortPending() {
  // LSD radix sort on the key, a byte at a time, skipping the bytes every key shares (occurrence
  // high bytes, the unused top of the token id): 4-6 passes over the array instead of std::sort's
  // ~20 comparisons per posting (it was 8% of an import's CPU). Stable, so the postings of one
  // feature stay in the order they were added: ascending unit id.
  const size_t n = pending_.size();
  if (n < 2) return;
  uint64_t all_or = 0, all_and = ~uint64_t{0};
  for (const PendingPosting& p : pending_) {
    all_or |= p.key;
    all_and &= p.key;
  }
  const uint64_t varying = all_or ^ all_and;  // bits that differ between some keys
  pending_scratch_.resize(n);
  PendingPosting* from = pending_.data();
  PendingPosting* to = pending_scratch_.data();
  for (int shift = 0; shift < 64; shift += 8) {
    if (((varying >> shift) & 0xFF) == 0) continue;
    size_t count[257] = {};
    for (size_t i = 0; i < n; ++i) ++count[((from[i].key >> shift) & 0xFF) + 1];
    for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
    for (size_t i = 0; i < n; ++i) to[count[(from[i].key >> shift) & 0xFF]++] = from[i];
    std::swap(from, to);
  }
  if (from != pending_.data()) pending_.swap(pending_scratch_);
}

static_assert(kFirstUnknownToken <= (uint32_t{1} << 31), "FuzzyIndex::kTargetSide needs bit 63 of a feature");

Status FuzzyIndex::Flush(MDB_txn* txn) {
  if (pending_.empty()) return Status::OK();
  SortPending();
  Status status;
  for (const uint64_t side : {uint64_t{0}, kTargetSide}) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, side == 0 ? src_ : tgt_, &cur);
    if (rc != MDB_SUCCESS) return WriteError(rc, "writing the fuzzy index postings");
    for (const PendingPosting& p : pending_) {
      if ((p.key & kTargetSide) != side) continue;
      const uint64_t feature = p.key & ~kTargetSide;
      MDB_val k = Val(&feature, sizeof feature), v = Val(&p.posting, sizeof p.posting);
      rc = mdb_cursor_put(cur, &k, &v, MDB_NODUPDATA);
      if (rc != MDB_SUCCESS && rc != MDB_KEYEXIST) {
        status = WriteError(rc, "writing the fuzzy index postings");
        break;
      }
    }
    mdb_cursor_close(cur);
    if (!status.ok()) break;
  }
  pending_.clear();
  pending_ids_.clear();
  if (!status.ok()) return status;
  return ChooseMaskFeatures(txn);
}

Status FuzzyIndex::RemovePostings(MDB_txn* txn, MDB_dbi dbi, uint64_t id, const std::vector<uint32_t>& tokens,
                                  bool occurrences, uint16_t mask) {
  const uint64_t posting = MakePosting(static_cast<uint32_t>(tokens.size()), id, mask);
  for (uint64_t f : Features(tokens, occurrences)) {
    MDB_val k = Val(&f, sizeof f), v = Val(&posting, sizeof posting);
    const int rc = mdb_del(txn, dbi, &k, &v);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return WriteError(rc, "removing unit " + std::to_string(id) + " from the fuzzy index");
    }
  }
  return Status::OK();
}

Status FuzzyIndex::Delete(MDB_txn* txn, uint64_t id) {
  if (pending_ids_.count(id) != 0) {
    // Added (or re-added) earlier in this transaction and not flushed yet: drop those postings.
    pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                  [id](const PendingPosting& p) { return PostingId(p.posting) == id; }),
                   pending_.end());
    pending_ids_.erase(id);
  }
  SegRecord old;
  Status s = GetSeg(txn, id, &old);
  if (s.IsNotFound()) return Status::OK();  // never indexed: nothing to remove
  DHAKIRA_RETURN_IF_ERROR(s);
  DHAKIRA_RETURN_IF_ERROR(RemovePostings(txn, src_, id, old.src, true, old.mask));
  DHAKIRA_RETURN_IF_ERROR(RemovePostings(txn, tgt_, id, old.tgt, false, 0));
  MDB_val k = Val(&id, sizeof id);
  const int rc = mdb_del(txn, seg_, &k, nullptr);
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return WriteError(rc, "removing unit " + std::to_string(id) + " from the fuzzy index");
  }
  return Status::OK();
}

Status FuzzyIndex::Put(MDB_txn* txn, const SegmentPair* old_unit, const SegmentPair& unit,
                       const PreparedUnit* prepared) {
  // An update first removes what the old unit indexed (read back from its record, the authority on
  // what was written). Ids are never reused, so an add has nothing to remove.
  if (unit.id == 0 || unit.id > kIdMask) {
    return Status::ResourceExhausted("unit id " + std::to_string(unit.id) +
                                     " is outside the fuzzy index range 1 .. 2^32 - 1");
  }
  if (old_unit != nullptr) DHAKIRA_RETURN_IF_ERROR(Delete(txn, unit.id));
  SegRecord r;
  r.src_lang = PrimaryLanguage(unit.src_lang);
  r.tgt_lang = PrimaryLanguage(unit.tgt_lang);
  r.changed_at = unit.changed_at;
  r.origin_hash = OriginHash(unit.origin);
  PreparedUnit computed;
  if (prepared == nullptr) {
    DHAKIRA_ASSIGN_OR_RETURN(computed, Prepare(unit));
    prepared = &computed;
  }
  // Start loading every vocabulary slot this unit probes before the first probe: the misses then
  // overlap instead of following one another (the cache is tens of MB for a large TM).
  for (uint64_t h : prepared->source_hashes) vocab_cache_.Prefetch(h);
  for (uint64_t h : prepared->target_hashes) vocab_cache_.Prefetch(h);
  r.src.reserve(prepared->source_hashes.size());
  size_t i = 0;
  for (const Token& t : unit.source_tokens) {
    if (t.type == TokenType::kPlaceholder) continue;
    if (i >= prepared->source_hashes.size()) {
      return Status::Internal("fuzzy index: prepared source hashes do not match the unit's tokens");
    }
    DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, TokenId(txn, r.src_lang, DistanceKey(t), prepared->source_hashes[i++]));
    r.src.push_back(id);
  }
  r.tgt.reserve(prepared->target_hashes.size());
  const std::string_view target_keys = prepared->target_keys;
  uint32_t begin = 0;
  for (size_t j = 0; j < prepared->target_key_ends.size(); ++j) {
    const uint32_t end = prepared->target_key_ends[j];
    const std::string_view key = target_keys.substr(begin, end - begin);
    DHAKIRA_ASSIGN_OR_RETURN(uint32_t id, TokenId(txn, r.tgt_lang, key, prepared->target_hashes[j]));
    r.tgt.push_back(id);
    begin = end;
  }
  const std::vector<uint64_t> features = Features(r.src, true);
  DHAKIRA_ASSIGN_OR_RETURN(const std::vector<uint64_t>* mask_features, WriterMaskFeatures(txn, r.src_lang));
  if (mask_features == nullptr) ++units_put_[r.src_lang];  // counted towards choosing them
  if (mask_features != nullptr) {
    r.mask = 0;
    for (size_t b = 0; b < mask_features->size(); ++b) {
      if (std::binary_search(features.begin(), features.end(), (*mask_features)[b])) {
        r.mask |= static_cast<uint16_t>(1u << b);
      }
    }
  }
  const auto src_length = static_cast<uint32_t>(r.src.size());
  DHAKIRA_RETURN_IF_ERROR(AddPostings(txn, src_, unit.id, src_length, features, r.mask));
  DHAKIRA_RETURN_IF_ERROR(
      AddPostings(txn, tgt_, unit.id, static_cast<uint32_t>(r.tgt.size()), Features(r.tgt, false), 0));
  std::string value;
  EncodeSegRecord(r, &value);
  MDB_val k = Val(&unit.id, sizeof unit.id), v = Val(value);
  // New units have the highest id so far: appending skips the B-tree search (MDB_KEYEXIST if not).
  int rc = old_unit == nullptr ? mdb_put(txn, seg_, &k, &v, MDB_APPEND) : MDB_KEYEXIST;
  if (rc == MDB_KEYEXIST) rc = mdb_put(txn, seg_, &k, &v, 0);
  if (rc != MDB_SUCCESS) {
    return WriteError(rc, "writing the fuzzy index record of unit " + std::to_string(unit.id));
  }
  return Status::OK();
}

}  // namespace dhakira::index

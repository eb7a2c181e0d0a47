#include "index/fuzzy_index.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include "match/score.h"
#include "text/normalizer_internal.h"
#include "util/hash.h"

namespace dhakira::index {
namespace {

constexpr uint8_t kSegRecordVersion = 2;
constexpr char kFormatKey[] = "format";
constexpr char kNextTokenKey[] = "next_token";
constexpr char kMaskKeyPrefix[] = "mask:";    // + primary language subtag
constexpr char kUnitsKeyPrefix[] = "units:";  // + primary language subtag

std::string MaskKey(std::string_view lang) {
  std::string k(kMaskKeyPrefix);
  k.append(lang);
  return k;
}

std::string UnitsKey(std::string_view lang) {
  std::string k(kUnitsKeyPrefix);
  k.append(lang);
  return k;
}

MDB_val Val(const void* p, size_t n) { return MDB_val{n, const_cast<void*>(p)}; }
MDB_val Val(std::string_view s) { return Val(s.data(), s.size()); }

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(const char*& p, const char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && p < end; shift += 7) {
    const uint8_t b = static_cast<uint8_t>(*p++);
    r |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

void VocabKeyInto(std::string_view lang, std::string_view key, std::string* out) {
  std::string& k = *out;
  k.clear();
  k.append(lang);
  k.push_back('\0');
  if (key.size() <= kMaxVocabKeyBytes) {
    k.append(key);
  } else {
    // Over-long token (LMDB keys are <= 511 bytes): keyed by its hash, marked by a 0x02 byte that
    // no match key starts with.
    k.push_back('\x02');
    const uint64_t h = util::Fnv1a64(key);
    k.append(reinterpret_cast<const char*>(&h), sizeof h);
  }
}

std::string VocabKey(std::string_view lang, std::string_view key) {
  std::string k;
  VocabKeyInto(lang, key, &k);
  return k;
}

}  // namespace

std::string PrimaryLanguage(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

uint64_t OriginHash(std::string_view origin) { return origin.empty() ? 0 : util::Fnv1a64(origin); }

void EncodeSegRecord(const SegRecord& r, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kSegRecordVersion));
  PutVarint(out, r.src_lang.size());
  out->append(r.src_lang);
  PutVarint(out, r.tgt_lang.size());
  out->append(r.tgt_lang);
  out->append(reinterpret_cast<const char*>(&r.changed_at), sizeof r.changed_at);
  out->append(reinterpret_cast<const char*>(&r.origin_hash), sizeof r.origin_hash);
  out->append(reinterpret_cast<const char*>(&r.mask), sizeof r.mask);
  PutVarint(out, r.src.size());
  for (uint32_t t : r.src) PutVarint(out, t);
  PutVarint(out, r.tgt.size());
  for (uint32_t t : r.tgt) PutVarint(out, t);
}

Status DecodeSegRecord(std::string_view value, uint64_t id, SegRecord* out, bool source_only) {
  auto bad = [&](const char* what) {
    return Status::Corruption("fuzzy index record of unit " + std::to_string(id) + ": " + what);
  };
  const char* p = value.data();
  const char* end = p + value.size();
  if (p == end || static_cast<uint8_t>(*p) != kSegRecordVersion)
    return bad("unknown record version");
  ++p;
  uint64_t n = 0;
  if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p))
    return bad("truncated src_lang");
  out->src_lang.assign(p, n);
  p += n;
  if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p))
    return bad("truncated tgt_lang");
  out->tgt_lang.assign(p, n);
  p += n;
  if (end - p < 18) return bad("truncated times");
  std::memcpy(&out->changed_at, p, 8);
  std::memcpy(&out->origin_hash, p + 8, 8);
  std::memcpy(&out->mask, p + 16, 2);
  p += 18;
  for (std::vector<uint32_t>* v : {&out->src, &out->tgt}) {
    if (source_only && v == &out->tgt) {
      out->tgt.clear();
      return Status::OK();
    }
    if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p))
      return bad("truncated tokens");
    v->resize(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t t = 0;
      if (!GetVarint(p, end, &t) || t > 0xFFFFFFFFull) return bad("bad token id");
      (*v)[i] = static_cast<uint32_t>(t);
    }
  }
  if (p != end) return bad("trailing bytes");
  return Status::OK();
}

std::vector<uint64_t> Features(const std::vector<uint32_t>& tokens, bool occurrences) {
  // Sorting the ids groups the copies of a token, so the k-th copy gets occurrence k with one
  // allocation (a hash map of counts cost a node allocation per distinct token, on the writer's
  // critical path).
  std::vector<uint64_t> out(tokens.begin(), tokens.end());
  std::sort(out.begin(), out.end());
  if (!occurrences) out.erase(std::unique(out.begin(), out.end()), out.end());
  uint64_t previous = ~uint64_t{0};
  uint32_t occurrence = 0;
  for (uint64_t& f : out) {
    occurrence = (occurrences && f == previous) ? occurrence + 1 : 1;
    previous = f;
    f = MakeFeature(static_cast<uint32_t>(f), occurrence);
  }
  return out;
}

Status FuzzyIndex::Open(MDB_txn* txn, bool read_only, bool* fresh) {
  if (fresh) *fresh = false;
  const unsigned create = read_only ? 0 : MDB_CREATE;
  int rc = mdb_dbi_open(txn, "index.meta", create, &meta_);
  if (rc == MDB_NOTFOUND && read_only) {
    present_ = false;
    return Status::OK();
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, "opening fuzzy index database index.meta");
  MDB_val k = Val(kFormatKey, sizeof kFormatKey - 1), v;
  rc = mdb_get(txn, meta_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    if (read_only) {
      present_ = false;
      return Status::OK();
    }
    const uint32_t version = kIndexFormatVersion;
    MDB_val nv = Val(&version, sizeof version);
    rc = mdb_put(txn, meta_, &k, &nv, 0);
    if (rc != MDB_SUCCESS) return WriteError(rc, "writing fuzzy index format");
    if (fresh) *fresh = true;
  } else if (rc != MDB_SUCCESS) {
    return LmdbError(rc, "reading fuzzy index format");
  } else {
    uint32_t version = 0;
    if (v.mv_size != sizeof version)
      return Status::Corruption("fuzzy index format record is damaged");
    std::memcpy(&version, v.mv_data, sizeof version);
    if (version > kIndexFormatVersion) {
      return Status::FailedPrecondition("fuzzy index format " + std::to_string(version) +
                                        " is newer than the supported " +
                                        std::to_string(kIndexFormatVersion));
    }
    if (version < kIndexFormatVersion) {
      // An older index: read-only, the TM has no usable index; writable, it is emptied here and
      // rebuilt from the units by the caller (fresh), in this same transaction.
      if (read_only) {
        present_ = false;
        return Status::OK();
      }
      constexpr unsigned kPostings = MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP;
      const std::pair<const char*, unsigned> old_dbs[] = {{"index.vocab", 0u},
                                                          {"index.src", kPostings},
                                                          {"index.tgt", kPostings},
                                                          {"index.seg", unsigned{MDB_INTEGERKEY}}};
      for (const auto& [name, flags] : old_dbs) {
        MDB_dbi dbi;
        rc = mdb_dbi_open(txn, name, flags, &dbi);
        if (rc == MDB_NOTFOUND) continue;
        if (rc == MDB_SUCCESS) rc = mdb_drop(txn, dbi, 1);
        if (rc != MDB_SUCCESS) {
          return WriteError(rc, std::string("dropping the old fuzzy index database ") + name);
        }
      }
      rc = mdb_drop(txn, meta_, 0);
      const uint32_t current = kIndexFormatVersion;
      MDB_val nv = Val(&current, sizeof current);
      if (rc == MDB_SUCCESS) rc = mdb_put(txn, meta_, &k, &nv, 0);
      if (rc != MDB_SUCCESS) return WriteError(rc, "rewriting the fuzzy index format");
      if (fresh) *fresh = true;
    }
  }
  struct Db {
    const char* name;
    unsigned flags;
    MDB_dbi* dbi;
  } dbs[] = {
      {"index.vocab", 0, &vocab_},
      {"index.src", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &src_},
      {"index.tgt", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &tgt_},
      {"index.seg", MDB_INTEGERKEY, &seg_},
  };
  for (const Db& db : dbs) {
    rc = mdb_dbi_open(txn, db.name, db.flags | create, db.dbi);
    if (rc != MDB_SUCCESS) {
      return LmdbError(rc, std::string("opening fuzzy index database ") + db.name);
    }
  }
  present_ = true;
  return Status::OK();
}

StatusOr<uint32_t> FuzzyIndex::LookupToken(MDB_txn* txn, std::string_view lang,
                                           std::string_view key) const {
  const std::string vk = VocabKey(lang, key);
  MDB_val k = Val(vk), v;
  const int rc = mdb_get(txn, vocab_, &k, &v);
  if (rc == MDB_NOTFOUND) return kUnknownToken;
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index vocabulary");
  if (v.mv_size != 4) return Status::Corruption("fuzzy index vocabulary entry is damaged");
  uint32_t id;
  std::memcpy(&id, v.mv_data, 4);
  return id;
}

uint64_t VocabCache::Hash(std::string_view key) {
  // FNV-1a then a final avalanche (splitmix64) so that the low bits used for the slot are well
  // mixed.
  uint64_t h = util::Fnv1a64(key);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

uint32_t VocabCache::Find(std::string_view key, uint64_t h) const {
  if (slots_.empty()) return kUnknownToken;
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.id == kUnknownToken) return kUnknownToken;
    if (s.hash == h && s.length == key.size() &&
        std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0) {
      return s.id;
    }
  }
}

void VocabCache::Insert(std::string_view key, uint64_t h, uint32_t id) {
  // Offsets are 32-bit: a vocabulary whose keys exceed 2 GiB starts the cache afresh (it is only a
  // cache).
  if (arena_.size() + key.size() > (uint64_t{1} << 31)) Clear();
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].id != kUnknownToken) i = (i + 1) & mask;
  slots_[i] = Slot{h, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size()), id};
  arena_.append(key);
  ++size_;
}

void VocabCache::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot());
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id == kUnknownToken) continue;
    size_t i = s.hash & mask;
    while (slots_[i].id != kUnknownToken) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void VocabCache::Clear() {
  slots_.clear();
  arena_.clear();
  size_ = 0;
}

StatusOr<uint32_t> FuzzyIndex::TokenId(MDB_txn* txn, std::string_view lang, std::string_view key,
                                       uint64_t hash) {
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
  txn_masks_.clear();    // not written after all: chosen again at a later flush
  units_put_.clear();    // their counts in index.meta are rolled back too
  vocab_cache_.Clear();  // entries of the aborted transaction are gone; the rest reloads on demand
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
    DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> n,
                             target_normalizers_.Take(unit.tgt_lang));
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
    VocabKeyInto(src_lang, match::DistanceKey(t), &key);
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

static_assert(kFirstUnknownToken <= (uint32_t{1} << 31),
              "FuzzyIndex::kTargetSide needs bit 63 of a feature");

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

Status FuzzyIndex::RemovePostings(MDB_txn* txn, MDB_dbi dbi, uint64_t id,
                                  const std::vector<uint32_t>& tokens, bool occurrences,
                                  uint16_t mask) {
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

Status FuzzyIndex::GetSeg(MDB_txn* txn, uint64_t id, SegRecord* out, bool source_only) const {
  MDB_val k = Val(&id, sizeof id), v;
  const int rc = mdb_get(txn, seg_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    return Status::NotFound("unit " + std::to_string(id) + " is not in the fuzzy index");
  }
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index record");
  return DecodeSegRecord(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size), id, out,
                         source_only);
}

Status FuzzyIndex::Delete(MDB_txn* txn, uint64_t id) {
  if (pending_ids_.count(id) != 0) {
    // Added (or re-added) earlier in this transaction and not flushed yet: drop those postings.
    pending_.erase(
        std::remove_if(pending_.begin(), pending_.end(),
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

Status FuzzyIndex::MaskFeatures(MDB_txn* txn, std::string_view lang,
                                std::vector<uint64_t>* out) const {
  out->clear();
  const std::string key = MaskKey(lang);
  MDB_val k = Val(key), v;
  const int rc = mdb_get(txn, meta_, &k, &v);
  if (rc == MDB_NOTFOUND) return Status::OK();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "reading the fuzzy index mask features");
  if (v.mv_size % sizeof(uint64_t) != 0 || v.mv_size / sizeof(uint64_t) > kMaskBits) {
    return Status::Corruption("fuzzy index mask features of language '" + std::string(lang) +
                              "' are damaged (" + std::to_string(v.mv_size) + " bytes)");
  }
  out->resize(v.mv_size / sizeof(uint64_t));
  std::memcpy(out->data(), v.mv_data, v.mv_size);
  return Status::OK();
}

StatusOr<const std::vector<uint64_t>*> FuzzyIndex::WriterMaskFeatures(MDB_txn* txn,
                                                                      const std::string& lang) {
  if (auto it = txn_masks_.find(lang); it != txn_masks_.end()) return &it->second;
  if (auto it = masks_.find(lang); it != masks_.end()) return &it->second;
  std::vector<uint64_t> stored;
  DHAKIRA_RETURN_IF_ERROR(MaskFeatures(txn, lang, &stored));
  if (stored.empty()) return nullptr;
  // Committed (by this process or another): it never changes again.
  return &masks_.emplace(lang, std::move(stored)).first->second;
}

Status FuzzyIndex::ChooseMaskFeatures(MDB_txn* txn) {
  for (auto& [lang, added] : units_put_) {
    if (added == 0) continue;
    DHAKIRA_ASSIGN_OR_RETURN(const std::vector<uint64_t>* known, WriterMaskFeatures(txn, lang));
    if (known != nullptr) {
      added = 0;
      continue;
    }
    // The units of the language written so far, across transactions and processes (index.meta
    // "units:<lang>", kept only until the mask features are chosen; a trigger, never decreased).
    const std::string units_key = UnitsKey(lang);
    MDB_val uk = Val(units_key), uv;
    uint64_t total = 0;
    int urc = mdb_get(txn, meta_, &uk, &uv);
    if (urc == MDB_SUCCESS && uv.mv_size == sizeof total)
      std::memcpy(&total, uv.mv_data, sizeof total);
    if (urc != MDB_SUCCESS && urc != MDB_NOTFOUND) {
      return LmdbError(urc, "reading the fuzzy index unit count of '" + lang + "'");
    }
    total += added;
    added = 0;
    uv = Val(&total, sizeof total);
    urc = mdb_put(txn, meta_, &uk, &uv, 0);
    if (urc != MDB_SUCCESS) return WriteError(urc, "writing the fuzzy index unit count");
    if (total < kMaskAfterUnits) continue;
    // Every source feature of the language, with its list size: the language's vocabulary entries,
    // then each token's occurrence features in index.src. Runs once per language (tens of ms).
    std::vector<std::pair<uint64_t, uint64_t>> sizes;  // (list size, feature)
    MDB_cursor* vocab = nullptr;
    MDB_cursor* src = nullptr;
    int rc = mdb_cursor_open(txn, vocab_, &vocab);
    if (rc == MDB_SUCCESS) rc = mdb_cursor_open(txn, src_, &src);
    std::string prefix = lang;
    prefix.push_back('\0');
    MDB_val k = Val(prefix), v;
    if (rc == MDB_SUCCESS) rc = mdb_cursor_get(vocab, &k, &v, MDB_SET_RANGE);
    while (rc == MDB_SUCCESS) {
      const std::string_view key(static_cast<const char*>(k.mv_data), k.mv_size);
      if (key.substr(0, prefix.size()) != prefix) break;
      if (v.mv_size == sizeof(uint32_t)) {
        uint32_t token;
        std::memcpy(&token, v.mv_data, sizeof token);
        uint64_t feature = MakeFeature(token, 1);
        MDB_val fk = Val(&feature, sizeof feature), fv;
        int frc = mdb_cursor_get(src, &fk, &fv, MDB_SET_RANGE);
        while (frc == MDB_SUCCESS && fk.mv_size == sizeof feature) {
          std::memcpy(&feature, fk.mv_data, sizeof feature);
          if ((feature >> 32) != token) break;
          size_t n = 0;
          frc = mdb_cursor_count(src, &n);
          if (frc != MDB_SUCCESS) break;
          sizes.emplace_back(n, feature);
          frc = mdb_cursor_get(src, &fk, &fv, MDB_NEXT_NODUP);
        }
        if (frc != MDB_SUCCESS && frc != MDB_NOTFOUND) {
          rc = frc;
          break;
        }
      }
      rc = mdb_cursor_get(vocab, &k, &v, MDB_NEXT);
    }
    if (src != nullptr) mdb_cursor_close(src);
    if (vocab != nullptr) mdb_cursor_close(vocab);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return LmdbError(rc, "choosing the fuzzy index mask features of '" + lang + "'");
    }
    // The largest lists; ties by feature, so the choice depends on the index alone.
    const size_t keep = std::min<size_t>(kMaskBits, sizes.size());
    std::partial_sort(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(keep), sizes.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    std::vector<uint64_t> chosen;
    for (size_t i = 0; i < keep; ++i) chosen.push_back(sizes[i].second);
    if (chosen.empty()) continue;  // nothing of it in index.src yet: chosen at a later flush
    const std::string mk = MaskKey(lang);
    MDB_val mkv = Val(mk), mv = Val(chosen.data(), chosen.size() * sizeof(uint64_t));
    rc = mdb_put(txn, meta_, &mkv, &mv, 0);
    if (rc != MDB_SUCCESS) return WriteError(rc, "writing the fuzzy index mask features");
    rc = mdb_del(txn, meta_, &uk, nullptr);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return WriteError(rc, "removing the fuzzy index unit count");
    }
    txn_masks_[lang] = std::move(chosen);
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
    DHAKIRA_ASSIGN_OR_RETURN(
        uint32_t id, TokenId(txn, r.src_lang, match::DistanceKey(t), prepared->source_hashes[i++]));
    r.src.push_back(id);
  }
  r.tgt.reserve(prepared->target_hashes.size());
  const std::string_view target_keys = prepared->target_keys;
  uint32_t begin = 0;
  for (size_t j = 0; j < prepared->target_key_ends.size(); ++j) {
    const uint32_t end = prepared->target_key_ends[j];
    const std::string_view key = target_keys.substr(begin, end - begin);
    DHAKIRA_ASSIGN_OR_RETURN(uint32_t id,
                             TokenId(txn, r.tgt_lang, key, prepared->target_hashes[j]));
    r.tgt.push_back(id);
    begin = end;
  }
  const std::vector<uint64_t> features = Features(r.src, true);
  DHAKIRA_ASSIGN_OR_RETURN(const std::vector<uint64_t>* mask_features,
                           WriterMaskFeatures(txn, r.src_lang));
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
  DHAKIRA_RETURN_IF_ERROR(AddPostings(txn, tgt_, unit.id, static_cast<uint32_t>(r.tgt.size()),
                                      Features(r.tgt, false), 0));
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

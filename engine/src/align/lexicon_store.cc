// The learned lexicon as a StoreHook: record encoding, the per-transaction counts and their flush.
// The model and its sources are in lexicon_store.h; reads are in lexicon_select.cc.
#include "align/lexicon_store.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "align/keys.h"
#include "text/normalizer_pool.h"

namespace dhakira::align {
namespace {

constexpr char kMagic[4] = {'d', 'l', 'e', 'x'};
constexpr char kFormatKey[] = "format";
constexpr size_t kBackfillChunk = 20000;  // units counted in memory between flushes of a backfill

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string BaseLanguage(std::string_view lang) { return std::string(lang.substr(0, lang.find('-'))); }

std::string_view View(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// "magic, format version u32 LE, stem fingerprint u64 LE".
std::string FormatRecord() {
  std::string out(kMagic, sizeof kMagic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((kLexiconFormat >> (8 * i)) & 0xFF));
  PutFixed64(&out, StemFingerprint());
  return out;
}

NormalizerOptions WordOptions() {
  NormalizerOptions options;
  options.keep_punctuation = false;
  return options;
}

// Stems of both sides of a unit, ordered by base language.
struct PairStems {
  std::string lang[2];
  std::vector<std::string> stems[2];
};

struct PreparedStems : HookPrepared {
  bool usable = false;
  PairStems stems;
};

}  // namespace

std::string LexiconKey(std::string_view from, std::string_view to, std::string_view stem) {
  std::string key;
  key.reserve(from.size() + to.size() + stem.size() + 2);
  key.append(from).push_back('\0');
  key.append(to).push_back('\0');
  key.append(stem);
  return key;
}

void EncodeStemRecord(const StemRecord& record, std::string* out) {
  out->clear();
  PutVarint(out, record.pairs);
  PutVarint(out, record.partners.size());
  for (const Partner& p : record.partners) {
    PutVarint(out, p.stem.size());
    out->append(p.stem);
    PutVarint(out, p.count);
    PutVarint(out, p.error);
  }
}

Status DecodeStemRecord(std::string_view value, std::string_view stem, StemRecord* out) {
  auto damaged = [&] {
    return Status::Corruption("learned lexicon: the record of '" + std::string(stem) + "' is damaged");
  };
  uint64_t n = 0;
  if (!GetVarint(&value, &out->pairs) || !GetVarint(&value, &n) || n > kMaxPartners) return damaged();
  out->partners.resize(n);
  for (Partner& p : out->partners) {
    uint64_t size = 0;
    if (!GetVarint(&value, &size) || size > value.size()) return damaged();
    p.stem.assign(value.substr(0, size));
    value.remove_prefix(size);
    if (!GetVarint(&value, &p.count) || !GetVarint(&value, &p.error) || p.error > p.count) return damaged();
  }
  if (!value.empty()) return damaged();
  return Status::OK();
}

namespace {

// Stems with the aligner's stemmer for `lang` (Snowball for a non-Arabic language), as features.cc stems the text.
bool DistinctTokenStems(const std::vector<Token>& tokens, std::string_view lang, uint32_t max_words,
                        std::vector<std::string>* out) {
  out->clear();
  size_t words = 0;
  for (const Token& token : tokens) {
    if (token.type != TokenType::kWord) continue;
    if (++words > max_words) return false;
    std::string stem = AlignStem(token.key, lang);
    if (stem.empty() || stem.size() > kMaxStemBytes) continue;
    if (std::find(out->begin(), out->end(), stem) == out->end()) out->push_back(std::move(stem));
  }
  return true;
}

bool StemsOfTokens(const std::vector<Token>& tokens, std::string_view lang, std::vector<std::string>* out) {
  return DistinctTokenStems(tokens, lang, kMaxTokens, out);
}

}  // namespace

bool DistinctStems(Normalizer& normalizer, std::string_view text, std::string_view lang, uint32_t max_words,
                   std::vector<std::string>* out) {
  out->clear();
  auto normalized = normalizer.Normalize(text);
  return normalized.ok() && DistinctTokenStems(normalized->tokens, lang, max_words, out);
}

uint64_t StemFingerprint() {
  // FNV-1a 64 over the stems of words that exercise every stemming rule the aligner has (Arabic clitics and
  // suffixes, English plurals, possessives and truncation).
  static const char* const kProbe[] = {
      "والمدرسه",  "بالكتاب",    "وللمعلمين",   "فسيكتبونها", "المعلمات", "كتابه",  "سوريا", "الحكومية", "وزارتهم",
      "ministers", "minister's", "governments", "delegation", "arrived",  "cities", "buses", "syria",    "wheat",
  };
  uint64_t hash = 1469598103934665603ull;
  for (const char* word : kProbe) {
    for (char c : AlignStem(word) + '\n') {
      hash ^= static_cast<uint8_t>(c);
      hash *= 1099511628211ull;
    }
  }
  return hash;
}

// ---- the open transaction's counts ----

struct LexiconHook::Buffer {
  explicit Buffer() : normalizers(WordOptions()) {}

  struct Unit {
    int sign;
    std::vector<uint32_t> ids[2];
  };
  struct LanguagePair {
    std::string lang[2];
    int64_t pairs = 0;
    std::unordered_map<std::string, uint32_t> ids[2];
    std::vector<std::string> words[2];
    std::vector<int64_t> marginal[2];
    std::vector<Unit> units;
  };

  // The stems of `unit` (false: it teaches nothing: one language, too long, or not normalisable).
  bool Stem(const SegmentPair& unit, PairStems* out) {
    const std::string src = BaseLanguage(unit.src_lang), tgt = BaseLanguage(unit.tgt_lang);
    if (src.empty() || tgt.empty() || src == tgt) return false;
    const int src_side = src < tgt ? 0 : 1;
    out->lang[src_side] = src;
    out->lang[1 - src_side] = tgt;
    for (int side = 0; side < 2; ++side) {
      const bool is_source = side == src_side;
      if (is_source && !unit.source_tokens.empty()) {
        // The store's match keys of the source: the same word keys, without normalising it again.
        if (!StemsOfTokens(unit.source_tokens, out->lang[side], &out->stems[side])) return false;
        continue;
      }
      const std::string& lang = is_source ? unit.src_lang : unit.tgt_lang;
      auto normalizer = normalizers.Take(lang);
      if (!normalizer.ok()) return false;
      const bool ok = DistinctStems(**normalizer, is_source ? unit.source : unit.target, out->lang[side], kMaxTokens,
                                    &out->stems[side]);
      normalizers.Return(lang, std::move(normalizer).value());
      if (!ok || out->stems[side].empty()) return false;
    }
    return true;
  }

  void Add(const PairStems& stems, int sign) {
    LanguagePair* lp = nullptr;
    for (LanguagePair& p : pairs_of)
      if (p.lang[0] == stems.lang[0] && p.lang[1] == stems.lang[1]) lp = &p;
    if (lp == nullptr) {
      lp = &pairs_of.emplace_back();
      lp->lang[0] = stems.lang[0];
      lp->lang[1] = stems.lang[1];
    }
    lp->pairs += sign;
    Unit& unit = lp->units.emplace_back();
    unit.sign = sign;
    for (int side = 0; side < 2; ++side) {
      for (const std::string& stem : stems.stems[side]) {
        auto [it, inserted] = lp->ids[side].try_emplace(stem, static_cast<uint32_t>(lp->words[side].size()));
        if (inserted) {
          lp->words[side].push_back(stem);
          lp->marginal[side].push_back(0);
        }
        lp->marginal[side][it->second] += sign;
        unit.ids[side].push_back(it->second);
      }
    }
    ++units;
  }

  void Clear() {
    pairs_of.clear();
    units = 0;
  }

  text_internal::NormalizerPool normalizers;
  std::vector<LanguagePair> pairs_of;
  size_t units = 0;
};

namespace {

using CheckFn = std::function<Status(int rc, std::string_view what)>;

// A partner delta of one transaction: the partner's id in the transaction's vocabulary of the other side.
struct Delta {
  uint32_t partner;
  int64_t count;
};

// Applies one transaction's partner deltas to a record, as a merge of Space-Saving summaries (Metwally et al.
// 2005; merging: Agarwal et al. 2012, "Mergeable summaries"): decrements first (a partner whose count falls to
// its error bound is dropped); increments of held partners add to their counters; a partner not held enters
// with the record's smallest count before the transaction as its error (a partner not held was seen at most
// that often, when the record was full; else never) plus its increment; then the kMaxPartners largest counts
// stay (ties: held partners first, then by first appearance in the transaction). A dropped count is at most
// the smallest kept, so the invariant carries over. Cost: one sort per record, not one scan per new partner.
// `ids` maps the other side's stems to transaction ids and `words` back; `slot_of` (sized to that
// vocabulary, all -1, and left so) maps ids to counters.
void ApplyPartnerDeltas(std::vector<Delta>& deltas, const std::unordered_map<std::string, uint32_t>& ids,
                        const std::vector<std::string>& words, std::vector<int32_t>& slot_of, StemRecord* record) {
  constexpr uint32_t kUnseen = UINT32_MAX;  // a held partner this transaction did not touch
  struct Counter {
    uint32_t id;       // transaction id, or kUnseen
    int32_t original;  // index in record->partners of the partner it was, or -1 for a new one
    uint64_t count, error;
  };
  std::vector<Counter> counters;
  counters.reserve(record->partners.size() + deltas.size());
  uint64_t smallest = UINT64_MAX;
  for (size_t k = 0; k < record->partners.size(); ++k) {
    const Partner& p = record->partners[k];
    auto it = ids.find(p.stem);
    const uint32_t id = it == ids.end() ? kUnseen : it->second;
    if (id != kUnseen) slot_of[id] = static_cast<int32_t>(counters.size());
    counters.push_back(Counter{id, static_cast<int32_t>(k), p.count, p.error});
    smallest = std::min(smallest, p.count);
  }
  const uint64_t unseen_at_most = record->partners.size() >= kMaxPartners ? smallest : 0;
  std::vector<bool> dropped(counters.size(), false);
  for (const Delta& d : deltas) {
    if (slot_of[d.partner] >= 0) {
      const auto at = static_cast<size_t>(slot_of[d.partner]);
      Counter& c = counters[at];
      if (d.count >= 0) {
        c.count += static_cast<uint64_t>(d.count);
      } else {
        const auto minus = static_cast<uint64_t>(-d.count);
        c.count = c.count > minus ? c.count - minus : 0;
        if (c.count <= c.error) dropped[at] = true;
      }
    } else if (d.count > 0) {
      counters.push_back(Counter{d.partner, -1, unseen_at_most + static_cast<uint64_t>(d.count), unseen_at_most});
    }
  }
  for (const Counter& c : counters)
    if (c.id != kUnseen) slot_of[c.id] = -1;
  std::vector<size_t> order;
  order.reserve(counters.size());
  for (size_t k = 0; k < counters.size(); ++k)
    if (k >= dropped.size() || !dropped[k]) order.push_back(k);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return counters[x].count > counters[y].count; });
  if (order.size() > kMaxPartners) order.resize(kMaxPartners);
  std::vector<Partner> kept;
  kept.reserve(order.size());
  for (size_t k : order) {
    const Counter& c = counters[k];
    std::string stem =
        c.original >= 0 ? std::move(record->partners[static_cast<size_t>(c.original)].stem) : words[c.id];
    kept.push_back(Partner{std::move(stem), c.count, c.error});
  }
  std::sort(kept.begin(), kept.end(), [](const Partner& x, const Partner& y) {
    return x.count != y.count ? x.count > y.count : x.stem < y.stem;
  });
  record->partners = std::move(kept);
}

// Flushes the counts of one language pair: reads N and the records of every stem touched, decides which
// stems are frequent, counts the co-occurrences of the others, and writes each record once.
class PairFlush {
 public:
  PairFlush(MDB_txn* txn, MDB_dbi records, MDB_dbi meta, const CheckFn& check,
            const LexiconHook::Buffer::LanguagePair& lp)
      : txn_(txn), records_(records), meta_(meta), check_(check), lp_(lp) {}

  Status Run() {
    DHAKIRA_RETURN_IF_ERROR(UpdatePairs());
    for (int side = 0; side < 2; ++side) DHAKIRA_RETURN_IF_ERROR(ReadRecords(side));
    CountCooccurrences();
    for (int side = 0; side < 2; ++side) DHAKIRA_RETURN_IF_ERROR(WriteRecords(side));
    return Status::OK();
  }

 private:
  Status UpdatePairs() {
    const std::string key = LexiconKey(lp_.lang[0], lp_.lang[1], "");
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    int rc = mdb_get(txn_, meta_, &k, &v);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return check_(rc, "reading the learned lexicon's pair count");
    uint64_t pairs = 0;
    if (rc == MDB_SUCCESS) {
      if (v.mv_size != 8) return Status::Corruption("learned lexicon: the pair count is damaged");
      pairs = GetFixed64(static_cast<const char*>(v.mv_data));
    }
    pairs_ = lp_.pairs < 0 && pairs < static_cast<uint64_t>(-lp_.pairs) ? 0 : pairs + lp_.pairs;
    std::string value;
    PutFixed64(&value, pairs_);
    MDB_val out{value.size(), value.data()};
    rc = pairs_ == 0 ? mdb_del(txn_, meta_, &k, nullptr) : mdb_put(txn_, meta_, &k, &out, 0);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return check_(rc, "writing the learned lexicon's pair count");
    return Status::OK();
  }

  Status ReadRecords(int side) {
    const size_t n = lp_.words[side].size();
    records_of_[side].resize(n);
    frequent_[side].assign(n, false);
    for (size_t id = 0; id < n; ++id) {
      const std::string key = LexiconKey(lp_.lang[side], lp_.lang[1 - side], lp_.words[side][id]);
      MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
      const int rc = mdb_get(txn_, records_, &k, &v);
      StemRecord& record = records_of_[side][id];
      if (rc == MDB_SUCCESS) {
        DHAKIRA_RETURN_IF_ERROR(DecodeStemRecord(View(v), lp_.words[side][id], &record));
      } else if (rc != MDB_NOTFOUND) {
        return check_(rc, "reading the learned lexicon");
      }
      const int64_t delta = lp_.marginal[side][id];
      record.pairs = delta < 0 && record.pairs < static_cast<uint64_t>(-delta) ? 0 : record.pairs + delta;
      frequent_[side][id] = record.pairs >= kFrequentMinPairs &&
                            static_cast<double>(record.pairs) > kFrequentFraction * static_cast<double>(pairs_);
    }
    return Status::OK();
  }

  // Distinct stems per unit, so each (s, t) counts once per pair; both records get the same delta. Each
  // co-occurrence is appended to both stems' event lists (partner id << 1 | removed), which are then sorted
  // and run-length counted: cheaper than one large hash table.
  void CountCooccurrences() {
    std::vector<std::vector<uint32_t>> events[2];
    for (int side = 0; side < 2; ++side) events[side].resize(lp_.words[side].size());
    std::vector<uint32_t> kept[2];
    for (const auto& unit : lp_.units) {
      for (int side = 0; side < 2; ++side) {
        kept[side].clear();
        for (uint32_t id : unit.ids[side])
          if (!frequent_[side][id]) kept[side].push_back(id);
      }
      const uint32_t removed = unit.sign < 0 ? 1 : 0;
      for (uint32_t a : kept[0]) {
        for (uint32_t b : kept[1]) {
          events[0][a].push_back(b << 1 | removed);
          events[1][b].push_back(a << 1 | removed);
        }
      }
    }
    for (int side = 0; side < 2; ++side) {
      deltas_[side].assign(lp_.words[side].size(), {});
      for (size_t id = 0; id < events[side].size(); ++id) {
        std::vector<uint32_t>& list = events[side][id];
        std::sort(list.begin(), list.end());
        for (size_t k = 0; k < list.size();) {
          const uint32_t partner = list[k] >> 1;
          int64_t count = 0;
          for (; k < list.size() && (list[k] >> 1) == partner; ++k) count += (list[k] & 1) ? -1 : 1;
          if (count != 0) deltas_[side][id].push_back(Delta{partner, count});
        }
        std::vector<uint32_t>().swap(list);
      }
    }
  }

  Status WriteRecords(int side) {
    std::string value;
    slot_of_[1 - side].assign(lp_.words[1 - side].size(), -1);
    for (size_t id = 0; id < lp_.words[side].size(); ++id) {
      StemRecord& record = records_of_[side][id];
      if (frequent_[side][id])
        record.partners.clear();
      else
        ApplyPartnerDeltas(deltas_[side][id], lp_.ids[1 - side], lp_.words[1 - side], slot_of_[1 - side], &record);
      const std::string key = LexiconKey(lp_.lang[side], lp_.lang[1 - side], lp_.words[side][id]);
      MDB_val k{key.size(), const_cast<char*>(key.data())};
      int rc;
      if (record.pairs == 0) {
        rc = mdb_del(txn_, records_, &k, nullptr);
        if (rc == MDB_NOTFOUND) rc = MDB_SUCCESS;
      } else {
        EncodeStemRecord(record, &value);
        MDB_val v{value.size(), value.data()};
        rc = mdb_put(txn_, records_, &k, &v, 0);
      }
      if (rc != MDB_SUCCESS) return check_(rc, "writing the learned lexicon");
    }
    return Status::OK();
  }

  MDB_txn* txn_;
  MDB_dbi records_, meta_;
  const CheckFn& check_;
  const LexiconHook::Buffer::LanguagePair& lp_;
  uint64_t pairs_ = 0;
  std::vector<StemRecord> records_of_[2];
  std::vector<bool> frequent_[2];
  std::vector<std::vector<Delta>> deltas_[2];
  std::vector<int32_t> slot_of_[2];  // ApplyPartnerDeltas' scratch, per side of the partners
};

}  // namespace

LexiconHook::LexiconHook() : buffer_(std::make_unique<Buffer>()) {}
LexiconHook::~LexiconHook() = default;

Status LexiconHook::Flush(MDB_txn* txn, const CheckFn& check) {
  Status s;
  for (const Buffer::LanguagePair& lp : buffer_->pairs_of) {
    s = PairFlush(txn, records_, meta_, check, lp).Run();
    if (!s.ok()) break;
  }
  buffer_->Clear();
  return s;
}

Status LexiconHook::Open(const HookOpenContext& ctx) {
  usable_ = false;
  const unsigned flags = ctx.read_only ? 0 : MDB_CREATE;
  int rc = mdb_dbi_open(ctx.txn, "index.lexicon.meta", flags, &meta_);
  if (rc == MDB_NOTFOUND && ctx.read_only) return Status::OK();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "opening the learned lexicon (index.lexicon.meta)");
  rc = mdb_dbi_open(ctx.txn, "index.lexicon", flags, &records_);
  if (rc == MDB_NOTFOUND && ctx.read_only) return Status::OK();
  if (rc != MDB_SUCCESS) return LmdbError(rc, "opening the learned lexicon (index.lexicon)");
  const std::string expected = FormatRecord();
  MDB_val k{sizeof kFormatKey - 1, const_cast<char*>(kFormatKey)}, v;
  rc = mdb_get(ctx.txn, meta_, &k, &v);
  if (rc == MDB_SUCCESS) {
    if (v.mv_size != expected.size() || std::memcmp(v.mv_data, kMagic, sizeof kMagic) != 0)
      return Status::Corruption("learned lexicon: index.lexicon.meta 'format' is not a dhakira lexicon record");
    if (View(v) == expected) {
      usable_ = true;
      return Status::OK();
    }
  } else if (rc != MDB_NOTFOUND) {
    return LmdbError(rc, "reading the learned lexicon's format");
  }
  if (ctx.read_only) return Status::OK();  // another format or stems: rebuilt when opened writable
  // Absent, or counted with another format or other stems: count every stored unit again.
  rc = mdb_drop(ctx.txn, records_, 0);
  if (rc == MDB_SUCCESS) rc = mdb_drop(ctx.txn, meta_, 0);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "clearing the learned lexicon");
  const CheckFn check = [](int code, std::string_view what) { return LmdbError(code, what); };
  PairStems stems;
  Status s = ctx.ForEachStoredUnit([&](const SegmentPair& unit) {
    if (buffer_->Stem(unit, &stems)) buffer_->Add(stems, +1);
    return buffer_->units >= kBackfillChunk ? Flush(ctx.txn, check) : Status::OK();
  });
  if (s.ok()) s = Flush(ctx.txn, check);
  buffer_->Clear();
  if (!s.ok()) return s.WithContext("building the learned lexicon");
  MDB_val value{expected.size(), const_cast<char*>(expected.data())};
  rc = mdb_put(ctx.txn, meta_, &k, &value, 0);
  if (rc != MDB_SUCCESS) return LmdbError(rc, "writing the learned lexicon's format");
  usable_ = true;
  return Status::OK();
}

StatusOr<std::unique_ptr<HookPrepared>> LexiconHook::PrepareUnit(const SegmentPair& unit) {
  auto out = std::make_unique<PreparedStems>();
  out->usable = buffer_->Stem(unit, &out->stems);
  return std::unique_ptr<HookPrepared>(std::move(out));
}

Status LexiconHook::OnPut(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit) {
  return OnPutPrepared(ctx, old_unit, new_unit, nullptr);
}

Status LexiconHook::OnPutPrepared(WriteContext& ctx, const SegmentPair* old_unit, const SegmentPair& new_unit,
                                  const HookPrepared* prepared) {
  if (!usable_) return Status::OK();
  PairStems stems;
  if (old_unit != nullptr && buffer_->Stem(*old_unit, &stems)) buffer_->Add(stems, -1);
  const auto* p = dynamic_cast<const PreparedStems*>(prepared);
  if (p != nullptr) {
    if (p->usable) buffer_->Add(p->stems, +1);
  } else if (buffer_->Stem(new_unit, &stems)) {
    buffer_->Add(stems, +1);
  }
  return Status::OK();
}

Status LexiconHook::OnDelete(WriteContext& ctx, const SegmentPair& old_unit) {
  if (!usable_) return Status::OK();
  PairStems stems;
  if (buffer_->Stem(old_unit, &stems)) buffer_->Add(stems, -1);
  return Status::OK();
}

Status LexiconHook::BeforeCommit(WriteContext& ctx) {
  if (!usable_) return Status::OK();
  return Flush(ctx.txn(), [&](int rc, std::string_view what) { return ctx.Check(rc, what); });
}

void LexiconHook::OnCommit() { buffer_->Clear(); }
void LexiconHook::OnAbort() { buffer_->Clear(); }

}  // namespace dhakira::align

// The mask features of a source language: the 16 source features with the largest posting lists,
// chosen once kMaskAfterUnits units of the language were written (fuzzy_index.h, docs/match.md).
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "index/fuzzy_index.h"
#include "index/index_format.h"

namespace dhakira::index {

StatusOr<const std::vector<uint64_t>*> FuzzyIndex::WriterMaskFeatures(MDB_txn* txn, const std::string& lang) {
  if (auto it = txn_masks_.find(lang); it != txn_masks_.end()) return &it->second;
  if (auto it = masks_.find(lang); it != masks_.end()) return &it->second;
  std::vector<uint64_t> stored;
  DHAKIRA_RETURN_IF_ERROR(MaskFeatures(txn, lang, &stored));
  if (stored.empty()) return nullptr;
  // Committed (by this process or another): it never changes again.
  return &masks_.emplace(lang, std::move(stored)).first->second;
}

StatusOr<uint64_t> FuzzyIndex::AddToUnitCount(MDB_txn* txn, const std::string& lang, uint64_t added) {
  const std::string units_key = UnitsKey(lang);
  MDB_val key_val = Val(units_key), count_val;
  uint64_t total = 0;
  int rc = mdb_get(txn, meta_, &key_val, &count_val);
  if (rc == MDB_SUCCESS && count_val.mv_size == sizeof total) std::memcpy(&total, count_val.mv_data, sizeof total);
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return LmdbError(rc, "reading the fuzzy index unit count of '" + lang + "'");
  }
  total += added;
  count_val = Val(&total, sizeof total);
  rc = mdb_put(txn, meta_, &key_val, &count_val, 0);
  if (rc != MDB_SUCCESS) return WriteError(rc, "writing the fuzzy index unit count");
  return total;
}

Status FuzzyIndex::SourceListSizes(MDB_txn* txn, const std::string& lang,
                                   std::vector<std::pair<uint64_t, uint64_t>>* sizes) const {
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
        sizes->emplace_back(n, feature);
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
  return Status::OK();
}

Status FuzzyIndex::WriteMaskFeatures(MDB_txn* txn, const std::string& lang, std::vector<uint64_t> chosen) {
  const std::string mask_key = MaskKey(lang);
  MDB_val mask_key_val = Val(mask_key);
  MDB_val mask_val = Val(chosen.data(), chosen.size() * sizeof(uint64_t));
  int rc = mdb_put(txn, meta_, &mask_key_val, &mask_val, 0);
  if (rc != MDB_SUCCESS) return WriteError(rc, "writing the fuzzy index mask features");
  const std::string units_key = UnitsKey(lang);
  MDB_val units_key_val = Val(units_key);
  rc = mdb_del(txn, meta_, &units_key_val, nullptr);
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return WriteError(rc, "removing the fuzzy index unit count");
  }
  txn_masks_[lang] = std::move(chosen);
  return Status::OK();
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
    DHAKIRA_ASSIGN_OR_RETURN(const uint64_t total, AddToUnitCount(txn, lang, added));
    added = 0;
    if (total < kMaskAfterUnits) continue;
    // Every source feature of the language, with its list size: the language's vocabulary entries,
    // then each token's occurrence features in index.src. Runs once per language (tens of ms).
    std::vector<std::pair<uint64_t, uint64_t>> sizes;  // (list size, feature)
    DHAKIRA_RETURN_IF_ERROR(SourceListSizes(txn, lang, &sizes));
    // The largest lists; ties by feature, so the choice depends on the index alone.
    const size_t keep = std::min<size_t>(kMaskBits, sizes.size());
    std::partial_sort(
        sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(keep), sizes.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::vector<uint64_t> chosen;
    for (size_t i = 0; i < keep; ++i) chosen.push_back(sizes[i].second);
    if (chosen.empty()) continue;  // nothing of it in index.src yet: chosen at a later flush
    DHAKIRA_RETURN_IF_ERROR(WriteMaskFeatures(txn, lang, std::move(chosen)));
  }
  return Status::OK();
}

}  // namespace dhakira::index

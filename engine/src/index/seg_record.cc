// The index.seg record of a unit, feature lists, and the small key functions of fuzzy_index.h.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>

#include "index/fuzzy_index.h"
#include "index/index_format.h"

namespace dhakira::index {

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
  if (p == end || static_cast<uint8_t>(*p) != kSegRecordVersion) return bad("unknown record version");
  ++p;
  uint64_t n = 0;
  if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p)) return bad("truncated src_lang");
  out->src_lang.assign(p, n);
  p += n;
  if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p)) return bad("truncated tgt_lang");
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
    if (!GetVarint(p, end, &n) || n > static_cast<uint64_t>(end - p)) return bad("truncated tokens");
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

}  // namespace dhakira::index

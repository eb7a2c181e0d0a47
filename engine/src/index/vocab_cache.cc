// VocabCache: the writer's open-addressing table of vocabulary ids (fuzzy_index.h).
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "index/fuzzy_index.h"
#include "index/index_format.h"

namespace dhakira::index {

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
    if (s.hash == h && s.length == key.size() && std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0) {
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

}  // namespace dhakira::index

#include "text/normalizer_pool.h"

#include <utility>

namespace dhakira::text_internal {

StatusOr<std::unique_ptr<Normalizer>> NormalizerPool::Take(const std::string& language) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(language);
    if (it != idle_.end() && !it->second.empty()) {
      std::unique_ptr<Normalizer> n = std::move(it->second.back());
      it->second.pop_back();
      return n;
    }
  }
  // Created outside the lock: ICU set-up is the slow part, and other threads may take idle ones meanwhile.
  NormalizerOptions options = base_;
  options.language = language;
  return Normalizer::Create(options);
}

void NormalizerPool::Return(const std::string& language, std::unique_ptr<Normalizer> normalizer) {
  if (normalizer == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = idle_.find(language);
  if (it == idle_.end()) {
    if (idle_.size() >= kMaxLanguages) return;
    it = idle_.emplace(language, std::vector<std::unique_ptr<Normalizer>>()).first;
  }
  if (it->second.size() < kMaxIdlePerLanguage) it->second.push_back(std::move(normalizer));
}

}  // namespace dhakira::text_internal

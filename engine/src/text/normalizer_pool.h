// Normalizers by language for code that normalizes on several threads at once: a Normalizer is not
// thread-safe, and creating one costs ICU set-up (break iterator, normalization data), so threads borrow
// one and give it back.
//
// Thread-safe. Keeps at most kMaxIdlePerLanguage idle normalizers per language and kMaxLanguages
// languages (only pathological input has more).
#ifndef DHAKIRA_TEXT_NORMALIZER_POOL_H_
#define DHAKIRA_TEXT_NORMALIZER_POOL_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dhakira/status.h"
#include "dhakira/text.h"

namespace dhakira::text_internal {

class NormalizerPool {
 public:
  static constexpr size_t kMaxIdlePerLanguage = 8;  // one per preparing thread is enough
  static constexpr size_t kMaxLanguages = 256;

  // Every normalizer made has the options `base`, with `language` set per Take.
  explicit NormalizerPool(NormalizerOptions base) : base_(std::move(base)) {}
  NormalizerPool(const NormalizerPool&) = delete;
  NormalizerPool& operator=(const NormalizerPool&) = delete;

  // An idle normalizer for `language`, or a new one (Normalizer::Create's error when it cannot be made).
  StatusOr<std::unique_ptr<Normalizer>> Take(const std::string& language);
  // Gives back a normalizer taken for `language`.
  void Return(const std::string& language, std::unique_ptr<Normalizer> normalizer);

 private:
  const NormalizerOptions base_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Normalizer>>, std::less<>> idle_;
};

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_TEXT_NORMALIZER_POOL_H_

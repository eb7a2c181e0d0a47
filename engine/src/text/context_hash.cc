// The context hash of a neighbouring segment (text.h): one definition for the aligner, the matcher
// and the service, so a unit stored by any of them is found "exact in context" by a lookup.
#include <memory>
#include <string>

#include "dhakira/text.h"

namespace dhakira {

StatusOr<uint64_t> ContextHash(Normalizer& normalizer, std::string_view neighbour) {
  // "" is "no neighbour" (SegmentPair: 0 when none or unknown), not the hash of an empty key
  // sequence.
  if (neighbour.empty()) return uint64_t{0};
  DHAKIRA_ASSIGN_OR_RETURN(NormalizedText normalized, normalizer.Normalize(neighbour));
  return KeyHash(normalized.tokens);
}

StatusOr<uint64_t> ContextHash(std::string_view neighbour, std::string_view language) {
  if (neighbour.empty()) return uint64_t{0};
  NormalizerOptions options;
  options.language = std::string(language);
  // The limit of the matcher's and the aligner's normalizers: a neighbour one of them accepts, all
  // do.
  options.max_input_bytes = 64u << 20;
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> normalizer, Normalizer::Create(options));
  return ContextHash(*normalizer, neighbour);
}

}  // namespace dhakira

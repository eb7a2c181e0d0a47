// Private entry points of the normalizer for the engine's own callers.
#ifndef DHAKIRA_SRC_TEXT_NORMALIZER_INTERNAL_H_
#define DHAKIRA_SRC_TEXT_NORMALIZER_INTERNAL_H_

#include <string_view>
#include <vector>

#include "dhakira/status.h"
#include "dhakira/text.h"

namespace dhakira::text_internal {

// The tokens normalizer.Normalize(text) would give, for a `text` the caller has already checked to
// be well-formed UTF-8 in NFC (the store does both before it computes match keys): skips those two
// passes and the copy of the text. Token spans index `text`. The length limit (max_input_bytes) is
// still applied. A normalizer not made by Normalizer::Create gets a plain Normalize call.
StatusOr<std::vector<Token>> TokenizeCheckedNfc(Normalizer& normalizer, std::string_view text);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_NORMALIZER_INTERNAL_H_

// The key a source token has in the distance and in the persistent vocabulary (index.vocab): one
// definition, shared by the index (which stores the keys) and the matcher (which looks them up and
// computes the distance over them), so the two cannot drift apart.
#ifndef DHAKIRA_INDEX_DISTANCE_KEY_H_
#define DHAKIRA_INDEX_DISTANCE_KEY_H_

#include <string_view>

#include "dhakira/text.h"

namespace dhakira::index {

// The key every number token is replaced by: a number matches any number (README "Score").
inline constexpr std::string_view kNumberSymbol = "\x01num";

// Key of `token` for the distance: kNumberSymbol for numbers, the match key otherwise. Placeholders
// have none (callers skip them).
inline std::string_view DistanceKey(const Token& token) {
  return token.type == TokenType::kNumber ? kNumberSymbol : std::string_view(token.key);
}

}  // namespace dhakira::index

#endif  // DHAKIRA_INDEX_DISTANCE_KEY_H_

// Match-key folding of one code point run (private); see docs/text.md#facts-the-match-keys-rely-on.
#ifndef DHAKIRA_SRC_TEXT_FOLD_H_
#define DHAKIRA_SRC_TEXT_FOLD_H_

#include <unicode/normalizer2.h>

#include <string>
#include <string_view>

#include "text/language.h"

namespace dhakira::text_internal {

// Folds NFC text to its match key under `profile`, appending to `out` (not cleared):
//   all profiles: NFKC_Casefold (which also drops default-ignorables: LRM, RLM, ALM, ZWJ, ZWNJ,
//   bidi
//     embeddings and isolates), every Nd digit -> ASCII (u_charDigitValue), ٫ -> '.', ٬ -> ',', ٪
//     -> '%';
//   "ar" additionally: drop [[:Mn:]&[:scx=Arab:]] and tatweel, آ أ إ ٱ -> ا, ى -> ي, ة -> ه, ی ->
//   ي, ک -> ك
//     (ؤ ئ ء stay distinct: we never decompose, so hamza seats survive).
// Runs made only of ASCII and common Arabic code points take a hand-written switch (no ICU call);
// anything else goes through `nfkc_casefold` first. `scratch` is a reusable buffer.
// Thread-compatible.
void FoldRun(std::string_view nfc, Profile profile, const icu::Normalizer2& nfkc_casefold, std::string* scratch,
             std::string* out);

}  // namespace dhakira::text_internal

#endif  // DHAKIRA_SRC_TEXT_FOLD_H_

// Recognises lines editors add to a translated article: titles, standfirsts, disclaimers, keyword
// lines.
#ifndef DHAKIRA_ALIGN_EDITORIAL_H_
#define DHAKIRA_ALIGN_EDITORIAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "dhakira/align.h"

namespace dhakira::align {

// One kind per sentence of a document in language `lang` (canonical BCP 47). Structural cues work
// for any language: a title is a short unpunctuated line among the first three whose words mostly
// recur in one of the next four lines (a headline repeating the lead or the original headline).
// Phrase cues ("…, writes Al-Watan.", "This article was translated and edited by …", "Helpful
// keywords") come from a per-language table (English today; a language without a table gets the
// structural cues only). Complexity: linear in the text length.
std::vector<EditorialKind> DetectEditorial(const std::vector<std::string>& sentences, std::string_view lang);

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_EDITORIAL_H_

// Recognises lines editors add to a translated article: titles, standfirsts, disclaimers, keyword
// lines, credits, "read more" lines, photo captions and credits.
#ifndef DHAKIRA_ALIGN_EDITORIAL_H_
#define DHAKIRA_ALIGN_EDITORIAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "align/editorial_patterns.h"
#include "dhakira/align.h"

namespace dhakira::align {

// One kind per sentence of a document in language `lang` (canonical BCP 47); docs/align.md,
// "Editorial lines".
//
// Where: the *head* is the run of lines before the first body sentence (the first line, among the
// first 8, that ends in sentence punctuation, is not a short ?/! headline and is not itself an
// editorial line of the head);
// the *tail* is the contiguous run at the end made of editorial lines, blank lines and short
// unpunctuated lines, and of sentences lying between two disclaimer sentences. Body lines are never
// named, whatever they contain.
//
// What: the language's patterns (data/editorial/<lang>.tsv, compiled in), then `extra` (may be
// null), the first match naming the kind; a standfirst also needs a headline line above it. A
// title is structural, for any language: among the first three unnamed lines of the head, the
// first short headline-like one whose words mostly recur in one of the next four lines (a headline
// repeating the lead or the original headline); at most one, and none after a standfirst.
// Complexity: linear in the text length (the patterns are tried on head and tail lines only).
std::vector<EditorialKind> DetectEditorial(const std::vector<std::string>& sentences, std::string_view lang,
                                           const EditorialPatterns* extra = nullptr);

}  // namespace dhakira::align

#endif  // DHAKIRA_ALIGN_EDITORIAL_H_

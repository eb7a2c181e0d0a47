#include "align/editorial.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace dhakira::align {
namespace {

struct PhraseTable {
  const char* lang;
  std::vector<const char*> standfirst_verbs;  // "<summary>, writes <Outlet>."
  std::vector<const char*> disclaimer;        // substrings of disclaimers (lower case)
  std::vector<const char*> keywords;          // whole lines or line prefixes (lower case)
};

const std::vector<PhraseTable>& Tables() {
  static const std::vector<PhraseTable> kTables = {
      {"en",
       {"writes", "reports", "reported"},
       {"translated and edited", "has not verified the content", "views expressed",
        "responsibility for the information", "translated from the arabic", "edited from the arabic",
        "this article was translated", "all rights reserved", "lies entirely with the author"},
       {"helpful keywords", "keywords:", "key words:", "tags:", "related topics"}},
  };
  return kTables;
}

const PhraseTable* TableFor(std::string_view lang) {
  std::string_view base = lang.substr(0, lang.find('-'));
  for (const PhraseTable& t : Tables())
    if (base == t.lang) return &t;
  return nullptr;
}

std::string Lower(std::string_view s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::vector<std::string> Words(std::string_view lower) {
  std::vector<std::string> out;
  std::string cur;
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(lower.data(), static_cast<int32_t>(lower.size())));
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) {
      icu::UnicodeString one(c);
      one.toUTF8String(cur);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string TrimCopy(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}

bool EndsWithSentencePunct(std::string_view s) {
  std::string t = TrimCopy(s);
  for (const char* p : {".", "!", "?", "\xD8\x9F", "\xE3\x80\x82", "\xE2\x80\xA6", ".\"", ".\xE2\x80\x9D", ".'"})
    if (t.size() >= std::strlen(p) && t.compare(t.size() - std::strlen(p), std::string::npos, p) == 0) return true;
  return false;
}

// "<summary>, writes Al-Watan." : verb followed by 1-4 words to the end.
bool IsStandfirst(const std::string& lower, const PhraseTable& t) {
  std::vector<std::string> w = Words(lower);
  if (w.size() < 3) return false;
  for (size_t k = w.size() >= 6 ? w.size() - 6 : 0; k + 1 < w.size(); ++k)
    for (const char* verb : t.standfirst_verbs)
      if (w[k] == verb && w.size() - k - 1 <= 4 && k >= 2) {
        // The verb must follow a comma or start the last clause: ", writes X" / " writes X."
        size_t at = lower.rfind(std::string(" ") + verb + " ");
        if (at != std::string::npos && at > 0 && (lower[at - 1] == ',' || w.size() - k - 1 <= 3)) return true;
      }
  return false;
}

}  // namespace

std::vector<EditorialKind> DetectEditorial(const std::vector<std::string>& sentences, std::string_view lang) {
  const size_t n = sentences.size();
  std::vector<EditorialKind> kind(n, EditorialKind::kNone);
  if (n < 2) return kind;
  const PhraseTable* table = TableFor(lang);
  std::vector<std::string> lower(n);
  for (size_t i = 0; i < n; ++i) lower[i] = Lower(TrimCopy(sentences[i]));

  if (table != nullptr) {
    // Phrase cues: standfirsts near the top, disclaimers and keyword lines near the bottom.
    for (size_t i = 0; i < std::min<size_t>(n, 4); ++i)
      if (IsStandfirst(lower[i], *table)) kind[i] = EditorialKind::kStandfirst;
    for (size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {
      for (const char* d : table->disclaimer)
        if (lower[i].find(d) != std::string::npos) kind[i] = EditorialKind::kDisclaimer;
      for (const char* k : table->keywords)
        if (lower[i] == k || (std::strlen(k) > 0 && k[std::strlen(k) - 1] == ':' && lower[i].rfind(k, 0) == 0))
          kind[i] = EditorialKind::kKeywords;
    }
  }
  // Structural title cue: among the first three lines, the first short unpunctuated line whose
  // words mostly recur in one of the next four lines (a headline repeating the lead or the original
  // headline). A title that is a free rewrite of the original headline is not flagged: it links to
  // it. At most one title; nothing after a standfirst is a title (the standfirst closes the
  // editorial head, and the original headline that follows it repeats the lead too).
  for (size_t i = 0; i < std::min<size_t>(n - 1, 3); ++i) {
    if (kind[i] == EditorialKind::kStandfirst) break;
    if (kind[i] != EditorialKind::kNone || EndsWithSentencePunct(sentences[i])) continue;
    std::vector<std::string> w = Words(lower[i]);
    if (w.empty() || w.size() > 20) continue;
    bool title = false;
    std::set<std::string> mine(w.begin(), w.end());
    for (size_t k = i + 1; !title && k < std::min(n, i + 5); ++k) {
      if (kind[k] != EditorialKind::kNone && kind[k] != EditorialKind::kStandfirst) continue;
      std::vector<std::string> v = Words(lower[k]);
      std::set<std::string> theirs(v.begin(), v.end());
      size_t common = 0;
      for (const std::string& x : mine) common += theirs.count(x);
      if (common * 10 >= mine.size() * 7 && mine.size() >= 2) title = true;
    }
    if (title) {
      kind[i] = EditorialKind::kTitle;
      break;
    }
  }
  return kind;
}

}  // namespace dhakira::align

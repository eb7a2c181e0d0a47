// ArabicLightStem: the light stemmer of Larkey, Ballesteros & Connell ("Light Stemming for Arabic
// Information Retrieval", 2007) in the variant Lucene's ArabicStemmer implements: strip at most one
// prefix of ال وال بال كال فال لل و (tried in that order; و only when the word has at least 4
// letters), then try each suffix of ها ان ات ون ين يه ية ه ة ي in that order, stripping every one
// that matches, each time keeping at least 2 letters. Written from the paper's description, on code
// points of an already folded match key.
#include <string>
#include <string_view>

#include "dhakira/text.h"
#include "text/utf8.h"

namespace dhakira {
namespace {

constexpr std::u32string_view kPrefixes[] = {
    {U"\u0627\u0644"},        // ال
    {U"\u0648\u0627\u0644"},  // وال
    {U"\u0628\u0627\u0644"},  // بال
    {U"\u0643\u0627\u0644"},  // كال
    {U"\u0641\u0627\u0644"},  // فال
    {U"\u0644\u0644"},        // لل
    {U"\u0648"},              // و
};
constexpr std::u32string_view kSuffixes[] = {
    {U"\u0647\u0627"},  // ها
    {U"\u0627\u0646"},  // ان
    {U"\u0627\u062A"},  // ات
    {U"\u0648\u0646"},  // ون
    {U"\u064A\u0646"},  // ين
    {U"\u064A\u0647"},  // يه
    {U"\u064A\u0629"},  // ية
    {U"\u0647"},        // ه
    {U"\u0629"},        // ة
    {U"\u064A"},        // ي
};
}  // namespace

std::string ArabicLightStem(std::string_view key) {
  // Keys are short: decode into a fixed buffer, leave anything long or non-Arabic alone.
  char32_t buf[64];
  size_t len = 0;
  if (text_internal::FindInvalidUtf8(key) != std::string_view::npos) return std::string(key);
  for (size_t i = 0; i < key.size();) {
    const UChar32 c = text_internal::NextCodePoint(key, &i);
    if (c < 0x0621 || c > 0x064A || len == std::size(buf)) return std::string(key);
    buf[len++] = static_cast<char32_t>(c);
  }
  std::u32string_view word(buf, len);
  for (std::u32string_view prefix : kPrefixes) {
    if (prefix.size() == 1 && word.size() < 4) continue;  // و only before at least 3 more letters
    if (word.size() < prefix.size() + 2) continue;
    if (word.substr(0, prefix.size()) == prefix) {
      word.remove_prefix(prefix.size());
      break;
    }
  }
  for (std::u32string_view suffix : kSuffixes) {
    if (word.size() < suffix.size() + 2) continue;
    if (word.substr(word.size() - suffix.size()) == suffix) word.remove_suffix(suffix.size());
  }
  std::string out;
  out.reserve(word.size() * 2);
  for (char32_t c : word) text_internal::AppendUtf8(static_cast<UChar32>(c), &out);
  return out;
}

}  // namespace dhakira

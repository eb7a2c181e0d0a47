#include "align/editorial.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <set>

namespace dhakira::align {
namespace {

// The head is looked for among the first lines only: a layout puts at most a logo line, a title, a
// standfirst, the original headline and a photo line or two above the body.
constexpr size_t kMaxHeadLines = 8;
// A tail may hold short unpunctuated lines between its editorial lines ("Share", a lone date).
constexpr size_t kShortLineWords = 3;
// Title rule (unchanged from the phrase-table version): a title has 2..20 words, 70% of which recur
// in one of the next four lines.
constexpr size_t kTitleMaxWords = 20;
constexpr size_t kTitleLookahead = 4;

icu::UnicodeString TrimUnicode(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  int32_t begin = 0, end = u.length();
  // White_Space, not just ASCII: a paragraph of one no-break space is blank.
  while (begin < end && u_isUWhiteSpace(u.char32At(begin))) begin += U16_LENGTH(u.char32At(begin));
  while (end > begin && u_isUWhiteSpace(u.char32At(end - 1))) end -= U16_LENGTH(u.char32At(end - 1));
  return icu::UnicodeString(u, begin, end - begin);
}

// The last character of a line before any closing quotes; 0 for none.
UChar32 LastBeforeClosingQuotes(const icu::UnicodeString& line) {
  int32_t end = line.length();
  while (end > 0) {
    const UChar32 c = line.char32At(end - 1);
    if (c != '"' && c != '\'' && c != 0x201D && c != 0x2019 && c != 0xBB) return c;
    end -= U16_LENGTH(c);
  }
  return 0;
}

// Ends in ? ! or the Arabic question mark, possibly followed by closing quotes.
bool EndsWithQuestionOrExclamation(const icu::UnicodeString& line) {
  const UChar32 last = LastBeforeClosingQuotes(line);
  return last == '!' || last == '?' || last == 0x061F;
}

// Ends in . ! ? ؟ 。 … possibly followed by closing quotes.
bool EndsWithSentencePunct(const icu::UnicodeString& line) {
  const UChar32 last = LastBeforeClosingQuotes(line);
  return last == '.' || last == 0x3002 || last == 0x2026 || EndsWithQuestionOrExclamation(line);
}

// The case-folded alphanumeric words of a line.
std::vector<std::string> Words(const icu::UnicodeString& line) {
  icu::UnicodeString folded(line);
  folded.foldCase();
  std::vector<std::string> out;
  std::string cur;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) {
      icu::UnicodeString(c).toUTF8String(cur);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// One document: finds the head, the tail and the title, in that order (DetectEditorial).
class EditorialDetector {
 public:
  EditorialDetector(const std::vector<std::string>& sentences, const EditorialPatterns* builtin,
                    const EditorialPatterns* extra)
      : builtin_(builtin), extra_(extra), kind_(sentences.size(), EditorialKind::kNone) {
    for (const std::string& s : sentences) lines_.push_back(TrimUnicode(s));
  }

  std::vector<EditorialKind> Run() {
    const size_t head_end = MarkHead();
    MarkTail(head_end);
    MarkTitle(head_end);
    return std::move(kind_);
  }

 private:
  bool Blank(size_t i) const { return lines_[i].isEmpty(); }

  // A headline may end in ? or ! ("Another Black Person?!"): a short line that does is no body
  // sentence, nor does it stop being a title candidate.
  bool Headline(size_t i) const {
    if (!EndsWithSentencePunct(lines_[i])) return true;
    return EndsWithQuestionOrExclamation(lines_[i]) && Words(lines_[i]).size() <= kTitleMaxWords;
  }

  EditorialKind Match(size_t i, EditorialWhere where) const {
    EditorialKind kind = builtin_ != nullptr ? builtin_->Match(lines_[i], where) : EditorialKind::kNone;
    if (kind == EditorialKind::kNone && extra_ != nullptr) kind = extra_->Match(lines_[i], where);
    return kind;
  }

  // Names the head's editorial lines; returns the index of the first body sentence (or the size).
  // A standfirst sits under a headline: on the first line it is taken for the body's lead.
  size_t MarkHead() {
    size_t seen = 0;
    bool headline_above = false;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (Blank(i)) continue;
      if (++seen > kMaxHeadLines) return i;
      EditorialKind kind = Match(i, EditorialWhere::kHead);
      if (kind == EditorialKind::kStandfirst && !headline_above) kind = EditorialKind::kNone;
      if (kind != EditorialKind::kNone) {
        kind_[i] = kind;
        continue;
      }
      if (!Headline(i)) return i;
      headline_above = true;
    }
    return lines_.size();
  }

  // Names the tail's editorial lines, walking up from the end until a body sentence.
  void MarkTail(size_t head_end) {
    for (size_t j = lines_.size(); j-- > head_end;) {
      if (Blank(j)) continue;
      const EditorialKind kind = Match(j, EditorialWhere::kTail);
      if (kind != EditorialKind::kNone) {
        kind_[j] = kind;
      } else if (ContinuesDisclaimer(j, head_end)) {
        kind_[j] = EditorialKind::kDisclaimer;
      } else if (EndsWithSentencePunct(lines_[j]) || Words(lines_[j]).size() > kShortLineWords) {
        return;
      }
    }
  }

  // A sentence between two disclaimer sentences of the tail belongs to the disclaimer ("The desk has
  // not checked the figures." inside "This article was translated … / … lies with the author.").
  bool ContinuesDisclaimer(size_t j, size_t head_end) const {
    size_t next = j + 1;
    while (next < lines_.size() && Blank(next)) ++next;
    if (next == lines_.size() || kind_[next] != EditorialKind::kDisclaimer) return false;
    size_t prev = j;
    while (prev > head_end && Blank(prev - 1)) --prev;
    return prev > head_end && Match(prev - 1, EditorialWhere::kTail) == EditorialKind::kDisclaimer;
  }

  // The structural title cue (see DetectEditorial); a free rewrite of the original headline is not
  // flagged: it links to it.
  void MarkTitle(size_t head_end) {
    size_t candidates = 0;
    for (size_t i = 0; i < head_end && candidates < 3; ++i) {
      if (kind_[i] == EditorialKind::kStandfirst) return;
      if (Blank(i) || kind_[i] != EditorialKind::kNone) continue;
      ++candidates;
      if (!Headline(i)) continue;
      if (RecursBelow(i)) {
        kind_[i] = EditorialKind::kTitle;
        return;
      }
    }
  }

  // True when at least 70% of line i's (2..20) distinct words occur in one of the next four
  // non-blank lines that are unnamed or a standfirst.
  bool RecursBelow(size_t i) const {
    const std::vector<std::string> words = Words(lines_[i]);
    if (words.empty() || words.size() > kTitleMaxWords) return false;
    const std::set<std::string> mine(words.begin(), words.end());
    if (mine.size() < 2) return false;
    size_t looked = 0;
    for (size_t k = i + 1; k < lines_.size() && looked < kTitleLookahead; ++k) {
      if (Blank(k)) continue;
      ++looked;
      if (kind_[k] != EditorialKind::kNone && kind_[k] != EditorialKind::kStandfirst) continue;
      const std::vector<std::string> v = Words(lines_[k]);
      const std::set<std::string> theirs(v.begin(), v.end());
      size_t common = 0;
      for (const std::string& x : mine) common += theirs.count(x);
      if (common * 10 >= mine.size() * 7) return true;
    }
    return false;
  }

  const EditorialPatterns* builtin_;
  const EditorialPatterns* extra_;
  std::vector<icu::UnicodeString> lines_;  // trimmed
  std::vector<EditorialKind> kind_;
};

}  // namespace

std::vector<EditorialKind> DetectEditorial(const std::vector<std::string>& sentences, std::string_view lang,
                                           const EditorialPatterns* extra) {
  if (sentences.size() < 2) return std::vector<EditorialKind>(sentences.size(), EditorialKind::kNone);
  return EditorialDetector(sentences, BuiltinEditorialPatterns(lang), extra).Run();
}

}  // namespace dhakira::align

// SentenceSplitter: ICU's sentence BreakIterator (UAX #29) on unwrapped paragraph blocks, then our
// merge rules for abbreviations (docs/text.md#facts-the-splitter-relies-on).
//
// Why not FilteredBreakIteratorBuilder::suppressBreakAfter for the abbreviation lists: ICU 72
// matches the suppression strings as *suffixes* of the text before a break, without a word-start
// check. With "د." in the list it suppressed the real sentence end in "قال محمد. وأضاف" (محمد ends
// in د), and "Mr." suppressed "HMr. Jones." (measured). Arabic has many words ending in د م ص, so
// we look up the whole whitespace-delimited token before each break instead. ICU's own CLDR
// suppression lists ("ss=standard") share the flaw and are worse: with "de" they glued "Der Zug
// kam. Dann ging er." into one sentence (measured), so languages without a table of ours get ICU's
// plain UAX #29 rules.
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dhakira/text.h"
#include "text/language.h"
#include "text/split_data.h"
#include "text/utf8.h"

namespace dhakira {
namespace {

using text_internal::AbbrevKind;
using text_internal::NextCodePoint;
using text_internal::PrevCodePointStart;

// Paragraphs with lines longer than this (code points) are not hard-wrapped: no editor or mailer
// wraps that wide, so each newline in them ends a sentence (files with one paragraph or sentence
// per line).
constexpr uint32_t kMaxWrappedLineChars = 150;

bool IsSpace(UChar32 c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return u_isUWhiteSpace(c);
}

// Opening punctuation and quotes that may precede a word: ( [ « " ' “ ‘ ...
bool IsOpening(UChar32 c) {
  if (c == '"' || c == '\'') return true;
  if (c < 0x80) return c == '(' || c == '[' || c == '{';
  const int8_t type = u_charType(c);
  return type == U_START_PUNCTUATION || type == U_INITIAL_PUNCTUATION || c == 0x00AB || c == 0x00BB;
}

bool IsClosing(UChar32 c) {
  if (c == '"' || c == '\'') return true;
  if (c < 0x80) return c == ')' || c == ']' || c == '}';
  const int8_t type = u_charType(c);
  return type == U_END_PUNCTUATION || type == U_FINAL_PUNCTUATION || c == 0x00AB || c == 0x00BB;
}

std::string_view StripOpening(std::string_view s) {
  while (!s.empty()) {
    size_t i = 0;
    if (!IsOpening(NextCodePoint(s, &i))) break;
    s.remove_prefix(i);
  }
  return s;
}

bool StartsWithDigit(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  return u_isdigit(NextCodePoint(s, &i));
}

// Start of the whitespace-delimited run that ends at `end`.
size_t RunStart(std::string_view s, size_t end) {
  while (end > 0) {
    const size_t prev = PrevCodePointStart(s, end);
    size_t tmp = prev;
    if (IsSpace(NextCodePoint(s, &tmp))) break;
    end = prev;
  }
  return end;
}

// End of the whitespace-delimited run that starts at `begin`.
size_t RunEnd(std::string_view s, size_t begin) {
  while (begin < s.size()) {
    size_t next = begin;
    if (IsSpace(NextCodePoint(s, &next))) break;
    begin = next;
  }
  return begin;
}

size_t SkipSpaceBack(std::string_view s, size_t end) {
  while (end > 0) {
    const size_t prev = PrevCodePointStart(s, end);
    size_t tmp = prev;
    if (!IsSpace(NextCodePoint(s, &tmp))) break;
    end = prev;
  }
  return end;
}

size_t SkipSpaceForward(std::string_view s, size_t begin) {
  while (begin < s.size()) {
    size_t next = begin;
    if (!IsSpace(NextCodePoint(s, &next))) break;
    begin = next;
  }
  return begin;
}

// Does the line end like a sentence or a clause (terminal punctuation or a dash, maybe inside
// quotes)?
bool EndsWithPunctuation(std::string_view line) {
  size_t end = SkipSpaceBack(line, line.size());
  while (end > 0) {
    const size_t prev = PrevCodePointStart(line, end);
    size_t tmp = prev;
    const UChar32 c = NextCodePoint(line, &tmp);
    if (IsClosing(c)) {
      end = prev;
      continue;
    }
    return u_hasBinaryProperty(c, UCHAR_TERMINAL_PUNCTUATION) || u_charType(c) == U_DASH_PUNCTUATION;
  }
  return false;
}

// The leading word of `s` (letters and digits) without its nonspacing marks: "قائلًا:" -> "قائلا".
std::string BareWord(std::string_view s) {
  std::string word;
  for (size_t i = 0; i < s.size();) {
    size_t n = i;
    const UChar32 c = NextCodePoint(s, &n);
    if (u_charType(c) != U_NON_SPACING_MARK) {
      if (!u_isalnum(c)) break;
      word.append(s.substr(i, n - i));
    }
    i = n;
  }
  return word;
}

bool Contains(std::span<const std::string_view> list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Does `token` end with a closing quote right after ? ! or ؟ ("...؟»", "...!\"")?
bool ClosesQuoteAfterQuestion(std::string_view token) {
  size_t end = token.size();
  int closing = 0;
  while (end > 0) {
    const size_t prev = PrevCodePointStart(token, end);
    size_t tmp = prev;
    const UChar32 c = NextCodePoint(token, &tmp);
    if (IsClosing(c)) {
      ++closing;
      end = prev;
      continue;
    }
    return closing > 0 && (c == '?' || c == '!' || c == 0x061F);
  }
  return false;
}

uint32_t CountCodePoints(std::string_view s) {
  uint32_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

struct Line {
  size_t begin = 0;    // first byte
  size_t end = 0;      // one past the last byte before the line terminator
  size_t next = 0;     // first byte of the next line
  uint32_t chars = 0;  // code points without surrounding whitespace
  bool blank = false;
};

class SentenceSplitterImpl final : public SentenceSplitter {
 public:
  SentenceSplitterImpl(const SplitterOptions& options, std::string language)
      : options_(options), language_(std::move(language)) {
    data_ = text_internal::SplitDataFor(text_internal::PrimaryLanguage(language_));
  }
  ~SentenceSplitterImpl() override { utext_close(&utext_); }

  Status Init() {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale = icu::Locale::forLanguageTag(language_, status);
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      locale = icu::Locale::getRoot();
    }
    sentences_.reset(icu::BreakIterator::createSentenceInstance(locale, status));
    if (U_FAILURE(status) || !sentences_) {
      return text_internal::IcuStatus(status, "creating the ICU sentence break iterator");
    }
    return Status::OK();
  }

  StatusOr<std::vector<Sentence>> Split(std::string_view text) override {
    DHAKIRA_RETURN_IF_ERROR(text_internal::CheckUtf8(text, "splitting sentences"));
    if (text.size() >= UINT32_MAX) {
      return Status::InvalidArgument("splitting sentences: input longer than 4 GiB");
    }
    std::vector<Sentence> out;
    if (text.empty()) return out;
    joined_.assign(text);
    ScanLines(text);

    size_t i = 0;
    while (i < lines_.size()) {
      if (lines_[i].blank) {
        ++i;
        continue;
      }
      size_t j = i;  // paragraph: lines i .. j-1
      uint32_t widest = 0;
      while (j < lines_.size() && !lines_[j].blank) widest = std::max(widest, lines_[j++].chars);
      const bool wrapped = IsWrappedParagraph(text, i, j, widest);
      bool paragraph_start = true;
      size_t block_begin = lines_[i].begin;
      for (size_t k = i; k < j; ++k) {
        const Line& line = lines_[k];
        if (k + 1 < j && !IsBoundaryAfter(text, k, wrapped, widest)) {
          for (size_t b = line.end; b < line.next; ++b) joined_[b] = ' ';  // the hard wrap
          continue;
        }
        DHAKIRA_RETURN_IF_ERROR(SplitBlock(text, block_begin, line.end, paragraph_start, &out));
        paragraph_start = false;
        if (k + 1 < j) block_begin = lines_[k + 1].begin;
      }
      i = j;
    }
    return out;
  }

 private:
  void ScanLines(std::string_view text) {
    lines_.clear();
    size_t begin = 0;
    while (begin < text.size()) {
      Line line;
      line.begin = begin;
      size_t e = begin;
      while (e < text.size() && text[e] != '\n' && text[e] != '\r') ++e;
      line.end = e;
      if (e < text.size()) {
        e += (text[e] == '\r' && e + 1 < text.size() && text[e + 1] == '\n') ? 2 : 1;
      }
      line.next = e;
      std::string_view content = text.substr(line.begin, line.end - line.begin);
      const size_t first = SkipSpaceForward(content, 0);
      const size_t last = SkipSpaceBack(content, content.size());
      line.blank = first >= last;
      line.chars = line.blank ? 0 : CountCodePoints(content.substr(first, last - first));
      lines_.push_back(line);
      begin = e;
    }
  }

  // Code points of the first word of `line`.
  static uint32_t FirstWordChars(std::string_view text, const Line& line) {
    const std::string_view t = LineText(text, line);
    const size_t begin = SkipSpaceForward(t, 0);
    return CountCodePoints(t.substr(begin, RunEnd(t, begin) - begin));
  }

  // Is the paragraph of lines [first, last) hard-wrapped? `widest` is its longest line in code
  // points, our estimate of the wrap width W. The classic reflow test (as text unwrapping tools
  // do): text wrapped at W moves a word to the next line only when it does not fit, so a line after
  // which the next line's first word would not have fitted is evidence of wrapping. The widest line
  // passes trivially and is no evidence, except in a two-line paragraph whose second line is not
  // longer (a wrapped paragraph's last line is its shortest; a headline is shorter than the text
  // under it). Paragraphs wider than kMaxWrappedLineChars are never wrapped: one paragraph or
  // sentence per line.
  bool IsWrappedParagraph(std::string_view text, size_t first, size_t last, uint32_t widest) const {
    if (!options_.unwrap_lines || widest > kMaxWrappedLineChars || last - first < 2) return false;
    int evidence = 0;
    bool trivial_seen = false;
    for (size_t k = first; k + 1 < last; ++k) {
      if (lines_[k].chars + 1 + FirstWordChars(text, lines_[k + 1]) <= widest) continue;
      if (lines_[k].chars == widest && !trivial_seen) {
        trivial_seen = true;
      } else {
        ++evidence;
      }
    }
    return evidence > 0 || (last - first == 2 && lines_[first + 1].chars <= lines_[first].chars);
  }

  // Does a sentence end at the newline after lines_[k] (not the last line of its paragraph)?
  // In a paragraph that is not hard-wrapped every newline does, unless the line ends with a title
  // abbreviation ("د.\nأحمد"). In a wrapped one, a line ending with punctuation is joined (ICU
  // breaks after the punctuation anyway, and the abbreviation rules need to see what follows);
  // other lines are joined unless they are a headline: a short line after which the next word would
  // have fitted.
  bool IsBoundaryAfter(std::string_view text, size_t k, bool wrapped, uint32_t widest) const {
    if (!options_.unwrap_lines) return true;
    const Line& line = lines_[k];
    if (!wrapped) return !EndsWithTitle(LineText(text, line));
    if (EndsWithPunctuation(LineText(text, line))) return false;
    const bool would_have_fitted = line.chars + 1 + FirstWordChars(text, lines_[k + 1]) <= widest;
    return would_have_fitted && line.chars < options_.headline_max_chars;
  }

  static std::string_view LineText(std::string_view text, const Line& line) {
    return text.substr(line.begin, line.end - line.begin);
  }

  Status SplitBlock(std::string_view text, size_t begin, size_t end, bool paragraph_start, std::vector<Sentence>* out) {
    const std::string_view block(joined_.data() + begin, end - begin);
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&utext_, block.data(), static_cast<int64_t>(block.size()), &status);
    if (U_FAILURE(status)) return text_internal::IcuStatus(status, "opening text for ICU");
    sentences_->setText(&utext_, status);
    if (U_FAILURE(status)) return text_internal::IcuStatus(status, "setting sentence iterator text");
    breaks_.clear();
    breaks_.push_back(0);
    for (int32_t p = sentences_->next(); p != icu::BreakIterator::DONE; p = sentences_->next()) {
      const size_t pos = static_cast<size_t>(p);
      if (pos >= block.size()) break;
      if (!ShouldMerge(block, pos)) breaks_.push_back(pos);
    }
    breaks_.push_back(block.size());
    for (size_t k = 0; k + 1 < breaks_.size(); ++k) {
      const size_t s = SkipSpaceForward(block, breaks_[k]);
      const size_t e = SkipSpaceBack(block, breaks_[k + 1]);
      if (s >= e) continue;
      Sentence& sentence = out->emplace_back();
      sentence.begin = static_cast<uint32_t>(begin + s);
      sentence.end = static_cast<uint32_t>(begin + e);
      sentence.starts_paragraph = paragraph_start;
      paragraph_start = false;
      // Text: whitespace runs holding a hard-wrap newline become one space; other spacing is kept.
      const std::string_view original = text.substr(begin + s, e - s);
      sentence.text.reserve(original.size());
      for (size_t x = 0; x < original.size();) {
        const char c = original[x];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          size_t y = x;
          bool newline = false;
          while (y < original.size() &&
                 (original[y] == ' ' || original[y] == '\t' || original[y] == '\n' || original[y] == '\r')) {
            newline |= original[y] == '\n' || original[y] == '\r';
            ++y;
          }
          if (newline) {
            sentence.text.push_back(' ');
          } else {
            sentence.text.append(original.substr(x, y - x));
          }
          x = y;
        } else {
          sentence.text.push_back(c);
          ++x;
        }
      }
    }
    // Do not keep a pointer into joined_ beyond this call.
    utext_openUTF8(&utext_, "", 0, &status);
    sentences_->setText(&utext_, status);
    return Status::OK();
  }

  // Does `line` end with a title abbreviation or an initial (which never ends a sentence)?
  bool EndsWithTitle(std::string_view line) const {
    if (data_ == nullptr) return false;
    const size_t end = SkipSpaceBack(line, line.size());
    const std::string_view token = StripOpening(line.substr(RunStart(line, end), end - RunStart(line, end)));
    const text_internal::Abbreviation* a = Find(token);
    return (a != nullptr && a->kind == AbbrevKind::kTitle) || IsInitial(token);
  }

  // A single letter and a period: "W." (cased scripts: capitals only), "ن." (Arabic).
  bool IsInitial(std::string_view token) const {
    if (!data_->initials || token.empty() || token.back() != '.') return false;
    size_t i = 0;
    const UChar32 c = NextCodePoint(token, &i);
    if (i + 1 != token.size() || !u_isalpha(c)) return false;
    // In a caseless script a Latin letter is more often a name ("درجة A.") than an initial.
    return data_->cased ? static_cast<bool>(u_isupper(c)) : !u_isupper(c) && !u_islower(c);
  }

  const text_internal::Abbreviation* Find(std::string_view token) const {
    for (const auto& a : data_->abbreviations) {
      if (a.text == token) return &a;
    }
    return nullptr;
  }

  // Should ICU's break at `pos` of `block` be dropped (an abbreviation, not a sentence end)?
  bool ShouldMerge(std::string_view block, size_t pos) const {
    if (data_ == nullptr) return false;
    const size_t q = SkipSpaceBack(block, pos);
    if (q == 0) return false;
    if (q == pos) {
      // A break inside a run of non-space: ICU breaks "أ.د." into "أ." "د." (Arabic letters are
      // OLetter, UAX #29 SB11). Keep the run together if the whole run is a known multi-dot
      // abbreviation; a break such as "الاجتماع.وقال" stays.
      const std::string_view run =
          StripOpening(block.substr(RunStart(block, q), RunEnd(block, pos) - RunStart(block, q)));
      return Find(run) != nullptr;
    }
    const size_t run_start = RunStart(block, q);
    const std::string_view token = StripOpening(block.substr(run_start, q - run_start));
    const size_t next_end = RunEnd(block, pos);
    const std::string_view next = StripOpening(block.substr(pos, next_end - pos));
    if (data_->cased && !next.empty()) {
      size_t i = 0;
      if (u_islower(NextCodePoint(next, &i))) return true;
    }
    if (data_->ellipsis_is_pause && (token.ends_with("..") || token.ends_with("\u2026"))) {
      return true;  // حماة.. وتحسن / جدًا ... إنهم
    }
    if (!data_->quote_continuations.empty() && ClosesQuoteAfterQuestion(token)) {
      // «...؟» تساءل أحمد / "...!" Hammel added: the reporting verb is the first or second word.
      if (Contains(data_->quote_continuations, BareWord(next))) return true;
      const size_t second = SkipSpaceForward(block, next_end);
      if (Contains(data_->quote_continuations, BareWord(block.substr(second)))) return true;
    }
    AbbrevKind kind;
    if (const auto* a = Find(token)) {
      kind = a->kind;
    } else if (IsInitial(token)) {
      kind = AbbrevKind::kMidSentence;  // "George W. Bush", but "grade A. The data"
    } else {
      return false;
    }
    switch (kind) {
      case AbbrevKind::kTitle:
        return true;
      case AbbrevKind::kEra: {
        // "عام 1950 م. وتوفي": a date marker after a number ends the sentence; "م. أحمد" (engineer)
        // does not.
        const size_t prev_end = SkipSpaceBack(block, run_start);
        const size_t prev_start = RunStart(block, prev_end);
        return !StartsWithDigit(StripOpening(block.substr(prev_start, prev_end - prev_start)));
      }
      case AbbrevKind::kBeforeNumber:
        return StartsWithDigit(next);
      case AbbrevKind::kMidSentence:
        return !Contains(data_->sentence_starters, BareWord(next));
    }
    return false;
  }

  SplitterOptions options_;
  std::string language_;
  const text_internal::SplitLanguageData* data_ = nullptr;
  std::unique_ptr<icu::BreakIterator> sentences_;
  UText utext_ = UTEXT_INITIALIZER;
  std::string joined_;  // the input with hard-wrap newlines turned into spaces (same byte offsets)
  std::vector<Line> lines_;
  std::vector<size_t> breaks_;
};

}  // namespace

Status SplitterOptions::Validate() const {
  if (language.empty()) return Status::InvalidArgument("SplitterOptions.language: empty");
  StatusOr<std::string> canonical = CanonicalLanguage(language);
  if (!canonical.ok()) return canonical.status().WithContext("SplitterOptions.language");
  if (headline_max_chars > 1000) {
    return Status::InvalidArgument("SplitterOptions.headline_max_chars: " + std::to_string(headline_max_chars) +
                                   " is outside 0 .. 1000");
  }
  return Status::OK();
}

StatusOr<std::unique_ptr<SentenceSplitter>> SentenceSplitter::Create(const SplitterOptions& options) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(std::string language, CanonicalLanguage(options.language));
  auto impl = std::make_unique<SentenceSplitterImpl>(options, std::move(language));
  DHAKIRA_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<SentenceSplitter>(std::move(impl));
}

}  // namespace dhakira

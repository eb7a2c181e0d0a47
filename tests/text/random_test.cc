// Randomized robustness of the text pipeline (fixed seed, so failures reproduce): strings drawn
// from the code points that exercise every rule (Arabic letters and marks, digits and separators,
// placeholders, bidi controls, NFKC expansions, newlines, abbreviations) must give tokens and
// sentences that satisfy the span invariants, and random bytes must give either a result or
// InvalidArgument, never a crash.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dhakira/text.h"

namespace dhakira {
namespace {

const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {
      "ا",      "ل",      "ك",       "ت",      "ب",      "ة",      "ى",      "أ",      "إ",      "آ",      "ٱ",
      "ؤ",      "ئ",      "ء",       "ی",      "ک",      "ـ",      "\u064B", "\u0651", "\u0652", "\u0670", "\u0653",
      "\u0654", "٠",      "٣",       "۵",      "٫",      "٬",      "٪",      "1",      "2",      "9",      ".",
      ",",      "%",      " ",       " ",      " ",      "\n",     "\n\n",   "\r\n",   "\t",     "\u200E", "\u200F",
      "\u061C", "\u200D", "\u200C",  "\u202B", "\u202C", "\u2067", "\u2069", "\uE000", "\uE001", "\uF8FF", "\uFDFA",
      "\uFDFC", "\uFEFB", "ﬁ",       "ß",      "İ",      "A",      "b",      "Z",      "?",      "!",      "؟",
      "،",      "«",      "»",       "\"",     "(",      ")",      "…",      "د.",     "أ.د.",   "ص.ب.",   "م.",
      "Mr.",    "U.S.",   "e\u0301", "\u00A0", "\u2029", "😀",      "\u0301",
  };
  return pieces;
}

std::string RandomText(std::mt19937* rng, size_t max_pieces) {
  const auto& pieces = Pieces();
  std::uniform_int_distribution<size_t> count(0, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string text;
  for (size_t n = count(*rng); n > 0; --n) text += pieces[pick(*rng)];
  return text;
}

TEST(TextRandomTest, NormalizerInvariants) {
  std::mt19937 rng(20261129);
  for (const char* language : {"ar", "en", "de"}) {
    auto normalizer = Normalizer::Create({.language = language});
    ASSERT_TRUE(normalizer.ok());
    for (int i = 0; i < 1500; ++i) {
      const std::string text = RandomText(&rng, 40);
      auto result = (*normalizer)->Normalize(text);
      ASSERT_TRUE(result.ok()) << result.status().ToString() << " for " << text;
      uint32_t last_begin = 0, last_end = 0;
      for (const Token& t : result->tokens) {
        ASSERT_LT(t.begin, t.end) << text;
        ASSERT_LE(t.end, result->text.size()) << text;
        ASSERT_GE(t.begin, last_begin) << text;
        // Tokens never overlap, except the words of one NFKC expansion, which share a span.
        if (t.begin != last_begin || t.end != last_end) {
          ASSERT_GE(t.begin, last_end) << text;
        }
        last_begin = t.begin;
        last_end = t.end;
        EXPECT_FALSE(t.key.empty()) << text;
        EXPECT_EQ(t.key.find(' '), std::string::npos) << text;
        if (t.type == TokenType::kPlaceholder) {
          EXPECT_EQ(t.end - t.begin, 3u);
        }
      }
    }
  }
}

TEST(TextRandomTest, SplitterInvariants) {
  std::mt19937 rng(7);
  for (const char* language : {"ar", "en", "fr"}) {
    for (bool unwrap : {true, false}) {
      SplitterOptions options;
      options.language = language;
      options.unwrap_lines = unwrap;
      auto splitter = SentenceSplitter::Create(options);
      ASSERT_TRUE(splitter.ok());
      for (int i = 0; i < 600; ++i) {
        const std::string text = RandomText(&rng, 80);
        auto sentences = (*splitter)->Split(text);
        ASSERT_TRUE(sentences.ok()) << sentences.status().ToString();
        uint32_t last_end = 0;
        for (const Sentence& s : *sentences) {
          ASSERT_LE(last_end, s.begin) << text;
          ASSERT_LT(s.begin, s.end) << text;
          ASSERT_LE(s.end, text.size()) << text;
          last_end = s.end;
          EXPECT_FALSE(s.text.empty());
          EXPECT_EQ(s.text.find('\n'), std::string::npos) << text;
        }
      }
    }
  }
}

TEST(TextRandomTest, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 64);
  auto normalizer = Normalizer::Create({.language = "ar"});
  auto splitter = SentenceSplitter::Create({.language = "ar"});
  ASSERT_TRUE(normalizer.ok() && splitter.ok());
  for (int i = 0; i < 3000; ++i) {
    std::string bytes;
    for (int n = length(rng); n > 0; --n) bytes.push_back(static_cast<char>(byte(rng)));
    auto result = (*normalizer)->Normalize(bytes);
    if (!result.ok()) {
      EXPECT_TRUE(result.status().IsInvalidArgument());
    }
    auto sentences = (*splitter)->Split(bytes);
    if (!sentences.ok()) {
      EXPECT_TRUE(sentences.status().IsInvalidArgument());
    }
    EXPECT_EQ(result.ok(), sentences.ok()) << "both validate UTF-8 the same way";
  }
}

}  // namespace
}  // namespace dhakira

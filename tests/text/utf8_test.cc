// FindInvalidUtf8: its fast paths (ASCII words, 2-byte and common 3-byte sequences) must agree with ICU's
// U8_NEXT on every input, valid or not.
#include "text/utf8.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <random>
#include <string>

namespace dhakira::text_internal {
namespace {

// The reference: ICU's U8_NEXT over the whole string.
size_t ReferenceFindInvalid(const std::string& s) {
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return std::string::npos;
}

struct Case {
  const char* name;
  std::string bytes;
  size_t expected;  // npos: well-formed
};

TEST(FindInvalidUtf8Test, Table) {
  const size_t ok = std::string::npos;
  const Case cases[] = {
      {"empty", "", ok},
      {"ascii longer than a word", "The quick brown fox, 12 times.", ok},
      {"arabic (2-byte)", "\xD9\x81\xD9\x8A \xD8\xAF\xD9\x85\xD8\xB4\xD9\x82", ok},
      {"arabic-indic digits", "\xD9\xA1\xD9\xA2", ok},
      {"3-byte E2 (dash)",
       "a\xE2\x80\x94"
       "b",
       ok},
      {"3-byte EF (BOM, U+FFFD)", "\xEF\xBB\xBF\xEF\xBF\xBD", ok},
      {"3-byte EF noncharacter U+FFFE (well-formed)", "\xEF\xBF\xBE", ok},
      {"3-byte E0 valid", "\xE0\xA4\x85", ok},
      {"3-byte ED valid (U+D7FF)", "\xED\x9F\xBF", ok},
      {"4-byte emoji", "x\xF0\x9F\x98\x80", ok},
      {"4-byte U+10FFFF", "\xF4\x8F\xBF\xBF", ok},
      {"lone continuation", "ab\x80", 2},
      {"C0 overlong", "abc\xC0\xAF", 3},
      {"C1 overlong", "\xC1\xBF", 0},
      {"2-byte truncated at end", "abcdefghij\xD9", 10},
      {"2-byte lead then ascii",
       "\xD9"
       "a",
       0},
      {"E0 overlong", "\xE0\x80\x80", 0},
      {"ED surrogate", "\xD9\x81\xED\xA0\x80", 2},
      {"3-byte truncated", "\xE2\x80", 0},
      {"3-byte bad second continuation",
       "\xE2\x80"
       "a",
       0},
      {"F4 above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"F5 lead", "\xF5\x80\x80\x80", 0},
      {"FF byte", "abcdefgh\xFF", 8},
      {"4-byte truncated", "\xF0\x9F\x98", 0},
      {"error after a long ascii run", std::string(100, 'a') + "\x80", 100},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(FindInvalidUtf8(c.bytes), c.expected);
    EXPECT_EQ(ReferenceFindInvalid(c.bytes), c.expected);  // the table itself agrees with ICU
  }
}

TEST(FindInvalidUtf8Test, AgreesWithIcuOnRandomBytes) {
  // Random strings biased towards the bytes that start and continue multi-byte sequences.
  std::mt19937 rng(20261206);
  const unsigned char alphabet[] = {'a',  ' ',  0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xD8, 0xD9, 0xDF, 0xE0,
                                    0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x85, 0xB0};
  std::uniform_int_distribution<size_t> pick(0, sizeof alphabet - 1);
  std::uniform_int_distribution<size_t> length(0, 24);
  for (int round = 0; round < 200000; ++round) {
    std::string s(length(rng), '\0');
    for (char& ch : s) ch = static_cast<char>(alphabet[pick(rng)]);
    ASSERT_EQ(FindInvalidUtf8(s), ReferenceFindInvalid(s)) << "round " << round;
  }
}

TEST(CheckUtf8Test, NamesTheOffsetAndByte) {
  const Status s = CheckUtf8("ab\xFF", "source");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "source: invalid UTF-8 at byte offset 2 (byte 0xFF)");
  EXPECT_TRUE(CheckUtf8("\xD9\x81", "source").ok());
}

}  // namespace
}  // namespace dhakira::text_internal

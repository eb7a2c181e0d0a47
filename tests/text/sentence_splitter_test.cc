// SentenceSplitter: golden cases (tests/testdata/text/split_golden.txt), spans, options, errors,
// and the hand-split sample articles of data/articles.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/text.h"
#include "testing/files.h"

namespace dhakira {
namespace {

using test_support::Lines;
using test_support::ReadFile;

struct GoldenCase {
  std::string name;
  SplitterOptions options;
  std::string input;
  std::vector<std::string> expected;  // "¶ " prefix marks starts_paragraph
  int line = 0;                       // of the header in the golden file
};

std::vector<GoldenCase> LoadGolden(const std::string& path) {
  std::vector<GoldenCase> cases;
  const std::vector<std::string> lines = Lines(ReadFile(path));
  enum { kOutside, kInput, kExpected } state = kOutside;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("=== ", 0) == 0) {
      GoldenCase c;
      c.line = static_cast<int>(i + 1);
      std::stringstream header(line.substr(4));
      std::string field;
      bool first = true;
      while (std::getline(header, field, '|')) {
        while (!field.empty() && field.front() == ' ') field.erase(0, 1);
        while (!field.empty() && field.back() == ' ') field.pop_back();
        if (first) {
          c.name = field;
          first = false;
        } else if (field.rfind("lang=", 0) == 0) {
          c.options.language = field.substr(5);
        } else if (field == "unwrap=0") {
          c.options.unwrap_lines = false;
        } else if (field.rfind("headline=", 0) == 0) {
          c.options.headline_max_chars = static_cast<uint32_t>(std::stoul(field.substr(9)));
        } else {
          ADD_FAILURE() << path << ":" << i + 1 << ": unknown header field " << field;
        }
      }
      cases.push_back(c);
      state = kInput;
      continue;
    }
    if (state == kOutside) continue;
    GoldenCase& c = cases.back();
    if (state == kInput) {
      if (line == "---") {
        if (!c.input.empty()) c.input.pop_back();  // the newline of the last input line
        state = kExpected;
      } else {
        c.input += line + "\n";
      }
    } else if (!line.empty()) {
      c.expected.push_back(line);
    } else {
      state = kOutside;
    }
  }
  return cases;
}

// Checks the invariants every split must satisfy, whatever the sentences are.
void CheckSpans(const std::string& input, const std::vector<Sentence>& sentences, const std::string& context) {
  uint32_t last_end = 0;
  for (const Sentence& s : sentences) {
    ASSERT_LE(last_end, s.begin) << context;
    ASSERT_LT(s.begin, s.end) << context;
    ASSERT_LE(s.end, input.size()) << context;
    last_end = s.end;
    // The text is the span with hard-wrap newlines (and the spacing around them) as one space.
    std::string expected;
    const std::string span = input.substr(s.begin, s.end - s.begin);
    for (size_t i = 0; i < span.size();) {
      if (span[i] == ' ' || span[i] == '\t' || span[i] == '\r' || span[i] == '\n') {
        size_t j = i;
        bool newline = false;
        while (j < span.size() && (span[j] == ' ' || span[j] == '\t' || span[j] == '\r' || span[j] == '\n')) {
          newline |= span[j] == '\r' || span[j] == '\n';
          ++j;
        }
        expected += newline ? std::string(" ") : span.substr(i, j - i);
        i = j;
      } else {
        expected += span[i++];
      }
    }
    EXPECT_EQ(s.text, expected) << context;
  }
}

TEST(SentenceSplitterTest, Golden) {
  const std::string path = std::string(DHAKIRA_TESTDATA_DIR) + "/text/split_golden.txt";
  const std::vector<GoldenCase> cases = LoadGolden(path);
  ASSERT_GE(cases.size(), 30u) << path;
  for (const GoldenCase& c : cases) {
    const std::string context = path + ":" + std::to_string(c.line) + " (" + c.name + ")";
    auto splitter = SentenceSplitter::Create(c.options);
    ASSERT_TRUE(splitter.ok()) << context << ": " << splitter.status().ToString();
    auto sentences = (*splitter)->Split(c.input);
    ASSERT_TRUE(sentences.ok()) << context << ": " << sentences.status().ToString();
    std::vector<std::string> got;
    for (const Sentence& s : *sentences) got.push_back((s.starts_paragraph ? "¶ " : "") + s.text);
    EXPECT_EQ(got, c.expected) << context;
    CheckSpans(c.input, *sentences, context);
  }
}

TEST(SentenceSplitterTest, CrLfLineEnds) {
  auto splitter = SentenceSplitter::Create({.language = "en"});
  ASSERT_TRUE(splitter.ok());
  const std::string input =
      "The minister said the government would\r\nwork on better services in all provinces\r\n"
      "next year. He added that the budget was\r\nready.\r\n\r\nNew paragraph.\r\n";
  auto sentences = (*splitter)->Split(input);
  ASSERT_TRUE(sentences.ok());
  ASSERT_EQ(sentences->size(), 3u);
  EXPECT_EQ((*sentences)[0].text,
            "The minister said the government would work on better services in all provinces next "
            "year.");
  EXPECT_EQ((*sentences)[1].text, "He added that the budget was ready.");
  EXPECT_EQ((*sentences)[2].text, "New paragraph.");
  EXPECT_TRUE((*sentences)[2].starts_paragraph);
  CheckSpans(input, *sentences, "crlf");
}

TEST(SentenceSplitterTest, UnicodeSeparatorsAndNoUnwrap) {
  auto splitter = SentenceSplitter::Create({.language = "ar"});
  ASSERT_TRUE(splitter.ok());
  // U+2029 PARAGRAPH SEPARATOR and U+2028 LINE SEPARATOR end a sentence (UAX #29 SB4).
  const std::string input = "العنوان الأول\u2029النص هنا\u2028سطر آخر";
  auto sentences = (*splitter)->Split(input);
  ASSERT_TRUE(sentences.ok());
  std::vector<std::string> got;
  for (const Sentence& s : *sentences) got.push_back(s.text);
  EXPECT_EQ(got, (std::vector<std::string>{"العنوان الأول", "النص هنا", "سطر آخر"}));
  CheckSpans(input, *sentences, "separators");

  SplitterOptions options;
  options.language = "en";
  options.unwrap_lines = false;
  auto lines = SentenceSplitter::Create(options);
  ASSERT_TRUE(lines.ok());
  const std::string crlf = "one line\r\nanother line\r\n\r\nthird. Fourth.";
  auto split = (*lines)->Split(crlf);
  ASSERT_TRUE(split.ok());
  got.clear();
  for (const Sentence& s : *split) got.push_back((s.starts_paragraph ? "¶ " : "") + s.text);
  EXPECT_EQ(got, (std::vector<std::string>{"¶ one line", "another line", "¶ third.", "Fourth."}));
  CheckSpans(crlf, *split, "no unwrap");
}

TEST(SentenceSplitterTest, EmptyAndBlank) {
  auto splitter = SentenceSplitter::Create({.language = "ar"});
  ASSERT_TRUE(splitter.ok());
  for (const char* input : {"", " ", "\n\n", " \t\r\n "}) {
    auto sentences = (*splitter)->Split(input);
    ASSERT_TRUE(sentences.ok());
    EXPECT_TRUE(sentences->empty()) << "'" << input << "'";
  }
}

TEST(SentenceSplitterTest, InvalidUtf8NamesTheOffset) {
  auto splitter = SentenceSplitter::Create({.language = "ar"});
  ASSERT_TRUE(splitter.ok());
  auto sentences = (*splitter)->Split(std::string("جملة.\n\xFF"));
  ASSERT_FALSE(sentences.ok());
  EXPECT_TRUE(sentences.status().IsInvalidArgument());
  EXPECT_NE(sentences.status().message().find("byte offset 10"), std::string::npos) << sentences.status().ToString();
}

TEST(SentenceSplitterTest, OptionsValidation) {
  SplitterOptions options;
  EXPECT_NE(options.Validate().message().find("language"), std::string::npos);
  options.language = "*all*";
  EXPECT_FALSE(options.Validate().ok());
  options.language = "ar";
  EXPECT_TRUE(options.Validate().ok());
  options.headline_max_chars = 1001;
  EXPECT_NE(options.Validate().message().find("headline_max_chars"), std::string::npos);
  EXPECT_FALSE(SentenceSplitter::Create(options).ok());
}

// The hand-split sample articles (data/articles): our split must equal the .split files line for
// line.
TEST(SentenceSplitterTest, SampleArticlesMatchHandSplit) {
  const std::string dir = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/";
  int compared = 0;
  for (const char* slug : {"hama-wheat-harvest", "tartus-solar-pumping", "aleppo-exam-transport"}) {
    for (const char* lang : {"ar", "en"}) {
      const std::string base = dir + slug + "." + lang;
      const std::string text = ReadFile(base + ".txt");
      const std::vector<std::string> gold = Lines(ReadFile(base + ".split"));
      if (text.empty() || gold.empty()) GTEST_SKIP() << "no sample articles in " << dir;
      auto splitter = SentenceSplitter::Create({.language = lang});
      ASSERT_TRUE(splitter.ok());
      auto sentences = (*splitter)->Split(text);
      ASSERT_TRUE(sentences.ok()) << sentences.status().ToString();
      CheckSpans(text, *sentences, base);
      std::vector<std::string> got;
      for (const Sentence& s : *sentences) got.push_back(s.text);
      EXPECT_EQ(got, gold) << base;
      compared += static_cast<int>(gold.size());
    }
  }
  EXPECT_GT(compared, 90);
}

}  // namespace
}  // namespace dhakira

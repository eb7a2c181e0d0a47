// Consistency of the hand-annotated sample articles in data/articles (see data/README.md):
// the presplit .split files hold the words of the .txt articles, the gold links cover every
// sentence id of each side exactly once and in order, and data/sample-pairs.tsv quotes real
// sentences of the articles. Aligner and splitter tests rely on these files being exact.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "testing/files.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

const fs::path kDataDir = fs::path(DHAKIRA_SOURCE_DIR) / "data";

using test_support::Lines;
using test_support::ReadFile;

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<int> Ids(const std::string& list) {
  std::vector<int> ids;
  std::string cleaned = list;
  std::replace(cleaned.begin(), cleaned.end(), ',', ' ');
  std::istringstream in(cleaned);
  for (int id; in >> id;) ids.push_back(id);
  return ids;
}

std::vector<std::string> Slugs() {
  std::vector<std::string> slugs;
  std::error_code ec;  // a missing directory yields no slugs; ThreeArticlesArePresent reports it
  for (const auto& entry : fs::directory_iterator(kDataDir / "articles", ec)) {
    if (entry.path().extension() == ".gold") slugs.push_back(entry.path().stem().string());
  }
  std::sort(slugs.begin(), slugs.end());
  return slugs;
}

TEST(SampleArticlesTest, ThreeArticlesArePresent) {
  ASSERT_TRUE(fs::is_directory(kDataDir / "articles")) << kDataDir;
  EXPECT_EQ(Slugs().size(), 3u);
}

class SampleArticleTest : public ::testing::TestWithParam<std::string> {
 protected:
  fs::path Base() const { return kDataDir / "articles" / GetParam(); }
  fs::path File(const std::string& ext) const { return Base().string() + ext; }
};

TEST_P(SampleArticleTest, FilesAreUtf8WithLfAndNoBom) {
  for (const char* ext : {".ar.txt", ".en.txt", ".ar.split", ".en.split", ".gold"}) {
    const std::string text = ReadFile(File(ext));
    ASSERT_FALSE(text.empty()) << File(ext);
    EXPECT_NE(text.rfind("\xEF\xBB\xBF", 0), 0u) << File(ext) << " starts with a BOM";
    EXPECT_EQ(text.find('\r'), std::string::npos) << File(ext) << " has CR line ends";
    EXPECT_EQ(text.back(), '\n') << File(ext) << " lacks a final newline";
  }
}

TEST_P(SampleArticleTest, SplitFilesHoldExactlyTheArticleWords) {
  for (const char* side : {".ar", ".en"}) {
    const std::string split = ReadFile(File(std::string(side) + ".split"));
    for (const std::string& line : Lines(split)) {
      EXPECT_FALSE(Words(line).empty()) << File(std::string(side) + ".split") << " has an empty line";
    }
    EXPECT_EQ(Words(ReadFile(File(std::string(side) + ".txt"))), Words(split))
        << GetParam() << side << ": .split and .txt differ";
  }
}

TEST_P(SampleArticleTest, GoldLinksCoverEverySentenceOnceInOrder) {
  const size_t n_ar = Lines(ReadFile(File(".ar.split"))).size();
  const size_t n_en = Lines(ReadFile(File(".en.split"))).size();
  ASSERT_GE(n_ar, 12u);
  ASSERT_GE(n_en, 12u);
  const std::regex link(R"(^\[([0-9, ]*)\]:\[([0-9, ]*)\]$)");
  std::vector<int> seen_ar, seen_en;
  int drops = 0, merges = 0, splits = 0;
  int line_no = 0;
  for (const std::string& line : Lines(ReadFile(File(".gold")))) {
    ++line_no;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, link)) << File(".gold") << ":" << line_no << ": " << line;
    const std::vector<int> ar = Ids(m[1].str()), en = Ids(m[2].str());
    ASSERT_FALSE(ar.empty() && en.empty()) << File(".gold") << ":" << line_no;
    drops += !ar.empty() && en.empty();
    merges += ar.size() >= 2 && en.size() == 1;
    splits += ar.size() == 1 && en.size() >= 2;
    seen_ar.insert(seen_ar.end(), ar.begin(), ar.end());
    seen_en.insert(seen_en.end(), en.begin(), en.end());
  }
  // Concatenated in link order, the ids of each side must be exactly 0, 1, ..., n-1: every
  // sentence once, links monotone (no crossing), which is what a DP aligner can produce.
  std::vector<int> want_ar(n_ar), want_en(n_en);
  for (size_t i = 0; i < n_ar; ++i) want_ar[i] = static_cast<int>(i);
  for (size_t i = 0; i < n_en; ++i) want_en[i] = static_cast<int>(i);
  EXPECT_EQ(seen_ar, want_ar) << File(".gold");
  EXPECT_EQ(seen_en, want_en) << File(".gold");
  // data/README.md promises one drop, one merge and one split per article.
  EXPECT_EQ(drops, 1) << File(".gold");
  EXPECT_EQ(merges, 1) << File(".gold");
  EXPECT_EQ(splits, 1) << File(".gold");
}

INSTANTIATE_TEST_SUITE_P(Articles, SampleArticleTest, ::testing::ValuesIn(Slugs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SamplePairsTest, PairsQuoteSentencesOfTheNamedArticle) {
  const std::vector<std::string> lines = Lines(ReadFile(kDataDir / "sample-pairs.tsv"));
  ASSERT_GE(lines.size(), 11u);
  EXPECT_EQ(lines[0], "source\ttarget\torigin\tdoc");
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols;
    std::istringstream in(lines[i]);
    for (std::string col; std::getline(in, col, '\t');) cols.push_back(col);
    ASSERT_EQ(cols.size(), 4u) << "sample-pairs.tsv:" << i + 1;
    const fs::path base = kDataDir / "articles" / cols[3];
    ASSERT_TRUE(fs::exists(base.string() + ".gold")) << "sample-pairs.tsv:" << i + 1;
    const std::vector<std::string> ar = Lines(ReadFile(base.string() + ".ar.split"));
    const std::vector<std::string> en = Lines(ReadFile(base.string() + ".en.split"));
    EXPECT_NE(std::find(ar.begin(), ar.end(), cols[0]), ar.end()) << "sample-pairs.tsv:" << i + 1;
    EXPECT_NE(std::find(en.begin(), en.end(), cols[1]), en.end()) << "sample-pairs.tsv:" << i + 1;
  }
}

}  // namespace
}  // namespace dhakira

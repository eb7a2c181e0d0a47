// benchmarks/align_eval.d/make_sets, run as a real process on ../shared: the sets are deterministic, their gold
// covers every sentence once, and each kind of set has the shape it claims (swapped or moved paragraphs break
// the monotonic order, unrelated pairs have only null links, inserted paragraphs are 0-1 links, the long-sentence
// set has 1-n links up to 1-9).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::NonEmptyLines;
using dhakira::test_support::ProcessResult;
using dhakira::test_support::ReadFile;

struct GoldLink {
  std::vector<int> src, tgt;
};

std::vector<int> Ids(const std::string& list) {
  std::vector<int> out;
  std::istringstream in(std::regex_replace(list, std::regex(","), " "));
  for (int id; in >> id;) out.push_back(id);
  return out;
}

std::vector<GoldLink> ReadGold(const fs::path& path) {
  const std::regex link(R"(^\[([0-9, ]*)\]:\[([0-9, ]*)\]$)");
  std::vector<GoldLink> out;
  for (const std::string& line : NonEmptyLines(ReadFile(path))) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, link)) << path << ": " << line;
    out.push_back({Ids(m[1].str()), Ids(m[2].str())});
  }
  return out;
}

// True when the pair links, in source order, have increasing targets.
bool Monotone(std::vector<GoldLink> gold) {
  std::erase_if(gold, [](const GoldLink& l) { return l.src.empty() || l.tgt.empty(); });
  std::sort(gold.begin(), gold.end(), [](const GoldLink& a, const GoldLink& b) { return a.src[0] < b.src[0]; });
  for (size_t i = 1; i < gold.size(); ++i) {
    if (gold[i].tgt[0] < gold[i - 1].tgt.back()) return false;
  }
  return true;
}

class MakeSetsTest : public dhakira::test_support::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (!fs::exists(DHAKIRA_SHARED_DIR "/align-eval/make_edited.py")) {
      GTEST_SKIP() << "../shared is absent (make_sets builds the sets from its corpora)";
    }
  }
  ProcessResult Make(const fs::path& out, const std::string& sets) {
    return dhakira::test_support::RunProcess({"python3", DHAKIRA_SOURCE_DIR "/benchmarks/align_eval.d/make_sets",
                                              "--shared", DHAKIRA_SHARED_DIR, "--out", out.string(), "--only", sets});
  }
  // Every DOC.gold of `set`, each checked to cover the lines of DOC.ar and DOC.en exactly once.
  std::map<std::string, std::vector<GoldLink>> Golds(const fs::path& set) {
    std::map<std::string, std::vector<GoldLink>> out;
    for (const auto& e : fs::directory_iterator(set)) {
      if (e.path().extension() != ".gold") continue;
      std::vector<GoldLink> gold = ReadGold(e.path());
      std::vector<int> src, tgt;
      for (const GoldLink& l : gold) {
        src.insert(src.end(), l.src.begin(), l.src.end());
        tgt.insert(tgt.end(), l.tgt.begin(), l.tgt.end());
      }
      std::sort(src.begin(), src.end());
      std::sort(tgt.begin(), tgt.end());
      fs::path base = e.path();
      const size_t n_src = NonEmptyLines(ReadFile(base.replace_extension(".ar"))).size();
      const size_t n_tgt = NonEmptyLines(ReadFile(base.replace_extension(".en"))).size();
      EXPECT_EQ(src.size(), n_src) << e.path();
      EXPECT_EQ(tgt.size(), n_tgt) << e.path();
      for (size_t i = 0; i < src.size(); ++i) EXPECT_EQ(src[i], static_cast<int>(i)) << e.path();
      for (size_t j = 0; j < tgt.size(); ++j) EXPECT_EQ(tgt[j], static_cast<int>(j)) << e.path();
      out[e.path().stem().string()] = std::move(gold);
    }
    return out;
  }
};

TEST_F(MakeSetsTest, SetsAreDeterministicAndShapedAsClaimed) {
  ProcessResult first =
      Make(dir_ / "a", "ho-swap,ho-move,ho-insert,ho-unrelated,literary-like,literary-free,ho-layout,articles");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Built again (two of them: the rest would only make the test slower): the same bytes.
  ProcessResult second = Make(dir_ / "b", "ho-swap,literary-like");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  for (const char* set : {"ho-swap", "literary-like"}) {
    ProcessResult diff =
        dhakira::test_support::RunProcess({"diff", "-r", (dir_ / "a" / set).string(), (dir_ / "b" / set).string()});
    EXPECT_EQ(diff.exit_code, 0) << diff.out.substr(0, 2000);
  }

  for (const char* set : {"ho-swap", "ho-move"}) {
    auto golds = Golds(dir_ / "a" / set);
    ASSERT_GT(golds.size(), 100u) << set;
    for (const auto& [doc, gold] : golds) EXPECT_FALSE(Monotone(gold)) << set << "/" << doc;
  }
  for (const auto& [doc, gold] : Golds(dir_ / "a" / "ho-unrelated")) {
    for (const GoldLink& l : gold) EXPECT_TRUE(l.src.empty() || l.tgt.empty()) << doc;
  }
  for (const auto& [doc, gold] : Golds(dir_ / "a" / "ho-insert")) {
    // 2..5 inserted lines in the body, besides the title, standfirst, disclaimer and keywords line.
    const auto added = std::count_if(gold.begin(), gold.end(), [](const GoldLink& l) { return l.src.empty(); });
    EXPECT_GE(added, 2 + 1 + 1) << doc;
    EXPECT_TRUE(Monotone(gold)) << doc;
  }
  for (const auto& [doc, gold] : Golds(dir_ / "a" / "ho-layout")) {
    // A title, a standfirst and at least one disclaimer line; the body keeps its order.
    const auto added = std::count_if(gold.begin(), gold.end(), [](const GoldLink& l) { return l.src.empty(); });
    EXPECT_GE(added, 3) << doc;
    EXPECT_TRUE(Monotone(gold)) << doc;
  }
  size_t longest = 0, one_to_many = 0;
  for (const auto& [doc, gold] : Golds(dir_ / "a" / "literary-like")) {
    for (const GoldLink& l : gold) {
      EXPECT_LE(l.src.size(), 1u) << doc;
      longest = std::max(longest, l.tgt.size());
      one_to_many += l.src.size() == 1 && l.tgt.size() > 1;
    }
  }
  EXPECT_EQ(longest, 9u);
  EXPECT_GT(one_to_many, 300u);
  // The freer set: lines that render two Arabic sentences make n-m links, within what a bead holds.
  size_t many_to_many = 0;
  for (const auto& [doc, gold] : Golds(dir_ / "a" / "literary-free")) {
    for (const GoldLink& l : gold) {
      EXPECT_LE(l.src.size(), 3u) << doc;
      EXPECT_LE(l.tgt.size(), 9u) << doc;
      many_to_many += l.src.size() > 1 && !l.tgt.empty();
    }
    EXPECT_TRUE(Monotone(gold)) << doc;
  }
  EXPECT_GT(many_to_many, 100u);
  EXPECT_EQ(Golds(dir_ / "a" / "articles").size(), 3u);
  EXPECT_TRUE(fs::exists(dir_ / "a" / "README.md"));
}

}  // namespace

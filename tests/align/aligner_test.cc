// Aligner: every bead type on hand-made documents, editorial lines, edge cases, linear growth.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/align.h"

namespace dhakira {
namespace {

// Arabic sentences and their English translations (written for these tests).
struct Pair {
  const char* ar;
  const char* en;
};
const std::vector<Pair> kPool = {
    {"أعلنت وزارة الصحة السورية يوم الاثنين تسجيل 12 إصابة جديدة في دمشق.",
     "The Syrian Ministry of Health announced on Monday 12 new cases in Damascus."},
    {"وقال وزير الزراعة إن إنتاج القمح بلغ 1.2 مليون طن هذا العام.",
     "The agriculture minister said wheat production reached 1.2 million tonnes this year."},
    {"وافتتحت محافظة حلب مدرسة جديدة تتسع لـ 600 طالب.", "Aleppo governorate opened a new school for 600 students."},
    {"وارتفعت أسعار الخبز في الأسواق بنسبة 20 بالمئة خلال شهر آذار.",
     "Bread prices in the markets rose by 20 percent during March."},
    {"وأكد رئيس الحكومة أن الكهرباء ستعود إلى القرى خلال أسبوعين.",
     "The prime minister stressed that electricity will return to the villages within two weeks."},
    {"وزار وفد من الأمم المتحدة مدينة حمص يوم الخميس.",
     "A United Nations delegation visited the city of Homs on Thursday."},
    {"وتوقع الخبراء أن تنخفض صادرات القطن بنسبة 15 بالمئة.", "Experts expect cotton exports to fall by 15 percent."},
    {"وسيعقد المؤتمر في اللاذقية في الخامس من أيار المقبل بمشاركة 40 شركة.",
     "The conference will be held in Latakia on 5 May with 40 companies taking part."},
};

class AlignerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto lex = Lexicon::LoadDefault("ar", "en");
    ASSERT_TRUE(lex.ok()) << lex.status().ToString();
    lexicon_ = std::make_shared<const Lexicon>(std::move(lex).value());
  }
  static void TearDownTestSuite() { lexicon_.reset(); }

  std::unique_ptr<Aligner> Make(AlignOptions o = {}) {
    if (o.src_lang.empty()) o.src_lang = "ar";
    if (o.tgt_lang.empty()) o.tgt_lang = "en";
    auto a = Aligner::Create(o, lexicon_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  static std::vector<std::string> Formatted(const AlignResult& r) {
    std::vector<std::string> out;
    for (const AlignLink& l : r.links) out.push_back(FormatLink(l));
    return out;
  }
  static std::shared_ptr<const Lexicon> lexicon_;
};
std::shared_ptr<const Lexicon> AlignerTest::lexicon_;

// Every sentence of both sides appears in exactly one link, in order.
void ExpectCoverage(const AlignResult& r, size_t n, size_t m) {
  uint32_t next_s = 0, next_t = 0;
  for (const AlignLink& l : r.links) {
    for (uint32_t s : l.src) EXPECT_EQ(s, next_s++);
    for (uint32_t t : l.tgt) EXPECT_EQ(t, next_t++);
    EXPECT_GE(l.confidence, 0.0);
    EXPECT_LE(l.confidence, 1.0);
  }
  EXPECT_EQ(next_s, n);
  EXPECT_EQ(next_t, m);
}

// A document built from the pool by editing operations, with the links the edits imply.
struct Doc {
  std::vector<std::string> ar, en;
  std::vector<std::string> gold;
};

std::string Ids(uint32_t from, uint32_t count) {
  std::string s;
  for (uint32_t k = 0; k < count; ++k) s += (k ? ", " : "") + std::to_string(from + k);
  return s;
}

enum class Op { kKeep, kDrop, kMergeNext, kAddLine };
Doc Build(const std::vector<Op>& ops) {
  Doc d;
  size_t p = 0;
  for (size_t k = 0; k < ops.size(); ++k) {
    switch (ops[k]) {
      case Op::kKeep:
        d.gold.push_back("[" + Ids(d.ar.size(), 1) + "]:[" + Ids(d.en.size(), 1) + "]");
        d.ar.push_back(kPool[p].ar);
        d.en.push_back(kPool[p].en);
        ++p;
        break;
      case Op::kDrop:
        d.gold.push_back("[" + Ids(d.ar.size(), 1) + "]:[]");
        d.ar.push_back(kPool[p].ar);
        ++p;
        break;
      case Op::kMergeNext:  // two Arabic sentences, one English sentence
        d.gold.push_back("[" + Ids(d.ar.size(), 2) + "]:[" + Ids(d.en.size(), 1) + "]");
        d.ar.push_back(kPool[p].ar);
        d.ar.push_back(kPool[p + 1].ar);
        d.en.push_back(std::string(kPool[p].en) + " " + kPool[p + 1].en);
        p += 2;
        break;
      case Op::kAddLine:
        d.gold.push_back("[]:[" + Ids(d.en.size(), 1) + "]");
        d.en.push_back("Helpful keywords");
        break;
    }
  }
  return d;
}

TEST_F(AlignerTest, BeadTypes) {
  struct Case {
    const char* name;
    std::vector<Op> ops;
  };
  const std::vector<Case> cases = {
      {"1-1", {Op::kKeep, Op::kKeep, Op::kKeep, Op::kKeep}},
      {"1-0 dropped", {Op::kKeep, Op::kDrop, Op::kKeep, Op::kKeep, Op::kKeep}},
      {"2-1 merged", {Op::kKeep, Op::kMergeNext, Op::kKeep, Op::kKeep}},
      {"0-1 added at the end", {Op::kKeep, Op::kKeep, Op::kKeep, Op::kAddLine}},
      {"mixed", {Op::kKeep, Op::kDrop, Op::kMergeNext, Op::kKeep, Op::kDrop, Op::kKeep, Op::kAddLine}},
  };
  auto aligner = Make();
  ASSERT_NE(aligner, nullptr);
  for (const Case& c : cases) {
    Doc d = Build(c.ops);
    auto r = aligner->Align(d.ar, d.en);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    ExpectCoverage(*r, d.ar.size(), d.en.size());
    EXPECT_EQ(Formatted(*r), d.gold) << c.name;
  }
}

TEST_F(AlignerTest, SplitSentenceOneToTwo) {
  std::vector<std::string> ar = {kPool[0].ar,
                                 "وقال وزير الزراعة إن إنتاج القمح بلغ 1.2 مليون طن هذا العام، وإن أسعار الخبز "
                                 "ارتفعت بنسبة 20 بالمئة خلال شهر آذار.",
                                 kPool[5].ar};
  std::vector<std::string> en = {kPool[0].en,
                                 "The agriculture minister said wheat production reached 1.2 million tonnes this year.",
                                 "Bread prices rose by 20 percent during March.", kPool[5].en};
  auto r = Make()->Align(ar, en);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Formatted(*r), (std::vector<std::string>{"[0]:[0]", "[1]:[1, 2]", "[2]:[3]"}));
}

TEST_F(AlignerTest, LongArabicSentenceAgainstFourEnglish) {
  std::vector<std::string> ar = {kPool[2].ar,
                                 "وأعلن محافظ حمص أن المشروع سيوفر 300 فرصة عمل، وأن كلفته تبلغ 5 "
                                 "مليارات ليرة، وأن العمل سيبدأ في "
                                 "نيسان، وأنه سينتهي خلال 18 شهرا.",
                                 kPool[5].ar};
  std::vector<std::string> en = {kPool[2].en,
                                 "The governor of Homs announced that the project will provide 300 jobs.",
                                 "Its cost is 5 billion pounds.",
                                 "Work will start in April.",
                                 "It will be finished within 18 months.",
                                 kPool[5].en};
  auto r = Make()->Align(ar, en);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Formatted(*r), (std::vector<std::string>{"[0]:[0]", "[1]:[1, 2, 3, 4]", "[2]:[5]"}));
}

TEST_F(AlignerTest, EditorialLinesAreLeftOutAndNamed) {
  std::vector<std::string> ar = {kPool[0].ar, kPool[1].ar, kPool[2].ar, kPool[3].ar};
  std::vector<std::string> en = {
      "The Syrian Ministry of Health Announced on Monday",                    // title repeating the lead
      "The Syrian Ministry of Health announced new cases, writes Al-Watan.",  // standfirst
      kPool[0].en,
      kPool[1].en,
      kPool[2].en,
      kPool[3].en,
      "This article was translated and edited by The Syrian Observer. The Syrian Observer has not "
      "verified "
      "the content of this story.",
      "Helpful keywords"};
  auto r = Make()->Align(ar, en);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectCoverage(*r, ar.size(), en.size());
  EXPECT_EQ(Formatted(*r), (std::vector<std::string>{"[]:[0]", "[]:[1]", "[0]:[2]", "[1]:[3]", "[2]:[4]", "[3]:[5]",
                                                     "[]:[6]", "[]:[7]"}));
  ASSERT_EQ(r->links.size(), 8u);
  EXPECT_EQ(r->links[0].editorial, EditorialKind::kTitle);
  EXPECT_EQ(r->links[1].editorial, EditorialKind::kStandfirst);
  EXPECT_EQ(r->links[6].editorial, EditorialKind::kDisclaimer);
  EXPECT_EQ(r->links[7].editorial, EditorialKind::kKeywords);
  EXPECT_EQ(r->links[2].editorial, EditorialKind::kNone);
  EXPECT_STREQ(EditorialKindName(EditorialKind::kStandfirst), "standfirst");

  AlignOptions no_editorial;
  no_editorial.detect_editorial = false;
  auto plain = Make(no_editorial)->Align(ar, en);
  ASSERT_TRUE(plain.ok());
  for (const AlignLink& l : plain->links) EXPECT_EQ(l.editorial, EditorialKind::kNone);
}

TEST_F(AlignerTest, EmptyAndOneSidedDocuments) {
  auto aligner = Make();
  auto both = aligner->Align({}, {});
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->links.empty());

  auto src_only = aligner->Align({kPool[0].ar, kPool[1].ar}, {});
  ASSERT_TRUE(src_only.ok());
  EXPECT_EQ(Formatted(*src_only), (std::vector<std::string>{"[0]:[]", "[1]:[]"}));

  auto tgt_only = aligner->Align({}, {kPool[0].en});
  ASSERT_TRUE(tgt_only.ok());
  EXPECT_EQ(Formatted(*tgt_only), (std::vector<std::string>{"[]:[0]"}));

  // Empty sentences (blank lines of a presplit file) are covered too.
  auto blanks = aligner->Align({kPool[0].ar, "", kPool[1].ar}, {kPool[0].en, kPool[1].en});
  ASSERT_TRUE(blanks.ok());
  ExpectCoverage(*blanks, 3, 2);
}

// Found by align_fuzzer: empty source sentences against a long target document put the length diagonal's
// rows further apart than any bead reaches at the narrowest band; the aligner must widen the band, not fail.
TEST_F(AlignerTest, EmptySourcesAgainstALongTargetWidenTheBand) {
  AlignOptions o;
  o.band = 4;
  o.detect_editorial = false;
  auto aligner = Make(o);
  ASSERT_NE(aligner, nullptr);
  std::vector<std::string> tgt;
  for (int chars : {24, 0, 0, 2, 0, 19, 0, 0, 1, 0, 10, 0, 0, 0, 0, 0, 7, 5, 0, 0, 0, 1, 0, 1, 0, 1}) {
    tgt.push_back(std::string(static_cast<size_t>(chars), 'x'));
  }
  auto result = aligner->Align({"", ""}, tgt);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ExpectCoverage(*result, 2, tgt.size());
}

TEST_F(AlignerTest, BadInputIsAClearError) {
  auto aligner = Make();
  auto bad = aligner->Align({kPool[0].ar, std::string("\xC3\x28", 2)}, {kPool[0].en});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("source sentence 1"), std::string::npos) << bad.status().ToString();

  // The lexicon must fit the language pair.
  AlignOptions de_fr;
  de_fr.src_lang = "de";
  de_fr.tgt_lang = "fr";
  auto mismatched = Aligner::Create(de_fr, lexicon_);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_TRUE(mismatched.status().IsInvalidArgument());
  // Without a lexicon any pair works.
  EXPECT_TRUE(Aligner::Create(de_fr, nullptr).ok());
  // The reverse direction uses the same lexicon.
  AlignOptions en_ar;
  en_ar.src_lang = "en";
  en_ar.tgt_lang = "ar";
  auto reverse = Aligner::Create(en_ar, lexicon_);
  ASSERT_TRUE(reverse.ok());
  auto r = (*reverse)->Align({kPool[0].en, kPool[1].en, kPool[2].en}, {kPool[0].ar, kPool[1].ar, kPool[2].ar});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Formatted(*r), (std::vector<std::string>{"[0]:[0]", "[1]:[1]", "[2]:[2]"}));
}

TEST(AlignOptionsTest, ValidateNamesTheBadField) {
  struct Case {
    const char* field;
    std::function<void(AlignOptions&)> set;
  };
  const std::vector<Case> cases = {
      {"src_lang", [](AlignOptions& o) { o.src_lang = ""; }},
      {"tgt_lang", [](AlignOptions& o) { o.tgt_lang = "!!"; }},
      {"both", [](AlignOptions& o) { o.tgt_lang = "AR"; }},
      {"max_one_to_many", [](AlignOptions& o) { o.max_one_to_many = 0; }},
      {"max_many_to_one", [](AlignOptions& o) { o.max_many_to_one = 13; }},
      {"band", [](AlignOptions& o) { o.band = 2; }},
      {"length_ratio", [](AlignOptions& o) { o.length_ratio = -1; }},
      {"min_confidence", [](AlignOptions& o) { o.min_confidence = 1.5; }},
  };
  AlignOptions good;
  good.src_lang = "ar";
  good.tgt_lang = "en";
  EXPECT_TRUE(good.Validate().ok());
  for (const Case& c : cases) {
    AlignOptions o = good;
    c.set(o);
    Status s = o.Validate();
    ASSERT_FALSE(s.ok()) << c.field;
    EXPECT_TRUE(s.IsInvalidArgument());
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.ToString();
  }
}

TEST_F(AlignerTest, LongDocumentStaysInItsBand) {
  // 5,000 source sentences: numbered pool sentences, every seventh dropped. The band must not grow
  // to the document length (linear time and memory) and the links must stay right.
  Doc d;
  for (uint32_t k = 0; k < 5000; ++k) {
    const Pair& p = kPool[k % kPool.size()];
    std::string num = std::to_string(1000 + k);
    d.ar.push_back(std::string(p.ar) + " (" + num + ")");
    if (k % 7 == 3) {
      AlignLink dropped;
      dropped.src = {k};
      d.gold.push_back(FormatLink(dropped));
      continue;
    }
    AlignLink kept;
    kept.src = {k};
    kept.tgt = {static_cast<uint32_t>(d.en.size())};
    d.gold.push_back(FormatLink(kept));
    d.en.push_back(std::string(p.en) + " (" + num + ")");
  }
  auto start = std::chrono::steady_clock::now();
  auto r = Make()->Align(d.ar, d.en);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectCoverage(*r, d.ar.size(), d.en.size());
  EXPECT_LE(r->band, 96u);
  std::set<std::string> gold(d.gold.begin(), d.gold.end());
  size_t right = 0;
  for (const std::string& l : Formatted(*r)) right += gold.count(l);
  EXPECT_GE(right, d.gold.size() * 98 / 100);
  RecordProperty("seconds", std::to_string(seconds));
}

TEST_F(AlignerTest, SampleArticlesMatchTheirGold) {
  // data/articles: three hand-aligned articles (presplit) with gold links.
  const std::string dir = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " absent";
  auto aligner = Make();
  size_t gold_links = 0, right = 0;
  for (const char* slug : {"hama-wheat-harvest", "tartus-solar-pumping", "aleppo-exam-transport"}) {
    auto ar = ReadDocument(dir + "/" + slug + ".ar.split", "ar", true);
    auto en = ReadDocument(dir + "/" + slug + ".en.split", "en", true);
    ASSERT_TRUE(ar.ok()) << ar.status().ToString();
    ASSERT_TRUE(en.ok()) << en.status().ToString();
    auto r = aligner->Align(*ar, *en);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::ifstream g(dir + "/" + slug + ".gold");
    std::set<std::string> gold;
    for (std::string line; std::getline(g, line);)
      if (!line.empty()) gold.insert(line);
    gold_links += gold.size();
    for (const std::string& l : Formatted(*r)) right += gold.count(l);
  }
  ASSERT_GT(gold_links, 0u);
  EXPECT_GE(static_cast<double>(right) / gold_links, 0.85);
}

}  // namespace
}  // namespace dhakira

// The score formula on hand-made token sequences (written form, key, type): Arabic spelling variants cost
// penalties not words, numbers compare by type and are substituted into the target.
#include "match/score.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "match/levenshtein.h"

namespace dhakira::match {
namespace {

struct W {
  W(const char* w) : written(w) {}  // NOLINT: implicit for brevity in tables
  W(std::string w, std::string k = "", TokenType t = TokenType::kWord, double v = 0)
      : written(std::move(w)), key(std::move(k)), type(t), value(v) {}
  std::string written;
  std::string key;  // "" = same as written
  TokenType type = TokenType::kWord;
  double value = 0;
};

// Joins the written forms with spaces and records each token's span, as the normalizer would.
NormalizedText Make(const std::vector<W>& words) {
  NormalizedText nt;
  for (const W& w : words) {
    if (!nt.text.empty()) nt.text += ' ';
    Token t;
    t.type = w.type;
    t.key = w.key.empty() ? w.written : w.key;
    t.begin = static_cast<uint32_t>(nt.text.size());
    nt.text += w.written;
    t.end = static_cast<uint32_t>(nt.text.size());
    t.value = w.value;
    nt.tokens.push_back(t);
  }
  return nt;
}

W Num(std::string written, std::string key, double value) {
  return W(std::move(written), std::move(key), TokenType::kNumber, value);
}

ScoreDetail ScoreOf(const NormalizedText& q, const NormalizedText& s, const MatchOptions& o,
                    std::string_view origin = "", bool context = false) {
  ScoreInput in;
  in.query_text = q.text;
  in.query_tokens = &q.tokens;
  in.source_text = s.text;
  in.source_tokens = &s.tokens;
  in.origin = origin;
  in.context_equal = context;
  return Score(in, o);
}

MatchOptions Defaults() {
  MatchOptions o;
  o.src_lang = "ar";
  o.tgt_lang = "en";
  return o;
}

TEST(Score, ExactAndContextKinds) {
  const auto q = Make({{"قال"}, {"الرئيس"}, {"."}});
  const auto d = ScoreOf(q, q, Defaults());
  EXPECT_EQ(d.kind, MatchKind::kExact);
  EXPECT_EQ(d.score, 100);
  EXPECT_EQ(d.fuzzy, 100);
  EXPECT_TRUE(d.penalties.empty());
  const auto c = ScoreOf(q, q, Defaults(), "", /*context=*/true);
  EXPECT_EQ(c.kind, MatchKind::kContext);
  EXPECT_EQ(c.score, 101);
}

TEST(Score, WordDifferencesCostWholeTokens) {
  // 4 vs 5 tokens, one substitution and one insertion: D = 2, fuzzy = 100 × (1 − 2/5) = 60.
  const auto q = Make({{"قال"}, {"الرئيس"}, {"امس"}, {"."}});
  const auto s = Make({{"قال"}, {"الوزير"}, {"اليوم"}, {"امس"}, {"."}});
  const auto d = ScoreOf(q, s, Defaults());
  EXPECT_EQ(d.distance, 2u);
  EXPECT_DOUBLE_EQ(d.fuzzy, FuzzyPercent(2, 5));
  EXPECT_DOUBLE_EQ(d.score, d.fuzzy);
  EXPECT_EQ(d.kind, MatchKind::kFuzzy);
  ASSERT_EQ(d.source_marks.size(), 2u);
  EXPECT_EQ(s.text.substr(d.source_marks[0].first, d.source_marks[0].second - d.source_marks[0].first), "الوزير");
}

TEST(Score, ArabicVariantsCostPenaltiesNotWords) {
  // Hamza seat, diacritics, tatweel: same keys, different writing.
  const auto q = Make({{"أعلن", "اعلن"}, {"الرَّئيس", "الرئيس"}, {"الجديـد", "الجديد"}});
  const auto s = Make({{"اعلن"}, {"الرئيس"}, {"الجديد"}});
  MatchOptions o = Defaults();
  const auto d = ScoreOf(q, s, o);
  EXPECT_EQ(d.distance, 0u);
  EXPECT_EQ(d.fuzzy, 100);
  ASSERT_EQ(d.penalties.size(), 3u);
  EXPECT_DOUBLE_EQ(d.score, 100 - 3 * o.written_variant_points);
  EXPECT_EQ(d.kind, MatchKind::kFuzzy);
  EXPECT_NE(d.penalties[0].reason.find("written variant"), std::string::npos);
}

TEST(Score, WrittenVariantPenaltyIsCapped) {
  std::vector<W> qw, sw;
  for (int i = 0; i < 10; ++i) {
    qw.push_back({"Word" + std::to_string(i), "word" + std::to_string(i)});
    sw.push_back({"word" + std::to_string(i)});
  }
  MatchOptions o = Defaults();
  o.written_variant_points = 1;
  o.written_variant_cap = 4;
  const auto d = ScoreOf(Make(qw), Make(sw), o);
  EXPECT_EQ(d.fuzzy, 100);
  EXPECT_DOUBLE_EQ(d.score, 96);
}

TEST(Score, NumbersCompareByTypeAndAreSubstitutedIntoTheTarget) {
  // Query has ١٥ (Arabic-Indic), the TM source 12; the English target mentions 12.
  const auto q = Make({{"قتل"}, Num("١٥", "15", 15), {"شخصا"}});
  const auto s = Make({{"قتل"}, Num("12", "12", 12), {"شخصا"}});
  MatchOptions o = Defaults();
  auto d = ScoreOf(q, s, o);
  EXPECT_EQ(d.distance, 0u);
  EXPECT_EQ(d.fuzzy, 100);
  ASSERT_EQ(d.penalties.size(), 1u);
  EXPECT_DOUBLE_EQ(d.penalties[0].points, o.number_points);
  ASSERT_EQ(d.substitutions.size(), 1u);
  const auto target = Make({{"12", "12", TokenType::kNumber, 12}, {"people"}, {"were"}, {"killed"}});
  const std::string out = SubstituteNumbers(target.text, target.tokens, o, &d);
  EXPECT_EQ(out, "15 people were killed");
  EXPECT_DOUBLE_EQ(d.score, 100 - o.number_points);

  // Into an Arabic target written with Arabic-Indic digits, Western query digits are mapped.
  const auto q2 = Make({{"killed"}, Num("3.5", "3.5", 3.5)});
  const auto s2 = Make({{"killed"}, Num("2.5", "2.5", 2.5)});
  auto d2 = ScoreOf(q2, s2, o);
  const auto t2 = Make({{"قتل"}, Num("٢٫٥", "2.5", 2.5)});
  EXPECT_EQ(SubstituteNumbers(t2.text, t2.tokens, o, &d2), "قتل ٣٫٥");
}

TEST(Score, NumberMissingFromTargetCostsMore) {
  const auto q = Make({{"عام"}, Num("2020", "2020", 2020)});
  const auto s = Make({{"عام"}, Num("2019", "2019", 2019)});
  MatchOptions o = Defaults();
  auto d = ScoreOf(q, s, o);
  const auto t = Make({{"last"}, {"year"}});
  EXPECT_EQ(SubstituteNumbers(t.text, t.tokens, o, &d), "last year");
  EXPECT_DOUBLE_EQ(d.score, 100 - o.number_points - o.unsubstituted_number_points);
  ASSERT_EQ(d.penalties.size(), 2u);
}

TEST(Score, DigitScriptAloneIsAWrittenVariant) {
  const auto q = Make({Num("١٥", "15", 15)});
  const auto s = Make({Num("15", "15", 15)});
  const auto d = ScoreOf(q, s, Defaults());
  ASSERT_EQ(d.penalties.size(), 1u);
  EXPECT_NE(d.penalties[0].reason.find("written variant"), std::string::npos);
  EXPECT_TRUE(d.substitutions.empty());
}

TEST(Score, PlaceholdersAreIgnoredByTheDistanceButPenalized) {
  auto q = Make({{"hello"}, {"world"}});
  auto s = Make({{"hello"}, {"\xEE\x80\x80", "0", TokenType::kPlaceholder}, {"world"}});
  MatchOptions o = Defaults();
  const auto d = ScoreOf(q, s, o);
  EXPECT_EQ(d.distance, 0u);
  EXPECT_EQ(d.fuzzy, 100);
  EXPECT_DOUBLE_EQ(d.score, 100 - o.inline_code_points);
}

TEST(Score, OriginPenaltyAndFloorAtZero) {
  const auto q = Make({{"a"}, {"b"}});
  const auto s = Make({{"a"}, {"c"}});
  MatchOptions o = Defaults();
  o.origin_points["MT"] = 60;
  const auto d = ScoreOf(q, s, o, "MT");
  EXPECT_EQ(d.fuzzy, 50);
  EXPECT_EQ(d.score, 0);
  ASSERT_EQ(d.penalties.size(), 1u);
  EXPECT_EQ(d.penalties[0].reason, "origin: MT");
  const auto e = ScoreOf(q, q, o, "MT");
  EXPECT_EQ(e.kind, MatchKind::kExact);
  EXPECT_EQ(e.score, 40);
}

TEST(Score, RenderNumberLikeMapsScripts) {
  struct Case {
    const char* number;
    const char* model;
    const char* want;
  } cases[] = {
      {"١٢٣", "45", "123"}, {"1,234.5", "٦٧", "١٬٢٣٤٫٥"}, {"الـ20", "19", "20"}, {"۱۲", "٣", "١٢"},
      {"7", "۸", "۷"},      {"12", "no digits", "12"},
  };
  for (const Case& c : cases) EXPECT_EQ(RenderNumberLike(c.number, c.model), c.want) << c.number;
}

TEST(Score, RankingOrder) {
  EXPECT_TRUE(RanksBefore(90, 90, 0, 1, 80, 95, 0, 2));    // score first
  EXPECT_TRUE(RanksBefore(90, 95, 0, 1, 90, 92, 5, 2));    // then fuzzy
  EXPECT_TRUE(RanksBefore(90, 95, 10, 1, 90, 95, 5, 2));   // then recency
  EXPECT_TRUE(RanksBefore(90, 95, 10, 3, 90, 95, 10, 2));  // then id, newest first
  EXPECT_FALSE(RanksBefore(90, 95, 10, 3, 90, 95, 10, 3));
}

}  // namespace
}  // namespace dhakira::match

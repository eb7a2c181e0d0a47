// Aligner: the exact output (links, confidences, editorial kinds, ratio, band) on fixed inputs is
// pinned in tests/testdata/align/pinned-output.txt. It guards refactoring of the aligner: a change
// of behaviour, however small, shows here. After an intended change of the model, regenerate the
// file with DHAKIRA_UPDATE_PINNED=1 and check the difference (and the align_eval figures) before
// committing it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/align.h"

namespace dhakira {
namespace {

const std::string kPinnedPath = std::string(DHAKIRA_TESTDATA_DIR) + "/align/pinned-output.txt";

std::string Describe(const std::string& name, const AlignResult& result) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "## %s ratio=%.12g band=%u\n", name.c_str(), result.length_ratio, result.band);
  out += line;
  for (const AlignLink& link : result.links) {
    std::snprintf(line, sizeof line, " confidence=%.12g low=%d editorial=%s\n", link.confidence,
                  link.low_confidence ? 1 : 0, EditorialKindName(link.editorial));
    out += FormatLink(link) + line;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  auto doc = ReadDocument(path, "und", /*presplit=*/true);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return doc.ok() ? *doc : std::vector<std::string>{};
}

// Hand-made sentences: a dropped one, a merged pair, an editorial tail, an empty line.
const std::vector<std::string> kArabic = {"أعلنت وزارة الصحة السورية يوم الاثنين تسجيل 12 إصابة جديدة في دمشق.",
                                          "وقال وزير الزراعة إن إنتاج القمح بلغ 1.2 مليون طن هذا العام.",
                                          "وافتتحت محافظة حلب مدرسة جديدة تتسع لـ 600 طالب.",
                                          "",
                                          "وارتفعت أسعار الخبز في الأسواق بنسبة 20 بالمئة خلال شهر آذار.",
                                          "وأكد رئيس الحكومة أن الكهرباء ستعود إلى القرى خلال أسبوعين.",
                                          "وزار وفد من الأمم المتحدة مدينة حمص يوم الخميس."};
const std::vector<std::string> kEnglish = {
    "Syrian Ministry of Health Announces New Cases",
    "The Syrian Ministry of Health announced on Monday 12 new cases in Damascus.",
    "Aleppo governorate opened a new school for 600 students.",
    "Bread prices in the markets rose by 20 percent during March. The prime minister stressed "
    "that electricity will return to the villages within two weeks.",
    "A United Nations delegation visited the city of Homs on Thursday.",
    "This article was translated and edited by The Syrian Observer.",
    "Helpful keywords"};

// Default options for a language pair.
AlignOptions Languages(std::string src_lang, std::string tgt_lang) {
  AlignOptions options;
  options.src_lang = std::move(src_lang);
  options.tgt_lang = std::move(tgt_lang);
  return options;
}

std::string AlignAll() {
  auto lexicon_or = Lexicon::LoadDefault("ar", "en");
  EXPECT_TRUE(lexicon_or.ok()) << lexicon_or.status().ToString();
  if (!lexicon_or.ok()) return {};
  auto lexicon = std::make_shared<const Lexicon>(std::move(lexicon_or).value());
  std::string out;
  auto run = [&](const std::string& name, AlignOptions options, std::shared_ptr<const Lexicon> lex,
                 const std::vector<std::string>& src, const std::vector<std::string>& tgt) {
    auto aligner = Aligner::Create(options, std::move(lex));
    ASSERT_TRUE(aligner.ok()) << aligner.status().ToString();
    auto result = (*aligner)->Align(src, tgt);
    ASSERT_TRUE(result.ok()) << name << ": " << result.status().ToString();
    out += Describe(name, *result);
  };
  const AlignOptions ar_en = Languages("ar", "en");
  const std::string articles = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/";
  for (const char* slug : {"hama-wheat-harvest", "tartus-solar-pumping", "aleppo-exam-transport"}) {
    run(slug, ar_en, lexicon, Lines(articles + slug + ".ar.split"), Lines(articles + slug + ".en.split"));
  }
  run("hand-made", ar_en, lexicon, kArabic, kEnglish);
  run("hand-made without lexicon", ar_en, nullptr, kArabic, kEnglish);
  AlignOptions narrow = ar_en;
  narrow.band = 4;
  narrow.max_one_to_many = 2;
  narrow.detect_editorial = false;
  narrow.length_ratio = 0.8;
  run("hand-made narrow", narrow, lexicon, kArabic, kEnglish);
  const AlignOptions en_ar = Languages("en", "ar");
  run("hand-made reversed", en_ar, lexicon, kEnglish, kArabic);
  return out;
}

TEST(AlignerPinnedTest, OutputIsUnchanged) {
  // The pinned output was made with Debian's dictionary (scripts/setup installs it); without it
  // the default lexicon is the built-in table alone and the output differs.
  if (!std::filesystem::exists("/usr/share/dictd/freedict-ara-eng.dict.dz"))
    GTEST_SKIP() << "dict-freedict-ara-eng not installed";
  const std::string actual = AlignAll();
  ASSERT_FALSE(actual.empty());
  if (std::getenv("DHAKIRA_UPDATE_PINNED") != nullptr) {
    std::ofstream(kPinnedPath, std::ios::binary) << actual;
    GTEST_SKIP() << "wrote " << kPinnedPath;
  }
  std::ifstream in(kPinnedPath, std::ios::binary);
  ASSERT_TRUE(in) << kPinnedPath << " absent";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str());
}

}  // namespace
}  // namespace dhakira

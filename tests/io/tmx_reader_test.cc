// Streaming TMX reader: real-world files (tests/testdata/tmx, ../shared/tmx), inline codes, entities, security,
// damage.
#include "io/tmx_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_files.h"
#include "testing/shared_data.h"

namespace dhakira::io {
namespace {

using testing_io::TempDir;

struct ReadResult {
  std::vector<TmxUnit> units;
  Status status;
  TmxStats stats;
  std::string encoding;
};

ReadResult ReadAll(const std::string& path) {
  ReadResult r;
  auto reader = TmxReader::Open(path);
  if (!reader.ok()) {
    r.status = reader.status();
    return r;
  }
  for (;;) {
    TmxUnit unit;
    auto more = (*reader)->Next(&unit);
    if (!more.ok()) {
      r.status = more.status();
      break;
    }
    if (!*more) break;
    r.units.push_back(std::move(unit));
  }
  r.stats = (*reader)->stats();
  r.encoding = (*reader)->decoder().encoding();
  return r;
}

std::string Placeholder(uint32_t i) {
  std::string s;
  const char32_t cp = kPlaceholderBase + i;
  s += static_cast<char>(0xE0 | (cp >> 12));
  s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  s += static_cast<char>(0x80 | (cp & 0x3F));
  return s;
}

// Every TMX file of ../shared/tmx (a subset is committed in tests/testdata/tmx) with its <tu> count (counted
// independently with grep/iconv), and what the non-TMX files there give.
struct SharedCase {
  const char* file;
  int units;          // -1: an error is expected
  const char* error;  // substring of the error message
  const char* encoding;
};
const SharedCase kSharedCases[] = {
    {"heartsome-tmx/UTF-16LE.TMX", 2, "", "UTF-16LE"},
    {"heartsome-tmx/utf-16be.tmx", 2, "", "UTF-16BE"},
    {"heartsome-tmx/utf-8.tmx", 2, "", "UTF-8"},
    {"okapi-other-cat-formats/a_small_test.tmx", 1, "", "UTF-8"},
    {"okapi-other-cat-formats/okapi-confusion.tmx", 1, "", "UTF-8"},
    {"okapi-other-cat-formats/sampleTMX2.tmx", 2, "", "UTF-8"},
    {"okapi-other-cat-formats/FFFEBOM15992.sdlxliff", -1, "root element is <xliff>", ""},
    {"okapi-other-cat-formats/Test01.html.ttx", -1, "root element is <TRADOStag>", ""},
    {"okapi-tmx/ImportTest2B.tmx", 7, "", "UTF-16LE"},
    {"okapi-tmx/Paragraph_TM.tmx", 7, "", "UTF-8"},
    {"okapi-tmx/header_with_prop_and_note.tmx", 1, "", "UTF-8"},
    {"okapi-tmx/html_test.tmx", 11, "", "UTF-16LE"},
    {"okapi-tmx/mytm.tmx", 25, "", "UTF-8"},
    {"okapi-tmx/sample14b.tmx", 25, "", "UTF-8"},
    {"okapi-tmx/smallParagraph.tmx", 2, "", "UTF-8"},
    {"okapi-tmx/tmxtest-attributes.tmx", 9, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1A.tmx", 4, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1B.tmx", 2, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ExportTest2A.tmx", 6, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1A.tmx", 2, "", "UTF-16LE"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1B.tmx", 1, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1C.tmx", 3, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1F.tmx", 3, "", "UTF-16LE"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1G.tmx", 3, "", "UTF-16BE"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1J_many.tmx", 3, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1L.tmx", 1, "", "UTF-8"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2A.tmx", 7, "", "UTF-16LE"},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2C.tmx", 1, "", "UTF-8"},
    {"omegat-tmx/empty.tmx", 0, "", "UTF-8"},
    {"omegat-tmx/invalid.tmx", 1, "", "UTF-8"},
    {"omegat-tmx/test-multiple-tuv14.tmx", 3, "", "UTF-8"},
    {"omegat-tmx/xliff2-ex.9.5.xlf", -1, "root element is <xliff>", ""},
    {"orcid-xliff-ar/LICENSE", -1, "syntax error (expat)", ""},
    {"rws-trados/trados-studio-cy-en-customfields.tmx", 118, "", "UTF-8"},
    {"rws-trados/trados-studio-software-en-de.tmx", 14, "", "UTF-8"},
    {"rws-trados/tw4win-utf16-en-de.tmx", 6, "", "UTF-16LE"},
    {"translate-toolkit-ar/libreoffice-sd.en-ar.po2tmx.tmx", 1284, "", "UTF-8"},
    {"weblate-tmx/memory.tmx", 1, "", "UTF-8"},
};

class SharedTmxTest : public ::testing::TestWithParam<SharedCase> {};

TEST_P(SharedTmxTest, ReadsWithExpectedUnitCount) {
  const SharedCase& c = GetParam();
  std::string path;
  DHAKIRA_CONFORMANCE_TMX_OR_SKIP(std::string(c.file), &path);
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  ReadResult r = ReadAll(path);
  if (c.units < 0) {
    EXPECT_FALSE(r.status.ok());
    EXPECT_NE(r.status.message().find(c.error), std::string::npos) << r.status.message();
    EXPECT_NE(r.status.message().find(c.file), std::string::npos) << "names the file";
    return;
  }
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(static_cast<int>(r.units.size()), c.units);
  EXPECT_EQ(r.encoding, c.encoding);
  for (const TmxUnit& u : r.units) {
    EXPECT_TRUE(u.problems.empty()) << c.file << " line " << u.line;
    EXPECT_GT(u.line, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SharedTmxTest, ::testing::ValuesIn(kSharedCases),
                         [](const ::testing::TestParamInfo<SharedCase>& info) {
                           std::string name = info.param.file;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The committed subset (tests/testdata/tmx) holds unmodified copies: each equals its original in ../shared/tmx.
TEST(TmxSubsetTest, CommittedCopiesEqualTheSharedOriginals) {
  DHAKIRA_SKIP_WITHOUT_SHARED_DIR();
  const std::filesystem::path subset = std::string(DHAKIRA_TESTDATA_DIR) + "/tmx";
  int compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(subset)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    const std::string relative = std::filesystem::relative(entry.path(), subset).string();
    EXPECT_EQ(testing_io::ReadFile(entry.path().string()),
              testing_io::ReadFile(test_support::SharedPath("tmx/" + relative)))
        << relative;
    ++compared;
  }
  EXPECT_GE(compared, 15);
}

TEST(TmxReaderTest, InlineCodesBecomePlaceholdersWithNativeMarkup) {
  ReadResult r = ReadAll(std::string(DHAKIRA_TESTDATA_DIR) + "/io/inline-ar.tmx");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.units.size(), 4u);
  const TmxUnit& u = r.units[0];
  ASSERT_EQ(u.variants.size(), 2u);
  const TmxVariant& ar = u.variants[0];
  EXPECT_EQ(ar.lang, "ar-SY");
  EXPECT_EQ(ar.text, "قال " + Placeholder(0) + "الرئيس" + Placeholder(1) + " إن الاجتماع\u00A0مهم" + Placeholder(2));
  ASSERT_EQ(ar.codes.size(), 3u);
  EXPECT_EQ(ar.codes[0].element, "bpt");
  EXPECT_EQ(ar.codes[0].native, "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>");
  EXPECT_EQ(ar.codes[1].native, "<ept i=\"1\">&lt;/b&gt;</ept>");
  EXPECT_EQ(ar.codes[2].element, "ph");
  EXPECT_EQ(ar.attributes, (Attributes{{"changedate", "2024-02-01T10:00:00Z"}}));
  EXPECT_EQ(ar.properties, (Attributes{{"x-reviewed", "yes"}}));
  EXPECT_EQ(u.notes, (std::vector<std::string>{"checked by the desk", "second note"}));
  EXPECT_EQ(u.properties.size(), 2u);
  EXPECT_EQ(r.stats.entities_replaced, 1u);

  // <hi> gives a start and an end code around kept text; foreign <g>/<x/> become bpt/ept and ph.
  const TmxUnit& u2 = r.units[1];
  ASSERT_EQ(u2.variants.size(), 3u);
  EXPECT_EQ(u2.variants[0].lang, "en_US");  // TMX 1.1 lang=, raw; canonicalised on import
  const TmxVariant& en = u2.variants[0];
  EXPECT_EQ(en.text, "See " + Placeholder(0) + "the report" + Placeholder(1) + " and " + Placeholder(2) + "this" +
                         Placeholder(3) + Placeholder(4) + ".");
  ASSERT_EQ(en.codes.size(), 5u);
  EXPECT_EQ(en.codes[0].native, "<hi type=\"italic\">");
  EXPECT_EQ(en.codes[1].native, "</hi>");
  EXPECT_EQ(en.codes[2].element, "bpt");
  EXPECT_EQ(en.codes[2].native, "<bpt i=\"10001\">&lt;g id=\"7\"&gt;</bpt>");
  EXPECT_EQ(en.codes[3].native, "<ept i=\"10001\">&lt;/g&gt;</ept>");
  EXPECT_EQ(en.codes[4].element, "ph");
  EXPECT_EQ(en.codes[4].native, "<ph>&lt;x id=\"8\"/&gt;</ph>");
  EXPECT_EQ(r.stats.foreign_elements, 4u);
  // A code with a nested <sub> keeps it inside its native markup.
  const TmxVariant& fr = u2.variants[2];
  ASSERT_EQ(fr.codes.size(), 1u);
  EXPECT_EQ(fr.codes[0].native, "<it pos=\"begin\" x=\"3\">&lt;a href=\"x\"&gt;<sub>titre &amp; lien</sub></it>");
  EXPECT_EQ(fr.text, "Voir " + Placeholder(0) + "le rapport.");

  EXPECT_EQ(r.units[3].variants[1].segs, 0);
}

TEST(TmxReaderTest, EntitiesReplacedOrKeptNeverFatal) {
  TempDir dir;
  const std::string path =
      dir.Write("e.tmx",
                "<tmx version=\"1.4\"><body><tu><tuv xml:lang=\"en\"><seg>a&nbsp;b&hellip;&bogus;&amp;"
                "</seg></tuv></tu></body></tmx>");
  ReadResult r = ReadAll(path);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.units.size(), 1u);
  ASSERT_EQ(r.units[0].variants.size(), 1u);
  EXPECT_EQ(r.units[0].variants[0].text, "a\u00A0b\u2026&bogus;&");
  EXPECT_EQ(r.stats.entities_replaced, 2u);
  EXPECT_EQ(r.stats.entities_kept, 1u);
}

TEST(TmxReaderTest, NeverLoadsExternalEntities) {
  TempDir dir;
  const std::string secret = dir.Write("secret.txt", "TOP-SECRET");
  const std::string path =
      dir.Write("xxe.tmx", "<?xml version=\"1.0\"?><!DOCTYPE tmx [<!ENTITY x SYSTEM \"file://" + secret +
                               "\">]><tmx version=\"1.4\"><body><tu><tuv xml:lang=\"en\"><seg>a&x;b</seg></tuv>"
                               "</tu></body></tmx>");
  ReadResult r = ReadAll(path);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.units.size(), 1u);
  ASSERT_EQ(r.units[0].variants.size(), 1u);
  EXPECT_EQ(r.units[0].variants[0].text, "ab");
  EXPECT_EQ(r.stats.external_entities_skipped, 1u);
}

TEST(TmxReaderTest, BillionLaughsIsStopped) {
  TempDir dir;
  std::string dtd = "<!ENTITY a0 \"hahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahaha\">";
  for (int i = 1; i < 10; ++i) {
    dtd += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) dtd += "&a" + std::to_string(i - 1) + ";";
    dtd += "\">";
  }
  const std::string path =
      dir.Write("lol.tmx", "<?xml version=\"1.0\"?><!DOCTYPE tmx [" + dtd +
                               "]><tmx version=\"1.4\"><body><tu><tuv xml:lang=\"en\"><seg>&a9;</seg></tuv></tu>"
                               "</body></tmx>");
  ReadResult r = ReadAll(path);
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.IsCorruption());
  EXPECT_NE(r.status.message().find("amplification"), std::string::npos) << r.status.message();
}

TEST(TmxReaderTest, TruncatedFileGivesUnitsThenError) {
  const std::string whole = testing_io::ReadFile(std::string(DHAKIRA_TESTDATA_DIR) + "/io/inline-ar.tmx");
  TempDir dir;
  const size_t cut = whole.find("<tu tuid=\"news-3\">") + 10;
  ReadResult r = ReadAll(dir.Write("cut.tmx", whole.substr(0, cut)));
  EXPECT_EQ(r.units.size(), 2u);
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.IsCorruption());
  EXPECT_NE(r.status.message().find("truncated"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("line "), std::string::npos) << r.status.message();
}

TEST(TmxReaderTest, EmptyAndNonXmlFiles) {
  TempDir dir;
  ReadResult empty = ReadAll(dir.Write("empty.tmx", ""));
  ASSERT_FALSE(empty.status.ok());
  EXPECT_NE(empty.status.message().find("is empty"), std::string::npos) << empty.status.message();
  ReadResult text = ReadAll(dir.Write("text.tmx", "source\ttarget\n"));
  ASSERT_FALSE(text.status.ok());
  EXPECT_NE(text.status.message().find("line 1"), std::string::npos) << text.status.message();
}

TEST(TmxReaderTest, InvalidBytesRejectOnlyTheirUnit) {
  TempDir dir;
  const std::string path =
      dir.Write("bad.tmx",
                "<tmx version=\"1.4\"><body>\n<tu><tuv xml:lang=\"en\"><seg>good</seg></tuv></tu>\n"
                "<tu><tuv xml:lang=\"en\"><seg>b\xC3(d</seg></tuv></tu>\n"
                "<tu><tuv xml:lang=\"en\"><seg>v\x0Bt</seg></tuv></tu>\n"
                "<tu><tuv xml:lang=\"en\"><seg>\xEE\x80\x81</seg></tuv></tu>\n</body></tmx>");
  ReadResult r = ReadAll(path);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.units.size(), 4u);
  EXPECT_TRUE(r.units[0].problems.empty());
  ASSERT_EQ(r.units[1].problems.size(), 1u);
  EXPECT_EQ(r.units[1].problems[0].reason, "invalid-encoding");
  EXPECT_NE(r.units[1].problems[0].message.find("line 3, column 30"), std::string::npos)
      << r.units[1].problems[0].message;
  EXPECT_TRUE(r.units[2].problems.empty());
  ASSERT_EQ(r.units[2].replaced.size(), 1u);
  EXPECT_EQ(r.units[2].replaced[0].value, 0x0Bu);
  // A literal private-use character becomes a "char" code, so it cannot pass for a placeholder.
  EXPECT_TRUE(r.units[3].problems.empty());
  ASSERT_EQ(r.units[3].variants.size(), 1u);
  EXPECT_EQ(r.units[3].variants[0].text, Placeholder(0));
  ASSERT_EQ(r.units[3].variants[0].codes.size(), 1u);
  EXPECT_EQ(r.units[3].variants[0].codes[0].element, "char");
  EXPECT_EQ(r.units[3].variants[0].codes[0].native, "\xEE\x80\x81");
}

TEST(TmxDateTest, ParsesBothFormsAndRejectsOthers) {
  auto a = ParseTmxDate("20240115T093000Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 1705311000);
  auto b = ParseTmxDate("2024-01-15T09:30:00Z");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, *a);
  EXPECT_EQ(FormatTmxDate(*a), "20240115T093000Z");
  for (const char* bad : {"", "20240115", "20241315T093000Z", "2024-01-15 09:30:00", "yesterday"}) {
    EXPECT_FALSE(ParseTmxDate(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace dhakira::io

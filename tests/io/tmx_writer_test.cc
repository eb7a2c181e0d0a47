// TMX 1.4b / TSV writer: escaping, inline codes restored, metadata mapping, and reading our output back.
#include "io/tmx_writer.h"

#include <gtest/gtest.h>

#include "io/tmx_reader.h"
#include "test_files.h"

namespace dhakira::io {
namespace {

const std::string kP0 = "\xEE\x80\x80";  // U+E000
const std::string kP1 = "\xEE\x80\x81";  // U+E001

SegmentPair Sample() {
  SegmentPair p;
  p.src_lang = "ar";
  p.tgt_lang = "en";
  p.source = "قال " + kP0 + "الرئيس" + kP1 + " <مهم> & \"جدا\"\r";
  p.source_codes = {{"bpt", "<bpt i=\"1\">&lt;b&gt;</bpt>"}, {"ept", "<ept i=\"1\">&lt;/b&gt;</ept>"}};
  p.target = "The " + kP0 + "president" + kP1 + " said \x0B it";
  p.target_codes = p.source_codes;
  p.origin = "Al-Watan";
  p.doc_id = "2024/01/15-3";
  p.doc_position = 4;
  p.created_at = 1705311000;
  p.created_by = "hala";
  p.note = "a note";
  p.properties = {{"x-domain", "politics"},
                  {"tmx:tuid", "news-1"},
                  {"tmx:usagecount", "3"},
                  {"tmx:note", "second note"},
                  {"tmx:src:changedate", "20240201T100000Z"},
                  {"tmx:src-prop:x-reviewed", "yes"},
                  {"tmx:tgt-note", "target note"},
                  {"odd type\twith tab", "v"}};
  return p;
}

TEST(TmxWriterTest, SegmentXmlEscapesAndRestoresCodes) {
  SegmentPair p = Sample();
  std::string out;
  uint64_t replaced = 0;
  AppendSegmentXml(p.source, p.source_codes, &out, &replaced);
  EXPECT_EQ(out,
            "قال <bpt i=\"1\">&lt;b&gt;</bpt>الرئيس<ept i=\"1\">&lt;/b&gt;</ept> &lt;مهم&gt; &amp; "
            "\"جدا\"&#13;");
  EXPECT_EQ(replaced, 0u);
  out.clear();
  AppendSegmentXml(p.target, p.target_codes, &out, &replaced);
  EXPECT_EQ(replaced, 1u) << "U+000B is not XML";
  // A placeholder without a code is dropped and counted.
  out.clear();
  AppendSegmentXml("a" + kP1 + "b", {{"ph", "<ph/>"}}, &out, &replaced);
  EXPECT_EQ(out, "ab");
  EXPECT_EQ(replaced, 2u);
}

TEST(TmxWriterTest, UnitReadsBackWithTheSameContent) {
  SegmentPair p = Sample();
  std::string doc;
  uint64_t replaced = 0;
  AppendTmxHeader("ar", "0.1.0", &doc);
  AppendTmxUnit(p, &doc, &replaced);
  AppendTmxFooter(&doc);
  EXPECT_EQ(doc.find("\xEF\xBB\xBF"), std::string::npos) << "no BOM";
  EXPECT_EQ(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">", 0), 0u);

  testing_io::TempDir dir;
  auto reader = TmxReader::Open(dir.Write("out.tmx", doc));
  ASSERT_TRUE(reader.ok());
  TmxUnit u;
  auto more = (*reader)->Next(&u);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_TRUE(*more);
  const Attributes& header = (*reader)->header();
  EXPECT_NE(std::find(header.begin(), header.end(), std::pair<std::string, std::string>("srclang", "ar")),
            header.end());
  EXPECT_TRUE(u.problems.empty());
  EXPECT_EQ(
      u.attributes,
      (Attributes{
          {"tuid", "news-1"}, {"usagecount", "3"}, {"creationdate", "20240115T093000Z"}, {"creationid", "hala"}}));
  EXPECT_EQ(u.notes, (std::vector<std::string>{"a note", "second note"}));
  EXPECT_EQ(u.properties, (Attributes{{std::string(kPropOrigin), "Al-Watan"},
                                      {std::string(kPropDoc), "2024/01/15-3"},
                                      {std::string(kPropDocPosition), "4"},
                                      {"x-domain", "politics"},
                                      {"odd type\twith tab", "v"}}));
  ASSERT_EQ(u.variants.size(), 2u);
  EXPECT_EQ(u.variants[0].lang, "ar");
  EXPECT_EQ(u.variants[0].text, p.source);
  EXPECT_EQ(u.variants[0].codes.size(), 2u);
  EXPECT_EQ(u.variants[0].codes[0].native, p.source_codes[0].native);
  EXPECT_EQ(u.variants[0].attributes, (Attributes{{"changedate", "20240201T100000Z"}}));
  EXPECT_EQ(u.variants[0].properties, (Attributes{{"x-reviewed", "yes"}}));
  EXPECT_EQ(u.variants[1].notes, (std::vector<std::string>{"target note"}));
  EXPECT_EQ(u.variants[1].text, "The " + kP0 + "president" + kP1 + " said \xEF\xBF\xBD it");
  EXPECT_FALSE(*(*reader)->Next(&u));
}

TEST(TsvWriterTest, EscapesOrReplacesAndDropsCodes) {
  SegmentPair p;
  p.source = "a\tb\\c" + kP0 + "d";
  p.source_codes = {{"ph", "<ph/>"}};
  p.target = "x\ny\xEE\x80\x80";
  p.target_codes = {{"char", "\xEF\xA3\xBF"}};  // a literal U+F8FF kept as a code: written back as text
  p.origin = "o";
  std::string out;
  uint64_t replaced = 0;
  AppendTsvLine(p, true, &out, &replaced);
  EXPECT_EQ(out, "a\\tb\\\\cd\tx\\ny\xEF\xA3\xBF\to\t\t\n");
  EXPECT_EQ(replaced, 0u);
  out.clear();
  AppendTsvLine(p, false, &out, &replaced);
  EXPECT_EQ(out, "a b\\cd\tx y\xEF\xA3\xBF\to\t\t\n");
  EXPECT_EQ(replaced, 2u);
}

}  // namespace
}  // namespace dhakira::io

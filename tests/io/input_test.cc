// The byte pre-stage: encodings, BOMs, gzip, invalid and XML-illegal input, chunk boundaries.
#include "io/input.h"

#include <gtest/gtest.h>

#include "io/line_reader.h"
#include "test_files.h"

namespace dhakira::io {
namespace {

using testing_io::TempDir;

struct Decoded {
  std::string text;
  std::string encoding;
  std::vector<DecodeIssue> issues;
};

Decoded DecodeAll(const std::string& path, Utf8Decoder::Mode mode, const std::string& forced = "") {
  Decoded d;
  auto decoder = Utf8Decoder::Open(path, mode, forced);
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  if (!decoder.ok()) return d;
  for (;;) {
    auto more = (*decoder)->Read(&d.text);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
  }
  d.encoding = (*decoder)->encoding();
  d.issues.assign((*decoder)->issues().begin(), (*decoder)->issues().end());
  return d;
}

const std::string kArabic = "قال الرئيس إن الاجتماع «مهم»";

TEST(Utf8DecoderTest, StripsUtf8Bom) {
  TempDir dir;
  Decoded d = DecodeAll(dir.Write("a.txt", "\xEF\xBB\xBF" + kArabic), Utf8Decoder::Mode::kText);
  EXPECT_EQ(d.text, kArabic);
  EXPECT_EQ(d.encoding, "UTF-8");
  EXPECT_TRUE(d.issues.empty());
}

TEST(Utf8DecoderTest, TranscodesUtf16WithBomBothOrders) {
  TempDir dir;
  const std::u16string text = u"<tmx>مرحبا\nworld</tmx>";
  for (bool le : {true, false}) {
    Decoded d =
        DecodeAll(dir.Write(le ? "le.tmx" : "be.tmx", testing_io::Utf16WithBom(text, le)), Utf8Decoder::Mode::kXml);
    EXPECT_EQ(d.text, "<tmx>مرحبا\nworld</tmx>") << (le ? "LE" : "BE");
    EXPECT_EQ(d.encoding, le ? "UTF-16LE" : "UTF-16BE");
    EXPECT_TRUE(d.issues.empty());
  }
}

TEST(Utf8DecoderTest, XmlDeclarationSelectsLegacyEncoding) {
  TempDir dir;
  // "سلام" in windows-1256: س=0xD3 ل=0xE1 ا=0xC7 م=0xE3.
  const std::string bytes = "<?xml version=\"1.0\" encoding=\"windows-1256\"?><seg>\xD3\xE1\xC7\xE3</seg>";
  Decoded d = DecodeAll(dir.Write("legacy.tmx", bytes), Utf8Decoder::Mode::kXml);
  EXPECT_NE(d.text.find("<seg>سلام</seg>"), std::string::npos) << d.text;
  EXPECT_NE(d.encoding.find("1256"), std::string::npos) << d.encoding;
}

TEST(Utf8DecoderTest, ForcedEncodingForText) {
  TempDir dir;
  Decoded d = DecodeAll(dir.Write("legacy.txt", "\xD3\xE1\xC7\xE3\tpeace\n"), Utf8Decoder::Mode::kText, "windows-1256");
  EXPECT_EQ(d.text, "سلام\tpeace\n");
}

TEST(Utf8DecoderTest, UnknownEncodingIsAClearError) {
  TempDir dir;
  const std::string path = dir.Write("x.tmx", "<?xml version=\"1.0\" encoding=\"klingon-7\"?><tmx/>");
  auto decoder = Utf8Decoder::Open(path, Utf8Decoder::Mode::kXml, "");
  ASSERT_FALSE(decoder.ok());
  EXPECT_TRUE(decoder.status().IsInvalidArgument());
  EXPECT_NE(decoder.status().message().find("unknown encoding 'klingon-7'"), std::string::npos)
      << decoder.status().message();
}

TEST(Utf8DecoderTest, InvalidUtf8IsReplacedAndLocated) {
  TempDir dir;
  Decoded d = DecodeAll(dir.Write("bad.txt", "ok line\nab\xC3(z\n"), Utf8Decoder::Mode::kText);
  EXPECT_EQ(d.text, "ok line\nab\xEF\xBF\xBD(z\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].kind, DecodeIssue::Kind::kInvalidSequence);
  EXPECT_EQ(d.issues[0].line, 2u);
  EXPECT_EQ(d.issues[0].column, 3u);
  EXPECT_EQ(d.issues[0].value, 0xC3u);
  EXPECT_EQ(d.issues[0].offset, 10u);
}

TEST(Utf8DecoderTest, XmlIllegalCodePointsAreReplacedAndCounted) {
  TempDir dir;
  // A raw U+000B, a numeric reference to it, and a legal reference that must stay.
  const std::string path = dir.Write("vt.tmx",
                                     "<seg>a\x0B"
                                     "b&#11;c&#x41;</seg>");
  auto decoder = Utf8Decoder::Open(path, Utf8Decoder::Mode::kXml, "");
  ASSERT_TRUE(decoder.ok());
  std::string out;
  while (true) {
    auto more = (*decoder)->Read(&out);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
  }
  EXPECT_EQ(out,
            "<seg>a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c&#x41;</seg>");
  EXPECT_EQ((*decoder)->illegal_code_points(), 2u);
  ASSERT_EQ((*decoder)->issues().size(), 2u);
  EXPECT_EQ((*decoder)->issues()[0].value, 0x0Bu);
  EXPECT_EQ((*decoder)->issues()[0].column, 7u);
  EXPECT_NE((*decoder)->issues()[0].Describe().find("U+000B"), std::string::npos);
}

TEST(Utf8DecoderTest, TextModeLeavesReferencesAlone) {
  TempDir dir;
  Decoded d = DecodeAll(dir.Write("t.txt", "a&#11;b"), Utf8Decoder::Mode::kText);
  EXPECT_EQ(d.text, "a&#11;b");
  EXPECT_TRUE(d.issues.empty());
}

TEST(Utf8DecoderTest, ChunkBoundariesNeverSplitSequences) {
  TempDir dir;
  // Well over one chunk of 2-, 3- and 4-byte sequences with a reference, at every alignment.
  std::string big;
  while (big.size() < 3 * Utf8Decoder::kChunkBytes) big += "xسلام€😀&#65;\n";
  Decoded d = DecodeAll(dir.Write("big.tmx", big), Utf8Decoder::Mode::kXml);
  EXPECT_EQ(d.text.size(), big.size());
  EXPECT_TRUE(d.text == big);
  EXPECT_TRUE(d.issues.empty());
  Decoded gz = DecodeAll(dir.WriteGz("big.tmx.gz", big), Utf8Decoder::Mode::kXml);
  EXPECT_TRUE(gz.text == big);
}

TEST(RawFileTest, DirectoryMissingAndTruncatedGzip) {
  TempDir dir;
  auto d = RawFile::Open(dir.Path(""));
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsInvalidArgument());
  EXPECT_NE(d.status().message().find("directory"), std::string::npos);

  auto missing = RawFile::Open(dir.Path("nope.tmx"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());

  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::string whole = testing_io::ReadFile(dir.WriteGz("t.gz", text));
  const std::string path = dir.Write("cut.gz", whole.substr(0, whole.size() / 2));
  auto raw = RawFile::Open(path);
  ASSERT_TRUE(raw.ok());
  char buf[4096];
  Status error;
  for (;;) {
    auto got = (*raw)->Read(buf, sizeof buf);
    if (!got.ok()) {
      error = got.status();
      break;
    }
    if (*got == 0) break;
  }
  EXPECT_TRUE(error.IsCorruption()) << error.ToString();
  EXPECT_NE(error.message().find("truncated"), std::string::npos) << error.message();
}

TEST(LineReaderTest, LinesCrLfAndIssues) {
  TempDir dir;
  const std::string path = dir.Write("l.tsv",
                                     "a\tb\r\n\nc\x0B"
                                     "d\tx\nlast");
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> lines;
  std::vector<size_t> issues;
  std::string_view line;
  for (;;) {
    auto more = (*reader)->Next(&line);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    lines.emplace_back(line);
    issues.push_back((*reader)->line_issues().size());
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a\tb");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2],
            "c\xEF\xBF\xBD"
            "d\tx");
  EXPECT_EQ(lines[3], "last");
  EXPECT_EQ(issues, (std::vector<size_t>{0, 0, 1, 0}));
  auto count = CountLines(path);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 4u);
}

TEST(LineReaderTest, CountsUtf16Lines) {
  TempDir dir;
  const std::string path = dir.Write("u16.txt", testing_io::Utf16WithBom(u"ਊ\nb\nc\n", true));
  auto count = CountLines(path);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3u);
}

}  // namespace
}  // namespace dhakira::io

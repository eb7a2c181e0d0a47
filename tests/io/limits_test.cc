// Hostile input: caps on every record accumulator (segment, inline code, prop, note, attribute, TSV
// field and line, TMX unit, nesting), decode issues aggregated instead of one per byte, declared
// encodings checked against the bytes, and emptiness read rather than stat()ed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "dhakira/io.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "io/input.h"
#include "io/line_reader.h"
#include "io/tmx_reader.h"
#include "test_files.h"

namespace dhakira {
namespace {

using testing_io::TempDir;

class Collect : public ImportReporter {
 public:
  void OnReject(const ImportIssue& i) override { rejects.push_back(i); }
  void OnWarning(const ImportIssue& i) override { warnings.push_back(i); }
  std::vector<ImportIssue> rejects, warnings;
};

std::string Tmx(const std::string& units, const std::string& encoding = "UTF-8") {
  return "<?xml version=\"1.0\" encoding=\"" + encoding +
         "\"?>\n<tmx version=\"1.4\"><header srclang=\"ar\" datatype=\"plaintext\" "
         "segtype=\"sentence\" "
         "adminlang=\"en\" creationtool=\"t\" creationtoolversion=\"1\" o-tmf=\"x\"/><body>\n" +
         units + "</body></tmx>\n";
}

std::string Unit(const std::string& ar, const std::string& en, const std::string& extra = "") {
  return "<tu>" + extra + "<tuv xml:lang=\"ar\"><seg>" + ar + "</seg></tuv><tuv xml:lang=\"en\"><seg>" + en +
         "</seg></tuv></tu>\n";
}

const std::string kGood1 = Unit("مرحبا", "Hello");
const std::string kGood2 = Unit("شكرا", "Thanks");

struct ImportRun {
  StatusOr<ImportSummary> summary = Status::Internal("not run");
  Collect reporter;
};

void ImportFile(const std::string& path, ImportOptions options, ImportRun* run) {
  TempDir tm;
  auto store = TranslationMemory::Open(tm.Path("tm"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  if (options.src_lang.empty()) options.src_lang = "ar";
  if (options.tgt_lang.empty()) options.tgt_lang = "en";
  run->summary = Import(**store, path, options, &run->reporter);
}

// ---------------------------------------------------------------------------------------------------------
TEST(DecodeIssueTest, RunsOfBadBytesAreOneEntry) {
  TempDir dir;
  // 1 MiB of NUL bytes on one line, then a good line with one bad byte.
  const std::string path = dir.WriteGz("nul.tsv.gz", std::string(1 << 20, '\0') + "\nok\x01ok\n");
  auto decoder = io::Utf8Decoder::Open(path, io::Utf8Decoder::Mode::kText, "");
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  std::string out;
  size_t max_pending = 0;
  for (;;) {
    auto more = (*decoder)->Read(&out);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    max_pending = std::max(max_pending, (*decoder)->issues().size());
    out.clear();
    if (!*more) break;
  }
  const auto& issues = (*decoder)->issues();
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].count, 1u << 20);
  EXPECT_EQ(issues[0].line, 1u);
  EXPECT_EQ(issues[0].column, 1u);
  EXPECT_NE(issues[0].Describe().find("and 1048575 more"), std::string::npos) << issues[0].Describe();
  EXPECT_EQ(issues[1].count, 1u);
  EXPECT_EQ(issues[1].line, 2u);
  EXPECT_EQ(issues[1].column, 3u);
  EXPECT_LE(max_pending, 2u);
  EXPECT_EQ((*decoder)->illegal_code_points(), (1u << 20) + 1);
}

TEST(DecodeIssueTest, ScatteredBadBytesOnOneLineAreCapped) {
  TempDir dir;
  std::string line;
  for (int i = 0; i < 100000; ++i) line += "a\x01";
  const std::string path = dir.Write("scattered.tsv", line + "\nb\x01\n");
  auto reader = io::LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::string_view text;
  auto more = (*reader)->Next(&text);
  ASSERT_TRUE(more.ok() && *more);
  const auto& issues = (*reader)->line_issues();
  ASSERT_EQ(issues.size(), io::Utf8Decoder::kMaxIssuesPerLine);
  uint64_t total = 0;
  for (const auto& issue : issues) total += issue.count;
  EXPECT_EQ(total, 100000u);
  more = (*reader)->Next(&text);
  ASSERT_TRUE(more.ok() && *more);
  ASSERT_EQ((*reader)->line_issues().size(), 1u);  // the next line gets its own
  EXPECT_EQ((*reader)->line_issues()[0].line, 2u);
}

TEST(LineReaderTest, OverlongLineIsSkippedNotKept) {
  TempDir dir;
  const std::string path = dir.WriteGz("long.tsv.gz", "a\tb\n" + std::string(3 << 20, 'x') + "\tlong\nc\td\n");
  auto reader = io::LineReader::Open(path, "", 64 * 1024);
  ASSERT_TRUE(reader.ok());
  std::string_view line;
  ASSERT_TRUE(*(*reader)->Next(&line));
  EXPECT_EQ(line, "a\tb");
  EXPECT_FALSE((*reader)->overlong());
  ASSERT_TRUE(*(*reader)->Next(&line));
  EXPECT_TRUE((*reader)->overlong());
  EXPECT_EQ((*reader)->line_bytes(), (3u << 20) + 5);
  EXPECT_LE(line.size(), 256u);
  ASSERT_TRUE(*(*reader)->Next(&line));
  EXPECT_EQ(line, "c\td");
  EXPECT_EQ((*reader)->line_number(), 3u);
  EXPECT_FALSE(*(*reader)->Next(&line));
  auto count = io::CountLines(path, "", 64 * 1024);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3u);
}

// ---------------------------------------------------------------------------------------------------------
TEST(ImportLimitsTest, TsvLineOverRecordCapIsRejectedAndTheRestImported) {
  TempDir dir;
  const std::string path =
      dir.WriteGz("c.tsv.gz", "مرحبا\tHello\n" + std::string(5 << 20, 'x') + "\tt\nشكرا\tThanks\n");
  ImportOptions options;
  options.max_record_bytes = 1 << 20;
  ImportRun run;
  ImportFile(path, options, &run);
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  EXPECT_EQ(run.summary->records_read, 3u);
  EXPECT_EQ(run.summary->added, 2u);
  ASSERT_EQ(run.reporter.rejects.size(), 1u);
  const ImportIssue& r = run.reporter.rejects[0];
  EXPECT_EQ(r.reason, "record-too-long");
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.file, path);
  EXPECT_NE(r.message.find("5242882 bytes long"), std::string::npos) << r.message;
}

TEST(ImportLimitsTest, TsvExtraColumnOverFieldCap) {
  TempDir dir;
  const std::string path =
      dir.Write("f.tsv", "source\ttarget\tnote\nمرحبا\tHello\t" + std::string(2000, 'n') + "\nشكرا\tThanks\tok\n");
  ImportOptions options;
  options.max_field_bytes = 1000;
  ImportRun run;
  ImportFile(path, options, &run);
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  EXPECT_EQ(run.summary->added, 1u);
  ASSERT_EQ(run.reporter.rejects.size(), 1u);
  EXPECT_EQ(run.reporter.rejects[0].reason, "field-too-long");
  EXPECT_EQ(run.reporter.rejects[0].line, 2u);
  EXPECT_NE(run.reporter.rejects[0].message.find("column 3 (note)"), std::string::npos);
}

TEST(ImportLimitsTest, ParallelLineOverRecordCap) {
  TempDir dir;
  const std::string src = dir.Write("p.ar", "مرحبا\n" + std::string(2 << 20, 'x') + "\nشكرا\n");
  const std::string tgt = dir.Write("p.en", "Hello\nlong\nThanks\n");
  ImportOptions options;
  options.format = FileFormat::kParallel;
  options.target_file = tgt;
  options.max_record_bytes = 1 << 20;
  ImportRun run;
  ImportFile(src, options, &run);
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  EXPECT_EQ(run.summary->added, 2u);
  ASSERT_EQ(run.reporter.rejects.size(), 1u);
  EXPECT_EQ(run.reporter.rejects[0].reason, "record-too-long");
  EXPECT_EQ(run.reporter.rejects[0].line, 2u);
}

// One TMX per accumulator: each oversized unit is rejected with its reason and position; its
// neighbours are imported.
struct TmxCase {
  const char* name;
  std::string bad_unit;
  const char* reason;
};

TEST(ImportLimitsTest, TmxAccumulatorsAreCapped) {
  const std::string big(200 * 1024, 'z');  // over the 64 KiB default caps
  std::string many_props;
  for (int i = 0; i < 100000; ++i) many_props += "<prop type=\"p\">value</prop>";
  std::string deep, undeep;
  for (int i = 0; i < 1000; ++i) deep += "<hi>", undeep += "</hi>";
  const std::vector<TmxCase> cases = {
      {"segment", Unit(big, "x"), "segment-too-long"},
      {"inline code", Unit("a<ph>" + big + "</ph>b", "x"), "field-too-long"},
      {"prop", Unit("a", "x", "<prop type=\"t\">" + big + "</prop>"), "field-too-long"},
      {"note", Unit("a", "x", "<note>" + big + "</note>"), "field-too-long"},
      {"attribute", "<tu tuid=\"" + big + "\">" + Unit("a", "x").substr(4), "field-too-long"},
      {"unit", Unit("a", "x", many_props), "record-too-long"},
      {"nesting", Unit("a" + deep + "b" + undeep, "x"), "malformed-tu"},
  };
  for (const TmxCase& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const std::string path = dir.Write("caps.tmx", Tmx(kGood1 + c.bad_unit + kGood2));
    ImportRun run;
    ImportFile(path, ImportOptions(), &run);
    ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
    EXPECT_EQ(run.summary->records_read, 3u);
    EXPECT_EQ(run.summary->added, 2u);
    ASSERT_EQ(run.reporter.rejects.size(), 1u);
    EXPECT_EQ(run.reporter.rejects[0].reason, c.reason) << run.reporter.rejects[0].message;
    EXPECT_EQ(run.reporter.rejects[0].line, 4u);
    EXPECT_LE(run.reporter.rejects[0].excerpt.size(), 84u);
  }
}

TEST(ImportLimitsTest, TmxUnitFullOfBadBytesKeepsFewIssues) {
  TempDir dir;
  // 3 MiB of text and U+000B inside one segment, spread over many decoder chunks; and a unit with
  // one after it.
  std::string text;
  for (int i = 0; i < (1 << 20); ++i) text += "ب\x0B";
  const std::string path = dir.WriteGz("bad.tmx.gz", Tmx(kGood1 + Unit(text, "x") + Unit("b\x0Bق", "y")));
  ImportOptions options;
  options.max_segment_bytes = 64 << 20;
  options.max_record_bytes = 256u << 20;
  ImportRun run;
  ImportFile(path, options, &run);
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  EXPECT_EQ(run.summary->illegal_chars_replaced, (1u << 20) + 1);
  // One warning entry per aggregated issue: at most TmxReader::kMaxIssuesPerUnit for the big unit.
  EXPECT_LE(run.reporter.warnings.size(), io::TmxReader::kMaxIssuesPerUnit + 1);
  ASSERT_FALSE(run.reporter.warnings.empty());
  EXPECT_EQ(run.reporter.warnings.back().line, 5u);  // the last unit's own replacement
}

TEST(ImportLimitsTest, HugeTagEndsTheImportWithAClearError) {
  TempDir dir;
  // A start tag of 40 MiB of attributes cannot be skipped: expat must hold it whole.
  std::string attrs;
  for (int i = 0; i < 400000; ++i) attrs += " a" + std::to_string(i) + "=\"" + std::string(90, 'v') + "\"";
  const std::string path = dir.Write("tag.tmx", Tmx(kGood1 + "<tu" + attrs + ">" + kGood2.substr(4)));
  ImportOptions options;
  options.max_record_bytes = 1 << 20;  // expat budget 18 MiB
  ImportRun run;
  ImportFile(path, options, &run);
  ASSERT_FALSE(run.summary.ok());
  EXPECT_NE(run.summary.status().message().find("larger than"), std::string::npos) << run.summary.status().ToString();
  EXPECT_NE(run.summary.status().message().find("line 4"), std::string::npos) << run.summary.status().ToString();
}

TEST(ImportLimitsTest, OptionsAreValidated) {
  ImportOptions o;
  o.max_field_bytes = 0;
  EXPECT_NE(o.Validate().message().find("max_field_bytes"), std::string::npos);
  o = ImportOptions();
  o.max_record_bytes = 10;
  EXPECT_NE(o.Validate().message().find("max_record_bytes"), std::string::npos);
  o.max_record_bytes = 300u << 20;
  EXPECT_NE(o.Validate().message().find("max_record_bytes"), std::string::npos);
  EXPECT_TRUE(ImportOptions().Validate().ok());
}

// ---------------------------------------------------------------------------------------------------------
TEST(ImportEncodingTest, Utf8DeclaredLatin1IsRefused) {
  TempDir dir;
  const std::string path = dir.Write("moji.tmx", Tmx(kGood1 + kGood2, "ISO-8859-1"));
  ImportRun run;
  ImportFile(path, ImportOptions(), &run);
  ASSERT_FALSE(run.summary.ok());
  EXPECT_NE(run.summary.status().message().find("holds UTF-8"), std::string::npos);
  EXPECT_NE(run.summary.status().message().find("--encoding utf-8"), std::string::npos);
  EXPECT_NE(run.summary.status().message().find("moji.tmx"), std::string::npos);

  // Real Latin-1 passes; forcing the declared encoding reads the bytes as declared, warning per
  // segment.
  const std::string latin = dir.Write("latin.tmx", Tmx(Unit("caf\xE9", "caf\xE9")));
  ImportRun ok;
  ImportOptions fr;
  fr.src_lang = "fr";
  ImportFile(latin, fr, &ok);
  ASSERT_TRUE(ok.summary.ok()) << ok.summary.status().ToString();
  ImportRun forced;
  ImportOptions options;
  options.encoding = "ISO-8859-1";
  ImportFile(path, options, &forced);
  ASSERT_TRUE(forced.summary.ok()) << forced.summary.status().ToString();
  EXPECT_EQ(forced.summary->warnings_by_reason["no-arabic-script"], 2u);
}

TEST(ImportEncodingTest, ProcfsFileIsReadNotStatted) {
  // /proc/version reports a size of 0 but holds a line: a one-column TSV line, not an empty file.
  ImportRun run;
  ImportOptions options;
  options.format = FileFormat::kTsv;
  ImportFile("/proc/version", options, &run);
  ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
  EXPECT_EQ(run.summary->records_read, 1u);
  EXPECT_EQ(run.summary->rejected_by_reason["malformed-line"], 1u);
  // A file with no bytes at all still is an error.
  TempDir dir;
  ImportRun empty;
  ImportFile(dir.Write("e.tsv", ""), ImportOptions(), &empty);
  ASSERT_FALSE(empty.summary.ok());
  EXPECT_NE(empty.summary.status().message().find("is empty"), std::string::npos);
}

TEST(ImportEncodingTest, FifoInputIsRefusedWhereItWouldBeReadTwice) {
  // Strict mode and line-parallel imports read their files twice: a FIFO would block the second
  // time. Refused before it is opened, so this returns at once with no writer on the FIFO.
  TempDir dir;
  const std::string fifo = dir.Path("in.tsv");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ImportOptions strict;
  strict.strict = true;
  ImportRun run;
  ImportFile(fifo, strict, &run);
  ASSERT_FALSE(run.summary.ok());
  EXPECT_NE(run.summary.status().message().find("--strict reads the file twice"), std::string::npos)
      << run.summary.status().ToString();
  ImportOptions parallel;
  parallel.format = FileFormat::kParallel;
  parallel.target_file = fifo;
  ImportRun par;
  ImportFile(dir.Write("a.ar", "واحد\n"), parallel, &par);
  ASSERT_FALSE(par.summary.ok());
  EXPECT_NE(par.summary.status().message().find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace dhakira

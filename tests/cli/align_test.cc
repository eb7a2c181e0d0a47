// End-to-end tests of `dhakira align`: formats, batch mode, import into the TM, usage errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace {

namespace fs = std::filesystem;

using dhakira::test_support::NonEmptyLines;
using dhakira::test_support::ProcessResult;
using dhakira::test_support::PyOnJson;
using dhakira::test_support::ReadFile;
using CliRun = ProcessResult;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class AlignCliTest : public dhakira::test_support::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    articles_ = fs::path(DHAKIRA_SOURCE_DIR) / "data" / "articles";
  }
  std::string Split(const char* slug, const char* lang) {
    return (articles_ / (std::string(slug) + "." + lang + ".split")).string();
  }
  // `dhakira align` of the presplit sample article `slug`, Arabic to English, then `extra`.
  ProcessResult AlignPresplit(const char* slug, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"align", Split(slug, "ar"), Split(slug, "en"), "--src-lang", "ar", "--tgt-lang",
                                     "en",    "--presplit"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Dhakira(args);
  }

  fs::path articles_;
};

TEST_F(AlignCliTest, LinksCoverBothDocuments) {
  CliRun r = AlignPresplit("hama-wheat-harvest", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex link(R"(^\[([0-9, ]*)\]:\[([0-9, ]*)\]$)");
  size_t src = 0, tgt = 0;
  for (const std::string& l : NonEmptyLines(r.out)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, link)) << l;
    std::istringstream a(std::regex_replace(m[1].str(), std::regex(","), " ")),
        b(std::regex_replace(m[2].str(), std::regex(","), " "));
    for (size_t id; a >> id;) EXPECT_EQ(id, src++);
    for (size_t id; b >> id;) EXPECT_EQ(id, tgt++);
  }
  EXPECT_EQ(src, NonEmptyLines(ReadFile(Split("hama-wheat-harvest", "ar"))).size());
  EXPECT_EQ(tgt, NonEmptyLines(ReadFile(Split("hama-wheat-harvest", "en"))).size());
}

// The Arabic of one article with the English of another (a wrong pairing): --import stores
// nothing and says why; --batch names the document in its summary.
TEST_F(AlignCliTest, UnrelatedDocumentsImportNothingAndAreNamed) {
  CliRun r = Dhakira({"align", Split("hama-wheat-harvest", "ar"), Split("tartus-solar-pumping", "en"), "--src-lang",
                      "ar", "--tgt-lang", "en", "--presplit", "--import"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("do not translate each other"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing stored"), std::string::npos) << r.err;
  const std::string file = (dir_ / "unrelated.tmx").string();
  CliRun exported = Dhakira({"export", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(Count(ReadFile(file), "<tu "), 0u);

  const fs::path batch = dir_ / "batch";
  fs::create_directories(batch);
  fs::copy_file(Split("hama-wheat-harvest", "ar"), batch / "mixed.ar");
  fs::copy_file(Split("tartus-solar-pumping", "en"), batch / "mixed.en");
  fs::copy_file(Split("hama-wheat-harvest", "ar"), batch / "right.ar");
  fs::copy_file(Split("hama-wheat-harvest", "en"), batch / "right.en");
  CliRun b = Dhakira({"align", "--batch", batch.string(), "--out", (dir_ / "out").string(), "--src-lang", "ar",
                      "--tgt-lang", "en", "--presplit"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(b.err.find("do not translate each other (wrong pairing?), nothing of them is stored: mixed\n"),
            std::string::npos)
      << b.err;
}

TEST_F(AlignCliTest, OtherFormats) {
  auto with = [&](const char* f) { return AlignPresplit("tartus-solar-pumping", {"--format", f}); };
  // TSV and TMX are what `dhakira export` writes (io's writers): the TSV has a header and the
  // columns source, target, origin, doc, note; the document id is the file's stem.
  CliRun tsv = with("tsv");
  ASSERT_EQ(tsv.exit_code, 0) << tsv.err;
  const std::vector<std::string> tsv_lines = NonEmptyLines(tsv.out);
  ASSERT_GT(tsv_lines.size(), 5u) << tsv.out;
  EXPECT_EQ(tsv_lines[0], "source\ttarget\torigin\tdoc\tnote");
  for (size_t i = 1; i < tsv_lines.size(); ++i) {
    const std::string& l = tsv_lines[i];
    EXPECT_EQ(std::count(l.begin(), l.end(), '\t'), 4) << l;
    EXPECT_NE(l.find("\ttartus-solar-pumping\t"), std::string::npos) << l;
  }

  // The TMX holds the same units: imported, it gives one pair per TSV line, none rejected.
  CliRun tmx = with("tmx");
  ASSERT_EQ(tmx.exit_code, 0) << tmx.err;
  EXPECT_EQ(tmx.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">", 0), 0u) << tmx.out;
  const std::string tmx_file = Write("aligned.tmx", tmx.out);
  CliRun imported = Dhakira({"import", "--json", "--src-lang", "ar", "--tgt-lang", "en", tmx_file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string units = std::to_string(tsv_lines.size() - 1);
  EXPECT_EQ(PyOnJson(imported.out, "doc['read']"), units) << imported.out;
  EXPECT_EQ(PyOnJson(imported.out, "doc['added']"), units) << imported.out;
  EXPECT_EQ(PyOnJson(imported.out, "doc['rejected']"), "0") << imported.out;

  CliRun json = with("json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(PyOnJson(json.out,
                     "bool(doc['links']) and all('confidence' in l and 'editorial' in l for l in "
                     "doc['links']) and any(l['editorial'] == 'disclaimer' for l in doc['links'])"),
            "True")
      << json.out;

  CliRun bad = with("xml");
  EXPECT_EQ(bad.exit_code, 2);
}

// Every editorial kind is named in the JSON and counted, by kind, in the import summary; a desk's extra
// patterns file adds its own lines, and a bad one is refused naming the file, the line and the ICU error.
TEST_F(AlignCliTest, EditorialKindsAreNamedAndCounted) {
  // The sample article with a credit, a "read more" line, a photo credit and the desk's own check line
  // appended; the desk's file names the last (without it, that unknown sentence would end the tail).
  const std::string english = Write("hama.en", ReadFile(Split("hama-wheat-harvest", "en")) +
                                                   "Translated by Lina Haddad\nRead more: Aleppo exam transport\n"
                                                   "(Photo: SANA)\nChecked by the Levant Desk.\n");
  const std::string desk = Write("desk.tsv", "credit\ttail\t^checked\\s+by\\s+the\\s+levant\\s+desk\\.?$\tours\n");
  auto align = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "align", Split("hama-wheat-harvest", "ar"), english, "--src-lang", "ar", "--tgt-lang", "en", "--presplit"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Dhakira(args);
  };
  CliRun json = align({"--format", "json", "--editorial-patterns", desk});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(PyOnJson(json.out, "[l['editorial'] for l in doc['links'] if l['editorial'] != 'none']"),
            "['standfirst', 'disclaimer', 'disclaimer', 'disclaimer', 'keywords', 'credit', 'related', 'photo', "
            "'credit']")
      << json.out;

  CliRun imported = align({"--import", "--editorial-patterns", desk});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("editorial lines by kind: 1 standfirst, 3 disclaimer, 1 keywords, 2 credit, 1 related, "
                              "1 photo"),
            std::string::npos)
      << imported.err;

  const std::string bad = Write("bad.tsv", "# ours\nphoto\teither\t(unclosed\n");
  CliRun refused = align({"--editorial-patterns", bad});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find(bad + ":2: U_REGEX_MISMATCHED_PAREN"), std::string::npos) << refused.err;
}

TEST_F(AlignCliTest, BatchWritesOneFilePerDocument) {
  fs::path in = dir_ / "in", out = dir_ / "out";
  fs::create_directories(in);
  for (const char* slug : {"hama-wheat-harvest", "aleppo-exam-transport"}) {
    fs::copy_file(Split(slug, "ar"), in / (std::string(slug) + ".ar"));
    fs::copy_file(Split(slug, "en"), in / (std::string(slug) + ".en"));
  }
  std::ofstream(in / "lonely.ar") << "بلا ترجمة\n";  // no .en beside it: skipped
  CliRun r = Dhakira(
      {"align", "--batch", in.string(), "--out", out.string(), "--presplit", "--src-lang", "ar", "--tgt-lang", "en"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "hama-wheat-harvest.align"));
  EXPECT_TRUE(fs::exists(out / "aleppo-exam-transport.align"));
  EXPECT_FALSE(fs::exists(out / "lonely.align"));
  EXPECT_GT(NonEmptyLines(ReadFile(out / "hama-wheat-harvest.align")).size(), 10u);
}

// --batch --format json writes OUTDIR/DOC.json, the JSON the single-document command prints (what
// benchmarks/align_eval.d/score_import.py reads: every link with its confidence and flags).
TEST_F(AlignCliTest, BatchJsonWritesTheSingleDocumentJson) {
  const char* slug = "tartus-solar-pumping";
  fs::path in = dir_ / "in", out = dir_ / "out";
  fs::create_directories(in);
  fs::copy_file(Split(slug, "ar"), in / (std::string(slug) + ".ar"));
  fs::copy_file(Split(slug, "en"), in / (std::string(slug) + ".en"));
  CliRun r = Dhakira({"align", "--batch", in.string(), "--out", out.string(), "--presplit", "--src-lang", "ar",
                      "--tgt-lang", "en", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out / (std::string(slug) + ".align")));
  ASSERT_TRUE(fs::exists(out / (std::string(slug) + ".json")));
  const std::string json = ReadFile(out / (std::string(slug) + ".json"));
  CliRun single = AlignPresplit(slug, {"--format", "json"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  EXPECT_EQ(json, single.out);
  EXPECT_EQ(
      PyOnJson(json, "doc['document'] == 'tartus-solar-pumping' and all('low_confidence' in l for l in doc['links'])"),
      "True")
      << json;
}

TEST_F(AlignCliTest, ImportStoresPairsOnceAndReports) {
  const std::vector<std::string> import = {"--import", "--origin", "Al-Watan"};
  CliRun first = AlignPresplit("hama-wheat-harvest", import);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("stored"), std::string::npos) << first.err;
  CliRun stats = Dhakira({"stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("Al-Watan"), std::string::npos) << stats.out;
  CliRun second = AlignPresplit("hama-wheat-harvest", import);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find(" 0 stored"), std::string::npos) << second.err;
  // With the TM filled, --learn adds a TM-learned lexicon and still aligns.
  CliRun learned = AlignPresplit("tartus-solar-pumping", {"--learn"});
  EXPECT_EQ(learned.exit_code, 0) << learned.err;
  EXPECT_GT(NonEmptyLines(learned.out).size(), 10u);
}

// `align --format tmx` then `import` stores exactly what `align --import` stores: the same texts,
// document id and position, context hashes and alignment properties.
TEST_F(AlignCliTest, TmxThenImportKeepsDocumentAndContext) {
  CliRun tmx = AlignPresplit("hama-wheat-harvest", {"--format", "tmx"});
  ASSERT_EQ(tmx.exit_code, 0) << tmx.err;
  const std::string tmx_file = Write("hama.tmx", tmx.out);
  const std::string via_tmx = (dir_ / "via-tmx.db").string();
  CliRun imported = Dhakira({"--db", via_tmx, "import", "--quiet", "--src-lang", "ar", "--tgt-lang", "en", tmx_file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CliRun direct = AlignPresplit("hama-wheat-harvest", {"--import"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;

  // Both TMs exported as TMX (which carries texts, document, position, context hashes and
  // properties) are the same file but for the times of writing.
  const std::regex clock(R"(date="[0-9T]+Z")");
  std::string exported[2];
  for (int i = 0; i < 2; ++i) {
    const std::string file = (dir_ / "export-").string() + std::to_string(i) + ".tmx";
    CliRun done = i == 0 ? Dhakira({"--db", via_tmx, "export", file}) : Dhakira({"export", file});
    ASSERT_EQ(done.exit_code, 0) << done.err;
    exported[i] = std::regex_replace(ReadFile(file), clock, "date=\"\"");
  }
  EXPECT_EQ(exported[0], exported[1]);
  const size_t units = Count(exported[0], "<tu "), with_prev = Count(exported[0], "x-dhakira-prev");
  EXPECT_GE(units, 8u);  // of 13 gold pairs, those at or above the calibrated bar
  EXPECT_GT(with_prev, units / 2);
  EXPECT_EQ(Count(exported[0], "<prop type=\"x-dhakira-doc\">hama-wheat-harvest</prop>"), units);
  // And get --json shows them: the second unit has neighbours on both sides.
  CliRun second = Dhakira({"--db", via_tmx, "get", "--json", "2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(PyOnJson(second.out, "(doc['doc'], doc['prev_hash'] != 0, doc['next_hash'] != 0)"),
            "('hama-wheat-harvest', True, True)")
      << second.out;
}

TEST_F(AlignCliTest, UsageAndInputErrors) {
  CliRun no_lang = Dhakira({"align", Split("hama-wheat-harvest", "ar"), Split("hama-wheat-harvest", "en")});
  EXPECT_EQ(no_lang.exit_code, 2);
  CliRun one_file = Dhakira({"align", Split("hama-wheat-harvest", "ar"), "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(one_file.exit_code, 2);
  CliRun same = Dhakira({"align", Split("hama-wheat-harvest", "ar"), Split("hama-wheat-harvest", "en"), "--src-lang",
                         "ar", "--tgt-lang", "ar"});
  EXPECT_EQ(same.exit_code, 2);
  CliRun missing = Dhakira({"align", (dir_ / "nope.ar").string(), Split("hama-wheat-harvest", "en"), "--src-lang", "ar",
                            "--tgt-lang", "en"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.ar"), std::string::npos) << missing.err;
  CliRun batch_no_out = Dhakira({"align", "--batch", dir_.string(), "--src-lang", "ar", "--tgt-lang", "en"});
  EXPECT_EQ(batch_no_out.exit_code, 2);
}

}  // namespace

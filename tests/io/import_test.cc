// Import and Export through a real LMDB store: every file of ../shared/tmx, the ../shared/corpora
// in TSV and line-parallel form, round trips, bad input, strict and dry runs, duplicate policies,
// and a SIGKILL mid-import.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "dhakira/io.h"
#include "dhakira/translation_memory.h"
#include "test_files.h"
#include "testing/shared_data.h"

namespace dhakira {
namespace {

using testing_io::TempDir;

using test_support::SharedPath;

class Collect : public ImportReporter {
 public:
  void OnReject(const ImportIssue& i) override { rejects.push_back(i); }
  void OnWarning(const ImportIssue& i) override { warnings.push_back(i); }
  void OnProgress(const ImportProgress& p) override { last = p, ++progress_calls; }
  std::vector<ImportIssue> rejects, warnings;
  ImportProgress last;
  int progress_calls = 0;
};

std::unique_ptr<TranslationMemory> OpenStore(const std::string& path) {
  auto store = TranslationMemory::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

std::vector<SegmentPair> AllPairs(const Store& store) {
  std::vector<SegmentPair> out;
  Status s = store.ForEach([&](const SegmentPair& p) {
    out.push_back(p);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

uint64_t Count(const Store& store) {
  auto stats = store.Stats();
  EXPECT_TRUE(stats.ok());
  return stats.ok() ? stats->segments : 0;
}

std::string Reasons(const std::map<std::string, uint64_t>& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Every TMX file of ../shared/tmx, with what it holds for the pair asked (counts checked by hand against the
// files: <tu> counts by grep, duplicates by a script over the <seg> texts).
struct TmxCase {
  const char* file;
  const char* src;
  const char* tgt;
  uint64_t read, added, duplicates, rejected;
  const char* reasons;  // rejected_by_reason, "reason=n ..." in key order
  const char* error;    // non-empty: Import fails with this in the message
};
const TmxCase kTmxCases[] = {
    {"heartsome-tmx/UTF-16LE.TMX", "en", "zh", 2, 2, 0, 0, "", ""},
    {"heartsome-tmx/utf-16be.tmx", "en", "zh", 2, 2, 0, 0, "", ""},
    {"heartsome-tmx/utf-8.tmx", "", "en", 2, 2, 0, 0, "", ""},  // srclang from the header: zh-cn
    {"okapi-other-cat-formats/a_small_test.tmx", "en", "fr", 1, 1, 0, 0, "", ""},
    {"okapi-other-cat-formats/okapi-confusion.tmx", "en", "fr", 1, 0, 0, 1, "missing-target=1", ""},
    {"okapi-other-cat-formats/sampleTMX2.tmx", "en-US", "fr-CA", 2, 2, 0, 0, "", ""},  // U+F8FF kept
    {"okapi-tmx/ImportTest2B.tmx", "en", "fr", 7, 7, 0, 0, "", ""},
    {"okapi-tmx/Paragraph_TM.tmx", "en", "de", 7, 7, 0, 0, "", ""},
    {"okapi-tmx/header_with_prop_and_note.tmx", "en", "fr", 1, 1, 0, 0, "", ""},
    {"okapi-tmx/html_test.tmx", "en", "fr", 11, 11, 0, 0, "", ""},
    {"okapi-tmx/mytm.tmx", "en", "fr", 25, 24, 1, 0, "", ""},
    {"okapi-tmx/sample14b.tmx", "en", "de", 25, 24, 1, 0, "", ""},
    {"okapi-tmx/smallParagraph.tmx", "en", "pt", 2, 2, 0, 0, "", ""},
    {"okapi-tmx/tmxtest-attributes.tmx", "en", "fr", 9, 9, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1A.tmx", "en-US", "fr-CA", 4, 4, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1B.tmx", "en-US", "fr-CA", 2, 2, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1C.tmx", "en-US", "fr-CA", 4, 4, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1D.tmx", "en-US", "fr-CA", 4, 4, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest1E.tmx", "en-US", "fr-CA", 4, 4, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ExportTest2A.tmx", "en-US", "fr-CA", 6, 6, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1A.tmx", "en-US", "fr-CA", 2, 2, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1B.tmx", "en-US", "fr-CA", 1, 1, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1C.tmx", "en-US", "ja", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1D.tmx", "en-US", "en-GB", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1E.tmx", "en-US", "en-GB", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1F.tmx", "en-US", "en-GB", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1G.tmx", "en-US", "en-GB", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1H.tmx", "en-US", "en-GB", 3, 3, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1I.tmx", "en-US", "ja", 1, 1, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1J.tmx", "en-US", "en-GB", 2, 2, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1J_many.tmx", "en-US", "en-GB", 3, 2, 0, 1, "missing-target=1", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1K.tmx", "en-GB", "de", 2, 1, 0, 1, "missing-target=1", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest1L.tmx", "en-US", "fr", 1, 1, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2A-0index.tmx", "en-US", "fr-CA", 7, 7, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2A.tmx", "en-US", "fr-CA", 7, 7, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2B.tmx", "en-US", "fr-CA", 7, 7, 0, 0, "", ""},
    {"omegat-lisa-tmx-compliance-kit/ImportTest2C.tmx", "en-US", "fr", 1, 1, 0, 0, "", ""},
    {"omegat-tmx/empty.tmx", "en", "be", 0, 0, 0, 0, "", ""},
    {"omegat-tmx/en-US_en-GB_fr_sr.tmx", "en-US", "sr", 1, 1, 0, 0, "", ""},
    // Codes only, no text: rejected with a reason, not imported as an empty pair.
    {"omegat-tmx/invalid.tmx", "en", "be", 1, 0, 0, 1, "empty-segment=1", ""},
    {"omegat-tmx/resegmenting11.tmx", "en", "fr", 1, 1, 0, 0, "", ""},
    {"omegat-tmx/test-SMP.tmx", "en", "be", 1, 1, 0, 0, "", ""},
    {"omegat-tmx/test-level1.tmx", "en", "be", 4, 4, 0, 0, "", ""},
    {"omegat-tmx/test-level2.tmx", "en", "be", 4, 4, 0, 0, "", ""},
    {"omegat-tmx/test-missingSource.tmx", "en", "be", 4, 3, 0, 1, "missing-source=1", ""},
    {"omegat-tmx/test-multiple-tuv14.tmx", "en-US", "fr", 3, 2, 0, 1, "missing-target=1", ""},
    {"omegat-tmx/test-omegat.tmx", "en", "be", 4, 4, 0, 0, "", ""},
    {"omegat-tmx/test-save-tmx14.tmx", "en", "be", 4, 4, 0, 0, "", ""},
    {"rws-trados/trados-studio-cy-en-customfields.tmx", "cy", "en", 118, 118, 0, 0, "", ""},
    {"rws-trados/trados-studio-software-en-de.tmx", "en", "de", 14, 14, 0, 0, "", ""},
    {"rws-trados/tw4win-utf16-en-de.tmx", "en", "de", 6, 6, 0, 0, "", ""},
    // 1284 TUs, 930 distinct pairs; the pair whose English is a single space is rejected (twice).
    {"translate-toolkit-ar/libreoffice-sd.en-ar.po2tmx.tmx", "en", "ar", 1284, 929, 353, 2, "empty-segment=2", ""},
    {"weblate-tmx/memory.tmx", "de", "cs", 1, 1, 0, 0, "", ""},
    {"weblate-tmx/memory2.tmx", "en", "sc", 1, 1, 0, 0, "", ""},
    // Not TMX: a clear error, nothing written.
    {"omegat-tmx/xliff12-file-XLIFFFilter-tags.xlf", "en", "fr", 0, 0, 0, 0, "", "root element is <xliff>"},
    {"orcid-xliff-ar/messages.ar.xlf", "en", "ar", 0, 0, 0, 0, "", "root element is <xliff>"},
    {"rws-trados/TTSExample.docx.sdlxliff", "en", "de", 0, 0, 0, 0, "", "root element is <xliff>"},
    {"okapi-other-cat-formats/Test01.docx.txml", "en", "fr", 0, 0, 0, 0, "", "root element is <txml>"},
};

class SharedTmxImportTest : public ::testing::TestWithParam<TmxCase> {};

TEST_P(SharedTmxImportTest, ImportsWithExpectedCounts) {
  const TmxCase& c = GetParam();
  std::string path;
  DHAKIRA_CONFORMANCE_TMX_OR_SKIP(std::string(c.file), &path);
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  ImportOptions options;
  options.format = FileFormat::kTmx;
  options.src_lang = c.src;
  options.tgt_lang = c.tgt;
  Collect reporter;
  auto summary = Import(*store, path, options, &reporter);
  if (*c.error != '\0') {
    ASSERT_FALSE(summary.ok());
    EXPECT_NE(summary.status().message().find(c.error), std::string::npos) << summary.status().message();
    EXPECT_EQ(Count(*store), 0u);
    return;
  }
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->records_read, c.read);
  EXPECT_EQ(summary->added, c.added);
  EXPECT_EQ(summary->duplicates_skipped, c.duplicates);
  EXPECT_EQ(summary->rejected, c.rejected);
  EXPECT_EQ(Reasons(summary->rejected_by_reason), c.reasons);
  EXPECT_EQ(Count(*store), c.added);
  ASSERT_EQ(reporter.rejects.size(), c.rejected);
  for (const ImportIssue& r : reporter.rejects) {
    EXPECT_GT(r.line, 0u);
    EXPECT_FALSE(r.message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SharedTmxImportTest, ::testing::ValuesIn(kTmxCases),
                         [](const ::testing::TestParamInfo<TmxCase>& info) {
                           std::string name = info.param.file;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(ImportTmxTest, LanguagesAreCanonicalAndMetadataKept) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  ImportOptions options;
  options.src_lang = "AR";
  options.tgt_lang = "en";
  Collect reporter;
  auto summary = Import(*store, std::string(DHAKIRA_TESTDATA_DIR) + "/io/inline-ar.tmx", options, &reporter);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->records_read, 4u);
  EXPECT_EQ(summary->added, 2u);
  EXPECT_EQ(Reasons(summary->rejected_by_reason), "missing-seg=1 missing-target=1");
  EXPECT_EQ(summary->entities_replaced, 1u);
  auto pairs = AllPairs(*store);
  ASSERT_EQ(pairs.size(), 2u);
  const SegmentPair& p = pairs[0];
  EXPECT_EQ(p.src_lang, "ar-SY");
  EXPECT_EQ(p.tgt_lang, "en-US");
  EXPECT_EQ(p.source_codes.size(), 3u);
  EXPECT_EQ(p.origin, "Al-Watan");
  EXPECT_EQ(p.created_at, 1705311000);
  EXPECT_EQ(p.changed_at, 1706781600);  // from the Arabic <tuv>, the TU has none
  EXPECT_EQ(p.created_by, "hala");
  EXPECT_EQ(p.note, "checked by the desk");
  auto has = [&](const std::string& type, const std::string& value) {
    return std::find(p.properties.begin(), p.properties.end(), std::make_pair(type, value)) != p.properties.end();
  };
  EXPECT_TRUE(has("tmx:tuid", "news-1"));
  EXPECT_TRUE(has("tmx:usagecount", "3"));
  EXPECT_TRUE(has("tmx:note", "second note"));
  EXPECT_TRUE(has("x-domain", "politics"));
  EXPECT_TRUE(has("tmx:src-prop:x-reviewed", "yes"));
  // The second TU: TMX 1.1 lang="en_US" is the *source* here? No: ar is the source, en_US the target.
  EXPECT_EQ(pairs[1].src_lang, "ar");
  EXPECT_EQ(pairs[1].tgt_lang, "en-US");
}

// ---------------------------------------------------------------------------------------------------------
// Round trips: import → export → import gives the same pairs, codes and properties.
void ExpectSamePairs(std::vector<SegmentPair> a, std::vector<SegmentPair> b) {
  auto key = [](const SegmentPair& p) { return p.src_lang + "\t" + p.source + "\t" + p.target; };
  auto by_key = [&](const SegmentPair& x, const SegmentPair& y) { return key(x) < key(y); };
  std::sort(a.begin(), a.end(), by_key);
  std::sort(b.begin(), b.end(), by_key);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("pair " + key(a[i]));
    EXPECT_EQ(a[i].src_lang, b[i].src_lang);
    EXPECT_EQ(a[i].tgt_lang, b[i].tgt_lang);
    EXPECT_EQ(a[i].source, b[i].source);
    EXPECT_EQ(a[i].target, b[i].target);
    ASSERT_EQ(a[i].source_codes.size(), b[i].source_codes.size());
    for (size_t j = 0; j < a[i].source_codes.size(); ++j) {
      EXPECT_EQ(a[i].source_codes[j].element, b[i].source_codes[j].element);
      EXPECT_EQ(a[i].source_codes[j].native, b[i].source_codes[j].native);
    }
    ASSERT_EQ(a[i].target_codes.size(), b[i].target_codes.size());
    for (size_t j = 0; j < a[i].target_codes.size(); ++j) {
      EXPECT_EQ(a[i].target_codes[j].native, b[i].target_codes[j].native);
    }
    EXPECT_EQ(a[i].origin, b[i].origin);
    EXPECT_EQ(a[i].doc_id, b[i].doc_id);
    EXPECT_EQ(a[i].doc_position, b[i].doc_position);
    EXPECT_EQ(a[i].note, b[i].note);
    EXPECT_EQ(a[i].created_at, b[i].created_at);
    EXPECT_EQ(a[i].created_by, b[i].created_by);
    EXPECT_EQ(a[i].changed_by, b[i].changed_by);
    // Properties are a multimap: order between types is the writer's, order within a type is kept.
    auto props_a = a[i].properties, props_b = b[i].properties;
    auto by_type = [](const auto& x, const auto& y) { return x.first < y.first; };
    std::stable_sort(props_a.begin(), props_a.end(), by_type);
    std::stable_sort(props_b.begin(), props_b.end(), by_type);
    EXPECT_EQ(props_a, props_b);
  }
}

struct RoundTripCase {
  const char* file;
  const char* src;
  const char* tgt;
  const char* exported;  // the export's name: its extension picks the format and gzip
};
const RoundTripCase kRoundTrips[] = {
    {"/tmx/translate-toolkit-ar/libreoffice-sd.en-ar.po2tmx.tmx", "en", "ar", "out.tmx"},
    {"@/io/inline-ar.tmx", "ar", "en", "out.tmx.gz"},
    {"/tmx/omegat-lisa-tmx-compliance-kit/ImportTest2A.tmx", "en-US", "fr-CA", "out.tmx"},
    {"/tmx/okapi-other-cat-formats/sampleTMX2.tmx", "en-US", "fr-CA", "out.tmx"},
    {"/tmx/rws-trados/trados-studio-cy-en-customfields.tmx", "cy", "en", "out.tmx"},
    {"/tmx/okapi-tmx/tmxtest-attributes.tmx", "en", "fr", "out.tmx"},
};

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, ImportExportImportKeepsEverything) {
  const RoundTripCase& c = GetParam();
  std::string file = std::string(DHAKIRA_TESTDATA_DIR) + (c.file + 1);
  if (c.file[0] != '@') DHAKIRA_CONFORMANCE_TMX_OR_SKIP(std::string(c.file + 5), &file);  // after "/tmx/"
  TempDir dir;
  auto first = OpenStore(dir.Path("tm1"));
  auto second = OpenStore(dir.Path("tm2"));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ImportOptions options;
  options.src_lang = c.src;
  options.tgt_lang = c.tgt;
  auto one = Import(*first, file, options);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_GT(one->added, 0u);

  ExportOptions export_options;
  const std::string exported = dir.Path(c.exported);
  auto written = Export(*first, exported, export_options);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->pairs_written, one->added);
  EXPECT_FALSE(std::filesystem::exists(exported + ".tmp-" + std::to_string(getpid())));

  auto two = Import(*second, exported, options);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->added, one->added);
  EXPECT_EQ(two->rejected, 0u);
  ExpectSamePairs(AllPairs(*first), AllPairs(*second));
}

INSTANTIATE_TEST_SUITE_P(Files, RoundTripTest, ::testing::ValuesIn(kRoundTrips),
                         [](const ::testing::TestParamInfo<RoundTripCase>& info) {
                           std::string name =
                               std::filesystem::path(info.param.file).stem().string() + "_" + info.param.exported;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(ExportTest, TsvRoundTripWithEscapesAndFilters) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  const std::string tsv = dir.Write("in.tsv",
                                    "source\ttarget\torigin\tnote\n"
                                    "أ\\tب\tA\\tB\tsana\tfirst\n"
                                    "سطر\tline\tpetra\t\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.tsv_unescape = true;
  auto imported = Import(*store, tsv, options);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->added, 2u);
  auto pairs = AllPairs(*store);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].source, "أ\tب");
  EXPECT_EQ(pairs[0].origin, "sana");
  EXPECT_EQ(pairs[0].note, "first");

  ExportOptions export_options;
  export_options.origin = "sana";
  auto written = Export(*store, dir.Path("out.tsv"), export_options);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->pairs_written, 1u);
  EXPECT_EQ(testing_io::ReadFile(dir.Path("out.tsv")),
            "source\ttarget\torigin\tdoc\tnote\nأ\\tب\tA\\tB\tsana\t\tfirst\n");

  export_options = ExportOptions();
  export_options.src_lang = "fr";
  auto none = Export(*store, dir.Path("none.tmx"), export_options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->pairs_written, 0u);
  EXPECT_NE(testing_io::ReadFile(dir.Path("none.tmx")).find("srclang=\"fr\""), std::string::npos);
}

TEST(ExportTest, ErrorsLeaveNoFileBehind) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  auto bad_name = Export(*store, dir.Path("out.txt"), ExportOptions());
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().message().find("cannot tell the format"), std::string::npos);
  auto no_dir = Export(*store, dir.Path("missing/out.tmx"), ExportOptions());
  ASSERT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.status().message().find("does not exist"), std::string::npos);
  ExportOptions level;
  level.gzip_level = 12;
  EXPECT_NE(level.Validate().message().find("gzip_level"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------
// The corpora of ../shared: line-parallel and TSV (built from them, gzip), exact counts.
struct CorpusCase {
  const char* name;
  const char* src_file;
  const char* tgt_file;
  uint64_t lines;
};
const CorpusCase kCorpora[] = {
    {"ntrex", "ntrex128/newstest2019-ref.arb.txt", "ntrex128/newstest2019-src.eng.txt", 1997},
    {"flores", "flores200-devtest/arb_Arab.devtest", "flores200-devtest/eng_Latn.devtest", 1012},
    {"un_dev", "un-testsets-ar-en/UNv1.0.devset.ar", "un-testsets-ar-en/UNv1.0.devset.en", 4000},
    {"un_test", "un-testsets-ar-en/UNv1.0.testset.ar", "un-testsets-ar-en/UNv1.0.testset.en", 4000},
    {"tatoeba", "tatoeba-ara-eng/tatoeba-test-v2021-08-07.ara", "tatoeba-ara-eng/tatoeba-test-v2021-08-07.eng", 10305},
};

class CorpusImportTest : public ::testing::TestWithParam<CorpusCase> {};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_P(CorpusImportTest, ParallelAndTsvGiveExactCounts) {
  DHAKIRA_SKIP_WITHOUT_SHARED_DIR();
  const CorpusCase& c = GetParam();
  const std::string src = SharedPath("corpora/" + std::string(c.src_file));
  const std::string tgt = SharedPath("corpora/" + std::string(c.tgt_file));
  TempDir dir;
  {
    auto store = OpenStore(dir.Path("parallel"));
    ASSERT_NE(store, nullptr);
    ImportOptions options;
    options.target_file = tgt;
    options.src_lang = "ar";
    options.tgt_lang = "en";
    options.origin = c.name;
    options.batch_size = 1000;
    Collect reporter;
    auto summary = Import(*store, src, options, &reporter);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->format, FileFormat::kParallel);
    EXPECT_EQ(summary->records_read, c.lines);
    EXPECT_EQ(summary->added, c.lines);
    EXPECT_EQ(summary->rejected, 0u) << Reasons(summary->rejected_by_reason);
    EXPECT_EQ(summary->batches_committed, (c.lines + 999) / 1000);
    EXPECT_EQ(Count(*store), c.lines);
    EXPECT_EQ(reporter.last.records_read, c.lines);
    EXPECT_EQ(reporter.last.bytes_read, reporter.last.bytes_total);
    auto stats = store->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->origins[c.name], c.lines);
  }
  {
    // The same pairs as a gzip TSV with a header and a doc column.
    const auto ar = Lines(src), en = Lines(tgt);
    ASSERT_EQ(ar.size(), c.lines);
    ASSERT_EQ(en.size(), c.lines);
    std::string tsv = "ar\ten\tdoc\n";
    for (size_t i = 0; i < ar.size(); ++i) tsv += ar[i] + "\t" + en[i] + "\td" + std::to_string(i / 10) + "\n";
    const std::string path = dir.WriteGz("corpus.tsv.gz", tsv);
    auto store = OpenStore(dir.Path("tsv"));
    ASSERT_NE(store, nullptr);
    ImportOptions options;
    options.src_lang = "ar";
    options.tgt_lang = "en";
    auto summary = Import(*store, path, options);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->format, FileFormat::kTsv);
    EXPECT_EQ(summary->records_read, c.lines);
    EXPECT_EQ(summary->added, c.lines);
    auto first = store->Get(1);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->doc_id, "d0");
    EXPECT_EQ(first->target, en[0]);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, CorpusImportTest, ::testing::ValuesIn(kCorpora),
                         [](const ::testing::TestParamInfo<CorpusCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------------------
// Bad input: each gives a clear message (an error for the file, or a reject/warning for the record).
struct BadCase {
  const char* name;
  const char* file;  // written into the temp dir; "@dir" for a directory
  std::string content;
  const char* target_content;  // parallel: the target file; nullptr otherwise
  const char* encoding;
  const char* error;    // non-empty: Import fails with this in the message
  const char* reject;   // non-empty: a reject of this reason...
  const char* warning;  // non-empty: a warning of this reason...
  const char* message;  // ...whose message (or the error) contains this
  uint64_t added;
};

std::vector<BadCase> BadCases() {
  const std::string tmx_head = "<tmx version=\"1.4\"><header srclang=\"ar\"/><body>\n";
  const std::string tmx_tail = "</body></tmx>\n";
  return {
      {"invalid_utf8", "a.tsv", "جيد\tgood\nسيء\xC3(\tbad\n", nullptr, "", "", "invalid-encoding", "",
       "column 4: invalid byte 0xC3", 1},
      {"vertical_tab", "a.tmx",
       tmx_head +
           "<tu><tuv xml:lang=\"ar\"><seg>سطر\x0Bثان</seg></tuv><tuv xml:lang=\"en\"><seg>line</seg>"
           "</tuv></tu>\n" +
           tmx_tail,
       nullptr, "", "", "", "illegal-char-replaced", "U+000B", 1},
      {"unknown_encoding", "a.tsv", "a\tb\n", nullptr, "klingon-7", "unknown encoding 'klingon-7'", "", "", "", 0},
      {"missing_seg", "a.tmx",
       tmx_head + "<tu><tuv xml:lang=\"ar\"><seg>نص</seg></tuv><tuv xml:lang=\"en\"></tuv></tu>\n" + tmx_tail, nullptr,
       "", "", "missing-seg", "", "has no <seg>", 0},
      {"mismatched_lines", "a.ar", "واحد\nاثنان\nثلاثة\n", "one\ntwo\n", "", "differ in length", "", "", "has 3 lines",
       0},
      {"empty_file", "a.tsv", "", nullptr, "", "is empty", "", "", "", 0},
      {"directory", "@dir", "", nullptr, "", "is a directory", "", "", "", 0},
      {"one_megabyte_segment", "a.tsv", std::string(1 << 20, 'x') + "\ty\nقصير\tshort\n", nullptr, "", "",
       "segment-too-long", "", "1048576 bytes long, over the limit of 65536", 1},
      {"bidi_controls", "a.tsv", "\u200Fقال\u200E ABC\tsaid ABC\n", nullptr, "", "", "", "bidi-controls",
       "bidi control", 1},
      {"one_column", "a.tsv", "just one column\nنص\ttext\n", nullptr, "", "", "malformed-line", "", "one column only",
       1},
      {"not_tmx", "a.tmx", "source\ttarget\n", nullptr, "", "syntax error", "", "", "line 1", 0},
      {"truncated_tmx", "a.tmx",
       tmx_head + "<tu><tuv xml:lang=\"ar\"><seg>نص</seg></tuv><tuv xml:lang=\"en\"><seg>text</seg></tuv></tu>\n"
                  "<tu><tuv xml:lang=\"ar\"><seg>مقطوع",
       nullptr, "", "truncated", "", "", "1 pairs added and committed before the error", 1},
  };
}

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, GivesAClearMessage) {
  const BadCase& c = GetParam();
  TempDir dir;
  std::string path;
  if (std::string(c.file) == "@dir") {
    path = dir.Path("subdir.tsv");
    std::filesystem::create_directories(path);
  } else {
    path = dir.Write(c.file, c.content);
  }
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.encoding = c.encoding;
  if (c.target_content != nullptr) options.target_file = dir.Write("a.en", c.target_content);
  Collect reporter;
  auto summary = Import(*store, path, options, &reporter);
  if (*c.error != '\0') {
    ASSERT_FALSE(summary.ok());
    EXPECT_NE(summary.status().message().find(c.error), std::string::npos) << summary.status().message();
    EXPECT_NE(summary.status().message().find(c.message), std::string::npos) << summary.status().message();
    EXPECT_EQ(Count(*store), c.added);
    return;
  }
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->added, c.added);
  EXPECT_EQ(Count(*store), c.added);
  const auto& issues = *c.reject != '\0' ? reporter.rejects : reporter.warnings;
  const std::string reason = *c.reject != '\0' ? c.reject : c.warning;
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].reason, reason);
  EXPECT_EQ(issues[0].file, path);
  EXPECT_GT(issues[0].line, 0u);
  EXPECT_NE(issues[0].message.find(c.message), std::string::npos) << issues[0].message;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInputTest, ::testing::ValuesIn(BadCases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------------------
TEST(ImportModesTest, StrictChangesNothingOnAReject) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  const std::string path = dir.Write("a.tsv", "واحد\tone\nاثنان\ttwo\n\tmissing source\nأربعة\tfour\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.strict = true;
  options.batch_size = 1;
  auto summary = Import(*store, path, options);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(summary.status().message().find("line 3"), std::string::npos) << summary.status().message();
  EXPECT_NE(summary.status().message().find("empty-segment"), std::string::npos);
  EXPECT_EQ(Count(*store), 0u);

  options.strict = false;
  options.dry_run = true;
  auto dry = Import(*store, path, options);
  ASSERT_TRUE(dry.ok());
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(dry->records_read, 4u);
  EXPECT_EQ(dry->rejected, 1u);
  EXPECT_EQ(dry->added, 0u);
  EXPECT_EQ(Count(*store), 0u);

  options.dry_run = false;
  auto real = Import(*store, path, options);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->added, 3u);
  EXPECT_EQ(real->batches_committed, 3u);
}

// Batches are written two at a time (one commits while the next is prepared): a batch the store refuses is
// retried pair by pair after a later one may have committed, and still nothing is lost or counted twice.
TEST(ImportModesTest, StoreRejectInAPipelinedImportLosesNothing) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  std::string tsv;
  for (int i = 1; i <= 60; ++i) {
    // Line 23 holds only an EM SPACE: the importer sees text, the store refuses it (white space only).
    tsv += (i == 23 ? std::string("\xE2\x80\x83") : "جملة رقم " + std::to_string(i)) + "\tsentence " +
           std::to_string(i) + "\n";
  }
  const std::string path = dir.Write("a.tsv", tsv);
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.batch_size = 5;
  struct Rejects : ImportReporter {
    std::vector<ImportIssue> issues;
    void OnReject(const ImportIssue& issue) override { issues.push_back(issue); }
  } rejects;
  auto summary = Import(*store, path, options, &rejects);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->records_read, 60u);
  EXPECT_EQ(summary->added, 59u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_EQ(summary->batches_committed, 12u);
  ASSERT_EQ(rejects.issues.size(), 1u);
  EXPECT_EQ(rejects.issues[0].reason, "store-rejected");
  EXPECT_EQ(rejects.issues[0].line, 23u);
  std::set<std::string> targets;
  for (const SegmentPair& p : AllPairs(*store)) targets.insert(p.target);
  ASSERT_EQ(targets.size(), 59u);
  for (int i = 1; i <= 60; ++i) {
    EXPECT_EQ(targets.count("sentence " + std::to_string(i)), i == 23 ? 0u : 1u) << i;
  }
}

// Long segments end a batch early (ImportOptions::batch_bytes), so memory does not grow with them.
TEST(ImportModesTest, BatchesEndAtBatchBytes) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  std::string tsv;
  for (int i = 0; i < 20; ++i) {
    std::string source = "جملة " + std::to_string(i);
    while (source.size() < 1000) source += " كلمة";
    tsv += source + "\t" + std::string(200, 'x') + " " + std::to_string(i) + "\n";
  }
  const std::string path = dir.Write("long.tsv", tsv);
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.batch_bytes = 4096;  // four pairs of ~1,200 bytes reach it, three do not
  auto summary = Import(*store, path, options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->added, 20u);
  EXPECT_EQ(summary->batches_committed, 5u);

  options.batch_bytes = 4095;
  auto bad = Import(*store, path, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("batch_bytes"), std::string::npos) << bad.status().message();
}

TEST(ImportModesTest, DuplicatePolicies) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  const std::string path = dir.Write("a.tsv", "source\ttarget\tnote\nواحد\tone\tfirst\nاثنان\ttwo\t\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  ASSERT_TRUE(Import(*store, path, options).ok());
  auto again = Import(*store, path, options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added, 0u);
  EXPECT_EQ(again->duplicates_skipped, 2u);

  const std::string changed = dir.Write("b.tsv", "source\ttarget\tnote\nواحد\tone\tsecond\n");
  options.on_duplicate = DuplicatePolicy::kUpdate;
  auto update = Import(*store, changed, options);
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->updated, 1u);
  auto pairs = AllPairs(*store);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].note, "second");

  options.on_duplicate = DuplicatePolicy::kKeepBoth;
  auto keep = Import(*store, changed, options);
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->added, 1u);
  EXPECT_EQ(Count(*store), 3u);
}

TEST(ImportModesTest, OptionsAreValidated) {
  TempDir dir;
  auto store = OpenStore(dir.Path("tm"));
  ASSERT_NE(store, nullptr);
  const std::string path = dir.Write("a.tsv", "a\tb\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.batch_size = 0;
  auto bad = Import(*store, path, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("batch_size"), std::string::npos);
  options.batch_size = 10;
  options.tgt_lang = "";
  bad = Import(*store, path, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tgt_lang"), std::string::npos);
  options.tgt_lang = "not a language!";
  bad = Import(*store, path, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tgt_lang"), std::string::npos);
  options.tgt_lang = "en";
  auto txt = Import(*store, dir.Write("a.txt", "a\tb\n"), options);
  ASSERT_FALSE(txt.ok());
  EXPECT_NE(txt.status().message().find("give the format"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------
// A real process importing is killed with SIGKILL mid-import: the TM opens with whole batches only, and
// re-running with kSkip completes it.
TEST(CrashTest, KilledImportKeepsWholeBatchesAndResumes) {
  TempDir dir;
  constexpr int kPairs = 20000;
  constexpr uint32_t kBatch = 500;
  std::string tsv;
  for (int i = 0; i < kPairs; ++i) {
    tsv += "جملة رقم " + std::to_string(i) + " في الخبر\tsentence number " + std::to_string(i) + "\n";
  }
  const std::string path = dir.Write("big.tsv", tsv);
  const std::string tm = dir.Path("tm");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.batch_size = kBatch;
  options.progress_every = kBatch;

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child imports and tells the parent how far it got; it never returns from here.
    close(fds[0]);
    struct Signal : ImportReporter {
      int fd;
      void OnProgress(const ImportProgress& p) override {
        const uint64_t n = p.added;
        (void)!write(fd, &n, sizeof n);
        // Far enough: stop reading here (batches already handed to the store go on committing) so that a
        // fast import cannot finish before the parent's SIGKILL arrives.
        if (n >= 3 * kBatch) pause();
      }
    } reporter;
    reporter.fd = fds[1];
    auto store = TranslationMemory::Open(tm);
    if (!store.ok()) _exit(2);
    auto summary = Import(**store, path, options, &reporter);
    _exit(summary.ok() ? 0 : 3);
  }
  close(fds[1]);
  uint64_t added = 0;
  while (added < 3 * kBatch && read(fds[0], &added, sizeof added) == sizeof added) {
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it could be killed";

  auto store = TranslationMemory::Open(tm);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const uint64_t kept = Count(**store);
  EXPECT_GE(kept, 3u * kBatch);
  EXPECT_LT(kept, static_cast<uint64_t>(kPairs));
  EXPECT_EQ(kept % kBatch, 0u) << "only whole batches are committed";
  // Every kept pair is whole and in order.
  uint64_t seen = 0;
  Status scan = (*store)->ForEach([&](const SegmentPair& p) {
    EXPECT_EQ(p.target, "sentence number " + std::to_string(seen));
    ++seen;
    return true;
  });
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(seen, kept);

  auto resumed = Import(**store, path, options);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->duplicates_skipped, kept);
  EXPECT_EQ(resumed->added, kPairs - kept);
  EXPECT_EQ(Count(**store), static_cast<uint64_t>(kPairs));
}

}  // namespace
}  // namespace dhakira

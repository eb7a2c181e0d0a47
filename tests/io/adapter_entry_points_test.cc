// The io entry points the adapters use instead of their own code: FormatPairs (the TMX/TSV text of
// pairs that are not in a store, e.g. an alignment) and DryRunImport (a dry run without a TM).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/io.h"
#include "dhakira/translation_memory.h"
#include "test_files.h"

namespace dhakira {
namespace {

using testing_io::ReadFile;
using testing_io::TempDir;

class Collect : public ImportReporter {
 public:
  void OnReject(const ImportIssue& issue) override { rejects.push_back(issue.reason); }
  std::vector<std::string> rejects;
};

// Units as an aligner makes them: document, position, context hashes, properties, a tab and an
// ampersand to escape.
std::vector<SegmentPair> Units() {
  std::vector<SegmentPair> units;
  for (uint32_t i = 0; i < 3; ++i) {
    SegmentPair pair;
    pair.src_lang = "ar";
    pair.tgt_lang = "en";
    pair.source = "جملة رقم " + std::to_string(i) + " & أخرى";
    pair.target = "Sentence\tnumber " + std::to_string(i);
    pair.doc_id = "article";
    pair.doc_position = i;
    pair.prev_hash = i == 0 ? 0 : 1000 + i;
    pair.next_hash = i == 2 ? 0 : 2000 + i;
    pair.properties.emplace_back("x-align-confidence", "0.91");
    units.push_back(pair);
  }
  return units;
}

TEST(FormatPairsTest, WritesWhatExportWritesForTheSamePairs) {
  TempDir dir;
  auto store = TranslationMemory::Open(dir.Path("tm"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  WriteBatch batch;
  for (const SegmentPair& unit : Units()) batch.Add(unit);
  ASSERT_TRUE((*store)->Write(batch, DuplicatePolicy::kSkip).ok());
  // The stored pairs (with their ids, dates and users as the store keeps them) written both ways.
  std::vector<SegmentPair> stored;
  ASSERT_TRUE((*store)
                  ->ForEach([&](const SegmentPair& pair) {
                    stored.push_back(pair);
                    return true;
                  })
                  .ok());
  ASSERT_EQ(stored.size(), 3u);
  for (FileFormat format : {FileFormat::kTmx, FileFormat::kTsv}) {
    ExportOptions options;
    options.format = format;
    const std::string file = dir.Path(std::string("out.") + FileFormatName(format));
    ASSERT_TRUE(Export(**store, file, options).ok());
    uint64_t replaced = 0;
    StatusOr<std::string> text = FormatPairs(stored, options, &replaced);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    EXPECT_EQ(*text, ReadFile(file)) << FileFormatName(format);
    EXPECT_EQ(replaced, 0u);
  }
}

TEST(FormatPairsTest, TmxKeepsDocumentAndContextThroughImport) {
  TempDir dir;
  ExportOptions options;
  options.format = FileFormat::kTmx;
  StatusOr<std::string> text = FormatPairs(Units(), options);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  const std::string file = dir.Write("units.tmx", *text);
  auto store = TranslationMemory::Open(dir.Path("tm"));
  ASSERT_TRUE(store.ok());
  ImportOptions import;
  auto summary = Import(**store, file, import);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->added, 3u);
  std::vector<SegmentPair> read;
  ASSERT_TRUE((*store)
                  ->ForEach([&](const SegmentPair& pair) {
                    read.push_back(pair);
                    return true;
                  })
                  .ok());
  const std::vector<SegmentPair> units = Units();
  ASSERT_EQ(read.size(), units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(read[i].source, units[i].source);
    EXPECT_EQ(read[i].target, units[i].target);
    EXPECT_EQ(read[i].doc_id, "article");
    EXPECT_EQ(read[i].doc_position, units[i].doc_position);
    EXPECT_EQ(read[i].prev_hash, units[i].prev_hash);
    EXPECT_EQ(read[i].next_hash, units[i].next_hash);
    EXPECT_EQ(read[i].properties, units[i].properties);
  }
}

TEST(FormatPairsTest, RefusesFormatsItCannotWrite) {
  for (FileFormat format : {FileFormat::kAuto, FileFormat::kParallel}) {
    ExportOptions options;
    options.format = format;
    StatusOr<std::string> text = FormatPairs(Units(), options);
    ASSERT_FALSE(text.ok()) << FileFormatName(format);
    EXPECT_EQ(text.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(DryRunImportTest, SameSummaryAsADryRunIntoATmAndNoTmIsNeeded) {
  TempDir dir;
  const std::string file = dir.Write("in.tsv", "source\ttarget\nواحد\tone\n\tno source\nاثنان\ttwo\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.dry_run = true;
  Collect without_tm;
  auto dry = DryRunImport(file, options, &without_tm);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  auto store = TranslationMemory::Open(dir.Path("tm"));
  ASSERT_TRUE(store.ok());
  Collect with_tm;
  auto into_tm = Import(**store, file, options, &with_tm);
  ASSERT_TRUE(into_tm.ok()) << into_tm.status().ToString();
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(dry->records_read, 3u);
  EXPECT_EQ(dry->records_read, into_tm->records_read);
  EXPECT_EQ(dry->rejected, 1u);
  EXPECT_EQ(dry->rejected_by_reason, into_tm->rejected_by_reason);
  EXPECT_EQ(dry->added, 0u);
  EXPECT_EQ(without_tm.rejects, with_tm.rejects);
  EXPECT_EQ(without_tm.rejects, std::vector<std::string>{"empty-segment"});
  // A strict dry run checks the same way.
  options.strict = true;
  auto strict = DryRunImport(file, options);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), Status::Code::kFailedPrecondition);
}

TEST(DryRunImportTest, RefusesToRunWithoutDryRun) {
  TempDir dir;
  const std::string file = dir.Write("in.tsv", "source\ttarget\nواحد\tone\n");
  ImportOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  auto summary = DryRunImport(file, options);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("dry_run"), std::string::npos);
}

}  // namespace
}  // namespace dhakira

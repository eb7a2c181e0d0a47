// Memory limits of the TMX reader on hostile files (issue #15): one unit may not hold more than
// TmxReader's per-unit budget (64 MiB), however much text a (gzip-compressed) file packs into it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "io/tmx_reader.h"
#include "test_files.h"

namespace dhakira::io {
namespace {

constexpr size_t kMiB = 1u << 20;

// Writes a gzip TMX whose first unit has a `seg_mib` MiB Arabic segment, followed by an ordinary
// unit.
std::string WriteBigSegTmx(const testing_io::TempDir& dir, size_t seg_mib) {
  const std::string path = dir.Path("big.tmx.gz");
  gzFile gz = gzopen(path.c_str(), "wb1");
  EXPECT_NE(gz, nullptr);
  const std::string head =
      "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header srclang=\"ar\"/><body>"
      "<tu tuid=\"big\"><tuv xml:lang=\"ar\"><seg>";
  gzwrite(gz, head.data(), static_cast<unsigned>(head.size()));
  std::string chunk;  // about 1 MiB of whole words
  while (chunk.size() < kMiB) chunk += "نص طويل ";
  for (size_t i = 0; i < seg_mib; ++i) gzwrite(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
  const std::string tail =
      "</seg></tuv><tuv xml:lang=\"en\"><seg>long text</seg></tuv></tu>"
      "<tu tuid=\"small\"><tuv xml:lang=\"ar\"><seg>قصير</seg></tuv><tuv "
      "xml:lang=\"en\"><seg>short</seg></tuv></tu>"
      "</body></tmx>";
  gzwrite(gz, tail.data(), static_cast<unsigned>(tail.size()));
  EXPECT_EQ(gzclose(gz), Z_OK);
  return path;
}

TEST(TmxLimitsTest, AUnitOverTheBudgetIsRejectedNotHeldInMemory) {
  testing_io::TempDir dir;
  const std::string path = WriteBigSegTmx(dir, 70);  // 70 MiB of segment text, 64 MiB allowed

  auto reader = TmxReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  TmxUnit big;
  auto more = (*reader)->Next(&big);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_TRUE(*more);
  ASSERT_FALSE(big.problems.empty());
  EXPECT_EQ(big.problems.front().reason, "segment-too-long");
  ASSERT_FALSE(big.variants.empty());
  EXPECT_LE(big.variants.front().text.size(), 64 * kMiB);

  // The next unit is read as usual: the budget is per unit.
  TmxUnit small;
  more = (*reader)->Next(&small);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_TRUE(*more);
  EXPECT_TRUE(small.problems.empty());
  ASSERT_EQ(small.variants.size(), 2u);
  EXPECT_EQ(small.variants[1].text, "short");
}

}  // namespace
}  // namespace dhakira::io

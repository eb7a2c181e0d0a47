// SniffFormat (io.h): the format of data without a file name, from its first bytes.
#include <gtest/gtest.h>

#include <string>

#include "dhakira/io.h"

namespace dhakira {
namespace {

FileFormat Sniffed(const std::string& head) {
  StatusOr<FileFormat> format = SniffFormat(head);
  EXPECT_TRUE(format.ok()) << format.status().ToString();
  return format.ok() ? *format : FileFormat::kAuto;
}

TEST(SniffFormatTest, TmxStartsWithAnAngleBracket) {
  EXPECT_EQ(Sniffed("<?xml version=\"1.0\"?><tmx version=\"1.4\">"), FileFormat::kTmx);
  EXPECT_EQ(Sniffed("<tmx>"), FileFormat::kTmx);
  EXPECT_EQ(Sniffed("\xEF\xBB\xBF \r\n\t<tmx>"), FileFormat::kTmx);               // UTF-8 BOM, blanks
  EXPECT_EQ(Sniffed(std::string("\xFF\xFE<\0t\0m\0x\0", 10)), FileFormat::kTmx);  // UTF-16LE
  EXPECT_EQ(Sniffed(std::string("\xFE\xFF\0<\0t", 6)), FileFormat::kTmx);         // UTF-16BE
}

TEST(SniffFormatTest, AnythingElseIsTsv) {
  EXPECT_EQ(Sniffed("قال\tsaid\n"), FileFormat::kTsv);
  EXPECT_EQ(Sniffed("source\ttarget\n<b>\tbold\n"), FileFormat::kTsv);
  EXPECT_EQ(Sniffed(""), FileFormat::kTsv);
  EXPECT_EQ(Sniffed("   \n"), FileFormat::kTsv);
  // Only the first kSniffBytes count.
  EXPECT_EQ(Sniffed(std::string(kSniffBytes, ' ') + "<tmx>"), FileFormat::kTsv);
  EXPECT_EQ(Sniffed(std::string(kSniffBytes - 1, ' ') + "<tmx>"), FileFormat::kTmx);
}

TEST(SniffFormatTest, GzipIsNotGuessed) {
  StatusOr<FileFormat> format = SniffFormat(std::string("\x1F\x8B\x08\x00", 4));
  ASSERT_FALSE(format.ok());
  EXPECT_TRUE(format.status().IsInvalidArgument()) << format.status().ToString();
  EXPECT_NE(format.status().message().find("gzip"), std::string::npos) << format.status().message();
}

}  // namespace
}  // namespace dhakira

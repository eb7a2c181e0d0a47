// Reading documents: presplit lines and plain text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dhakira/align.h"

namespace dhakira {
namespace {

TEST(DocumentTest, PresplitLinesAreUsedAsIs) {
  struct Case {
    std::string text;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"one\ntwo\n", {"one", "two"}},
      {"one\ntwo", {"one", "two"}},
      {"\xEF\xBB\xBFone\r\ntwo\r\n", {"one", "two"}},  // BOM, CRLF
      {"one\n\nthree\n", {"one", "", "three"}},        // blank lines keep their ids
      {"", {}},
      {"قال الوزير. ثم غادر.\n", {"قال الوزير. ثم غادر."}},  // never split again
  };
  for (const Case& c : cases) {
    auto s = SplitDocument(c.text, "ar", true, "doc");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(*s, c.want);
  }
}

TEST(DocumentTest, PlainTextIsSplitIntoSentences) {
  auto s = SplitDocument("First sentence here. Second one follows.\n\nA new paragraph.\n", "en", false, "doc");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, (std::vector<std::string>{"First sentence here.", "Second one follows.", "A new paragraph."}));
}

TEST(DocumentTest, ErrorsNameTheFileAndLine) {
  auto bad = SplitDocument(std::string("ok\nbad \xFF here\n"), "en", true, "some/file.en");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("some/file.en:2"), std::string::npos) << bad.status().ToString();
  auto missing = ReadDocument("/nonexistent/doc.ar", "ar", true);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/nonexistent/doc.ar"), std::string::npos);
}

}  // namespace
}  // namespace dhakira

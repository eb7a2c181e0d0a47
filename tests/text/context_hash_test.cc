// ContextHash (text.h): the one definition of a neighbouring segment's hash. Its values are pinned
// (they are stored on disk), and the engine's two other users, the aligner's units and the
// matcher's query context, agree with it. The service's agreement is in
// tests/service/context_hash_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/match.h"
#include "dhakira/store.h"
#include "dhakira/text.h"
#include "dhakira/translation_memory.h"
#include "testing/files.h"
#include "testing/units.h"

namespace dhakira {
namespace {

// FNV-1a 64 of the keys, each followed by 0x1F, computed independently (Python, by the FNV
// definition) from the keys the normalizer gives: "the" "talks" "resumed" "." and "قال" "الوزير"
// ".".
constexpr uint64_t kEnglishHash = 0xa71f46f2c3b6dfacull;
constexpr uint64_t kArabicHash = 0x1364f9aacdf8b94aull;

using test_support::ArabicToEnglish;
using test_support::Unit;

TEST(ContextHashTest, PinnedValues) {
  EXPECT_EQ(ContextHash("The talks resumed.", "en").value(), kEnglishHash);
  // Case, harakat and tatweel fold away: the same keys, the same hash.
  EXPECT_EQ(ContextHash("THE TALKS RESUMED.", "en").value(), kEnglishHash);
  EXPECT_EQ(ContextHash("قال الوزير.", "ar").value(), kArabicHash);
  EXPECT_EQ(ContextHash("قَالَ الوزيـــر.", "ar").value(), kArabicHash);
  // Punctuation counts (the store's source keys keep it).
  EXPECT_NE(ContextHash("قال الوزير", "ar").value(), kArabicHash);
  // "" is no neighbour.
  EXPECT_EQ(ContextHash("", "ar").value(), 0u);
}

TEST(ContextHashTest, NormalizerOverloadAgrees) {
  NormalizerOptions options;
  options.language = "ar";
  auto normalizer = Normalizer::Create(options);
  ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
  EXPECT_EQ(ContextHash(**normalizer, "قال الوزير.").value(), kArabicHash);
  EXPECT_EQ(ContextHash(**normalizer, "").value(), 0u);
}

TEST(ContextHashTest, ErrorsAreNamed) {
  auto bad_text = ContextHash("\xC3\x28", "ar");
  ASSERT_FALSE(bad_text.ok());
  EXPECT_TRUE(bad_text.status().IsInvalidArgument()) << bad_text.status().ToString();
  auto bad_language = ContextHash("text", "not a language");
  EXPECT_FALSE(bad_language.ok());
  // A neighbour of 2 MiB (over the normalizer's default limit of 1 MiB) is hashed, as the matcher
  // and the aligner hash it.
  EXPECT_TRUE(ContextHash(std::string(2u << 20, 'a'), "en").ok());
}

TEST(ContextHashTest, AlignedPairsStoreIt) {
  const std::vector<std::string> src = {"قال الوزير.", "ارتفعت الأسعار.", "The talks resumed."};
  const std::vector<std::string> tgt = {"The minister said.", "Prices rose.", "The talks resumed."};
  AlignResult result;
  for (uint32_t i = 0; i < 3; ++i) {
    AlignLink link;
    link.src = {i};
    link.tgt = {i};
    link.confidence = 0.99;  // above the default import bar (0.985)
    result.links.push_back(link);
  }
  auto pairs = AlignedPairs(src, tgt, "ar", "en", result, PairOptions(), nullptr);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  ASSERT_EQ(pairs->size(), 3u);
  EXPECT_EQ((*pairs)[0].prev_hash, 0u);
  EXPECT_EQ((*pairs)[1].prev_hash, kArabicHash);
  EXPECT_EQ((*pairs)[1].next_hash, ContextHash(src[2], "ar").value());
  EXPECT_EQ((*pairs)[2].next_hash, 0u);
}

TEST(ContextHashTest, TheMatcherComparesIt) {
  test_support::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  auto store = TranslationMemory::Open(tmp.Path("tm"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  SegmentPair unit = Unit("ar", "en", "ارتفعت أسعار النفط بنسبة ثلاثة في المئة.", "Oil prices rose three percent.");
  unit.prev_hash = kArabicHash;
  ASSERT_TRUE((*store)->Add(unit, DuplicatePolicy::kSkip).ok());
  auto matcher = (*store)->NewMatcher();
  ASSERT_TRUE(matcher.ok()) << matcher.status().ToString();
  MatchOptions options = ArabicToEnglish();
  options.prev_source = "قَالَ الوزيـــر.";  // hashes to kArabicHash
  auto in_context = (*matcher)->Match(unit.source, options);
  ASSERT_TRUE(in_context.ok()) << in_context.status().ToString();
  ASSERT_FALSE(in_context->matches.empty());
  EXPECT_EQ(in_context->matches[0].kind, MatchKind::kContext);
  options.prev_source = "قال الرئيس.";
  auto other_context = (*matcher)->Match(unit.source, options);
  ASSERT_TRUE(other_context.ok()) << other_context.status().ToString();
  ASSERT_FALSE(other_context->matches.empty());
  EXPECT_EQ(other_context->matches[0].kind, MatchKind::kExact);
}

}  // namespace
}  // namespace dhakira

// The composition root: a TranslationMemory opens a store with its fuzzy index, every write path of
// the Store it is goes through the index, and each Matcher it makes reads its own TM's index.
#include "dhakira/translation_memory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dhakira/match.h"
#include "dhakira/store.h"
#include "testing/files.h"

namespace dhakira {
namespace {

SegmentPair Pair(std::string source, std::string target) {
  SegmentPair p;
  p.src_lang = "ar";
  p.tgt_lang = "en";
  p.source = std::move(source);
  p.target = std::move(target);
  return p;
}

// The targets of the exact (100) matches of `query`, in rank order.
std::vector<std::string> ExactTargets(Matcher& matcher, const std::string& query) {
  MatchOptions options;
  options.src_lang = "ar";
  options.tgt_lang = "en";
  options.threshold = 100;
  StatusOr<MatchResult> result = matcher.Match(query, options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> targets;
  if (!result.ok()) return targets;
  for (const Match& m : result->matches) targets.push_back(m.pair.target);
  return targets;
}

std::unique_ptr<TranslationMemory> OpenOrDie(const std::string& path, StoreOptions options = {}) {
  StatusOr<std::unique_ptr<TranslationMemory>> tm = TranslationMemory::Open(path, options);
  EXPECT_TRUE(tm.ok()) << tm.status().ToString();
  return tm.ok() ? std::move(*tm) : nullptr;
}

std::unique_ptr<Matcher> MatcherOrDie(const TranslationMemory& tm) {
  StatusOr<std::unique_ptr<Matcher>> matcher = tm.NewMatcher();
  EXPECT_TRUE(matcher.ok()) << matcher.status().ToString();
  return matcher.ok() ? std::move(*matcher) : nullptr;
}

const char kMinister[] = "قال وزير الخارجية إن المحادثات كانت مثمرة";
const char kPresident[] = "أعلن الرئيس عن خطة جديدة للاقتصاد الوطني";
const char kCouncil[] = "اجتمع مجلس الأمن لمناقشة الوضع في المنطقة";

TEST(TranslationMemoryTest, EveryWritePathReachesTheIndex) {
  test_support::TempDir dir;
  std::unique_ptr<TranslationMemory> tm = OpenOrDie(dir.Path("tm"));
  ASSERT_NE(tm, nullptr);
  std::unique_ptr<Matcher> matcher = MatcherOrDie(*tm);  // made before the writes
  ASSERT_NE(matcher, nullptr);

  StatusOr<WriteResult> added = tm->Add(Pair(kMinister, "minister"), DuplicatePolicy::kSkip);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(ExactTargets(*matcher, kMinister), std::vector<std::string>{"minister"});

  WriteBatch batch;
  batch.Add(Pair(kPresident, "president"));
  ASSERT_TRUE(tm->Write(batch, DuplicatePolicy::kSkip).ok());
  EXPECT_EQ(ExactTargets(*matcher, kPresident), std::vector<std::string>{"president"});

  WriteBatch two_step;
  two_step.Add(Pair(kCouncil, "council"));
  StatusOr<PreparedBatch> prepared = tm->Prepare(two_step, DuplicatePolicy::kSkip);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  ASSERT_TRUE(tm->Commit(std::move(*prepared)).ok());
  EXPECT_EQ(ExactTargets(*matcher, kCouncil), std::vector<std::string>{"council"});

  // Update: the index forgets the old source and knows the new one.
  SegmentPair changed = Pair(kCouncil, "minister, changed");
  changed.id = added->id;
  ASSERT_TRUE(tm->Update(changed).ok());
  EXPECT_TRUE(ExactTargets(*matcher, kMinister).empty());
  std::vector<std::string> both = ExactTargets(*matcher, kCouncil);
  std::sort(both.begin(), both.end());  // equal scores: the order depends on the clock
  EXPECT_EQ(both, (std::vector<std::string>{"council", "minister, changed"}));

  ASSERT_TRUE(tm->Delete(added->id).ok());
  EXPECT_EQ(ExactTargets(*matcher, kCouncil), std::vector<std::string>{"council"});
}

TEST(TranslationMemoryTest, EachMatcherReadsItsOwnTm) {
  test_support::TempDir dir;
  std::unique_ptr<TranslationMemory> first = OpenOrDie(dir.Path("first"));
  std::unique_ptr<TranslationMemory> second = OpenOrDie(dir.Path("second"));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Add(Pair(kMinister, "first"), DuplicatePolicy::kSkip).ok());
  ASSERT_TRUE(second->Add(Pair(kMinister, "second"), DuplicatePolicy::kSkip).ok());
  std::unique_ptr<Matcher> first_matcher = MatcherOrDie(*first);
  std::unique_ptr<Matcher> second_matcher = MatcherOrDie(*second);
  ASSERT_NE(first_matcher, nullptr);
  ASSERT_NE(second_matcher, nullptr);
  EXPECT_EQ(ExactTargets(*first_matcher, kMinister), std::vector<std::string>{"first"});
  EXPECT_EQ(ExactTargets(*second_matcher, kMinister), std::vector<std::string>{"second"});

  // Closed and opened again (read-only): a new TM object, its own index, the same content.
  second_matcher.reset();
  second.reset();
  StoreOptions read_only;
  read_only.read_only = true;
  second = OpenOrDie(dir.Path("second"), read_only);
  ASSERT_NE(second, nullptr);
  second_matcher = MatcherOrDie(*second);
  ASSERT_NE(second_matcher, nullptr);
  EXPECT_EQ(ExactTargets(*second_matcher, kMinister), std::vector<std::string>{"second"});
  EXPECT_EQ(ExactTargets(*first_matcher, kMinister), std::vector<std::string>{"first"});
}

TEST(TranslationMemoryTest, OpenErrorsAreTheStores) {
  test_support::TempDir dir;
  StoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_TRUE(TranslationMemory::Open(dir.Path("absent"), no_create).status().IsNotFound());
  std::unique_ptr<TranslationMemory> tm = OpenOrDie(dir.Path("tm"));
  ASSERT_NE(tm, nullptr);
  EXPECT_EQ(TranslationMemory::Open(dir.Path("tm")).status().code(),
            Status::Code::kFailedPrecondition);  // one TranslationMemory per path per process
  EXPECT_EQ(&tm->store(), tm.get());
}

}  // namespace
}  // namespace dhakira

// The service hashes neighbouring segments as the engine does (dhakira::ContextHash, text.h): an
// Upsert with neighbours stores the engine's hashes, and a Lookup with the same neighbours finds
// the unit "exact in context". The pinned values are in tests/text/context_hash_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "dhakira/text.h"
#include "service/service_fixture.h"
#include "testing/units.h"

namespace dhakira {
namespace {

using test_support::ArabicToEnglish;
using test_support::Unit;

class ServiceContextHashTest : public test_support::ServiceTest {};

TEST_F(ServiceContextHashTest, UpsertStoresTheEngineHashesAndLookupFindsThem) {
  StartServer();
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const SegmentPair pair =
      Unit("ar", "en", "ارتفعت أسعار النفط بنسبة ثلاثة في المئة.", "Oil prices rose three percent.");
  const std::string previous = "قَالَ الوزيـــر.";
  const std::string next = "وقال محللون إن الأسواق تترقب.";
  auto written = client->Upsert(pair, previous, next, DuplicatePolicy::kSkip);
  ASSERT_TRUE(written.ok()) << written.status().ToString();

  auto stored = store_->Get(written->id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->prev_hash, ContextHash(previous, "ar").value());
  EXPECT_EQ(stored->next_hash, ContextHash(next, "ar").value());
  EXPECT_EQ(stored->prev_hash,
            0x1364f9aacdf8b94aull);  // "قال" "الوزير" "." (text/context_hash_test.cc)

  MatchOptions options = ArabicToEnglish();
  options.prev_source = "قال الوزير.";
  options.next_source = next;
  auto result = client->Lookup(pair.source, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_FALSE(result->matches.empty());
  EXPECT_EQ(result->matches[0].kind, MatchKind::kContext);
}

TEST_F(ServiceContextHashTest, AlongNeighbourOverTheNormalizersDefaultLimitIsHashed) {
  options_.max_query_bytes = 4u << 20;  // the server lets 2 MiB neighbours through
  StartServer();
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const SegmentPair pair = Unit("en", "ar", "The talks resumed.", "استؤنفت المحادثات.");
  const std::string previous(2u << 20, 'a');  // over the 1 MiB a default Normalizer takes
  auto written = client->Upsert(pair, previous, "", DuplicatePolicy::kSkip);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto stored = store_->Get(written->id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->prev_hash, ContextHash(previous, "en").value());
  EXPECT_EQ(stored->next_hash, 0u);
}

}  // namespace
}  // namespace dhakira

// Align with import through the service stores exactly what `dhakira align --import` stores: the
// same documents and options, aligned by the CLI into one TM and by the server into another, give
// the same units (every field but the id and the timestamps), x-align-* properties and context
// hashes included.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "service/service_fixture.h"
#include "testing/cli_runner.h"

namespace dhakira {
namespace {

// A news item and its edited translation: a title, a sentence the translator split in two, an empty
// line in the middle (joined paragraphs), and a disclaimer the editors added.
const char kArabic[] =
    "محادثات السلام تستأنف الاثنين\n\n"
    "قال وزير الخارجية إن المحادثات ستستأنف يوم الاثنين في العاصمة بعد توقف دام ثلاثة أسابيع، "
    "وأضاف أن الوفدين اتفقا على جدول أعمال من ثلاث نقاط يشمل الحدود والمياه واللاجئين.\n\n"
    "ارتفعت أسعار النفط بنسبة 3 في المئة أمس.\n\n"
    "وقال محللون إن الأسواق تترقب نتائج المحادثات.\n";
const char kEnglish[] =
    "Peace talks resume on Monday\n\n"
    "The foreign minister said the talks would resume on Monday in the capital after a three-week "
    "pause. "
    "He added that the two delegations had agreed on a three-point agenda covering borders, water "
    "and "
    "refugees.\n\n"
    "Oil prices rose 3 percent yesterday.\n\n"
    "Analysts said markets were awaiting the outcome of the talks.\n\n"
    "This article was translated and edited by our staff.\n";

// created_by / changed_by of the imported units.
constexpr char kUser[] = "dhakira-test";

// Every field of a unit but its id and timestamps, one per line.
std::string Describe(const SegmentPair& unit) {
  std::string text = unit.src_lang + ">" + unit.tgt_lang + "\n" + unit.source + "\n" + unit.target + "\n" +
                     unit.origin + "|" + unit.doc_id + "|" + std::to_string(unit.doc_position) + "|" +
                     std::to_string(unit.prev_hash) + "|" + std::to_string(unit.next_hash) + "|" + unit.created_by +
                     "|" + unit.changed_by + "|" + unit.note + "\n";
  for (const auto& [type, value] : unit.properties) text += "prop " + type + "=" + value + "\n";
  text += "codes " + std::to_string(unit.source_codes.size()) + " " + std::to_string(unit.target_codes.size());
  return text;
}

std::vector<std::string> Units(const Store& store) {
  std::vector<std::string> units;
  EXPECT_TRUE(store
                  .ForEach([&](const SegmentPair& unit) {
                    units.push_back(Describe(unit));
                    return true;
                  })
                  .ok());
  return units;
}

class AlignImportTest : public test_support::ServiceTest {};

TEST_F(AlignImportTest, ServiceStoresWhatTheCliStores) {
  const std::string source = tmp_.Write("news-7.ar", kArabic);
  const std::string target = tmp_.Write("news-7.en", kEnglish);
  const std::string cli_tm = dir_ + "/cli-tm";
  test_support::RunOptions as_user;
  as_user.env = {"USER=" + std::string(kUser)};
  const test_support::ProcessResult cli =
      test_support::RunCli({"--db", cli_tm, "align", source, target, "--src-lang", "ar", "--tgt-lang", "en", "--import",
                            "--origin", "Al-Watan", "--doc", "news-7"},
                           as_user);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;

  StartServer();
  v1::AlignRequest req;
  req.set_src_lang("ar");
  req.set_tgt_lang("en");
  req.mutable_source()->set_text(kArabic);
  req.mutable_target()->set_text(kEnglish);
  req.set_import(true);
  req.set_origin("Al-Watan");
  req.set_doc_id("news-7");
  req.set_user(kUser);  // the CLI takes it from $USER
  grpc::ClientContext ctx;
  v1::AlignResponse resp;
  const grpc::Status st = Stub()->Align(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();

  auto cli_store = TranslationMemory::Open(cli_tm);
  ASSERT_TRUE(cli_store.ok()) << cli_store.status().ToString();
  const std::vector<std::string> by_cli = Units(**cli_store);
  const std::vector<std::string> by_service = Units(*store_);
  ASSERT_GE(by_cli.size(), 3u) << cli.err;
  EXPECT_EQ(by_service, by_cli);
  EXPECT_EQ(resp.imported(), by_service.size());
  // What makes them the engine's units: the confidence of each link, and document context.
  int with_context = 0;
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& unit) {
                    bool has_confidence = false;
                    for (const auto& [type, value] : unit.properties) has_confidence |= type == "x-align-confidence";
                    EXPECT_TRUE(has_confidence) << unit.source;
                    if (unit.prev_hash != 0 || unit.next_hash != 0) ++with_context;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(with_context, static_cast<int>(by_service.size()));
}

TEST_F(AlignImportTest, HoldManyToManyIsHonoured) {
  StartServer();
  v1::AlignRequest req;
  req.set_src_lang("ar");
  req.set_tgt_lang("en");
  req.mutable_source()->set_text(kArabic);
  req.mutable_target()->set_text(kEnglish);
  req.set_import(true);
  req.set_hold_many_to_many(true);
  grpc::ClientContext ctx;
  v1::AlignResponse resp;
  const grpc::Status st = Stub()->Align(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  uint64_t many = 0, confident_one_to_one = 0;
  for (const v1::AlignLink& link : resp.links()) {
    if (link.src_size() == 0 || link.tgt_size() == 0) continue;
    if (link.src_size() > 1 || link.tgt_size() > 1) {
      ++many;
    } else if (!link.low_confidence()) {
      ++confident_one_to_one;
    }
  }
  ASSERT_GT(many, 0u) << "the documents no longer align with an n-m link: the test proves nothing";
  EXPECT_EQ(resp.imported(), confident_one_to_one);
  EXPECT_GE(resp.held_back(), many);
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& unit) {
                    for (const auto& [type, value] : unit.properties) EXPECT_NE(type, "x-align-link");
                    return true;
                  })
                  .ok());
}

}  // namespace
}  // namespace dhakira

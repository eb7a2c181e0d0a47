// Unit value encoding: round trip, and damaged values are Corruption (never a crash, never an OOB
// read).
#include "store/encoding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>

namespace dhakira::store_internal {
namespace {

SegmentPair SampleUnit() {
  SegmentPair u;
  u.src_lang = "ar";
  u.tgt_lang = "en-GB";
  u.source = "قال الرئيس \xEE\x80\x80إن 3.5 مليون";
  u.target = "The president said \xEE\x80\x80 3.5 million";
  u.source_codes = {{"ph", "<ph x=\"1\"/>"}};
  u.target_codes = {{"ph", "<ph x=\"1\"/>"}};
  u.origin = "Al-Watan";
  u.doc_id = "2024/03/07-12";
  u.doc_position = 7;
  u.prev_hash = 0x0123456789ABCDEFull;
  u.next_hash = std::numeric_limits<uint64_t>::max();
  u.created_at = -5;  // before 1970: zigzag must keep the sign
  u.changed_at = 1700000000;
  u.created_by = "مترجم";
  u.changed_by = "editor";
  u.note = "note";
  u.properties = {{"x-a", "1"}, {"x-b", "2"}, {"x-a", "3"}};
  Token t1;
  t1.type = TokenType::kWord;
  t1.key = "قال";
  t1.begin = 0;
  t1.end = 6;
  Token t2;
  t2.type = TokenType::kNumber;
  t2.key = "3.5";
  t2.begin = 30;
  t2.end = 33;
  t2.value = 3.5;
  u.source_tokens = {t1, t2};
  return u;
}

void ExpectSameUnit(const SegmentPair& a, const SegmentPair& b) {
  EXPECT_EQ(a.src_lang, b.src_lang);
  EXPECT_EQ(a.tgt_lang, b.tgt_lang);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.target, b.target);
  ASSERT_EQ(a.source_codes.size(), b.source_codes.size());
  for (size_t i = 0; i < a.source_codes.size(); ++i) {
    EXPECT_EQ(a.source_codes[i].element, b.source_codes[i].element);
    EXPECT_EQ(a.source_codes[i].native, b.source_codes[i].native);
  }
  ASSERT_EQ(a.target_codes.size(), b.target_codes.size());
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.doc_id, b.doc_id);
  EXPECT_EQ(a.doc_position, b.doc_position);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
  EXPECT_EQ(a.next_hash, b.next_hash);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.changed_at, b.changed_at);
  EXPECT_EQ(a.created_by, b.created_by);
  EXPECT_EQ(a.changed_by, b.changed_by);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.properties, b.properties);
  ASSERT_EQ(a.source_tokens.size(), b.source_tokens.size());
  for (size_t i = 0; i < a.source_tokens.size(); ++i) {
    EXPECT_EQ(a.source_tokens[i].type, b.source_tokens[i].type);
    EXPECT_EQ(a.source_tokens[i].key, b.source_tokens[i].key);
    EXPECT_EQ(a.source_tokens[i].begin, b.source_tokens[i].begin);
    EXPECT_EQ(a.source_tokens[i].end, b.source_tokens[i].end);
    EXPECT_EQ(a.source_tokens[i].value, b.source_tokens[i].value);
  }
}

TEST(EncodingTest, RoundTripsEveryField) {
  const SegmentPair u = SampleUnit();
  std::string value;
  EncodeUnit(u, &value);
  SegmentPair out;
  ASSERT_TRUE(DecodeUnit(value, 42, &out).ok());
  EXPECT_EQ(out.id, 42u);
  ExpectSameUnit(u, out);

  UnitIdentity ident;
  ASSERT_TRUE(DecodeUnitIdentity(value, 42, &ident).ok());
  EXPECT_EQ(ident.src_lang, u.src_lang);
  EXPECT_EQ(ident.tgt_lang, u.tgt_lang);
  EXPECT_EQ(ident.source, u.source);
  EXPECT_EQ(ident.target, u.target);
}

TEST(EncodingTest, TokenKeysEqualToTheirSpanOrNotAndSpansInAnyOrder) {
  SegmentPair u;
  u.src_lang = "ar";
  u.tgt_lang = "en";
  u.source = "أحمد قال";  // أحمد = 8 bytes, space, قال = 6 bytes
  u.target = "Ahmad said";
  auto token = [](std::string key, uint32_t b, uint32_t e) {
    Token t;
    t.key = std::move(key);
    t.begin = b;
    t.end = e;
    return t;
  };
  u.source_tokens = {token("احمد", 0, 8),   // folded: differs from its span, stored
                     token("قال", 9, 15),   // equal to its span, not stored
                     token("قال", 9, 15),   // same span again (delta 0)
                     token("أحمد", 0, 8)};  // back to the start (negative delta)
  std::string value;
  EncodeUnit(u, &value);
  SegmentPair out;
  ASSERT_TRUE(DecodeUnit(value, 3, &out).ok());
  ExpectSameUnit(u, out);
}

TEST(EncodingTest, DecodingReusesAndResetsTheOutput) {
  std::string value;
  SegmentPair empty;
  empty.src_lang = "en";
  empty.tgt_lang = "fr";
  empty.source = "a";
  empty.target = "b";
  EncodeUnit(empty, &value);
  SegmentPair out = SampleUnit();  // full of stale data
  ASSERT_TRUE(DecodeUnit(value, 1, &out).ok());
  EXPECT_TRUE(out.properties.empty());
  EXPECT_TRUE(out.source_tokens.empty());
  EXPECT_TRUE(out.source_codes.empty());
  EXPECT_EQ(out.note, "");
  EXPECT_EQ(out.prev_hash, 0u);
}

TEST(EncodingTest, EveryTruncationIsCorruption) {
  std::string value;
  EncodeUnit(SampleUnit(), &value);
  for (size_t n = 0; n < value.size(); ++n) {
    // A heap copy of exactly n bytes, so that a read past the end would be caught by sanitizers.
    std::unique_ptr<char[]> copy(new char[n + 1]);
    std::memcpy(copy.get(), value.data(), n);
    SegmentPair out;
    const Status s = DecodeUnit(std::string_view(copy.get(), n), 9, &out);
    EXPECT_TRUE(s.IsCorruption()) << "length " << n << ": " << s.ToString();
    EXPECT_NE(s.message().find("unit 9"), std::string::npos) << s.message();
  }
}

TEST(EncodingTest, EveryFlippedByteIsCorruption) {
  std::string value;
  EncodeUnit(SampleUnit(), &value);
  for (size_t i = 0; i < value.size(); ++i) {
    std::string bad = value;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    SegmentPair out;
    EXPECT_TRUE(DecodeUnit(bad, 1, &out).IsCorruption()) << "byte " << i;
  }
}

TEST(EncodingTest, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    SegmentPair out;
    EXPECT_FALSE(DecodeUnit(junk, 1, &out).ok());
  }
}

TEST(EncodingTest, UnknownEncodingVersionIsNamed) {
  std::string value;
  EncodeUnit(SampleUnit(), &value);
  value[0] = 7;
  // Re-seal with a valid checksum (zlib crc32 of everything before it) so only the version is
  // wrong.
  value.resize(value.size() - 4);
  PutFixed32(&value, static_cast<uint32_t>(
                         crc32(0L, reinterpret_cast<const Bytef*>(value.data()), static_cast<uInt>(value.size()))));
  SegmentPair out;
  const Status s = DecodeUnit(value, 1, &out);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("encoding version 7"), std::string::npos) << s.message();
}

TEST(EncodingTest, VarintsRoundTripAndRejectOverlong) {
  const uint64_t cases[] = {0, 1, 127, 128, 300, 1ull << 32, std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : cases) {
    std::string s;
    PutVarint64(&s, v);
    ByteReader r(s);
    uint64_t got = 0;
    ASSERT_TRUE(r.GetVarint64(&got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_TRUE(r.empty());
  }
  const std::string overlong(11, '\xFF');
  ByteReader r(overlong);
  uint64_t got;
  EXPECT_FALSE(r.GetVarint64(&got));
  std::string big;
  PutVarint64(&big, 1ull << 40);
  ByteReader r32(big);
  uint32_t got32;
  EXPECT_FALSE(r32.GetVarint32(&got32));
}

TEST(EncodingTest, IdKeysSortInIdOrder) {
  char a[8], b[8];
  EncodeIdKey(255, a);
  EncodeIdKey(256, b);
  EXPECT_LT(std::memcmp(a, b, 8), 0);
  EXPECT_EQ(DecodeIdKey(b), 256u);
}

TEST(EncodingTest, DedupHashSeparatesFields) {
  EXPECT_NE(DedupHash("ar", "en", "ab", "c"), DedupHash("ar", "en", "a", "bc"));
  EXPECT_NE(DedupHash("ar", "en", "x", "y"), DedupHash("en", "ar", "x", "y"));
  EXPECT_EQ(DedupHash("ar", "en", "x", "y"), DedupHash("ar", "en", "x", "y"));
}

TEST(EncodingTest, FormatRecord) {
  uint32_t version = 0;
  ASSERT_TRUE(DecodeFormatRecord(EncodeFormatRecord(3), &version).ok());
  EXPECT_EQ(version, 3u);
  EXPECT_TRUE(DecodeFormatRecord("DHAKIRA-T", &version).IsCorruption());
  EXPECT_TRUE(DecodeFormatRecord("SOMETHING-ELSE", &version).IsCorruption());
}

}  // namespace
}  // namespace dhakira::store_internal

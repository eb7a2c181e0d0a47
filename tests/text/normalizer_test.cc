// Normalizer, KeyHash, CanonicalLanguage and ArabicLightStem: the facts of docs/text.md#facts-the-match-keys-rely-on as
// tables.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dhakira/text.h"
#include "testing/shared_data.h"

namespace dhakira {
namespace {

std::unique_ptr<Normalizer> Make(const std::string& language, bool keep_punctuation = true) {
  NormalizerOptions options;
  options.language = language;
  options.keep_punctuation = keep_punctuation;
  auto normalizer = Normalizer::Create(options);
  EXPECT_TRUE(normalizer.ok()) << normalizer.status().ToString();
  return normalizer.ok() ? std::move(normalizer).value() : nullptr;
}

// The keys of all tokens, joined by one space.
std::string Keys(Normalizer& normalizer, const std::string& text) {
  auto result = normalizer.Normalize(text);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return "<error>";
  std::string keys;
  for (const Token& t : result->tokens) {
    if (!keys.empty()) keys += ' ';
    keys += t.key;
  }
  return keys;
}

struct KeyCase {
  const char* name;
  const char* input;
  const char* keys;
};

// Every character that docs/text.md#facts-the-match-keys-rely-on names, inside a word where it can be, with its key.
const KeyCase kArabicCases[] = {
    {"fathatan U+064B", "كتاباً", "كتابا"},
    {"dammatan U+064C", "كتابٌ", "كتاب"},
    {"kasratan U+064D", "كتابٍ", "كتاب"},
    {"fatha U+064E", "كَتب", "كتب"},
    {"damma U+064F", "كُتب", "كتب"},
    {"kasra U+0650", "كِتاب", "كتاب"},
    {"shadda U+0651", "سدّد", "سدد"},
    {"sukun U+0652", "قُلْ", "قل"},
    {"superscript alef U+0670", "هٰذا", "هذا"},
    {"all harakat at once", "ٱلْمُسَلَّمَةُ", "المسلمه"},
    {"tatweel U+0640", "كـتـاب", "كتاب"},
    {"alef madda", "آمن", "امن"},
    {"alef hamza above", "أحمد", "احمد"},
    {"alef hamza below", "إسلام", "اسلام"},
    {"alef wasla", "ٱلله", "الله"},
    {"alef maksura", "مستشفى", "مستشفي"},
    {"teh marbuta", "مدرسة", "مدرسه"},
    {"Farsi yeh U+06CC", "علی", "علي"},
    {"keheh U+06A9", "کتاب", "كتاب"},
    {"waw hamza stays", "مؤتمر", "مؤتمر"},
    {"yeh hamza stays", "رئيس", "رئيس"},
    {"hamza stays", "سماء", "سماء"},
    {"hamza seat kept (not NFD)", "الرئيس", "الرئيس"},
    {"hamza seat kept 2", "المؤقت", "المؤقت"},
    {"Arabic-Indic digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
    {"Extended Arabic-Indic digits", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
    {"decimal separator U+066B", "٣٫٥", "3.5"},
    {"thousands separator U+066C", "١٬٢٥٠", "1250"},
    {"percent U+066A", "٤٠٪", "40 %"},
    {"LRM inside word", "كت\u200Eاب", "كتاب"},
    {"RLM inside word", "كت\u200Fاب", "كتاب"},
    {"ALM inside word", "كت\u061Cاب", "كتاب"},
    {"ZWJ inside word", "كت\u200Dاب", "كتاب"},
    {"ZWNJ inside word", "كت\u200Cاب", "كتاب"},
    {"LRE..PDF around", "\u202Aكتاب\u202C", "كتاب"},
    {"LRI..PDI around", "\u2066كتاب\u2069", "كتاب"},
    {"U+FDFA expands to four words", "\uFDFA", "صلي الله عليه وسلم"},
    {"U+FDFC rial sign is a word", "\uFDFC", "ريال"},
    {"lam-alef ligature U+FEFB", "\uFEFB", "لا"},
    {"presentation forms", "ﺍﻟﺴﻼﻡ", "السلام"},
    {"Latin in Arabic text is casefolded", "CNN", "cnn"},
    {"clitics are not split", "والكتاب", "والكتاب"},
    {"Arabic punctuation", "نعم، لا؛ ماذا؟", "نعم ، لا ؛ ماذا ؟"},
};

TEST(NormalizerTest, ArabicProfilePerCodePoint) {
  auto normalizer = Make("ar");
  ASSERT_NE(normalizer, nullptr);
  EXPECT_STREQ(normalizer->profile(), "ar");
  for (const KeyCase& c : kArabicCases) {
    EXPECT_EQ(Keys(*normalizer, c.input), c.keys) << c.name;
  }
}

TEST(NormalizerTest, ArabicProfileForRegionalTags) {
  for (const char* tag : {"ar-SY", "AR_eg", "ara", "arb"}) {
    auto normalizer = Make(tag);
    ASSERT_NE(normalizer, nullptr) << tag;
    EXPECT_STREQ(normalizer->profile(), "ar") << tag;
    EXPECT_EQ(Keys(*normalizer, "أحمد"), "احمد") << tag;
  }
}

const KeyCase kEnglishCases[] = {
    {"sharp s", "Straße", "strasse"},
    {"dotted capital I", "İstanbul", "i\u0307stanbul"},
    {"fi ligature", "\uFB01ne", "fine"},
    {"fullwidth digits", "１２３", "123"},
    {"fullwidth letters", "ＡＢＣ", "abc"},
    {"uppercase", "HELLO World", "hello world"},
    {"Arabic digits fold in every profile", "٢٠٢٤", "2024"},
    {"Arabic letters are not folded outside the ar profile", "أحمد", "أحمد"},
    {"ellipsis and three dots agree", "wait… wait...", "wait ... wait ..."},
    {"punctuation cluster", "end.\" Next", "end .\" next"},
};

TEST(NormalizerTest, EnglishProfile) {
  auto normalizer = Make("en-US");
  ASSERT_NE(normalizer, nullptr);
  EXPECT_STREQ(normalizer->profile(), "en");
  EXPECT_EQ(normalizer->language(), "en-US");
  for (const KeyCase& c : kEnglishCases) {
    EXPECT_EQ(Keys(*normalizer, c.input), c.keys) << c.name;
  }
}

TEST(NormalizerTest, GenericProfile) {
  struct Case {
    const char* language;
    const char* input;
    const char* keys;
  };
  const Case cases[] = {
      {"de", "STRASSE Straße", "strasse strasse"},
      {"de", "1.000,5 Euro", "1000.5 euro"},
      {"fr", "Élève À", "élève à"},
      {"fr", "l'école", "l'école"},
      {"fa", "کتاب ۱۲", "کتاب 12"},  // generic: digits fold, Arabic letters do not
      {"ru", "Москва", "москва"},
  };
  for (const Case& c : cases) {
    auto normalizer = Make(c.language);
    ASSERT_NE(normalizer, nullptr) << c.language;
    EXPECT_STREQ(normalizer->profile(), "generic") << c.language;
    EXPECT_EQ(Keys(*normalizer, c.input), c.keys) << c.language << " " << c.input;
  }
}

TEST(NormalizerTest, ScriptsWithoutSpaces) {
  // Generic profile, ICU dictionary segmentation: every character ends up in exactly one token.
  for (const char* language : {"ja", "th", "zh"}) {
    auto normalizer = Make(language);
    ASSERT_NE(normalizer, nullptr);
    const std::string text = std::string(language) == "th" ? "ภาษาไทยง่ายนิดเดียว"
                             : std::string(language) == "ja" ? "東京に行きます。"
                                                             : "我们明天去北京。";
    auto result = normalizer->Normalize(text);
    ASSERT_TRUE(result.ok());
    ASSERT_GE(result->tokens.size(), 3u) << language;
    uint32_t covered = 0;
    for (const Token& t : result->tokens) {
      EXPECT_EQ(t.begin, covered) << language;
      covered = t.end;
    }
    EXPECT_EQ(covered, text.size()) << language;
  }
}

struct ExpectedToken {
  TokenType type;
  const char* key;
  const char* span;  // the original text the token covers
};

void ExpectTokens(Normalizer& normalizer, const std::string& input, const std::vector<ExpectedToken>& expected) {
  auto result = normalizer.Normalize(input);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->tokens.size(), expected.size()) << input;
  for (size_t i = 0; i < expected.size(); ++i) {
    const Token& t = result->tokens[i];
    ASSERT_LE(t.begin, t.end);
    ASSERT_LE(t.end, result->text.size());
    EXPECT_EQ(t.type, expected[i].type) << input << " token " << i;
    EXPECT_EQ(t.key, expected[i].key) << input << " token " << i;
    EXPECT_EQ(result->text.substr(t.begin, t.end - t.begin), expected[i].span) << input << " token " << i;
  }
}

TEST(NormalizerTest, TokenTypesAndSpans) {
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  ExpectTokens(*ar, "قال الرئيسُ: «نعم» والكتاب ٣٫٥",
               {{TokenType::kWord, "قال", "قال"},
                {TokenType::kWord, "الرئيس", "الرئيسُ"},
                {TokenType::kPunct, ":", ":"},
                {TokenType::kPunct, "«", "«"},
                {TokenType::kWord, "نعم", "نعم"},
                {TokenType::kPunct, "»", "»"},
                {TokenType::kWord, "والكتاب", "والكتاب"},
                {TokenType::kNumber, "3.5", "٣٫٥"}});
  auto en = Make("en");
  ASSERT_NE(en, nullptr);
  ExpectTokens(*en, "  The U.S. sent 1,000 troops (5%)...  ",
               {{TokenType::kWord, "the", "The"},
                {TokenType::kWord, "u.s", "U.S"},
                {TokenType::kPunct, ".", "."},
                {TokenType::kWord, "sent", "sent"},
                {TokenType::kNumber, "1000", "1,000"},
                {TokenType::kWord, "troops", "troops"},
                {TokenType::kPunct, "(", "("},
                {TokenType::kNumber, "5", "5"},
                {TokenType::kPunct, "%)...", "%)..."}});
}

TEST(NormalizerTest, SpansCoverOriginalOnRealText) {
  // Every token span must be a well-formed piece of the NFC text, in order, without blanks at its
  // edges.
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  const std::string text =
      "وبيّن مدير فرع الحبوب في حماة، المهندس عدنان الخطيب، أن مراكز الاستلام الثمانية تستقبل يومياً "
      "ما "
      "بين 3,500 و4,200 طن. وأضاف: «سدّدنا حتى اليوم أكثر من 1,250 مليار ليرة» لـ«الوطن» الـ١٨ ﷺ "
      "\u200F";
  auto result = ar->Normalize(text);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_FALSE(result->tokens.empty());
  uint32_t last_begin = 0;
  for (const Token& t : result->tokens) {
    ASSERT_LT(t.begin, t.end);
    ASSERT_LE(t.end, result->text.size());
    EXPECT_GE(t.begin, last_begin);
    last_begin = t.begin;
    const std::string span = result->text.substr(t.begin, t.end - t.begin);
    EXPECT_NE(span.front(), ' ');
    EXPECT_NE(span.back(), ' ');
    EXPECT_EQ(span.find("\u200F"), std::string::npos);
    EXPECT_FALSE(t.key.empty());
  }
}

TEST(NormalizerTest, Numbers) {
  struct Case {
    const char* language;
    const char* input;
    const char* key;
    double value;
  };
  const Case cases[] = {
      {"en", "1,000.5", "1000.5", 1000.5},
      {"ar", "١٬٠٠٠٫٥", "1000.5", 1000.5},
      {"en", "3.5", "3.5", 3.5},
      {"ar", "٣٫٥", "3.5", 3.5},
      {"ar", "12", "12", 12},
      {"ar", "الـ20", "20", 20},  // the article with tatweel is one number token, keyed by the number
      {"ar", "الـ١٨", "18", 18},
      {"ar", "لـ2024", "2024", 2024},
      {"ar", "1950م", "1950", 1950},  // the era letter after a year
      {"en", "1,000,000", "1000000", 1e6},
      {"en", "3,5", "3.5", 3.5},  // one comma not followed by three digits: a decimal comma
      {"de", "1.000", "1000", 1000},
      {"de", "3,25", "3.25", 3.25},
      {"en", "１２３", "123", 123},
      {"en", "007", "007", 7},
  };
  for (const Case& c : cases) {
    auto normalizer = Make(c.language);
    ASSERT_NE(normalizer, nullptr);
    auto result = normalizer->Normalize(c.input);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_EQ(result->tokens.size(), 1u) << c.input;
    const Token& t = result->tokens[0];
    EXPECT_EQ(t.type, TokenType::kNumber) << c.input;
    EXPECT_EQ(t.key, c.key) << c.input;
    EXPECT_DOUBLE_EQ(t.value, c.value) << c.input;
    EXPECT_EQ(result->text.substr(t.begin, t.end - t.begin), c.input);
  }
}

TEST(NormalizerTest, NotNumbers) {
  auto en = Make("en");
  ASSERT_NE(en, nullptr);
  auto result = en->Normalize("COVID19 12.05.2020");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->tokens.size(), 2u);
  EXPECT_EQ(result->tokens[0].type, TokenType::kWord);
  EXPECT_EQ(result->tokens[0].key, "covid19");
  EXPECT_EQ(result->tokens[1].type, TokenType::kNumber);  // a date: digits, but not one number
  EXPECT_EQ(result->tokens[1].key, "12.05.2020");
  EXPECT_TRUE(std::isnan(result->tokens[1].value));
}

TEST(NormalizerTest, Placeholders) {
  auto en = Make("en");
  ASSERT_NE(en, nullptr);
  const std::string text = "Click \uE000here\uE001 now\uE005";
  ExpectTokens(*en, text,
               {{TokenType::kWord, "click", "Click"},
                {TokenType::kPlaceholder, "0", "\uE000"},
                {TokenType::kWord, "here", "here"},
                {TokenType::kPlaceholder, "1", "\uE001"},
                {TokenType::kWord, "now", "now"},
                {TokenType::kPlaceholder, "5", "\uE005"}});
  // The last private-use code point is index kMaxInlineCodes - 1.
  auto result = en->Normalize("\uF8FF");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->tokens.size(), 1u);
  EXPECT_EQ(result->tokens[0].key, std::to_string(kMaxInlineCodes - 1));
  // Matching ignores placeholders.
  auto with = en->Normalize(text);
  auto without = en->Normalize("Click here now");
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_EQ(KeyHash(with->tokens), KeyHash(without->tokens));
}

TEST(NormalizerTest, BidiControlsAreGone) {
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  const std::string plain = "مرحبا بالعالم 2024!";
  const std::string marked = "\u200Fمرحبا\u200E \u202Bبالعالم\u202C \u2067\u061C2024\u2069!\u200E";
  EXPECT_EQ(Keys(*ar, marked), Keys(*ar, plain));
  auto result = ar->Normalize(marked);
  ASSERT_TRUE(result.ok());
  for (const Token& t : result->tokens) {
    const std::string span = result->text.substr(t.begin, t.end - t.begin);
    for (const char* control : {"\u200E", "\u200F", "\u061C", "\u202B", "\u202C", "\u2067", "\u2069"}) {
      EXPECT_EQ(span.find(control), std::string::npos) << "token " << t.key;
    }
  }
}

TEST(NormalizerTest, OriginalIsNfc) {
  auto en = Make("en");
  ASSERT_NE(en, nullptr);
  auto decomposed = en->Normalize("Cafe\u0301 ok");
  ASSERT_TRUE(decomposed.ok());
  EXPECT_EQ(decomposed->text, "Caf\u00E9 ok");
  ASSERT_EQ(decomposed->tokens.size(), 2u);
  EXPECT_EQ(decomposed->tokens[0].key, "café");
  EXPECT_EQ(
      decomposed->text.substr(decomposed->tokens[0].begin, decomposed->tokens[0].end - decomposed->tokens[0].begin),
      "Caf\u00E9");
  const std::string nfc = "كتابٌ جديد";
  auto kept = en->Normalize(nfc);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->text, nfc);
}

TEST(NormalizerTest, DropsPunctuationWhenAsked) {
  auto en = Make("en", /*keep_punctuation=*/false);
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(Keys(*en, "Hello, world! (5%)"), "hello world 5");
}

TEST(NormalizerTest, EmptyAndBlankInput) {
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  for (const char* input : {"", "   ", "\n\t", "\u200F", "ـ"}) {
    auto result = ar->Normalize(input);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_TRUE(result->tokens.empty()) << input;
  }
}

TEST(NormalizerTest, InvalidUtf8NamesTheOffset) {
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  struct Case {
    std::string input;
    const char* offset;
  };
  const Case cases[] = {
      {std::string("abc\xFF"
                   "def"),
       "byte offset 3"},
      {std::string("كتاب\xD8"), "byte offset 8"},                     // truncated sequence at the end
      {std::string("ab\xED\xA0\x80"), "byte offset 2"},               // UTF-8 encoded surrogate
      {std::string("\xC0\xAF"), "byte offset 0"},                     // overlong '/'
      {std::string("0123456789\xF4\x90\x80\x80"), "byte offset 10"},  // above U+10FFFF
  };
  for (const Case& c : cases) {
    auto result = ar->Normalize(c.input);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.status().IsInvalidArgument());
    EXPECT_NE(result.status().message().find(c.offset), std::string::npos) << result.status().ToString();
  }
}

TEST(NormalizerTest, OverlongInputIsRejected) {
  NormalizerOptions options;
  options.language = "en";
  options.max_input_bytes = 10;
  auto normalizer = Normalizer::Create(options);
  ASSERT_TRUE(normalizer.ok());
  EXPECT_TRUE((*normalizer)->Normalize("0123456789").ok());
  auto result = (*normalizer)->Normalize("0123456789a");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalidArgument());
  EXPECT_NE(result.status().message().find("max_input_bytes"), std::string::npos);
}

TEST(NormalizerTest, OptionsValidation) {
  NormalizerOptions options;
  EXPECT_NE(options.Validate().message().find("language"), std::string::npos);
  options.language = "a b";
  EXPECT_TRUE(options.Validate().IsInvalidArgument());
  options.language = "ar";
  EXPECT_TRUE(options.Validate().ok());
  options.max_input_bytes = 0;
  EXPECT_NE(options.Validate().message().find("max_input_bytes"), std::string::npos);
  options.max_input_bytes = (64u << 20) + 1;
  EXPECT_FALSE(options.Validate().ok());
  EXPECT_FALSE(Normalizer::Create(options).ok());
}

// Reference folding straight from docs/text.md#facts-the-match-keys-rely-on with ICU objects only (whole-string
// NFKC_Casefold, the UnicodeSet [[:Mn:]&[:scx=Arab:]], u_charDigitValue): independent of the fast
// code-point switch.
std::string ReferenceKey(const std::string& span, bool arabic) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  static const icu::UnicodeSet* marks = [] {
    UErrorCode st = U_ZERO_ERROR;
    auto* set = new icu::UnicodeSet(u"[[:Mn:]&[:scx=Arab:]]", st);
    set->freeze();
    return set;
  }();
  icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString::fromUTF8(span), status);
  EXPECT_TRUE(U_SUCCESS(status));
  icu::UnicodeString out;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) c = '0' + u_charDigitValue(c);
    if (c == 0x066B) c = '.';
    if (c == 0x066C) c = ',';
    if (c == 0x066A) c = '%';
    if (arabic) {
      if (marks->contains(c) || c == 0x0640) continue;
      if (c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0671) c = 0x0627;
      if (c == 0x0649 || c == 0x06CC) c = 0x064A;
      if (c == 0x0629) c = 0x0647;
      if (c == 0x06A9) c = 0x0643;
    }
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

// Every word and punctuation key of real text equals the reference folding of its span.
TEST(NormalizerTest, KeysMatchReferenceFoldingOnRealText) {
  struct Source {
    const char* language;
    std::string path;
    size_t max_lines;
  };
  const std::string data = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/";
  std::vector<Source> sources = {
      {"ar", data + "tartus-solar-pumping.ar.txt", 1000},
      {"ar", data + "hama-wheat-harvest.ar.txt", 1000},
  };
  // The shared corpora add real news text when ../shared is there; the sample articles are in the
  // repository.
  if (test_support::SharedDirMissing().empty()) {
    sources.push_back({"ar", test_support::SharedPath("corpora/ntrex128/newstest2019-ref.arb.txt"), 600});
    sources.push_back({"ar", test_support::SharedPath("corpora/flores200-devtest/arb_Arab.devtest"), 300});
    sources.push_back({"en", test_support::SharedPath("corpora/ntrex128/newstest2019-src.eng.txt"), 300});
  }
  size_t checked = 0;
  for (const Source& source : sources) {
    std::ifstream in(source.path);
    ASSERT_TRUE(in) << source.path;
    auto normalizer = Make(source.language);
    ASSERT_NE(normalizer, nullptr);
    std::string line;
    for (size_t n = 0; n < source.max_lines && std::getline(in, line); ++n) {
      auto result = normalizer->Normalize(line);
      ASSERT_TRUE(result.ok()) << source.path << ":" << n + 1;
      for (const Token& t : result->tokens) {
        if (t.type != TokenType::kWord && t.type != TokenType::kPunct) continue;
        const std::string reference =
            ReferenceKey(result->text.substr(t.begin, t.end - t.begin), source.language[0] == 'a');
        if (reference.find(' ') != std::string::npos) continue;  // U+FDFA and friends: split
        if (t.type == TokenType::kPunct && reference != t.key) {
          // A cluster's key is the concatenation of its segments' keys, which equals the whole
          // fold.
          ADD_FAILURE() << source.path << ":" << n + 1 << " punct " << t.key << " vs " << reference;
          continue;
        }
        EXPECT_EQ(t.key, reference) << source.path << ":" << n + 1;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 500u);
}

TEST(KeyHashTest, StableValue) {
  // FNV-1a 64 of "hello\x1Fworld\x1F", computed independently (Python, by the FNV definition).
  std::vector<Token> tokens(2);
  tokens[0].key = "hello";
  tokens[1].key = "world";
  EXPECT_EQ(KeyHash(tokens), 0xd510fca251cc03f5ull);
  EXPECT_EQ(KeyHash({}), 0xcbf29ce484222325ull);  // the FNV-1a 64 offset basis
  auto ar = Make("ar");
  ASSERT_NE(ar, nullptr);
  auto result = ar->Normalize("قالَ الـ٢٠");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(KeyHash(result->tokens), 0x31e773831658234aull);  // "قال\x1F" "20\x1F"
}

TEST(KeyHashTest, SeparatesKeys) {
  std::vector<Token> ab(1), a_b(2);
  ab[0].key = "ab";
  a_b[0].key = "a";
  a_b[1].key = "b";
  EXPECT_NE(KeyHash(ab), KeyHash(a_b));
}

TEST(CanonicalLanguageTest, Table) {
  struct Case {
    const char* input;
    const char* canonical;
  };
  const Case cases[] = {
      {"ar", "ar"},
      {"ara", "ar"},
      {"arb", "ar"},
      {"eng", "en"},
      {"deu", "de"},
      {"ger", "de"},
      {"fre", "fr"},
      {"ar_SY", "ar-SY"},
      {"AR-sy", "ar-SY"},
      {"en_us", "en-US"},
      {"EN-us", "en-US"},
      {" en ", "en"},
      {"iw", "he"},
      {"zh-Hant-TW", "zh-Hant-TW"},
      {"sr_Latn_RS", "sr-Latn-RS"},
      {"ar-001", "ar-001"},
  };
  for (const Case& c : cases) {
    auto result = CanonicalLanguage(c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.status().ToString();
    EXPECT_EQ(*result, c.canonical) << c.input;
  }
}

TEST(CanonicalLanguageTest, RejectsGarbageNamingTheValue) {
  for (const char* input : {"", "*all*", "12", "a b", "x", "en-", "und", "e\xC3\xA9", "en@x=y", "toolonglanguage"}) {
    auto result = CanonicalLanguage(input);
    ASSERT_FALSE(result.ok()) << input << " -> " << *result;
    EXPECT_TRUE(result.status().IsInvalidArgument());
    EXPECT_NE(result.status().message().find(std::string("\"") + input + "\""), std::string::npos)
        << result.status().ToString();
  }
}

TEST(ArabicLightStemTest, Table) {
  struct Case {
    const char* key;
    const char* stem;
  };
  const Case cases[] = {
      {"الكتاب", "كتاب"},      // ال
      {"والكتاب", "كتاب"},     // وال
      {"بالمدرسه", "مدرس"},    // بال, then ه
      {"كالبحر", "بحر"},       // كال
      {"فالامر", "امر"},       // فال
      {"للطلاب", "طلاب"},      // لل
      {"وقال", "قال"},         // و with 4 letters
      {"ولد", "ولد"},          // و needs 4 letters
      {"كتابها", "كتاب"},      // ها
      {"معلمون", "معلم"},      // ون
      {"معلمين", "معلم"},      // ين
      {"سيارات", "سيار"},      // ات
      {"مصري", "مصر"},         // ي
      {"اقتصاديه", "اقتصاد"},  // يه
      {"هو", "هو"},            // two letters stay
      {"ال", "ال"},
      {"كتب", "كتب"},
      {"book", "book"},  // not Arabic: unchanged
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(ArabicLightStem(c.key), c.stem) << c.key;
}

TEST(TokenTypeNameTest, Names) {
  EXPECT_STREQ(TokenTypeName(TokenType::kWord), "word");
  EXPECT_STREQ(TokenTypeName(TokenType::kNumber), "number");
  EXPECT_STREQ(TokenTypeName(TokenType::kPunct), "punct");
  EXPECT_STREQ(TokenTypeName(TokenType::kPlaceholder), "placeholder");
}

}  // namespace
}  // namespace dhakira

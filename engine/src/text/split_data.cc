// Abbreviation lists for news text. Arabic: the seed list of docs/text.md#facts-the-splitter-relies-on plus common news
// forms; English: the titles, months and Latin abbreviations of wire copy.
#include "text/split_data.h"

namespace dhakira::text_internal {
namespace {

using K = AbbrevKind;

constexpr Abbreviation kArabicAbbreviations[] = {
    {"د.", K::kTitle},            // دكتور
    {"أ.", K::kTitle},            // أستاذ
    {"أ.د.", K::kTitle},          // أستاذ دكتور
    {"ا.د.", K::kTitle},          // the same without hamza
    {"م.", K::kEra},              // ميلادي after a year; مهندس before a name
    {"هـ.", K::kEra},             // هجري
    {"ه.", K::kEra},              // هجري without tatweel
    {"ق.م.", K::kEra},            // قبل الميلاد
    {"ص.", K::kEra},              // صباحا after a time; صفحة before a number
    {"م.م.", K::kTitle},          // مدرس مساعد
    {"ص.ب.", K::kTitle},          // صندوق بريد (P.O. Box), a number follows
    {"ج.م.ع.", K::kMidSentence},  // جمهورية مصر العربية
    {"إلخ.", K::kMidSentence},    // إلى آخره (etc.)
    {"الخ.", K::kMidSentence},
    {"ت.", K::kTitle},  // توفي / تلفون
    {"ج.", K::kTitle},  // جزء
    {"ع.", K::kTitle},  // عدد
    {"س.", K::kTitle},  // سؤال / سنة
    {"ق.", K::kTitle},  // قرن
    {"ط.", K::kTitle},  // طبعة
};

constexpr std::string_view kArabicStarters[] = {
    "وقال",   "وقالت", "قال",    "قالت", "وأضاف", "وأضافت", "وأكد",  "وأكدت", "وأشار", "وأشارت", "وأوضح",
    "وأوضحت", "وتابع", "وتابعت", "وكان", "وكانت", "ويذكر",  "يذكر",  "كما",   "وفي",   "ومن",    "وقد",
    "وهو",    "وهي",   "وهذا",   "وهذه", "ولكن",  "لكن",    "وبحسب", "وذكر",  "وذكرت", "وأعلن",  "وأعلنت",
};

constexpr std::string_view kArabicQuoteContinuations[] = {
    "كما",  "قال",   "قالت", "قائلا", "قائلة", "أضاف", "أضافت", "تساءل", "تساءلت", "أكد",
    "أكدت", "حسبما", "بحسب", "حسب",   "وفق",   "وفقا", "يقول",  "تقول",  "يضيف",   "تضيف",
};

constexpr std::string_view kEnglishQuoteContinuations[] = {
    "said",   "says",     "added",     "adds",      "asked",   "asks",     "told",     "tells", "wrote",
    "writes", "reported", "explained", "continued", "replied", "insisted", "recalled", "noted", "according",
};

constexpr Abbreviation kEnglishAbbreviations[] = {
    {"Mr.", K::kTitle},         {"Mrs.", K::kTitle},         {"Ms.", K::kTitle},          {"Dr.", K::kTitle},
    {"Prof.", K::kTitle},       {"Gen.", K::kTitle},         {"Col.", K::kTitle},         {"Lt.", K::kTitle},
    {"Sgt.", K::kTitle},        {"Gov.", K::kTitle},         {"Sen.", K::kTitle},         {"Rep.", K::kTitle},
    {"St.", K::kTitle},         {"Capt.", K::kTitle},        {"Maj.", K::kTitle},         {"Adm.", K::kTitle},
    {"Cmdr.", K::kTitle},       {"Rev.", K::kTitle},         {"Hon.", K::kTitle},         {"Pres.", K::kTitle},
    {"Mt.", K::kTitle},         {"Ft.", K::kTitle},          {"Brig.", K::kTitle},        {"No.", K::kBeforeNumber},
    {"Nos.", K::kBeforeNumber}, {"Art.", K::kBeforeNumber},  {"Vol.", K::kBeforeNumber},  {"p.", K::kBeforeNumber},
    {"pp.", K::kBeforeNumber},  {"Jan.", K::kBeforeNumber},  {"Feb.", K::kBeforeNumber},  {"Mar.", K::kBeforeNumber},
    {"Apr.", K::kBeforeNumber}, {"Jun.", K::kBeforeNumber},  {"Jul.", K::kBeforeNumber},  {"Aug.", K::kBeforeNumber},
    {"Sep.", K::kBeforeNumber}, {"Sept.", K::kBeforeNumber}, {"Oct.", K::kBeforeNumber},  {"Nov.", K::kBeforeNumber},
    {"Dec.", K::kBeforeNumber}, {"Jr.", K::kMidSentence},    {"Sr.", K::kMidSentence},    {"U.S.", K::kMidSentence},
    {"U.N.", K::kMidSentence},  {"U.K.", K::kMidSentence},   {"U.S.A.", K::kMidSentence}, {"E.U.", K::kMidSentence},
    {"Inc.", K::kMidSentence},  {"Corp.", K::kMidSentence},  {"Ltd.", K::kMidSentence},   {"Co.", K::kMidSentence},
    {"Bros.", K::kMidSentence}, {"vs.", K::kMidSentence},    {"etc.", K::kMidSentence},   {"e.g.", K::kMidSentence},
    {"i.e.", K::kMidSentence},  {"a.m.", K::kMidSentence},   {"p.m.", K::kMidSentence},   {"approx.", K::kMidSentence},
    {"est.", K::kMidSentence},  {"Ave.", K::kMidSentence},   {"Dept.", K::kMidSentence},  {"Sens.", K::kTitle},
    {"Reps.", K::kTitle},       {"Gens.", K::kTitle},        {"Det.", K::kTitle},         {"Supt.", K::kTitle},
    {"Insp.", K::kTitle},       {"Messrs.", K::kTitle},      {"v.", K::kMidSentence},     {"D.C.", K::kMidSentence},
    {"Ph.D.", K::kMidSentence}, {"Calif.", K::kMidSentence}, {"Fla.", K::kMidSentence},   {"Univ.", K::kMidSentence},
};

constexpr std::string_view kEnglishStarters[] = {
    "The",   "A",      "An",      "He",        "She",       "It",     "They", "We",        "I",     "You",
    "This",  "That",   "These",   "Those",     "There",     "His",    "Her",  "Its",       "Their", "Our",
    "In",    "On",     "At",      "For",       "But",       "And",    "As",   "If",        "When",  "While",
    "After", "Before", "However", "Meanwhile", "Officials", "Police", "Some", "Many",      "Most",  "No",
    "Not",   "So",     "Then",    "Now",       "Yet",       "Still",  "Also", "According",
};

constexpr SplitLanguageData kTables[] = {
    {"ar", kArabicAbbreviations, kArabicStarters, /*initials=*/true, /*cased=*/false, kArabicQuoteContinuations,
     /*ellipsis_is_pause=*/true},
    {"en", kEnglishAbbreviations, kEnglishStarters, /*initials=*/true, /*cased=*/true, kEnglishQuoteContinuations,
     /*ellipsis_is_pause=*/false},
};

}  // namespace

const SplitLanguageData* SplitDataFor(std::string_view primary_language) {
  for (const SplitLanguageData& data : kTables) {
    if (data.language == primary_language) return &data;
  }
  return nullptr;
}

}  // namespace dhakira::text_internal

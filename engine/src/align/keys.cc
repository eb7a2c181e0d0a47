#include "align/keys.h"

#include <libstemmer.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "dhakira/text.h"

namespace dhakira::align {
namespace {

std::u32string Decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string Encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char32_t c : s) {
    uint8_t buf[4];
    int32_t len = 0;
    UBool err = false;
    U8_APPEND(buf, len, 4, static_cast<UChar32>(c), err);
    if (!err) out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  }
  return out;
}

bool IsArabicLetter(char32_t c) { return (c >= 0x0620 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3); }

void AddUnique(std::vector<std::string>* out, std::string s) {
  if (s.empty()) return;
  if (std::find(out->begin(), out->end(), s) == out->end()) out->push_back(std::move(s));
}

// Arabic letter -> consonant class (0 = dropped). Classes are shared with LatinSkeleton below.
char ArabicClass(char32_t c) {
  switch (c) {
    case U'ب':
    case U'پ':
      return 'b';
    case U'ت':
    case U'ط':
    case U'ث':
      return 't';
    case U'د':
    case U'ض':
    case U'ذ':
      return 'd';
    case U'ج':
    case U'غ':
    case U'گ':
      return 'g';
    case U'ح':
    case U'ه':
      return 'h';
    case U'خ':
    case U'ق':
    case U'ك':
      return 'k';
    case U'ر':
      return 'r';
    case U'ز':
    case U'س':
    case U'ص':
    case U'ظ':
      return 's';
    case U'ش':
      return 'S';
    case U'ف':
    case U'ڤ':
      return 'f';
    case U'ل':
      return 'l';
    case U'م':
      return 'm';
    case U'ن':
      return 'n';
    case U'و':
      return 'w';
    case U'ي':
      return 'y';
    default:
      return 0;  // alef, hamza forms, ain, ta marbuta (folded to ه earlier only at word end)
  }
}

std::string ArabicSkeleton(std::u32string_view w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    char32_t c = w[i];
    char k = ArabicClass(c);
    if ((k == 'w' || k == 'y') && i > 0) k = 0;                   // long vowels inside the word
    if (k == 'h' && c == U'ه' && i + 1 == w.size()) k = 0;        // final ه is mostly a folded ta marbuta
    if (k == 't' && i + 1 < w.size() && w[i + 1] == U'ش') k = 0;  // تش = "ch"
    if (k == 0) continue;
    if (!out.empty() && out.back() == k) continue;
    out.push_back(k);
  }
  return out;
}

// A (lower-case) Latin letter -> consonant class (0 = dropped), on the classes of ArabicClass.
// `next` is the following letter (0 at the end of the word); *digraph is set when the two letters
// read as one consonant (ph th dh gh kh ch ck sh), so the caller skips `next`.
char LatinClass(char32_t letter, char32_t next, bool word_initial, bool word_final, bool* digraph) {
  *digraph = false;
  switch (letter) {
    case 'p':
      *digraph = next == 'h';
      return *digraph ? 'f' : 'b';
    case 'b':
      return 'b';
    case 'f':
    case 'v':
      return 'f';
    case 't':
    case 'd':
    case 'g':
    case 'k':
      *digraph = next == 'h';  // th, dh, gh, kh: one consonant of the same class
      return static_cast<char>(letter);
    case 'j':
      return 'g';
    case 'q':
      return 'k';
    case 'h':
      return word_final ? 0 : 'h';  // a final h is mostly a vowel ending (Sarah, Hannah)
    case 'c':
      *digraph = next == 'h' || next == 'k';
      if (next == 'h') return 'S';
      if (next == 'k') return 'k';
      return (next == 'e' || next == 'i' || next == 'y') ? 's' : 'k';  // soft and hard c
    case 's':
      *digraph = next == 'h';
      return *digraph ? 'S' : 's';
    case 'z':
    case 'x':  // "ks": the caller adds the k
      return 's';
    case 'r':
    case 'l':
    case 'm':
    case 'n':
      return static_cast<char>(letter);
    case 'w':
    case 'y':
      return word_initial ? static_cast<char>(letter) : 0;  // consonants only word-initially
    default:
      return 0;  // vowels, apostrophes, digits
  }
}

std::string LatinSkeleton(std::u32string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    const char32_t letter = word[i];
    const char32_t next = i + 1 < word.size() ? word[i + 1] : 0;
    bool digraph = false;
    const char consonant = LatinClass(letter, next, i == 0, i + 1 == word.size(), &digraph);
    if (digraph) ++i;
    if (letter == 'x' && (out.empty() || out.back() != 'k')) out.push_back('k');
    if (consonant == 0 || (!out.empty() && out.back() == consonant)) continue;
    out.push_back(consonant);
  }
  return out;
}

// Plural ending dropped, then the first kTruncate code points: the stem of languages Snowball lacks.
std::string TruncationStem(std::u32string w) {
  if (w.size() > 4 && w.back() == 's' && w[w.size() - 2] != 's') w.pop_back();
  if (w.size() > kTruncate) w.resize(kTruncate);
  return Encode(w);
}

// Snowball stemmers (Porter 2001, snowballstem.org; Debian libstemmer) by base language. An
// sb_stemmer keeps its state and output buffer between calls, so it may serve one thread only:
// each thread creates the stemmers it uses once and keeps them for its lifetime (an Aligner and a
// Lexicon belong to one thread at a time, and stemming is called per token, too often to create
// one per call).
class SnowballStemmers {
 public:
  SnowballStemmers() = default;
  SnowballStemmers(const SnowballStemmers&) = delete;
  SnowballStemmers& operator=(const SnowballStemmers&) = delete;
  ~SnowballStemmers() {
    for (auto& entry : stemmers_)
      if (entry.second != nullptr) sb_stemmer_delete(entry.second);
  }

  // The stemmer of `lang` (BCP 47; its base language names the Snowball algorithm, "en" "de"
  // "fr" ... are Snowball's own aliases), or null when Snowball has none.
  sb_stemmer* For(std::string_view lang) {
    const std::string base(lang.substr(0, lang.find('-')));
    for (auto& entry : stemmers_)
      if (entry.first == base) return entry.second;
    stemmers_.emplace_back(base, sb_stemmer_new(base.c_str(), "UTF_8"));
    return stemmers_.back().second;
  }

 private:
  std::vector<std::pair<std::string, sb_stemmer*>> stemmers_;  // a handful: linear search
};

// Stems `word` with the Snowball stemmer of `lang`; false when there is none (or it fails).
bool SnowballStem(std::string_view lang, const std::string& word, std::string* stem) {
  thread_local SnowballStemmers stemmers;
  sb_stemmer* stemmer = stemmers.For(lang);
  if (stemmer == nullptr) return false;
  const sb_symbol* out =
      sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (out == nullptr) return false;  // out of memory
  stem->assign(reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(stemmer)));
  return !stem->empty();
}

}  // namespace

bool IsArabicLanguage(std::string_view lang) { return lang == "ar" || (lang.size() > 2 && lang.substr(0, 3) == "ar-"); }

bool HasArabicLetter(std::string_view key) {
  for (char32_t c : Decode(key))
    if (IsArabicLetter(c)) return true;
  return false;
}

std::string AlignStem(std::string_view key, std::string_view lang) {
  std::u32string w = Decode(key);
  if (w.empty()) return {};
  if (IsArabicLetter(w[0])) return ArabicLightStem(key);
  // Possessives first: Snowball's English step 0 knows the ASCII apostrophe only ("country’s").
  if (w.size() > 2 && (w.back() == U'\'' || w.back() == U'’')) w.pop_back();
  if (w.size() > 3 && w[w.size() - 1] == 's' && (w[w.size() - 2] == U'\'' || w[w.size() - 2] == U'’'))
    w.resize(w.size() - 2);
  std::string word = Encode(w);
  // Snowball takes inflections and suffixes off (negotiating, negotiations -> negoti); the cap at
  // kTruncate letters then joins derivational families the dictionary lists under different words
  // (presidential, president -> presid), as truncation stemming did: measured slightly better on
  // every set than Snowball alone (docs/align.md).
  if (std::string stem; SnowballStem(lang.empty() ? std::string_view("en") : lang, word, &stem)) {
    std::u32string letters = Decode(stem);
    if (letters.size() > kTruncate) letters.resize(kTruncate);
    return Encode(letters);
  }
  return TruncationStem(std::move(w));
}

std::string AlignStem(std::string_view key) { return AlignStem(key, {}); }

void LookupStems(std::string_view key, std::vector<std::string>* out) { LookupStems(key, {}, out); }

void LookupStems(std::string_view key, std::string_view lang, std::vector<std::string>* out) {
  out->clear();
  std::u32string w = Decode(key);
  if (w.empty()) return;
  AddUnique(out, AlignStem(key, lang));
  if (!IsArabicLetter(w[0])) return;
  // Light10 of Larkey, Ballesteros & Connell (2002) strips at most one proclitic group, then
  // suffixes; ArabicLightStem (the TM's stemmer, shared with matching) knows the article groups
  // and و. Here the other clitics are tried too, in order of confidence: the word as it is, then
  // without one proclitic letter (و ف ب ل ك س) or a conjunction plus a preposition (وب فل ...),
  // (light10's pronoun suffixes هم هن كم نا, and a ta marbuta restored before them, were measured
  // and left out: more false matches than found ones, docs/align.md).
  std::vector<std::u32string_view> bases = {std::u32string_view(w)};
  auto proclitic = [](char32_t c) {
    return c == U'و' || c == U'ف' || c == U'ب' || c == U'ل' || c == U'ك' || c == U'س';
  };
  if (w.size() >= 4 && proclitic(w[0])) {
    bases.push_back(std::u32string_view(w).substr(1));
    if (w.size() >= 5 && (w[0] == U'و' || w[0] == U'ف') &&
        (w[1] == U'ب' || w[1] == U'ل' || w[1] == U'ك' || w[1] == U'س'))
      bases.push_back(std::u32string_view(w).substr(2));
  }
  for (size_t b = 1; b < bases.size(); ++b) AddUnique(out, ArabicLightStem(Encode(bases[b])));
}

void NameSkeletons(std::string_view key, std::vector<std::string>* out) {
  out->clear();
  std::u32string w = Decode(key);
  if (w.empty()) return;
  auto keep = [&](std::string s) {
    if (s.size() >= 3) AddUnique(out, std::move(s));
  };
  if (IsArabicLetter(w[0])) {
    std::u32string_view v(w);
    keep(ArabicSkeleton(v));
    if (v.size() >= 5 && v[0] == U'ا' && v[1] == U'ل') keep(ArabicSkeleton(v.substr(2)));
    if (v.size() >= 4 && (v[0] == U'و' || v[0] == U'ب' || v[0] == U'ل' || v[0] == U'ف' || v[0] == U'ك')) {
      std::u32string_view r = v.substr(1);
      keep(ArabicSkeleton(r));
      if (r.size() >= 5 && r[0] == U'ا' && r[1] == U'ل') keep(ArabicSkeleton(r.substr(2)));
      if (r.size() >= 4 && r[0] == U'ل') keep(ArabicSkeleton(r.substr(1)));  // لل / ولل
    }
    return;
  }
  if (w[0] < 0x250) keep(LatinSkeleton(w));
}

std::string CognateKey(std::string_view key) {
  std::u32string w = Decode(key);
  if (w.size() < 4) return {};
  UErrorCode ec = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(static_cast<UChar32>(w[0]), &ec);
  if (U_FAILURE(ec) || (sc != USCRIPT_LATIN && sc != USCRIPT_GREEK && sc != USCRIPT_CYRILLIC)) return {};
  for (char32_t c : w)
    if (!u_isalpha(static_cast<UChar32>(c))) return {};
  static const icu::Normalizer2* nfd = [] {
    UErrorCode e = U_ZERO_ERROR;
    return icu::Normalizer2::getNFDInstance(e);
  }();
  std::u32string base;
  for (char32_t c : w) {
    if (nfd == nullptr) {
      base.push_back(c);
    } else {
      icu::UnicodeString d;
      UErrorCode e = U_ZERO_ERROR;
      nfd->normalize(icu::UnicodeString(static_cast<UChar32>(c)), d, e);
      if (U_FAILURE(e) || d.isEmpty()) d = icu::UnicodeString(static_cast<UChar32>(c));
      base.push_back(static_cast<char32_t>(d.char32At(0)));  // the base letter, marks dropped
    }
    if (base.size() == 4) break;
  }
  return Encode(base);
}

}  // namespace dhakira::align

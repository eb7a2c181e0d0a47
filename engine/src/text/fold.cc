// Match-key folding. Why a hand-written switch (docs/text.md#facts-the-match-keys-rely-on): we measured 0.51 s per 100k
// segments through a rule-based Transliterator against 0.12 s through a Normalizer2 instance plus a code-point switch,
// and most Arabic news text is ASCII plus U+0600..U+06FF, where NFKC_Casefold is the identity (or ASCII lowercasing)
// and our folds are a table lookup.
#include "text/fold.h"

#include <unicode/bytestream.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "text/utf8.h"

namespace dhakira::text_internal {
namespace {

// Code points for which NFKC_Casefold is the identity *and* which never take part in a canonical
// composition with a neighbour after our folds, so a run of them may skip ICU. U+0653..U+0655
// (madda, hamza above/below) compose with alef, waw, yeh and heh: they are deliberately left to
// ICU.
inline bool IsFastCodePoint(UChar32 c) {
  if (c >= 0x0621 && c <= 0x063A) return true;  // hamza .. ghain
  if (c >= 0x0640 && c <= 0x0652) return true;  // tatweel, feh .. yeh, fathatan .. sukun
  if (c >= 0x0660 && c <= 0x066C) return true;  // Arabic-Indic digits, ٪ ٫ ٬
  if (c >= 0x06F0 && c <= 0x06F9) return true;  // Extended Arabic-Indic digits
  switch (c) {
    case 0x00AB:
    case 0x00BB:  // « »
    case 0x060C:
    case 0x061B:
    case 0x061F:  // ، ؛ ؟
    case 0x066D:
    case 0x06D4:  // ٭ ۔
    case 0x0670:
    case 0x0671:  // superscript alef, alef wasla
    case 0x06A9:
    case 0x06CC:  // keheh, Farsi yeh
      return true;
    default:
      return false;
  }
}

// Writes bytes at a position the caller has made room for (the fast path's output is never longer
// than its input: see FoldRun). Has the push_back AppendUtf8 needs, without std::string's capacity
// check and call per byte (4% of a TSV import when keys were built with std::string::push_back).
struct RawWriter {
  char* p;
  void push_back(char c) { *p++ = c; }
};

// Everything after NFKC_Casefold, for one code point of its output. Out: std::string or RawWriter.
template <typename Out>
inline void PostFold(UChar32 c, Profile profile, Out* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
    return;
  }
  if (c >= 0x0660 && c <= 0x0669) {
    out->push_back(static_cast<char>('0' + (c - 0x0660)));
    return;
  }
  if (c >= 0x06F0 && c <= 0x06F9) {
    out->push_back(static_cast<char>('0' + (c - 0x06F0)));
    return;
  }
  switch (c) {
    case 0x066A:
      out->push_back('%');
      return;  // ARABIC PERCENT SIGN
    case 0x066B:
      out->push_back('.');
      return;  // ARABIC DECIMAL SEPARATOR
    case 0x066C:
      out->push_back(',');
      return;  // ARABIC THOUSANDS SEPARATOR
    default:
      break;
  }
  if (profile == Profile::kArabic) {
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640) return;  // harakat .. , tatweel
    switch (c) {
      case 0x0622:
      case 0x0623:
      case 0x0625:
      case 0x0671:
        c = 0x0627;
        break;  // آ أ إ ٱ -> ا
      case 0x0649:
        c = 0x064A;
        break;  // ى -> ي
      case 0x0629:
        c = 0x0647;
        break;  // ة -> ه
      case 0x06CC:
        c = 0x064A;
        break;  // ی -> ي
      case 0x06A9:
        c = 0x0643;
        break;  // ک -> ك
      default:
        if (c >= 0x0300 && !(c >= 0x0621 && c <= 0x064A) && u_charType(c) == U_NON_SPACING_MARK &&
            uscript_hasScript(c, USCRIPT_ARABIC)) {
          // [[:Mn:]&[:scx=Arab:]]: also the Script=Inherited marks that Arabic uses
          // (docs/text.md#facts-the-match-keys-rely-on).
          return;
        }
        break;
    }
  }
  if (c > 0x06FF && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
    const int32_t d = u_charDigitValue(c);
    if (d >= 0 && d <= 9) {
      out->push_back(static_cast<char>('0' + d));
      return;
    }
  }
  AppendUtf8(c, out);
}

}  // namespace

void FoldRun(std::string_view nfc, Profile profile, const icu::Normalizer2& nfkc_casefold, std::string* scratch,
             std::string* out) {
  const size_t mark = out->size();
  // Fast path. For ASCII and every IsFastCodePoint, PostFold writes at most as many bytes as the
  // code point takes in the input (ASCII -> 1; Arabic letters -> a 2-byte letter or nothing; digits
  // -> 1), so nfc.size() bytes of room suffice.
  out->resize(mark + nfc.size());
  RawWriter w{out->data() + mark};
  size_t i = 0;
  bool fast = true;
  while (i < nfc.size()) {
    const unsigned char b = static_cast<unsigned char>(nfc[i]);
    if (b < 0x80) {
      w.push_back((b >= 'A' && b <= 'Z') ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++i;
      continue;
    }
    size_t next = i;
    const UChar32 c = NextCodePoint(nfc, &next);
    if (!IsFastCodePoint(c)) {
      fast = false;
      break;
    }
    PostFold(c, profile, &w);
    i = next;
  }
  if (fast) {
    out->resize(static_cast<size_t>(w.p - out->data()));
    return;
  }

  // Slow path: NFKC_Casefold over the whole run (composition may span code points), then our folds.
  out->resize(mark);
  scratch->clear();
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(scratch);
  nfkc_casefold.normalizeUTF8(0, icu::StringPiece(nfc.data(), static_cast<int32_t>(nfc.size())), sink, nullptr, status);
  if (U_FAILURE(status)) {
    // Only possible on invalid UTF-8 or allocation failure; the caller validated the input, so keep
    // the text rather than lose the token.
    scratch->assign(nfc);
  }
  size_t k = 0;
  while (k < scratch->size()) PostFold(NextCodePoint(*scratch, &k), profile, out);
}

}  // namespace dhakira::text_internal

// Word pairs the Debian dictionaries lack, compiled in so the product needs no data path.
// Arabic month names in both systems (docs/align.md#facts-the-aligner-relies-on: freedict-ara-eng has none of the
// Syrian ones): Syriac-derived (Levant, Iraq: كانون الثاني = January; the two-word names map through their first word)
// and the Egyptian/Gulf transliterations; weekdays; number words; frequent news words and function words.
#include "align/lexicon_impl.h"

namespace dhakira {

const std::vector<BuiltinPair>& BuiltinPairs() {
  static const std::vector<BuiltinPair> kPairs = [] {
    std::vector<BuiltinPair> v;
    auto ar = [&v](const char* a, std::initializer_list<const char*> en) {
      for (const char* e : en) v.push_back({"ar", "en", a, e});
    };
    // Months, Levantine (كانون and تشرين name two months each).
    ar("كانون", {"January", "December"});
    ar("شباط", {"February"});
    ar("آذار", {"March"});
    ar("نيسان", {"April"});
    ar("أيار", {"May"});
    ar("حزيران", {"June"});
    ar("تموز", {"July"});
    ar("آب", {"August"});
    ar("أيلول", {"September"});
    ar("تشرين", {"October", "November"});
    // Months, Egyptian / Gulf.
    ar("يناير", {"January"});
    ar("فبراير", {"February"});
    ar("مارس", {"March"});
    ar("أبريل", {"April"});
    ar("إبريل", {"April"});
    ar("مايو", {"May"});
    ar("يونيو", {"June"});
    ar("يونيه", {"June"});
    ar("يوليو", {"July"});
    ar("يوليه", {"July"});
    ar("أغسطس", {"August"});
    ar("سبتمبر", {"September"});
    ar("أكتوبر", {"October"});
    ar("نوفمبر", {"November"});
    ar("ديسمبر", {"December"});
    // Weekdays.
    ar("الأحد", {"Sunday"});
    ar("الاثنين", {"Monday"});
    ar("الإثنين", {"Monday"});
    ar("الثلاثاء", {"Tuesday"});
    ar("الأربعاء", {"Wednesday"});
    ar("الخميس", {"Thursday"});
    ar("الجمعة", {"Friday"});
    ar("السبت", {"Saturday"});
    ar("أمس", {"yesterday"});
    ar("اليوم", {"today"});
    ar("غدا", {"tomorrow"});
    // Number words (cardinal and ordinal stems).
    ar("واحد", {"one"});
    ar("اثنان", {"two"});
    ar("اثنين", {"two"});
    ar("ثلاثة", {"three", "third"});
    ar("ثلاث", {"three"});
    ar("أربعة", {"four", "fourth"});
    ar("أربع", {"four"});
    ar("خمسة", {"five", "fifth"});
    ar("خمس", {"five"});
    ar("ستة", {"six", "sixth"});
    ar("سبعة", {"seven", "seventh"});
    ar("ثمانية", {"eight", "eighth"});
    ar("تسعة", {"nine", "ninth"});
    ar("عشرة", {"ten", "tenth"});
    ar("عشرات", {"dozens", "tens"});
    ar("مئة", {"hundred"});
    ar("مائة", {"hundred"});
    ar("مئات", {"hundreds"});
    ar("ألف", {"thousand"});
    ar("آلاف", {"thousands"});
    ar("مليون", {"million"});
    ar("ملايين", {"millions"});
    ar("مليار", {"billion"});
    ar("الأول", {"first"});
    ar("الثاني", {"second"});
    ar("نصف", {"half"});
    ar("بالمئة", {"percent"});
    ar("بالمائة", {"percent"});
    ar("المئة", {"percent"});
    ar("عام", {"year"});
    ar("أعوام", {"years"});
    ar("سنوات", {"years"});
    ar("أسابيع", {"weeks"});
    ar("أشهر", {"months"});
    ar("دولار", {"dollar", "dollars"});
    ar("يورو", {"euro", "euros"});
    ar("ليرة", {"pound", "pounds", "lira"});
    // Frequent news words and function words.
    ar("قال", {"said", "say", "says"});
    ar("قالت", {"said", "says"});
    ar("يقول", {"says", "say"});
    ar("أضاف", {"added"});
    ar("وأضاف", {"added"});
    ar("أكد", {"stressed", "affirmed", "confirmed"});
    ar("أشار", {"noted", "pointed", "indicated"});
    ar("أعلن", {"announced", "declared"});
    ar("الرئيس", {"president"});
    ar("رئيس", {"president", "head", "chairman"});
    ar("وزير", {"minister"});
    ar("وزارة", {"ministry"});
    ar("الحكومة", {"government"});
    ar("حكومة", {"government"});
    ar("الولايات", {"states"});
    ar("المتحدة", {"united"});
    ar("الأمم", {"nations"});
    ar("شرطة", {"police"});
    ar("الشرطة", {"police"});
    ar("انتخابات", {"election", "elections"});
    ar("مجلس", {"council", "assembly", "board"});
    ar("شركة", {"company", "firm"});
    ar("جامعة", {"university"});
    ar("دولة", {"state", "country"});
    ar("بلد", {"country"});
    ar("أيضا", {"also"});
    ar("لكن", {"but"});
    ar("لأن", {"because"});
    ar("حيث", {"where"});
    ar("عندما", {"when"});
    ar("بين", {"between", "among"});
    ar("خلال", {"during", "through"});
    ar("بعد", {"after"});
    ar("قبل", {"before", "ago"});
    ar("ضد", {"against"});
    ar("حول", {"about", "around"});
    ar("منذ", {"since", "ago"});
    ar("أكثر", {"more", "most"});
    ar("أقل", {"less", "fewer"});
    ar("كل", {"all", "every", "each"});
    ar("جميع", {"all"});
    ar("بعض", {"some"});
    ar("لا", {"not", "no"});
    ar("لم", {"not", "did"});
    ar("لن", {"not", "will"});
    ar("ليس", {"not", "is"});
    ar("سوف", {"will"});
    ar("يمكن", {"can", "could", "may"});
    ar("يجب", {"must", "should"});
    return v;
  }();
  return kPairs;
}

}  // namespace dhakira

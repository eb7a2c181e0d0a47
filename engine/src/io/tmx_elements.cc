// TmxReader's expat callbacks: what each TMX element, text run and entity does to the unit being read
// (structure, inline codes and their placeholders, props and notes, caps).
#include "io/tmx_reader.h"

// Debian builds expat with XML_DTD (it must be defined to declare the billion-laughs API).
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>

namespace dhakira::io {
namespace {

// HTML 4 named character references that TMX exports carry by mistake (&nbsp; and friends): Latin-1 (HTML 4
// "HTMLlat1", U+00A0..U+00FF in order) plus the common punctuation of "HTMLspecial"/"HTMLsymbol".
constexpr const char* kLatin1Names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",   "ordf",
    "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",
    "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave",
    "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",
    "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",
    "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
    "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};
struct NamedChar {
  const char* name;
  char32_t cp;
};
constexpr NamedChar kOtherNames[] = {
    {"ensp", 0x2002},   {"emsp", 0x2003},   {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},
    {"lrm", 0x200E},    {"rlm", 0x200F},    {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},
    {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},   {"hellip", 0x2026}, {"permil", 0x2030},
    {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"euro", 0x20AC},
    {"trade", 0x2122},  {"OElig", 0x0152},  {"oelig", 0x0153},  {"Scaron", 0x0160}, {"scaron", 0x0161},
    {"Yuml", 0x0178},   {"fnof", 0x0192},   {"circ", 0x02C6},   {"tilde", 0x02DC},  {"minus", 0x2212},
    {"larr", 0x2190},   {"rarr", 0x2192},   {"hearts", 0x2665}};

char32_t LookupEntity(std::string_view name) {
  for (int i = 0; i < 96; ++i) {
    if (name == kLatin1Names[i]) return static_cast<char32_t>(0xA0 + i);
  }
  for (const NamedChar& nc : kOtherNames) {
    if (name == nc.name) return nc.cp;
  }
  return 0;
}

void AppendCodePoint(char32_t cp, std::string* out) {
  char buf[4];
  int32_t len = 0;
  U8_APPEND_UNSAFE(buf, len, static_cast<UChar32>(cp));
  out->append(buf, static_cast<size_t>(len));
}

bool IsCodeElement(std::string_view name) {
  return name == "bpt" || name == "ept" || name == "it" || name == "ph" || name == "ut";
}

std::string StartTag(const char* name, const char** attrs) {
  std::string tag = "<";
  tag += name;
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    tag += ' ';
    tag += attrs[i];
    tag += "=\"";
    AppendXmlAttribute(attrs[i + 1], &tag);
    tag += '"';
  }
  tag += '>';
  return tag;
}

}  // namespace

void TmxReader::AddText(const char* s, size_t len) {
  TmxVariant* v = variant();
  if (v == nullptr) return;
  v->text_bytes += len;
  if (unit_full_ || v->cut) return;
  if (v->text.size() + len > limits_.max_segment_bytes) {
    // Reported once; the text stops growing (what is kept serves the reject's excerpt).
    v->cut = true;
    {
      AddProblem("segment-too-long", Here() + ": the <seg> of the <tuv xml:lang=\"" + v->lang + "\"> is longer than " +
                                         std::to_string(limits_.max_segment_bytes) +
                                         " bytes (max_segment_bytes); the rest of it was read through, "
                                         "not kept");
    }
    return;
  }
  if (!Charge(len)) return;
  if (!ProtectPrivateUse(std::string_view(s, len), &v->text, &v->codes) && !too_many_reported_) {
    too_many_reported_ = true;
    AddProblem("malformed-tu", "more than " + std::to_string(kMaxInlineCodes) +
                                   " inline codes and private-use characters in one segment");
  }
}

void TmxReader::OpenCode(const std::string& element, const std::string& native) {
  TmxVariant* v = variant();
  if (v == nullptr || !Charge(element.size() + native.size() + 64)) return;
  if (v->codes.size() >= kMaxInlineCodes) {
    if (v->codes.size() == kMaxInlineCodes) {
      AddProblem("malformed-tu", "more than " + std::to_string(kMaxInlineCodes) + " inline codes in one segment");
      v->codes.push_back({"", ""});  // sentinel so the problem is reported once
      v->text.append(native);        // keep the markup visible in the rejected record
    }
    return;
  }
  AppendCodePoint(kPlaceholderBase + static_cast<char32_t>(v->codes.size()), &v->text);
  v->codes.push_back(InlineCode{element, native});
}

// The start of an element, by where the parse is: the root, inside an ignored element, too deep inside a
// <tu>, inside a <seg> (inline markup), inside a <prop>/<note> (markup there is skipped), or a structural
// element (header, tu, tuv, seg, prop, note).
void TmxReader::OnStart(const char* name, const char** attrs) {
  event_end_ =
      static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_)) + static_cast<uint64_t>(XML_GetCurrentByteCount(parser_));
  if (!seen_root_) {
    OnRootStart(name, attrs);
    return;
  }
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return;
  }
  if (in_tu_ && ++unit_depth_ > kMaxUnitDepth) {
    --unit_depth_;  // the skipped element's end is counted by skip_depth_
    AddProblem("malformed-tu", Here() + ": elements nested more than " + std::to_string(kMaxUnitDepth) +
                                   " deep inside a <tu>; the rest of them was skipped");
    skip_depth_ = 1;
    return;
  }
  if (in_ == In::kSeg) {
    OnInlineStart(name, attrs);
  } else if (in_ == In::kProp || in_ == In::kNote) {
    skip_depth_ = 1;  // markup inside <prop>/<note> is not TMX: skipped with its text
  } else if (std::strcmp(name, "header") == 0) {
    header_.clear();
    for (int i = 0; attrs[i] != nullptr; i += 2) header_.emplace_back(attrs[i], attrs[i + 1]);
  } else if (std::strcmp(name, "body") == 0) {
    // <body> only contains the units.
  } else if (std::strcmp(name, "tu") == 0) {
    OnTuStart(attrs);
  } else if (std::strcmp(name, "tuv") == 0 && in_tu_ && !in_tuv_) {
    OnTuvStart(attrs);
  } else if (std::strcmp(name, "seg") == 0 && in_tuv_) {
    OnSegStart();
  } else if (std::strcmp(name, "prop") == 0 || std::strcmp(name, "note") == 0) {
    in_ = name[0] == 'p' ? In::kProp : In::kNote;
    const char* type = FindAttribute(attrs, "type");
    prop_type_ = type != nullptr && std::strlen(type) <= limits_.max_field_bytes ? type : "";
    prop_value_.clear();
    field_full_ = false;
  } else {
    skip_depth_ = 1;  // ude, map, and anything unknown outside <seg>
  }
}

const char* TmxReader::FindAttribute(const char** attrs, const char* key) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (std::strcmp(attrs[i], key) == 0) return attrs[i + 1];
  }
  return nullptr;
}

void TmxReader::OnRootStart(const char* name, const char** attrs) {
  seen_root_ = true;
  if (std::strcmp(name, "tmx") != 0) {
    (void)Fail(std::string("not a TMX document: the root element is <") + name + ">, not <tmx>");
    return;
  }
  if (const char* version = FindAttribute(attrs, "version"); version != nullptr) version_ = version;
}

// Inside a <seg>: the elements of an inline code (bpt/ept/it/ph/ut) are collected as its native markup;
// hi/sub and foreign markup open a code whose end OnInlineEnd settles.
void TmxReader::OnInlineStart(const char* name, const char** attrs) {
  if (code_depth_ > 0) {
    if (!field_full_) code_native_ += StartTag(name, attrs);
    CheckCodeSize();
    ++code_depth_;
    return;
  }
  if (IsCodeElement(name)) {
    code_depth_ = 1;
    code_element_ = name;
    field_full_ = false;
    code_native_ = StartTag(name, attrs);
    CheckCodeSize();
    return;
  }
  TmxVariant* v = variant();
  open_tags_.push_back(name);
  open_code_index_.push_back(v != nullptr ? v->codes.size() : 0);
  open_text_size_.push_back(v != nullptr ? v->text.size() : 0);
  if (std::strcmp(name, "hi") == 0 || std::strcmp(name, "sub") == 0) {
    OpenCode(name, StartTag(name, attrs));
  } else {
    ++stats_.foreign_elements;
    OpenCode("foreign", StartTag(name, attrs));  // settled in OnInlineEnd: ph when empty, else bpt/ept
  }
}

void TmxReader::OnTuStart(const char** attrs) {
  if (in_tu_) {
    AddProblem("malformed-tu", "a <tu> inside another <tu>");
    skip_depth_ = 1;
    return;
  }
  in_tu_ = true;
  too_many_reported_ = false;
  unit_ = TmxUnit();
  unit_bytes_ = 0;
  unit_full_ = false;
  unit_depth_ = 0;
  invalid_count_ = 0;
  invalid_problem_ = SIZE_MAX;
  unit_.line = XML_GetCurrentLineNumber(parser_);
  unit_.column = XML_GetCurrentColumnNumber(parser_) + 1;
  unit_begin_ = static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_));
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (KeepAttribute(attrs[i], attrs[i + 1])) unit_.attributes.emplace_back(attrs[i], attrs[i + 1]);
  }
}

void TmxReader::OnTuvStart(const char** attrs) {
  in_tuv_ = true;
  if (!Charge(sizeof(TmxVariant))) {
    skip_depth_ = 1;  // the unit is rejected already: its further <tuv>s are not kept
    in_tuv_ = false;
    --unit_depth_;
    return;
  }
  TmxVariant& v = unit_.variants.emplace_back();
  v.line = XML_GetCurrentLineNumber(parser_);
  v.column = XML_GetCurrentColumnNumber(parser_) + 1;
  const char* lang = FindAttribute(attrs, "xml:lang");
  if (lang == nullptr) lang = FindAttribute(attrs, "lang");  // TMX 1.1
  if (lang != nullptr) v.lang = lang;
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (std::strcmp(attrs[i], "xml:lang") != 0 && std::strcmp(attrs[i], "lang") != 0 &&
        KeepAttribute(attrs[i], attrs[i + 1])) {
      v.attributes.emplace_back(attrs[i], attrs[i + 1]);
    }
  }
}

void TmxReader::OnSegStart() {
  TmxVariant* v = variant();
  if (++v->segs > 1) {
    AddProblem("malformed-tu",
               "line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ": a <tuv> with more than one <seg>");
    skip_depth_ = 1;
    return;
  }
  in_ = In::kSeg;
  next_foreign_i_ = 0;
}

// The end of an element: closes what OnStart opened, in the same order of cases.
void TmxReader::OnEnd(const char* name) {
  event_end_ =
      static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_)) + static_cast<uint64_t>(XML_GetCurrentByteCount(parser_));
  if (skip_depth_ > 0) {
    --skip_depth_;
    return;
  }
  if (in_tu_ && unit_depth_ > 0) --unit_depth_;
  if (in_ == In::kSeg) {
    OnInlineEnd(name);
  } else if (in_ == In::kProp || in_ == In::kNote) {
    OnFieldEnd();
  } else if (std::strcmp(name, "tuv") == 0) {
    in_tuv_ = false;
  } else if (std::strcmp(name, "tu") == 0) {
    OnTuEnd();
  }
}

// Inside a <seg>: the end of a code element's markup, of the <seg> itself, or of a hi/sub/foreign element.
void TmxReader::OnInlineEnd(const char* name) {
  if (code_depth_ > 0) {
    if (!field_full_) {
      code_native_ += "</";
      code_native_ += name;
      code_native_ += '>';
      CheckCodeSize();
    }
    if (--code_depth_ == 0 && !field_full_) OpenCode(code_element_, code_native_);
    return;
  }
  if (std::strcmp(name, "seg") == 0) {
    in_ = In::kNone;
    open_tags_.clear();
    open_code_index_.clear();
    open_text_size_.clear();
    return;
  }
  if (open_tags_.empty()) return;  // cannot happen in well-formed XML
  const size_t start_index = open_code_index_.back();
  const size_t text_size_at_start = open_text_size_.back();
  open_tags_.pop_back();
  open_code_index_.pop_back();
  open_text_size_.pop_back();
  TmxVariant* v = variant();
  if (v == nullptr || start_index >= v->codes.size()) return;
  if (v->codes[start_index].element != "foreign") {
    OpenCode(name, std::string("</") + name + ">");
    return;
  }
  SettleForeignElement(name, start_index, text_size_at_start);
}

// Foreign markup: an empty element becomes <ph>, one with content a <bpt>/<ept> pair. The i values start at
// 10001 so that they do not clash with the segment's own bpt/ept pairs.
void TmxReader::SettleForeignElement(const char* name, size_t start_index, size_t text_size_at_start) {
  TmxVariant* v = variant();
  InlineCode& start = v->codes[start_index];
  std::string native_start = start.native;
  // Empty: no code opened since, and only the start's placeholder (3 bytes of UTF-8) appended.
  const bool empty = v->codes.size() == start_index + 1 && v->text.size() == text_size_at_start + 3;
  if (empty) {
    native_start.insert(native_start.size() - 1, "/");
    start.element = "ph";
    start.native = "<ph>";
    AppendXmlText(native_start, &start.native);
    start.native += "</ph>";
    return;
  }
  const std::string pair_i = std::to_string(10001 + next_foreign_i_++);
  start.element = "bpt";
  start.native = "<bpt i=\"" + pair_i + "\">";
  AppendXmlText(native_start, &start.native);
  start.native += "</bpt>";
  std::string end = "<ept i=\"" + pair_i + "\">";
  AppendXmlText(std::string("</") + name + ">", &end);
  end += "</ept>";
  OpenCode("ept", end);
}

// The end of a <prop> or <note>: kept on the <tuv> or <tu> it belongs to (header ones are dropped), unless
// it went over max_field_bytes or the unit is full.
void TmxReader::OnFieldEnd() {
  Attributes* props = nullptr;
  std::vector<std::string>* notes = nullptr;
  if (in_tuv_ && variant() != nullptr) {
    props = &variant()->properties, notes = &variant()->notes;
  } else if (in_tu_) {
    props = &unit_.properties, notes = &unit_.notes;
  }
  const bool keep = !field_full_ && (props == nullptr || Charge(prop_type_.size() + prop_value_.size() + 64));
  if (keep && in_ == In::kProp && props != nullptr) props->emplace_back(prop_type_, prop_value_);
  if (keep && in_ == In::kNote && notes != nullptr) notes->push_back(prop_value_);
  prop_value_.clear();
  in_ = In::kNone;
}

void TmxReader::OnTuEnd() {
  TakeIssues(unit_begin_, static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_)));
  if (invalid_count_ > 1 && invalid_problem_ < unit_.problems.size()) {
    unit_.problems[invalid_problem_].message +=
        " (" + std::to_string(invalid_count_) + " invalid sequences in this unit)";
  }
  ready_.push_back(std::move(unit_));
  unit_ = TmxUnit();
  in_tu_ = false;
  in_tuv_ = false;
}

void TmxReader::OnText(const char* s, int len) {
  // Where the parse has got to: the decoder issues before it belong to what has been read.
  event_end_ =
      static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_)) + static_cast<uint64_t>(XML_GetCurrentByteCount(parser_));
  if (skip_depth_ > 0) return;
  if (in_ == In::kSeg) {
    if (code_depth_ > 0) {
      if (field_full_) return;
      AppendXmlText(std::string_view(s, static_cast<size_t>(len)), &code_native_);
      CheckCodeSize();
    } else {
      AddText(s, static_cast<size_t>(len));
    }
  } else if (in_ == In::kProp || in_ == In::kNote) {
    if (field_full_) return;
    if (prop_value_.size() + static_cast<size_t>(len) > limits_.max_field_bytes) {
      field_full_ = true;
      prop_value_.clear();
      AddProblem("field-too-long", Here() + ": a <" + std::string(in_ == In::kProp ? "prop" : "note") +
                                       "> is longer than " + std::to_string(limits_.max_field_bytes) +
                                       " bytes (max_field_bytes); the rest of it was read through, not kept");
      return;
    }
    prop_value_.append(s, static_cast<size_t>(len));
  }
}

void TmxReader::CheckCodeSize() {
  if (field_full_ || code_native_.size() <= limits_.max_field_bytes) return;
  field_full_ = true;
  code_native_.clear();
  code_native_.shrink_to_fit();
  AddProblem("field-too-long", Here() + ": an inline code <" + code_element_ + "> is longer than " +
                                   std::to_string(limits_.max_field_bytes) +
                                   " bytes (max_field_bytes); the rest of it was read through, not kept");
}

bool TmxReader::KeepAttribute(const char* name, const char* value) {
  const size_t n = std::strlen(value);
  if (n > limits_.max_field_bytes) {
    AddProblem("field-too-long", Here() + ": the attribute " + name + " is " + std::to_string(n) +
                                     " bytes long, over the limit of " + std::to_string(limits_.max_field_bytes) +
                                     " (max_field_bytes)");
    return false;
  }
  return Charge(std::strlen(name) + n + 64);
}

void TmxReader::OnSkippedEntity(const char* name) {
  const char32_t cp = LookupEntity(name);
  std::string text;
  if (cp != 0) {
    ++stats_.entities_replaced;
    AppendCodePoint(cp, &text);
  } else {
    ++stats_.entities_kept;
    text = std::string("&") + name + ";";
  }
  OnText(text.data(), static_cast<int>(text.size()));
}

// ---------------------------------------------------------------------------------------------------------
bool ProtectPrivateUse(std::string_view text, std::string* out, std::vector<InlineCode>* codes) {
  // U+E000..U+F8FF is EE 80 80 .. EF A3 BF in UTF-8. Most text has neither lead byte: two memchr scans.
  const char* data = text.data();
  const size_t n = text.size();
  // The next 0xEE and the next 0xEF are remembered separately: looking both up again from every lead byte
  // would rescan the text to its end each time (quadratic on text full of U+FFFD, whose lead is 0xEF).
  size_t next_ee = 0, next_ef = 0;
  auto find = [&](uint8_t byte, size_t from) {
    const void* p = std::memchr(data + from, byte, n - from);
    return p != nullptr ? static_cast<size_t>(static_cast<const char*>(p) - data) : n;
  };
  bool ee_valid = false, ef_valid = false;
  auto next_lead = [&](size_t from) {
    if (!ee_valid || next_ee < from) next_ee = find(0xEE, from), ee_valid = true;
    if (!ef_valid || next_ef < from) next_ef = find(0xEF, from), ef_valid = true;
    return std::min(next_ee, next_ef);
  };
  size_t start = 0;
  for (size_t i = next_lead(0); i + 2 < n; i = next_lead(i + 1)) {
    const auto b = static_cast<uint8_t>(data[i]);
    if (b == 0xEF && static_cast<uint8_t>(data[i + 1]) >= 0xA4) continue;
    if (codes->size() >= kMaxInlineCodes) return false;
    out->append(data + start, i - start);
    AppendCodePoint(kPlaceholderBase + static_cast<char32_t>(codes->size()), out);
    codes->push_back(InlineCode{"char", std::string(text.substr(i, 3))});
    i += 2;
    start = i + 1;
  }
  out->append(data + start, n - start);
  return true;
}

}  // namespace dhakira::io

#include "io/tmx_reader.h"

// Debian builds expat with XML_DTD (it must be defined to declare the billion-laughs API).
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>

namespace dhakira::io {
namespace {

// HTML 4 named character references that TMX exports carry by mistake (&nbsp; and friends): Latin-1 (HTML 4
// "HTMLlat1", U+00A0..U+00FF in order) plus the common punctuation of "HTMLspecial"/"HTMLsymbol".
constexpr const char* kLatin1Names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",
    "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",
    "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
    "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde",
    "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
    "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
    "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};
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

// C trampolines.
void StartHandler(void* self, const XML_Char* name, const XML_Char** attrs) {
  static_cast<TmxReader*>(self)->OnStart(name, attrs);
}
void EndHandler(void* self, const XML_Char* name) { static_cast<TmxReader*>(self)->OnEnd(name); }
void TextHandler(void* self, const XML_Char* s, int len) {
  static_cast<TmxReader*>(self)->OnText(s, len);
}
void SkippedEntityHandler(void* self, const XML_Char* name, int is_parameter_entity) {
  if (!is_parameter_entity) static_cast<TmxReader*>(self)->OnSkippedEntity(name);
}
// Never loads anything: no DTD, no external entity (XXE). Returning OK leaves the entity empty.
int ExternalEntityHandler(XML_Parser parser, const XML_Char*, const XML_Char*, const XML_Char* system_id,
                          const XML_Char*) {
  if (system_id != nullptr) {
    static_cast<TmxReader*>(XML_GetUserData(parser))->OnExternalEntity();
  }
  return XML_STATUS_OK;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
StatusOr<std::unique_ptr<TmxReader>> TmxReader::Open(const std::string& path,
                                                     const std::string& forced_encoding) {
  std::unique_ptr<TmxReader> r(new TmxReader());
  r->path_ = path;
  DHAKIRA_ASSIGN_OR_RETURN(r->decoder_,
                           Utf8Decoder::Open(path, Utf8Decoder::Mode::kXml, forced_encoding));
  // The pre-stage always delivers UTF-8; this overrides whatever the declaration says.
  r->parser_ = XML_ParserCreate("UTF-8");
  if (r->parser_ == nullptr) return Status::ResourceExhausted("cannot create an expat parser");
  XML_Parser p = r->parser_;
  XML_SetUserData(p, r.get());
  XML_SetElementHandler(p, StartHandler, EndHandler);
  XML_SetCharacterDataHandler(p, TextHandler);
  XML_SetSkippedEntityHandler(p, SkippedEntityHandler);
  XML_SetExternalEntityRefHandler(p, ExternalEntityHandler);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_UseForeignDTD(p, XML_TRUE);
  // Billion laughs: expat's defaults (amplification 100, active from 8 MiB), set explicitly.
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 100.0f);
  XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 8u << 20);
  return r;
}

TmxReader::~TmxReader() {
  if (parser_ != nullptr) XML_ParserFree(parser_);
}

Status TmxReader::Fail(const std::string& what) {
  if (pending_error_.ok()) {
    pending_error_ = Status::Corruption(
        "'" + path_ + "' line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
        std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": " + what);
  }
  XML_StopParser(parser_, XML_FALSE);
  return pending_error_;
}

StatusOr<bool> TmxReader::Next(TmxUnit* unit) {
  for (;;) {
    if (!ready_.empty()) {
      *unit = std::move(ready_.front());
      ready_.pop_front();
      return true;
    }
    if (!pending_error_.ok()) return pending_error_;
    if (finished_) return false;
    chunk_.clear();
    auto more = decoder_->Read(&chunk_);
    if (!more.ok()) {
      pending_error_ = more.status();
      continue;
    }
    const bool final = !*more;
    if (final && decoder_->output_bytes() == 0) {
      pending_error_ = Status::Corruption("'" + path_ + "' is empty: not a TMX document");
      continue;
    }
    if (XML_Parse(parser_, chunk_.data(), static_cast<int>(chunk_.size()), final) ==
            XML_STATUS_ERROR &&
        pending_error_.ok()) {
      std::string what = std::string(XML_ErrorString(XML_GetErrorCode(parser_))) + " (expat)";
      if (final && (XML_GetErrorCode(parser_) == XML_ERROR_NO_ELEMENTS ||
                    XML_GetErrorCode(parser_) == XML_ERROR_UNCLOSED_TOKEN ||
                    XML_GetErrorCode(parser_) == XML_ERROR_PARTIAL_CHAR)) {
        what += seen_root_ ? "; the file ends inside the document: it is truncated"
                           : "; no XML document found: not a TMX file";
      }
      (void)Fail(what);
    }
    // Replacements before the unit being read (or all, outside units) are not any unit's.
    auto& issues = decoder_->issues();
    while (!issues.empty() && (!in_tu_ || issues.front().offset < unit_begin_)) {
      stray_issues_.push_back(issues.front());
      issues.pop_front();
    }
    if (final && pending_error_.ok()) {
      finished_ = true;
      if (!seen_root_) pending_error_ = Status::Corruption("'" + path_ + "': no TMX document found");
    }
  }
}

void TmxReader::TakeIssues(uint64_t unit_begin, uint64_t unit_end) {
  auto& issues = decoder_->issues();
  while (!issues.empty() && issues.front().offset < unit_end) {
    const DecodeIssue& issue = issues.front();
    if (issue.offset < unit_begin) {
      stray_issues_.push_back(issue);
    } else if (issue.kind == DecodeIssue::Kind::kInvalidSequence) {
      unit_.problems.push_back({"invalid-encoding", "line " + std::to_string(issue.line) + ", column " +
                                                        std::to_string(issue.column) + ": " +
                                                        issue.Describe()});
    } else {
      unit_.replaced.push_back(issue);
    }
    issues.pop_front();
  }
}

bool TmxReader::Charge(size_t bytes) {
  unit_bytes_ += bytes;
  if (unit_bytes_ <= kMaxUnitBytes) return true;
  if (!too_big_reported_ && in_tu_) {
    too_big_reported_ = true;
    unit_.problems.push_back({"segment-too-long", "the unit holds more than " + std::to_string(kMaxUnitBytes >> 20) +
                                                      " MiB of text and markup; the rest of it was not read"});
  }
  return false;
}

void TmxReader::AddText(const char* s, size_t len) {
  TmxVariant* v = variant();
  if (v == nullptr) return;
  if (!ProtectPrivateUse(std::string_view(s, len), &v->text, &v->codes) && !too_many_reported_) {
    too_many_reported_ = true;
    unit_.problems.push_back({"malformed-tu", "more than " + std::to_string(kMaxInlineCodes) +
                                                  " inline codes and private-use characters in one segment"});
  }
}

void TmxReader::OpenCode(const std::string& element, const std::string& native) {
  TmxVariant* v = variant();
  if (v == nullptr) return;
  if (v->codes.size() >= kMaxInlineCodes) {
    if (v->codes.size() == kMaxInlineCodes) {
      unit_.problems.push_back({"malformed-tu", "more than " + std::to_string(kMaxInlineCodes) +
                                                    " inline codes in one segment"});
      v->codes.push_back({"", ""});  // sentinel so the problem is reported once
      v->text.append(native);        // keep the markup visible in the rejected record
    }
    return;
  }
  AppendCodePoint(kPlaceholderBase + static_cast<char32_t>(v->codes.size()), &v->text);
  v->codes.push_back(InlineCode{element, native});
}

void TmxReader::OnStart(const char* name, const char** attrs) {
  if (!seen_root_) {
    seen_root_ = true;
    if (std::strcmp(name, "tmx") != 0) {
      (void)Fail(std::string("not a TMX document: the root element is <") + name + ">, not <tmx>");
      return;
    }
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      if (std::strcmp(attrs[i], "version") == 0) version_ = attrs[i + 1];
    }
    return;
  }
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return;
  }
  if (!in_tu_ && std::strcmp(name, "tu") == 0) unit_bytes_ = 0;
  size_t element_bytes = kElementBytes;
  for (int i = 0; attrs[i] != nullptr; ++i) element_bytes += std::strlen(attrs[i]);
  if (!Charge(element_bytes)) {
    skip_depth_ = 1;  // over the unit's budget: the element and its content are dropped, the unit rejected
    return;
  }
  if (in_ == In::kSeg) {
    if (code_depth_ > 0) {
      code_native_ += StartTag(name, attrs);
      ++code_depth_;
      return;
    }
    if (IsCodeElement(name)) {
      code_depth_ = 1;
      code_element_ = name;
      code_native_ = StartTag(name, attrs);
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
      OpenCode("foreign", StartTag(name, attrs));  // settled in OnEnd: ph when empty, else bpt/ept
    }
    return;
  }
  if (in_ == In::kProp || in_ == In::kNote) {
    skip_depth_ = 1;  // markup inside <prop>/<note> is not TMX: skipped with its text
    return;
  }
  auto attr = [&](const char* key) -> const char* {
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      if (std::strcmp(attrs[i], key) == 0) return attrs[i + 1];
    }
    return nullptr;
  };
  if (std::strcmp(name, "header") == 0) {
    header_.clear();
    for (int i = 0; attrs[i] != nullptr; i += 2) header_.emplace_back(attrs[i], attrs[i + 1]);
  } else if (std::strcmp(name, "body") == 0) {
    // <body> only contains the units.
  } else if (std::strcmp(name, "tu") == 0) {
    if (in_tu_) {
      unit_.problems.push_back({"malformed-tu", "a <tu> inside another <tu>"});
      skip_depth_ = 1;
      return;
    }
    in_tu_ = true;
    too_many_reported_ = false;
    too_big_reported_ = false;
    unit_ = TmxUnit();
    unit_.line = XML_GetCurrentLineNumber(parser_);
    unit_.column = XML_GetCurrentColumnNumber(parser_) + 1;
    unit_begin_ = static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_));
    for (int i = 0; attrs[i] != nullptr; i += 2) unit_.attributes.emplace_back(attrs[i], attrs[i + 1]);
  } else if (std::strcmp(name, "tuv") == 0 && in_tu_ && !in_tuv_) {
    in_tuv_ = true;
    TmxVariant& v = unit_.variants.emplace_back();
    v.line = XML_GetCurrentLineNumber(parser_);
    v.column = XML_GetCurrentColumnNumber(parser_) + 1;
    const char* lang = attr("xml:lang");
    if (lang == nullptr) lang = attr("lang");  // TMX 1.1
    if (lang != nullptr) v.lang = lang;
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      if (std::strcmp(attrs[i], "xml:lang") != 0 && std::strcmp(attrs[i], "lang") != 0) {
        v.attributes.emplace_back(attrs[i], attrs[i + 1]);
      }
    }
  } else if (std::strcmp(name, "seg") == 0 && in_tuv_) {
    TmxVariant* v = variant();
    if (++v->segs > 1) {
      unit_.problems.push_back({"malformed-tu", "line " +
                                                    std::to_string(XML_GetCurrentLineNumber(parser_)) +
                                                    ": a <tuv> with more than one <seg>"});
      skip_depth_ = 1;
      return;
    }
    in_ = In::kSeg;
    next_foreign_i_ = 0;
  } else if (std::strcmp(name, "prop") == 0 || std::strcmp(name, "note") == 0) {
    in_ = name[0] == 'p' ? In::kProp : In::kNote;
    const char* type = attr("type");
    prop_type_ = type != nullptr ? type : "";
    prop_value_.clear();
  } else {
    skip_depth_ = 1;  // ude, map, and anything unknown outside <seg>
  }
}

void TmxReader::OnEnd(const char* name) {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return;
  }
  if (in_ == In::kSeg) {
    if (code_depth_ > 0) {
      code_native_ += "</";
      code_native_ += name;
      code_native_ += '>';
      if (--code_depth_ == 0) OpenCode(code_element_, code_native_);
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
    const size_t index = open_code_index_.back();
    const size_t text_size = open_text_size_.back();
    open_tags_.pop_back();
    open_code_index_.pop_back();
    open_text_size_.pop_back();
    TmxVariant* v = variant();
    if (v == nullptr || index >= v->codes.size()) return;
    InlineCode& start = v->codes[index];
    if (start.element != "foreign") {
      OpenCode(name, std::string("</") + name + ">");
      return;
    }
    // Foreign markup: an empty element becomes <ph>, one with content a <bpt>/<ept> pair. The i values
    // start at 10001 so that they do not clash with the segment's own bpt/ept pairs.
    std::string native_start = start.native;
    const bool empty = v->codes.size() == index + 1 && v->text.size() == text_size + 3;
    if (empty) {
      native_start.insert(native_start.size() - 1, "/");
      start.element = "ph";
      start.native = "<ph>";
      AppendXmlText(native_start, &start.native);
      start.native += "</ph>";
    } else {
      const std::string i = std::to_string(10001 + next_foreign_i_++);
      start.element = "bpt";
      start.native = "<bpt i=\"" + i + "\">";
      AppendXmlText(native_start, &start.native);
      start.native += "</bpt>";
      std::string end = "<ept i=\"" + i + "\">";
      AppendXmlText(std::string("</") + name + ">", &end);
      end += "</ept>";
      OpenCode("ept", end);
    }
    return;
  }
  if (in_ == In::kProp || in_ == In::kNote) {
    Attributes* props = nullptr;
    std::vector<std::string>* notes = nullptr;
    if (in_tuv_ && variant() != nullptr) {
      props = &variant()->properties, notes = &variant()->notes;
    } else if (in_tu_) {
      props = &unit_.properties, notes = &unit_.notes;
    }
    if (in_ == In::kProp && props != nullptr) props->emplace_back(prop_type_, prop_value_);
    if (in_ == In::kNote && notes != nullptr) notes->push_back(prop_value_);
    in_ = In::kNone;
    return;
  }
  if (std::strcmp(name, "tuv") == 0) {
    in_tuv_ = false;
  } else if (std::strcmp(name, "tu") == 0) {
    TakeIssues(unit_begin_, static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_)));
    ready_.push_back(std::move(unit_));
    unit_ = TmxUnit();
    in_tu_ = false;
    in_tuv_ = false;
  }
}

void TmxReader::OnText(const char* s, int len) {
  if (skip_depth_ > 0) return;
  if (!Charge(static_cast<size_t>(len))) return;
  if (in_ == In::kSeg) {
    if (code_depth_ > 0) {
      AppendXmlText(std::string_view(s, static_cast<size_t>(len)), &code_native_);
    } else {
      AddText(s, static_cast<size_t>(len));
    }
  } else if (in_ == In::kProp || in_ == In::kNote) {
    prop_value_.append(s, static_cast<size_t>(len));
  }
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
  auto next_lead = [&](size_t from) {
    const void* ee = std::memchr(data + from, 0xEE, n - from);
    const void* ef = std::memchr(data + from, 0xEF, n - from);
    size_t a = ee != nullptr ? static_cast<size_t>(static_cast<const char*>(ee) - data) : n;
    size_t b = ef != nullptr ? static_cast<size_t>(static_cast<const char*>(ef) - data) : n;
    return std::min(a, b);
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

StatusOr<int64_t> ParseTmxDate(std::string_view value) {
  // "YYYYMMDDThhmmssZ" or "YYYY-MM-DDThh:mm:ssZ": digits at fixed places, separators checked.
  static constexpr int kCompact[] = {0, 4, 6, 9, 11, 13};   // where y, mo, d, h, mi, s start
  static constexpr int kExtended[] = {0, 5, 8, 11, 14, 17};
  const int* at = value.size() == 16 ? kCompact : value.size() == 20 ? kExtended : nullptr;
  int f[6] = {0, 0, 0, 0, 0, 0};
  bool ok = at != nullptr && value.back() == 'Z' && value[at[3] - 1] == 'T';
  if (ok && value.size() == 20) {
    ok = value[4] == '-' && value[7] == '-' && value[13] == ':' && value[16] == ':';
  }
  for (int k = 0; ok && k < 6; ++k) {
    const int width = k == 0 ? 4 : 2;
    for (int j = 0; j < width; ++j) {
      const char c = value[static_cast<size_t>(at[k] + j)];
      if (c < '0' || c > '9') {
        ok = false;
        break;
      }
      f[k] = f[k] * 10 + (c - '0');
    }
  }
  if (!ok || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 ||
      f[0] < 1900) {
    std::string message = "'";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "'" + string
    message.append(value);
    message += "' is not a TMX date (YYYYMMDDThhmmssZ)";
    return Status::InvalidArgument(message);
  }
  std::tm tm{};
  tm.tm_year = f[0] - 1900;
  tm.tm_mon = f[1] - 1;
  tm.tm_mday = f[2];
  tm.tm_hour = f[3];
  tm.tm_min = f[4];
  tm.tm_sec = f[5];
  return static_cast<int64_t>(timegm(&tm));
}

std::string FormatTmxDate(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void AppendXmlText(std::string_view text, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* rep = nullptr;
    switch (text[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      default: continue;
    }
    out->append(text.data() + start, i - start);
    out->append(rep);
    start = i + 1;
  }
  out->append(text.data() + start, text.size() - start);
}

void AppendXmlAttribute(std::string_view value, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char* rep = nullptr;
    switch (value[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\t': rep = "&#9;"; break;
      case '\n': rep = "&#10;"; break;
      case '\r': rep = "&#13;"; break;
      default: continue;
    }
    out->append(value.data() + start, i - start);
    out->append(rep);
    start = i + 1;
  }
  out->append(value.data() + start, value.size() - start);
}

}  // namespace dhakira::io

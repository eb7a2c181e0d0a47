#include "io/tmx_writer.h"

#include <cstring>
#include <set>
#include <vector>

#include "io/tmx_reader.h"

namespace dhakira::io {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// An attribute name we can write as is (it came from an XML attribute when we read it, but properties can also
// come from TSV headers).
bool IsSafeName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == ':')) {
      return false;
    }
  }
  return !(name[0] >= '0' && name[0] <= '9') && name[0] != '-' && name[0] != '.';
}

void Attr(std::string_view name, std::string_view value, std::string* out) {
  *out += ' ';
  out->append(name);
  *out += "=\"";
  AppendXmlAttribute(value, out);
  *out += '"';
}

void Element(std::string_view indent, std::string_view tag, std::string_view type, std::string_view text,
             std::string* out, uint64_t* replaced) {
  out->append(indent);
  *out += '<';
  out->append(tag);
  if (!type.empty() || tag == "prop") Attr("type", type, out);
  *out += '>';
  AppendSegmentXml(text, {}, out, replaced);
  *out += "</";
  out->append(tag);
  *out += ">\n";
}

void AppendTuv(const SegmentPair& pair, bool source, std::string* out, uint64_t* replaced) {
  const std::string attr_prefix = source ? "tmx:src:" : "tmx:tgt:";
  const std::string prop_prefix = source ? "tmx:src-prop:" : "tmx:tgt-prop:";
  const std::string note_type = source ? "tmx:src-note" : "tmx:tgt-note";
  *out += "      <tuv";
  Attr("xml:lang", source ? pair.src_lang : pair.tgt_lang, out);
  std::set<std::string_view> written = {"xml:lang"};
  for (const auto& [type, value] : pair.properties) {
    if (!StartsWith(type, attr_prefix)) continue;
    std::string_view name = std::string_view(type).substr(attr_prefix.size());
    if (IsSafeName(name) && written.insert(name).second) Attr(name, value, out);
  }
  *out += ">\n";
  for (const auto& [type, value] : pair.properties) {
    if (type == note_type) Element("        ", "note", "", value, out, replaced);
  }
  for (const auto& [type, value] : pair.properties) {
    if (StartsWith(type, prop_prefix)) {
      Element("        ", "prop", std::string_view(type).substr(prop_prefix.size()), value, out, replaced);
    }
  }
  *out += "        <seg>";
  AppendSegmentXml(source ? pair.source : pair.target, source ? pair.source_codes : pair.target_codes, out, replaced);
  *out += "</seg>\n      </tuv>\n";
}

}  // namespace

void AppendTmxHeader(std::string_view srclang, std::string_view tool_version, std::string* out) {
  *out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n  <header";
  Attr("creationtool", "dhakira", out);
  Attr("creationtoolversion", tool_version, out);
  Attr("segtype", "sentence", out);
  Attr("o-tmf", "dhakira", out);
  Attr("adminlang", "en", out);
  Attr("srclang", srclang, out);
  Attr("datatype", "plaintext", out);
  *out += "/>\n  <body>\n";
}

void AppendTmxFooter(std::string* out) { *out += "  </body>\n</tmx>\n"; }

namespace {
// How a property is written: as an attribute of <tu> ("tmx:<attr>"), inside a <tuv> ("tmx:src:...",
// "tmx:src-prop:...", "tmx:src-note" and the tgt forms), as an extra <note> ("tmx:note"), or as a <prop>.
enum class PropKind { kTuAttribute, kTuv, kNote, kProp };
PropKind Classify(std::string_view type) {
  if (!StartsWith(type, "tmx:")) return PropKind::kProp;
  std::string_view name = type.substr(4);
  if (name == "note") return PropKind::kNote;
  if (StartsWith(name, "src:") || StartsWith(name, "tgt:") || StartsWith(name, "src-prop:") ||
      StartsWith(name, "tgt-prop:") || name == "src-note" || name == "tgt-note") {
    return PropKind::kTuv;
  }
  return IsSafeName(name) && name.find(':') == std::string_view::npos ? PropKind::kTuAttribute : PropKind::kProp;
}
}  // namespace

void AppendTmxUnit(const SegmentPair& pair, std::string* out, uint64_t* replaced) {
  *out += "    <tu";
  // TU attributes: kept ones (tmx:<attr>) first, then our dates and users unless a kept one has the name.
  // A kept attribute whose name is already written stays a <prop>: nothing is lost.
  std::set<std::string_view> written;
  std::vector<bool> as_attribute(pair.properties.size(), false);
  for (size_t i = 0; i < pair.properties.size(); ++i) {
    const std::string& type = pair.properties[i].first;
    if (Classify(type) != PropKind::kTuAttribute) continue;
    std::string_view name = std::string_view(type).substr(4);
    if (written.insert(name).second) {
      Attr(name, pair.properties[i].second, out);
      as_attribute[i] = true;
    }
  }
  auto attr_once = [&](std::string_view name, std::string_view value) {
    if (!value.empty() && written.insert(name).second) Attr(name, value, out);
  };
  if (pair.created_at != 0) attr_once("creationdate", FormatTmxDate(pair.created_at));
  attr_once("creationid", pair.created_by);
  if (pair.changed_at != 0) attr_once("changedate", FormatTmxDate(pair.changed_at));
  attr_once("changeid", pair.changed_by);
  *out += ">\n";
  if (!pair.note.empty()) Element("      ", "note", "", pair.note, out, replaced);
  for (const auto& [type, value] : pair.properties) {
    if (Classify(type) == PropKind::kNote) Element("      ", "note", "", value, out, replaced);
  }
  if (!pair.origin.empty()) Element("      ", "prop", kPropOrigin, pair.origin, out, replaced);
  if (!pair.doc_id.empty()) {
    Element("      ", "prop", kPropDoc, pair.doc_id, out, replaced);
    Element("      ", "prop", kPropDocPosition, std::to_string(pair.doc_position), out, replaced);
  }
  if (pair.prev_hash != 0) {
    Element("      ", "prop", kPropPrevHash, std::to_string(pair.prev_hash), out, replaced);
  }
  if (pair.next_hash != 0) {
    Element("      ", "prop", kPropNextHash, std::to_string(pair.next_hash), out, replaced);
  }
  for (size_t i = 0; i < pair.properties.size(); ++i) {
    const PropKind kind = Classify(pair.properties[i].first);
    if (kind == PropKind::kProp || (kind == PropKind::kTuAttribute && !as_attribute[i])) {
      Element("      ", "prop", pair.properties[i].first, pair.properties[i].second, out, replaced);
    }
  }
  AppendTuv(pair, true, out, replaced);
  AppendTuv(pair, false, out, replaced);
  *out += "    </tu>\n";
}

void AppendSegmentXml(std::string_view text, const std::vector<InlineCode>& codes, std::string* out,
                      uint64_t* replaced) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t start = 0;
  auto flush = [&](size_t i) { out->append(text.data() + start, i - start); };
  for (size_t i = 0; i < n;) {
    const uint8_t c = s[i];
    if (c >= 0x20 && c != '&' && c != '<' && c != '>' && c != 0xEE && c != 0xEF) {
      ++i;
      continue;
    }
    if (c == '&' || c == '<' || c == '>') {
      flush(i);
      *out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
      start = ++i;
      continue;
    }
    if (c < 0x20) {
      if (c == '\t' || c == '\n') {
        ++i;
        continue;
      }
      flush(i);
      if (c == '\r') {
        *out += "&#13;";  // a raw CR would be read back as LF
      } else {
        out->append(kReplacement, 3);
        ++*replaced;
      }
      start = ++i;
      continue;
    }
    // 0xEE / 0xEF lead bytes: private use area (placeholders) and U+FFFE/U+FFFF.
    if (i + 2 >= n) {  // truncated sequence (not from a valid store): copy as is
      ++i;
      continue;
    }
    const uint32_t cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    if (cp >= kPlaceholderBase && cp < kPlaceholderBase + kMaxInlineCodes) {
      flush(i);
      const size_t index = cp - kPlaceholderBase;
      if (index < codes.size()) {
        out->append(codes[index].native);
      } else {
        ++*replaced;
      }
      start = i += 3;
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      flush(i);
      out->append(kReplacement, 3);
      ++*replaced;
      start = i += 3;
    } else {
      i += 3;
    }
  }
  flush(n);
}

void AppendTsvHeader(std::string* out) { *out += "source\ttarget\torigin\tdoc\tnote\n"; }

namespace {
void AppendTsvField(std::string_view text, const std::vector<InlineCode>& codes, bool escape, std::string* out,
                    uint64_t* replaced) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = s[i];
    if ((c == 0xEE || (c == 0xEF && s[i + 1] < 0xA4)) && i + 2 < text.size()) {
      // A placeholder: TSV has no inline codes, but a literal private-use character is text.
      const uint32_t cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      const size_t index = cp - kPlaceholderBase;
      if (index < codes.size() && codes[index].element == "char") out->append(codes[index].native);
      i += 2;
      continue;
    }
    if (c == '\t' || c == '\n' || c == '\r' || (c == '\\' && escape)) {
      if (escape) {
        *out += '\\';
        *out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
      } else {
        *out += ' ';
        ++*replaced;
      }
      continue;
    }
    *out += static_cast<char>(c);
  }
}
}  // namespace

void AppendTsvLine(const SegmentPair& pair, bool escape, std::string* out, uint64_t* replaced) {
  AppendTsvField(pair.source, pair.source_codes, escape, out, replaced);
  *out += '\t';
  AppendTsvField(pair.target, pair.target_codes, escape, out, replaced);
  *out += '\t';
  AppendTsvField(pair.origin, {}, escape, out, replaced);
  *out += '\t';
  AppendTsvField(pair.doc_id, {}, escape, out, replaced);
  *out += '\t';
  AppendTsvField(pair.note, {}, escape, out, replaced);
  *out += '\n';
}

}  // namespace dhakira::io

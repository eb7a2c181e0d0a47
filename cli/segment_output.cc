#include "segment_output.h"

#include <ctime>

#include "cli.h"

namespace dhakira::cli {

std::string FormatTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm_utc{};
  gmtime_r(&t, &tm_utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm_utc);
  return buf;
}

std::string DisplayText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+E000..U+F8FF are EE 80 80 .. EF A3 BF in UTF-8.
    if ((c == 0xEE || c == 0xEF) && i + 2 < text.size()) {
      char32_t cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(text[i + 2]) & 0x3F);
      if (cp >= kPlaceholderBase && cp < kPlaceholderBase + kMaxInlineCodes) {
        out += '{' + std::to_string(cp - kPlaceholderBase + 1) + '}';
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

void PrintSegment(std::ostream& os, const SegmentPair& p) {
  auto line = [&os](const char* label, const std::string& value) {
    if (value.empty()) return;
    std::string l = Tr(label);
    os << l << ':' << std::string(l.size() < 11 ? 11 - l.size() : 1, ' ') << value << '\n';
  };
  line(N_("id"), std::to_string(p.id));
  line(N_("languages"), p.src_lang + " > " + p.tgt_lang);
  line(N_("source"), DisplayText(p.source));
  line(N_("target"), DisplayText(p.target));
  line(N_("origin"), p.origin);
  if (!p.doc_id.empty()) line(N_("document"), p.doc_id + " #" + std::to_string(p.doc_position));
  line(N_("created"), FormatTime(p.created_at) + (p.created_by.empty() ? "" : " " + p.created_by));
  line(N_("changed"), FormatTime(p.changed_at) + (p.changed_by.empty() ? "" : " " + p.changed_by));
  line(N_("note"), p.note);
  for (const auto& [k, v] : p.properties) line(N_("property"), k + " = " + v);
}

void WriteSegmentJson(JsonWriter& w, const SegmentPair& p, bool tokens) {
  w.BeginObject()
      .Field("id", p.id)
      .Field("src_lang", p.src_lang)
      .Field("tgt_lang", p.tgt_lang)
      .Field("source", p.source)
      .Field("target", p.target)
      .Field("origin", p.origin)
      .Field("doc", p.doc_id)
      .Field("position", p.doc_position)
      .Field("created", FormatTime(p.created_at))
      .Field("changed", FormatTime(p.changed_at))
      .Field("created_by", p.created_by)
      .Field("changed_by", p.changed_by)
      .Field("note", p.note)
      .Field("prev_hash", p.prev_hash)
      .Field("next_hash", p.next_hash);
  w.Key("properties").BeginArray();
  for (const auto& [k, v] : p.properties) w.BeginObject().Field("type", k).Field("value", v).EndObject();
  w.EndArray();
  auto codes = [&w](const char* key, const std::vector<InlineCode>& cs) {
    w.Key(key).BeginArray();
    for (const auto& c : cs) w.BeginObject().Field("element", c.element).Field("native", c.native).EndObject();
    w.EndArray();
  };
  codes("source_codes", p.source_codes);
  codes("target_codes", p.target_codes);
  if (tokens) {
    w.Key("source_tokens").BeginArray();
    for (const auto& t : p.source_tokens) {
      w.BeginObject()
          .Field("type", TokenTypeName(t.type))
          .Field("key", t.key)
          .Field("begin", t.begin)
          .Field("end", t.end);
      if (t.type == TokenType::kNumber) w.Field("value", t.value);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace dhakira::cli

// TMX values: dates (TMX 1.4 and ISO 8601 extended forms) and XML escaping for text and attributes.
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "io/tmx_reader.h"

namespace dhakira::io {

StatusOr<int64_t> ParseTmxDate(std::string_view value) {
  // "YYYYMMDDThhmmssZ" or "YYYY-MM-DDThh:mm:ssZ": digits at fixed places, separators checked.
  static constexpr int kCompact[] = {0, 4, 6, 9, 11, 13};  // where y, mo, d, h, mi, s start
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
  if (!ok || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 || f[0] < 1900) {
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

namespace {

// The entity for `c` in XML text (only & < > need one there) or, with `attribute`, in a double-quoted
// attribute value, where " and the whitespace a parser would normalize (tab, newline, CR) need one too;
// nullptr when `c` stays as it is.
const char* XmlEntity(char c, bool attribute) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return attribute ? "&quot;" : nullptr;
    case '\t':
      return attribute ? "&#9;" : nullptr;
    case '\n':
      return attribute ? "&#10;" : nullptr;
    case '\r':
      return attribute ? "&#13;" : nullptr;
    default:
      return nullptr;
  }
}

void AppendXmlEscaped(std::string_view text, bool attribute, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity = XmlEntity(text[i], attribute);
    if (entity == nullptr) continue;
    out->append(text.data() + start, i - start);
    out->append(entity);
    start = i + 1;
  }
  out->append(text.data() + start, text.size() - start);
}

}  // namespace

void AppendXmlText(std::string_view text, std::string* out) { AppendXmlEscaped(text, /*attribute=*/false, out); }

void AppendXmlAttribute(std::string_view value, std::string* out) { AppendXmlEscaped(value, /*attribute=*/true, out); }

}  // namespace dhakira::io

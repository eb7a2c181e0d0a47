// Format sniffing for data that comes without a file name (io.h SniffFormat): the service's
// uploads, and any caller that has bytes but no name.
#include <string_view>

#include "dhakira/io.h"

namespace dhakira {

StatusOr<FileFormat> SniffFormat(std::string_view head) {
  if (head.size() > kSniffBytes) head = head.substr(0, kSniffBytes);
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1F && static_cast<unsigned char>(head[1]) == 0x8B) {
    return Status::InvalidArgument("gzip-compressed data: give its format, or a name ending in .gz");
  }
  // TMX starts with '<' (an XML declaration or <tmx>) after a BOM and blanks. UTF-16 shows '<' as
  // "<\0" or "\0<" after its BOM (FF FE or FE FF): zero bytes and 0xFE/0xFF bytes are skipped like
  // blanks.
  size_t pos = head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (pos < head.size()) {
    const char c = head[pos];
    const bool skipped =
        c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || static_cast<unsigned char>(c) >= 0xFE;
    if (!skipped) break;
    ++pos;
  }
  return pos < head.size() && head[pos] == '<' ? FileFormat::kTmx : FileFormat::kTsv;
}

}  // namespace dhakira

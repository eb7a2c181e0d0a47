// Reading documents into sentences for alignment.
#include <unicode/utf8.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dhakira/align.h"
#include "dhakira/text.h"

namespace dhakira {
namespace {

// Byte offset of the first invalid UTF-8 sequence, or npos.
size_t InvalidUtf8At(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return static_cast<size_t>(at);
  }
  return std::string_view::npos;
}

}  // namespace

StatusOr<std::vector<std::string>> SplitDocument(std::string_view text, std::string_view lang, bool presplit,
                                                 std::string_view name) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.remove_prefix(3);
  if (size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) {
    size_t line = 1;
    for (size_t k = 0; k < bad; ++k) line += text[k] == '\n';
    return Status::InvalidArgument(std::string(name) + ":" + std::to_string(line) + ": invalid UTF-8 at byte " +
                                   std::to_string(bad));
  }
  std::vector<std::string> out;
  if (presplit) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      out.emplace_back(line);
      pos = nl + 1;
    }
    return out;
  }
  SplitterOptions so;
  so.language = std::string(lang);
  DHAKIRA_ASSIGN_OR_RETURN(auto splitter, SentenceSplitter::Create(so));
  auto sentences = splitter->Split(text);
  if (!sentences.ok()) return sentences.status().WithContext(std::string("splitting ") + std::string(name));
  for (Sentence& s : *sentences) out.push_back(std::move(s.text));
  return out;
}

StatusOr<std::vector<std::string>> ReadDocument(const std::string& path, std::string_view lang, bool presplit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": read error");
  return SplitDocument(ss.str(), lang, presplit, path);
}

}  // namespace dhakira

// Fuzzes the byte pre-stage (RawFile + Utf8Decoder: gzip, BOMs, encodings, UTF-8 validation) and
// the line reader on top of it. The first byte picks the encoding, the mode and whether the rest is
// gzipped; the rest is the file. The decoder's output must be valid UTF-8 whatever the input, and
// the line reader and CountLines must agree.
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "io/input.h"
#include "io/line_reader.h"

namespace {

using dhakira::fuzz::Check;
using dhakira::io::Utf8Decoder;

const char* const kEncodings[] = {"", "", "", "", "UTF-16LE", "UTF-16BE", "windows-1256", "ISO-8859-6"};

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

void DecodeAll(const std::string& path, Utf8Decoder::Mode mode, const std::string& encoding) {
  auto decoder = Utf8Decoder::Open(path, mode, encoding);
  if (!decoder.ok()) return;
  std::string out;
  for (;;) {
    const size_t before = out.size();
    auto more = (*decoder)->Read(&out);
    if (!more.ok() || !*more) break;
    // A piece never ends inside a sequence, so each piece on its own is valid UTF-8.
    Check(IsValidUtf8(std::string_view(out).substr(before)), "Utf8Decoder returned invalid UTF-8");
    Check(out.size() <= (64u << 20), "decoded output larger than any fuzz input can make");
  }
  Check(IsValidUtf8(out), "Utf8Decoder output is not valid UTF-8");
  Check((*decoder)->output_bytes() == out.size(), "output_bytes() disagrees with what Read returned");
  for (const auto& issue : (*decoder)->issues()) {
    Check(issue.offset + 3 <= out.size(), "issue offset outside the output");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const std::string encoding = kEncodings[selector & 7];
  const bool gzip = (selector & 8) != 0;
  const std::string path = gzip ? dhakira::fuzz::WriteScratchGzip("in.txt.gz", in.Rest())
                                : dhakira::fuzz::WriteScratchFile("in.txt", in.Rest());

  DecodeAll(path, (selector & 16) != 0 ? Utf8Decoder::Mode::kXml : Utf8Decoder::Mode::kText, encoding);

  auto reader = dhakira::io::LineReader::Open(path, encoding);
  if (!reader.ok()) return 0;
  uint64_t lines = 0;
  bool complete = true;
  std::string_view line;
  for (;;) {
    auto more = (*reader)->Next(&line);
    if (!more.ok()) {
      complete = false;
      break;
    }
    if (!*more) break;
    ++lines;
    Check((*reader)->line_number() == lines, "line_number() is not the count of lines returned");
    Check(line.find('\n') == std::string_view::npos, "a line contains LF");
    Check(IsValidUtf8(line), "a line is not valid UTF-8");
  }
  if (complete) {
    auto counted = dhakira::io::CountLines(path, encoding);
    Check(counted.ok(), "CountLines fails on a file LineReader read to the end");
    Check(*counted == lines, "CountLines disagrees with LineReader");
  }
  return 0;
}

// Fuzzes the TMX reader (expat behind the Utf8Decoder pre-stage): the input is the file. Every unit
// must come back with sane fields, the reader must end with true/false or a Status, never crash or
// loop.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dhakira/text.h"
#include "fuzz_util.h"
#include "io/tmx_reader.h"

namespace {

// One forced encoding in a few, so the legacy transcoders run under expat too.
const char* const kEncodings[] = {"", "", "", "", "UTF-16LE", "windows-1256", "ISO-8859-6", "UTF-16BE"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dhakira::fuzz::Check;
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const std::string encoding = kEncodings[selector & 7];
  const bool gzip = (selector & 8) != 0;
  const std::string path = gzip ? dhakira::fuzz::WriteScratchGzip("in.tmx.gz", in.Rest())
                                : dhakira::fuzz::WriteScratchFile("in.tmx", in.Rest());

  auto reader = dhakira::io::TmxReader::Open(path, encoding);
  if (!reader.ok()) return 0;
  dhakira::io::TmxUnit unit;
  // A unit needs at least "<tu/>" (5 bytes) of decoded text; more Next() calls than that is a loop.
  const size_t max_units = 2 * (in.Rest().size() + 16);
  for (size_t n = 0;; ++n) {
    Check(n <= max_units, "TmxReader::Next returns more units than the input can hold");
    auto more = (*reader)->Next(&unit);
    if (!more.ok() || !*more) break;
    for (const auto& v : unit.variants) {
      // Each placeholder U+E000+i in the text stands for codes[i]: the reader must never emit more
      // codes than the private-use range it reserved.
      Check(v.codes.size() <= dhakira::kMaxInlineCodes, "more inline codes than placeholders");
      Check(v.segs >= 0, "negative <seg> count");
    }
  }
  return 0;
}

// Fuzzes the whole import path into a real store: the input is a TMX, TSV or line-parallel file
// (the first byte picks the format and options), imported with dhakira::Import into a TM made in
// the process's scratch directory. Import may reject records or fail, but never crash, and the TM
// must stay consistent: its unit count grows by exactly what the summary says was added, and every
// unit reads back.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dhakira/io.h"
#include "dhakira/store.h"
#include "fuzz_util.h"

namespace {

using dhakira::fuzz::Check;
using dhakira::fuzz::CheckOk;

// A fresh TM per process, replaced every kInputsPerStore inputs (LMDB without fsync: this target
// measures parsing and validation, not the disk).
constexpr int kInputsPerStore = 500;

uint64_t Count(const dhakira::Store& store) {
  auto stats = store.Stats();
  CheckOk(stats.status(), "Store::Stats");
  return stats->segments;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const std::string_view body = in.Rest();

  dhakira::ImportOptions options;
  options.batch_size = 3;      // several batches even from a small input
  options.batch_bytes = 4096;  // the smallest allowed
  options.max_segment_bytes = 512;
  options.strict = (selector & 4) != 0;
  options.on_duplicate = (selector & 8) != 0 ? dhakira::DuplicatePolicy::kUpdate : dhakira::DuplicatePolicy::kSkip;
  options.tsv_unescape = (selector & 16) != 0;
  options.origin = "fuzz";
  std::string path;
  switch (selector & 3) {
    case 0:
    case 1:  // TMX, half of the time: the richest parser. Languages from the header or each TU.
      options.format = dhakira::FileFormat::kTmx;
      if ((selector & 32) != 0) {
        options.src_lang = "ar";
        options.tgt_lang = "en";
      }
      path = dhakira::fuzz::WriteScratchFile("in.tmx", body);
      break;
    case 2:
      options.format = dhakira::FileFormat::kTsv;
      options.src_lang = "ar";
      options.tgt_lang = "en";
      path = dhakira::fuzz::WriteScratchFile("in.tsv", body);
      break;
    default: {  // line-parallel: source and target files cut at the first NUL byte
      options.format = dhakira::FileFormat::kParallel;
      options.src_lang = "ar";
      options.tgt_lang = "en";
      const size_t cut = body.find('\0');
      path = dhakira::fuzz::WriteScratchFile("in.ar", body.substr(0, cut));
      options.target_file = dhakira::fuzz::WriteScratchFile(
          "in.en", cut == std::string_view::npos ? std::string_view() : body.substr(cut + 1));
      break;
    }
  }

  dhakira::Store& store = dhakira::fuzz::ScratchStore(kInputsPerStore);
  const uint64_t before = Count(store);
  auto summary = dhakira::Import(store, path, options);
  const uint64_t after = Count(store);
  if (summary.ok()) {
    Check(after == before + summary->added, "TM unit count differs from what Import says it added");
    Check(!options.strict || summary->rejected == 0, "a strict import succeeded with rejects");
  } else if (options.strict) {
    Check(after == before, "a failed strict import left units in the TM");
  }
  // Whatever happened, the TM reads back (no unit written half or garbled).
  uint64_t seen = 0;
  CheckOk(store.ForEach([&seen](const dhakira::SegmentPair&) {
    ++seen;
    return true;
  }),
          "Store::ForEach after an import");
  Check(seen == after, "ForEach sees another number of units than Stats counts");
  return 0;
}

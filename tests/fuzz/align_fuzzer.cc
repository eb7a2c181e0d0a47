// Fuzzes the aligner's input path: two small documents from the fuzz input (split at the first NUL
// byte), read with SplitDocument (plain text or one segment a line), aligned Arabic->English and
// turned into TM units with AlignedPairs. The links must be in source order (targets may cross:
// the second pass) and cover every sentence of both sides exactly once.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/segment.h"
#include "fuzz_util.h"

namespace {

using dhakira::fuzz::Check;
using dhakira::fuzz::CheckOk;
using dhakira::fuzz::CheckStatus;

// The small FreeDict test dictionary (tests/testdata/align): real lexical evidence, loaded in
// milliseconds.
std::shared_ptr<const dhakira::Lexicon> TestLexicon() {
  static std::shared_ptr<const dhakira::Lexicon> lexicon = [] {
    auto loaded = dhakira::Lexicon::LoadFreedict(DHAKIRA_TESTDATA_DIR "/align/mini-ara-eng.dict.dz", "ar", "en");
    CheckOk(loaded.status(), "Lexicon::LoadFreedict");
    return std::make_shared<const dhakira::Lexicon>(std::move(loaded).value());
  }();
  return lexicon;
}

dhakira::Aligner& GetAligner(bool lexicon, bool editorial) {
  static std::unique_ptr<dhakira::Aligner> cache[2][2];
  auto& slot = cache[lexicon ? 1 : 0][editorial ? 1 : 0];
  if (slot == nullptr) {
    dhakira::AlignOptions options;
    options.src_lang = "ar";
    options.tgt_lang = "en";
    options.detect_editorial = editorial;
    options.band = 4;  // the smallest band: it must widen by itself where the documents need it
    auto created = dhakira::Aligner::Create(options, lexicon ? TestLexicon() : nullptr);
    CheckOk(created.status(), "Aligner::Create");
    slot = std::move(created).value();
  }
  return *slot;
}

// Every sentence index of a side appears once: sources in ascending order across the links,
// targets ascending within a link.
void CheckCover(const dhakira::AlignResult& result, size_t n_src, size_t n_tgt) {
  uint32_t next_src = 0;
  std::vector<bool> target_seen(n_tgt, false);
  for (const dhakira::AlignLink& link : result.links) {
    Check(!link.src.empty() || !link.tgt.empty(), "a link with no sentence on either side");
    for (uint32_t s : link.src) Check(s == next_src++, "source sentences skipped, repeated or out of order");
    // Targets are in order within a link; across links they may cross (the second pass links
    // swapped or moved paragraphs), but each appears once.
    for (size_t k = 0; k < link.tgt.size(); ++k) {
      const uint32_t t = link.tgt[k];
      Check(t < n_tgt && !target_seen[t], "target sentence out of range or repeated");
      Check(k == 0 || t == link.tgt[k - 1] + 1, "a link's target sentences are not consecutive");
      target_seen[t] = true;
    }
    Check(link.confidence >= 0 && link.confidence <= 1, "confidence outside 0..1");
  }
  Check(next_src == n_src && std::find(target_seen.begin(), target_seen.end(), false) == target_seen.end(),
        "links do not cover every sentence");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dhakira::fuzz::Input in(data, size);
  const uint8_t selector = in.Byte();
  const std::string_view rest = in.Rest();
  const size_t cut = rest.find('\0');
  const std::string_view src_text = rest.substr(0, cut);
  const std::string_view tgt_text = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
  const bool presplit = (selector & 1) != 0;

  auto src = dhakira::SplitDocument(src_text, "ar", presplit, "src");
  auto tgt = dhakira::SplitDocument(tgt_text, "en", presplit, "tgt");
  if (!src.ok() || !tgt.ok()) return 0;

  auto result = GetAligner((selector & 2) != 0, (selector & 4) != 0).Align(*src, *tgt);
  if (!result.ok()) {
    CheckStatus(result.status(), result.status().IsInvalidArgument(),
                "Align failed with another code than InvalidArgument");
    return 0;
  }
  CheckCover(*result, src->size(), tgt->size());

  dhakira::PairOptions pair_options;
  pair_options.keep_many_to_many = (selector & 8) != 0;
  dhakira::PairReport report;
  auto pairs = dhakira::AlignedPairs(*src, *tgt, "ar", "en", *result, pair_options, &report);
  CheckOk(pairs.status(), "AlignedPairs on the aligner's own result");
  Check(pairs->size() == report.pairs, "AlignedPairs returned another count than it reported");
  return 0;
}

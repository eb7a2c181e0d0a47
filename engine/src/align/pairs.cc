// From an alignment to TM units (SegmentPair), with document position and context hashes.
#include <memory>

#include "dhakira/align.h"
#include "dhakira/segment.h"
#include "dhakira/text.h"

namespace dhakira {

Status PairOptions::Validate() const {
  if (!(min_confidence >= 0 && min_confidence <= 1))
    return Status::InvalidArgument("PairOptions.min_confidence: " + std::to_string(min_confidence) + " not in 0 .. 1");
  return Status::OK();
}

namespace {

// Every sentence a link names exists.
Status CheckLinks(const AlignResult& result, size_t source_count, size_t target_count) {
  for (const AlignLink& l : result.links) {
    for (uint32_t s : l.src)
      if (s >= source_count)
        return Status::InvalidArgument("alignment link " + FormatLink(l) + " names source sentence " +
                                       std::to_string(s) + " of " + std::to_string(source_count));
    for (uint32_t t : l.tgt)
      if (t >= target_count)
        return Status::InvalidArgument("alignment link " + FormatLink(l) + " names target sentence " +
                                       std::to_string(t) + " of " + std::to_string(target_count));
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::vector<SegmentPair>> AlignedPairs(const std::vector<std::string>& src,
                                                const std::vector<std::string>& tgt, std::string_view src_lang,
                                                std::string_view tgt_lang, const AlignResult& result,
                                                const PairOptions& options, PairReport* report) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  DHAKIRA_ASSIGN_OR_RETURN(std::string sl, CanonicalLanguage(src_lang));
  DHAKIRA_ASSIGN_OR_RETURN(std::string tl, CanonicalLanguage(tgt_lang));
  PairReport local;
  PairReport& rep = report != nullptr ? *report : local;
  rep = PairReport{};
  DHAKIRA_RETURN_IF_ERROR(CheckLinks(result, src.size(), tgt.size()));
  // Context hashes as the store computes source keys (punctuation kept), so a lookup with the
  // neighbours of a query sentence finds "exact in context" matches.
  NormalizerOptions no;
  no.language = sl;
  no.max_input_bytes = 64u << 20;
  DHAKIRA_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> normalizer, Normalizer::Create(no));
  auto join = [](const std::vector<std::string>& sents, const std::vector<uint32_t>& ids) {
    std::string out;
    for (uint32_t k : ids) {
      if (sents[k].empty()) continue;
      if (!out.empty()) out += ' ';
      out += sents[k];
    }
    return out;
  };
  std::vector<SegmentPair> pairs;
  for (const AlignLink& l : result.links) {
    if (l.src.empty() || l.tgt.empty()) {
      ++rep.null_links;
      if (l.editorial != EditorialKind::kNone) ++rep.editorial;
      continue;
    }
    const bool many = l.src.size() > 1 || l.tgt.size() > 1;
    if (result.unrelated) {  // a wrong pairing: whatever its links look like, none translates
      ++rep.unrelated;
      continue;
    }
    if (l.confidence < options.min_confidence) {
      ++rep.low_confidence;
      continue;
    }
    if (many && !options.keep_many_to_many) {
      ++rep.many_held;
      continue;
    }
    SegmentPair p;
    p.src_lang = sl;
    p.tgt_lang = tl;
    p.source = join(src, l.src);
    p.target = join(tgt, l.tgt);
    if (p.source.empty() || p.target.empty()) {
      ++rep.null_links;
      continue;
    }
    p.origin = options.origin;
    p.doc_id = options.doc_id;
    p.doc_position = l.src.front();
    p.created_by = options.user;
    p.changed_by = options.user;
    if (l.src.front() > 0) {
      DHAKIRA_ASSIGN_OR_RETURN(p.prev_hash, ContextHash(*normalizer, src[l.src.front() - 1]));
    }
    if (l.src.back() + 1 < src.size()) {
      DHAKIRA_ASSIGN_OR_RETURN(p.next_hash, ContextHash(*normalizer, src[l.src.back() + 1]));
    }
    p.properties.emplace_back("x-align-confidence", std::to_string(l.confidence).substr(0, 5));
    if (many) p.properties.emplace_back("x-align-link", FormatLink(l));
    ++rep.pairs;
    if (many) ++rep.many_to_many;
    pairs.push_back(std::move(p));
  }
  return pairs;
}

}  // namespace dhakira

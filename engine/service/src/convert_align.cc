// Proto <-> engine mapping of alignments (convert.h).
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "dhakira/text.h"

namespace dhakira::service {
namespace {

v1::EditorialKind EditorialToProto(EditorialKind kind) {
  switch (kind) {
    case EditorialKind::kNone:
      return v1::EDITORIAL_NONE;
    case EditorialKind::kTitle:
      return v1::EDITORIAL_TITLE;
    case EditorialKind::kStandfirst:
      return v1::EDITORIAL_STANDFIRST;
    case EditorialKind::kDisclaimer:
      return v1::EDITORIAL_DISCLAIMER;
    case EditorialKind::kKeywords:
      return v1::EDITORIAL_KEYWORDS;
    case EditorialKind::kCredit:
      return v1::EDITORIAL_CREDIT;
    case EditorialKind::kRelated:
      return v1::EDITORIAL_RELATED;
    case EditorialKind::kPhoto:
      return v1::EDITORIAL_PHOTO;
  }
  return v1::EDITORIAL_NONE;
}

EditorialKind EditorialFromProto(v1::EditorialKind kind) {
  switch (kind) {
    case v1::EDITORIAL_TITLE:
      return EditorialKind::kTitle;
    case v1::EDITORIAL_STANDFIRST:
      return EditorialKind::kStandfirst;
    case v1::EDITORIAL_DISCLAIMER:
      return EditorialKind::kDisclaimer;
    case v1::EDITORIAL_KEYWORDS:
      return EditorialKind::kKeywords;
    case v1::EDITORIAL_CREDIT:
      return EditorialKind::kCredit;
    case v1::EDITORIAL_RELATED:
      return EditorialKind::kRelated;
    case v1::EDITORIAL_PHOTO:
      return EditorialKind::kPhoto;
    default:
      return EditorialKind::kNone;
  }
}

// The response's text of a link side: its sentences joined by a space (AlignResponse.pairs).
std::string JoinSentences(const std::vector<std::string>& sentences, const std::vector<uint32_t>& ids) {
  std::string joined;
  for (uint32_t id : ids) {
    if (!joined.empty()) joined += ' ';
    joined += sentences[id];
  }
  return joined;
}

void LinkToProto(const AlignLink& link, v1::AlignLink* out) {
  for (uint32_t id : link.src) out->add_src(id);
  for (uint32_t id : link.tgt) out->add_tgt(id);
  out->set_confidence(link.confidence);
  out->set_low_confidence(link.low_confidence);
  out->set_editorial(EditorialToProto(link.editorial));
}

}  // namespace

Status FromProto(const v1::AlignRequest& in, AlignOptions* out) {
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(in.src_lang(), "src_lang", "ar"));
  DHAKIRA_RETURN_IF_ERROR(RequiredLanguage(in.tgt_lang(), "tgt_lang", "en"));
  StatusOr<std::string> src_lang = CanonicalLanguage(in.src_lang());
  if (!src_lang.ok()) return src_lang.status().WithContext("src_lang");
  StatusOr<std::string> tgt_lang = CanonicalLanguage(in.tgt_lang());
  if (!tgt_lang.ok()) return tgt_lang.status().WithContext("tgt_lang");
  out->src_lang = *src_lang;
  out->tgt_lang = *tgt_lang;
  if (in.length_ratio() != 0) out->length_ratio = in.length_ratio();
  if (in.min_confidence() != 0) out->min_confidence = in.min_confidence();
  out->detect_editorial = !in.no_editorial_detection();
  Status valid = out->Validate();
  if (!valid.ok()) return Status::InvalidArgument(valid.message());
  return Status::OK();
}

PairOptions ToPairOptions(const v1::AlignRequest& in, const AlignOptions& options) {
  PairOptions pair_options;
  // `dhakira align --import` holds back what the aligner flags: the bar is the aligner's.
  pair_options.min_confidence = options.min_confidence;
  pair_options.keep_many_to_many = !in.hold_many_to_many();
  pair_options.origin = in.origin();
  pair_options.doc_id = in.doc_id();
  pair_options.user = in.user();
  return pair_options;
}

StatusOr<std::vector<std::string>> DocumentSentences(const v1::Document& doc, const std::string& lang,
                                                     const char* field) {
  switch (doc.content_case()) {
    case v1::Document::kText:
      return SplitDocument(doc.text(), lang, /*presplit=*/false, field);
    case v1::Document::kSentences:
      return std::vector<std::string>(doc.sentences().sentence().begin(), doc.sentences().sentence().end());
    default:
      return Status::InvalidArgument(std::string(field) + ": required (text or sentences)");
  }
}

void ToProto(const std::vector<std::string>& source, const std::vector<std::string>& target, const AlignResult& result,
             v1::AlignResponse* out) {
  for (const std::string& sentence : source) out->add_source_sentences(sentence);
  for (const std::string& sentence : target) out->add_target_sentences(sentence);
  out->set_length_ratio(result.length_ratio);
  out->set_document_confidence(result.document_confidence);
  out->set_unrelated(result.unrelated);
  for (size_t index = 0; index < result.links.size(); ++index) {
    const AlignLink& link = result.links[index];
    LinkToProto(link, out->add_links());
    if (link.src.empty() || link.tgt.empty()) continue;
    v1::SentencePair* pair = out->add_pairs();
    pair->set_source(JoinSentences(source, link.src));
    pair->set_target(JoinSentences(target, link.tgt));
    pair->set_confidence(link.confidence);
    pair->set_low_confidence(link.low_confidence);
    pair->set_link(static_cast<uint32_t>(index));
  }
}

void ToProto(const PairReport& report, const std::vector<WriteResult>& written, v1::AlignResponse* out) {
  out->set_held_back(report.unrelated + report.low_confidence + report.many_held);
  for (const WriteResult& result : written) {
    if (result.outcome == WriteOutcome::kAdded) out->set_imported(out->imported() + 1);
    if (result.outcome == WriteOutcome::kUpdated) out->set_updated(out->updated() + 1);
    if (result.outcome == WriteOutcome::kSkippedDuplicate) {
      out->set_skipped_duplicates(out->skipped_duplicates() + 1);
    }
  }
}

Status ToProto(const std::vector<std::string>& source, const std::vector<std::string>& target,
               const AlignOptions& options, v1::AlignRequest* out) {
  const AlignOptions defaults;
  if (options.band != defaults.band || options.max_one_to_many != defaults.max_one_to_many ||
      options.max_many_to_one != defaults.max_many_to_one) {
    return Status::InvalidArgument(
        "band, max_one_to_many, max_many_to_one: only the defaults are available through the "
        "server");
  }
  out->set_src_lang(options.src_lang);
  out->set_tgt_lang(options.tgt_lang);
  for (const std::string& sentence : source) out->mutable_source()->mutable_sentences()->add_sentence(sentence);
  for (const std::string& sentence : target) out->mutable_target()->mutable_sentences()->add_sentence(sentence);
  out->set_length_ratio(options.length_ratio);
  out->set_min_confidence(options.min_confidence);
  out->set_no_editorial_detection(!options.detect_editorial);
  return Status::OK();
}

void FromProto(const v1::AlignResponse& in, AlignResult* out) {
  out->length_ratio = in.length_ratio();
  out->unrelated = in.unrelated();
  // An older server sends neither field: the documents were not judged, as before.
  out->document_confidence = in.unrelated() || in.document_confidence() > 0 ? in.document_confidence() : 1.0;
  out->links.reserve(static_cast<size_t>(in.links_size()));
  for (const v1::AlignLink& pl : in.links()) {
    AlignLink link;
    link.src.assign(pl.src().begin(), pl.src().end());
    link.tgt.assign(pl.tgt().begin(), pl.tgt().end());
    link.confidence = pl.confidence();
    link.low_confidence = pl.low_confidence();
    link.editorial = EditorialFromProto(pl.editorial());
    out->links.push_back(std::move(link));
  }
}

}  // namespace dhakira::service

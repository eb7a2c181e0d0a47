// Proto <-> engine mapping of imports and exports (convert.h).
#include <string>
#include <tuple>

#include "convert.h"
#include "dhakira/text.h"

namespace dhakira::service {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status FromProto(const v1::ImportOptions& in, ImportOptions* out) {
  switch (in.format()) {
    case v1::FILE_FORMAT_TMX:
      out->format = FileFormat::kTmx;
      break;
    case v1::FILE_FORMAT_TSV:
      out->format = FileFormat::kTsv;
      break;
    case v1::FILE_FORMAT_AUTO:
      if (!in.file_name().empty()) {
        StatusOr<FileFormat> format = FormatFromFileName(in.file_name());
        if (!format.ok()) return Status::InvalidArgument("options.file_name: " + format.status().message());
        out->format = *format;
      }
      break;  // else the handler sniffs the upload
    default:
      return Status::InvalidArgument("options.format: unknown value " + std::to_string(static_cast<int>(in.format())));
  }
  out->src_lang = in.src_lang();
  out->tgt_lang = in.tgt_lang();
  out->origin = in.origin().empty() ? in.file_name() : in.origin();
  DHAKIRA_ASSIGN_OR_RETURN(out->on_duplicate, FromProto(in.on_duplicate()));
  out->strict = in.strict();
  out->encoding = in.encoding();
  out->dry_run = in.dry_run();
  out->tsv_unescape = in.tsv_unescape();
  if (in.batch_size() != 0) out->batch_size = in.batch_size();  // 0 = default
  if (in.max_segment_bytes() != 0) out->max_segment_bytes = in.max_segment_bytes();
  if (out->format == FileFormat::kAuto) return Status::OK();
  Status valid = out->Validate();
  if (!valid.ok()) return Status::InvalidArgument("options: " + valid.message());
  return Status::OK();
}

Status ToProto(const std::string& path, const ImportOptions& in, v1::ImportOptions* out) {
  if (in.format == FileFormat::kParallel || !in.target_file.empty()) {
    return Status::InvalidArgument("line-parallel files cannot be imported through the server; send a TMX or TSV file");
  }
  out->set_format(in.format == FileFormat::kTmx   ? v1::FILE_FORMAT_TMX
                  : in.format == FileFormat::kTsv ? v1::FILE_FORMAT_TSV
                                                  : v1::FILE_FORMAT_AUTO);
  out->set_file_name(path);  // the server names it in messages, and takes format and ".gz" from it
  out->set_src_lang(in.src_lang);
  out->set_tgt_lang(in.tgt_lang);
  out->set_origin(in.origin);
  out->set_on_duplicate(ToProto(in.on_duplicate));
  out->set_strict(in.strict);
  out->set_encoding(in.encoding);
  out->set_dry_run(in.dry_run);
  out->set_tsv_unescape(in.tsv_unescape);
  out->set_batch_size(in.batch_size);
  out->set_max_segment_bytes(in.max_segment_bytes);
  return Status::OK();
}

void ToProto(const ImportSummary& in, v1::ImportSummary* out) {
  out->set_read(in.records_read);
  out->set_added(in.added);
  out->set_updated(in.updated);
  out->set_skipped_duplicates(in.duplicates_skipped);
  out->set_skipped_invalid(in.rejected);
  for (const auto& [reason, count] : in.rejected_by_reason) (*out->mutable_skipped_by_reason())[reason] = count;
  out->set_seconds(in.seconds);
  out->set_replaced_characters(in.illegal_chars_replaced);
  out->set_format(in.format == FileFormat::kTmx ? v1::FILE_FORMAT_TMX : v1::FILE_FORMAT_TSV);
  out->set_encoding(in.encoding);
  for (const auto& [reason, count] : in.warnings_by_reason) (*out->mutable_warnings_by_reason())[reason] = count;
  out->set_entities_replaced(in.entities_replaced);
  out->set_batches_committed(in.batches_committed);
  out->set_dry_run(in.dry_run);
}

void FromProto(const v1::ImportSummary& in, ImportSummary* out) {
  out->format = in.format() == v1::FILE_FORMAT_TMX ? FileFormat::kTmx : FileFormat::kTsv;
  out->encoding = in.encoding();
  out->records_read = in.read();
  out->added = in.added();
  out->updated = in.updated();
  out->duplicates_skipped = in.skipped_duplicates();
  out->rejected = in.skipped_invalid();
  for (const auto& [reason, count] : in.skipped_by_reason()) out->rejected_by_reason[reason] = count;
  for (const auto& [reason, count] : in.warnings_by_reason()) out->warnings_by_reason[reason] = count;
  out->illegal_chars_replaced = in.replaced_characters();
  out->entities_replaced = in.entities_replaced();
  out->batches_committed = in.batches_committed();
  out->dry_run = in.dry_run();
  out->seconds = in.seconds();
}

void ToProto(const ImportIssue& in, v1::ImportProblem* out) {
  out->set_line(in.line);
  out->set_column(in.column);
  out->set_reason(in.reason);
  out->set_message(in.message);
  out->set_excerpt(in.excerpt);
}

ImportIssue FromProto(const v1::ImportProblem& in, const std::string& file) {
  ImportIssue issue;
  issue.file = file;
  issue.line = in.line();
  issue.column = in.column();
  issue.reason = in.reason();
  issue.message = in.message();
  issue.excerpt = in.excerpt();
  return issue;
}

Status FromProto(const v1::ExportRequest& in, ExportOptions* out, bool* gzip) {
  switch (in.format()) {
    case v1::FILE_FORMAT_AUTO:
    case v1::FILE_FORMAT_TMX:
      out->format = FileFormat::kTmx;
      break;
    case v1::FILE_FORMAT_TSV:
      out->format = FileFormat::kTsv;
      break;
    default:
      return Status::InvalidArgument("format: unknown value " + std::to_string(static_cast<int>(in.format())));
  }
  // The io filters compare canonical tags exactly: canonicalise what the client wrote.
  for (auto [value, canonical, field] : {std::tuple{&in.src_lang(), &out->src_lang, "src_lang"},
                                         std::tuple{&in.tgt_lang(), &out->tgt_lang, "tgt_lang"}}) {
    if (value->empty()) continue;
    StatusOr<std::string> language = CanonicalLanguage(*value);
    if (!language.ok()) return language.status().WithContext(field);
    *canonical = *language;
  }
  out->origin = in.origin();
  out->tsv_escape = !in.tsv_no_escape();
  *gzip = in.gzip();
  Status valid = out->Validate();
  if (!valid.ok()) return Status::InvalidArgument(valid.message());
  return Status::OK();
}

Status ToProto(const std::string& path, const ExportOptions& in, v1::ExportRequest* out) {
  FileFormat format = in.format;
  if (format == FileFormat::kAuto) {
    DHAKIRA_ASSIGN_OR_RETURN(format, FormatFromFileName(path));
  }
  switch (format) {
    case FileFormat::kTmx:
      out->set_format(v1::FILE_FORMAT_TMX);
      break;
    case FileFormat::kTsv:
      out->set_format(v1::FILE_FORMAT_TSV);
      break;
    default:
      return Status::InvalidArgument(std::string("format: cannot export as ") + FileFormatName(format));
  }
  out->set_src_lang(in.src_lang);
  out->set_tgt_lang(in.tgt_lang);
  out->set_origin(in.origin);
  out->set_gzip(EndsWith(path, ".gz"));
  out->set_tsv_no_escape(!in.tsv_escape);
  return Status::OK();
}

void ToProto(const ExportSummary& in, v1::ExportChunk* out) {
  out->set_units(in.pairs_written);
  out->set_uncompressed_bytes(in.bytes_written);
  out->set_replaced_characters(in.characters_replaced);
  out->set_seconds(in.seconds);
}

void FromProto(const v1::ExportChunk& in, ExportSummary* out) {
  out->pairs_written = in.units();
  out->bytes_written = in.uncompressed_bytes();
  out->characters_replaced = in.replaced_characters();
  out->seconds = in.seconds();
}

}  // namespace dhakira::service

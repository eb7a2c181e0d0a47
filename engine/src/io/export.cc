// Export: one Store snapshot → TMX 1.4b or TSV, written to a temporary file and renamed when complete.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

#include "dhakira/io.h"
#include "dhakira/text.h"
#include "io/tmx_writer.h"

#ifndef DHAKIRA_VERSION
#define DHAKIRA_VERSION "0"
#endif

namespace dhakira {
namespace {

bool EndsWithGz(std::string_view s) { return s.size() >= 3 && s.substr(s.size() - 3) == ".gz"; }

}  // namespace

Status ExportOptions::Validate() const {
  if (format == FileFormat::kParallel) {
    return Status::InvalidArgument("ExportOptions.format: export writes tmx or tsv, not parallel files");
  }
  if (gzip_level < 1 || gzip_level > 9) {
    return Status::InvalidArgument("ExportOptions.gzip_level: " + std::to_string(gzip_level) + " is outside 1 .. 9");
  }
  return Status::OK();
}

StatusOr<ExportSummary> Export(const Store& store, const std::string& path, const ExportOptions& options_in) {
  const auto start = std::chrono::steady_clock::now();
  ExportOptions options = options_in;
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (options.format == FileFormat::kAuto) {
    DHAKIRA_ASSIGN_OR_RETURN(options.format, FormatFromFileName(path));
  }
  if (options.format == FileFormat::kParallel) return options.Validate();
  for (std::string* lang : {&options.src_lang, &options.tgt_lang}) {
    if (lang->empty()) continue;
    DHAKIRA_ASSIGN_OR_RETURN(*lang, CanonicalLanguage(*lang));
  }

  // Checked before anything is read or written: never onto a FIFO, device, directory, the TM itself, or
  // (unless asked) through a symlink, which the rename would replace by a regular file.
  OutputPathOptions path_options;
  path_options.tm_dir = store.path();
  path_options.follow_symlinks = options.follow_symlinks;
  DHAKIRA_ASSIGN_OR_RETURN(const std::string target, CheckOutputPath(path, path_options));
  DHAKIRA_ASSIGN_OR_RETURN(auto snapshot, store.NewSnapshot());
  // The header's srclang: the one source language of what is exported, else "*all*".
  std::string srclang = options.src_lang;
  if (srclang.empty()) {
    DHAKIRA_ASSIGN_OR_RETURN(StoreStats stats, snapshot->Stats());
    std::set<std::string> sources;
    for (const auto& [key, count] : stats.language_pairs) {
      if (count == 0) continue;
      const size_t sep = key.find('>');
      sources.insert(key.substr(0, sep));
    }
    srclang = sources.size() == 1 ? *sources.begin() : "*all*";
  }

  DHAKIRA_ASSIGN_OR_RETURN(auto out, AtomicFileWriter::Create(target, EndsWithGz(path) ? options.gzip_level : 0));
  ExportSummary summary;
  std::string buffer;
  buffer.reserve(1 << 20);
  const bool tmx = options.format == FileFormat::kTmx;
  if (tmx) {
    io::AppendTmxHeader(srclang, DHAKIRA_VERSION, &buffer);
  } else {
    io::AppendTsvHeader(&buffer);
  }
  Status write_status;
  Status scan = snapshot->ForEach([&](const SegmentPair& pair) {
    if (!options.src_lang.empty() && pair.src_lang != options.src_lang) return true;
    if (!options.tgt_lang.empty() && pair.tgt_lang != options.tgt_lang) return true;
    if (!options.origin.empty() && pair.origin != options.origin) return true;
    if (tmx) {
      io::AppendTmxUnit(pair, &buffer, &summary.characters_replaced);
    } else {
      io::AppendTsvLine(pair, options.tsv_escape, &buffer, &summary.characters_replaced);
    }
    ++summary.pairs_written;
    if (buffer.size() >= (1 << 20)) {
      write_status = out->Write(buffer);
      buffer.clear();
      if (!write_status.ok()) return false;
    }
    return true;
  });
  DHAKIRA_RETURN_IF_ERROR(write_status);
  DHAKIRA_RETURN_IF_ERROR(scan.WithContext("reading the TM for export"));
  if (tmx) io::AppendTmxFooter(&buffer);
  DHAKIRA_RETURN_IF_ERROR(out->Write(buffer));
  DHAKIRA_RETURN_IF_ERROR(out->Commit());
  summary.bytes_written = out->bytes();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

StatusOr<std::string> FormatPairs(const std::vector<SegmentPair>& pairs, const ExportOptions& options,
                                  uint64_t* characters_replaced) {
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  if (options.format != FileFormat::kTmx && options.format != FileFormat::kTsv) {
    return Status::InvalidArgument("ExportOptions.format: FormatPairs writes tmx or tsv");
  }
  uint64_t replaced = 0;
  std::string out;
  if (options.format == FileFormat::kTmx) {
    std::set<std::string_view> sources;
    for (const SegmentPair& pair : pairs) sources.insert(pair.src_lang);
    io::AppendTmxHeader(sources.size() == 1 ? *sources.begin() : "*all*", DHAKIRA_VERSION, &out);
    for (const SegmentPair& pair : pairs) io::AppendTmxUnit(pair, &out, &replaced);
    io::AppendTmxFooter(&out);
  } else {
    io::AppendTsvHeader(&out);
    for (const SegmentPair& pair : pairs) io::AppendTsvLine(pair, options.tsv_escape, &out, &replaced);
  }
  if (characters_replaced != nullptr) *characters_replaced += replaced;
  return out;
}

}  // namespace dhakira

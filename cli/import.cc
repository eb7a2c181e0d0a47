// dhakira import: bulk import of TMX, TSV and line-parallel files (engine: dhakira/io.h); TMX and TSV
// also through --server (the Import stream).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "backend.h"
#include "cli.h"
#include "dhakira/io.h"
#include "json.h"

namespace dhakira::cli {
namespace {

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

// Progress on stderr (a bar on a terminal, a plain line every few seconds otherwise), the rejects file, and
// the first few warnings.
class CliReporter : public ImportReporter {
 public:
  CliReporter(const Context& ctx, bool quiet, AtomicFileWriter* rejects)
      : ctx_(ctx), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0), rejects_(rejects) {
    if (rejects_ != nullptr) rejects_buffer_ = "file\tline\tcolumn\treason\tmessage\ttext\n";
  }

  void OnReject(const ImportIssue& i) override {
    ++rejects_seen_;
    if (rejects_ != nullptr) {
      rejects_buffer_ += Clean(i.file) + '\t' + std::to_string(i.line) + '\t' + std::to_string(i.column) + '\t' +
                         i.reason + '\t' + Clean(i.message) + '\t' + Clean(i.excerpt) + '\n';
      if (rejects_buffer_.size() >= kRejectsBuffer) FlushRejects();
    } else if (!quiet_ && shown_rejects_++ < kShown) {
      ClearBar();
      *ctx_.err << "dhakira import: " << Where(i) << ": " << Tr("rejected") << " (" << i.reason << "): " << i.message
                << '\n';
    }
  }
  void OnWarning(const ImportIssue& i) override {
    if (!quiet_ && shown_warnings_++ < kShown) {
      ClearBar();
      *ctx_.err << "dhakira import: " << Where(i) << ": " << Tr("warning") << " (" << i.reason << "): " << i.message
                << '\n';
    }
  }
  void OnProgress(const ImportProgress& p) override {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since < (tty_ ? 0.2 : 5.0) && !first_) return;
    first_ = false;
    last_ = now;
    const double rate = p.elapsed_seconds > 0 ? p.records_read / p.elapsed_seconds : 0;
    const double fraction = p.bytes_total > 0 ? std::min(1.0, static_cast<double>(p.bytes_read) / p.bytes_total) : -1;
    char line[256];
    if (tty_) {
      std::string bar;
      const int width = 24;
      const int filled = fraction < 0 ? 0 : static_cast<int>(fraction * width);
      for (int i = 0; i < width; ++i) bar += i < filled ? '#' : '.';
      const double eta = fraction > 0.001 ? p.elapsed_seconds * (1 / fraction - 1) : 0;
      std::snprintf(line, sizeof line, "\r[%s] %5.1f%%  %llu records  %.0f/s  ETA %s ", bar.c_str(),
                    fraction < 0 ? 0.0 : fraction * 100, static_cast<unsigned long long>(p.records_read), rate,
                    Duration(eta).c_str());
      *ctx_.err << line << std::flush;
      bar_shown_ = true;
    } else {
      std::snprintf(line, sizeof line, "dhakira import: %llu records, %.1f%% of the input, %.0f records/s\n",
                    static_cast<unsigned long long>(p.records_read), fraction < 0 ? 0.0 : fraction * 100, rate);
      *ctx_.err << line << std::flush;
    }
  }
  // Writes what is buffered and renames the rejects file into place: called whether the import succeeded
  // or not, since the rejects describe records that are not in the TM either way.
  Status FinishRejects() {
    if (rejects_ == nullptr) return Status::OK();
    FlushRejects();
    if (!rejects_status_.ok()) return rejects_status_;
    return rejects_->Commit();
  }

  void ClearBar() {
    if (bar_shown_) *ctx_.err << "\r\033[K";
    bar_shown_ = false;
  }
  uint64_t unshown_rejects() const { return shown_rejects_ > kShown ? shown_rejects_ - kShown : 0; }
  uint64_t rejects_seen() const { return rejects_seen_; }
  uint64_t unshown_warnings() const { return shown_warnings_ > kShown ? shown_warnings_ - kShown : 0; }

 private:
  static constexpr uint64_t kShown = 10;
  static constexpr size_t kRejectsBuffer = 64 * 1024;
  void FlushRejects() {
    if (rejects_status_.ok()) rejects_status_ = rejects_->Write(rejects_buffer_);
    rejects_buffer_.clear();
  }
  static std::string Clean(std::string s) {
    for (char& c : s) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return s;
  }
  static std::string Where(const ImportIssue& i) {
    std::string w = i.file;
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false positive) on ":" + std::string.
    if (i.line > 0) w.append(":").append(std::to_string(i.line));
    if (i.column > 0) w.append(":").append(std::to_string(i.column));
    return w;
  }

  const Context& ctx_;
  const bool quiet_;
  const bool tty_;
  AtomicFileWriter* rejects_;
  std::string rejects_buffer_;
  Status rejects_status_;
  bool first_ = true;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  uint64_t shown_rejects_ = 0, shown_warnings_ = 0;
  uint64_t rejects_seen_ = 0;
};

std::string ReasonList(const std::map<std::string, uint64_t>& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k + " " + std::to_string(v);
  return s;
}

// Reads the import flags into *options; false (with *exit_code set) on a usage error.
bool ParseOptions(const Context& ctx, const ArgParser& p, ImportOptions* options, int* exit_code) {
  if (p.Has("format")) {
    auto format = ParseFileFormat(p.Get("format"));
    if (!format.ok()) {
      *exit_code = UsageError(ctx, "import", format.status().message());
      return false;
    }
    options->format = *format;
  }
  options->target_file = p.Get("tgt-file");
  options->src_lang = p.Get("src-lang");
  options->tgt_lang = p.Get("tgt-lang");
  options->origin = p.Get("origin");
  options->encoding = p.Get("encoding");
  options->tsv_unescape = p.Flag("tsv-unescape");
  options->strict = p.Flag("strict");
  options->dry_run = p.Flag("dry-run");
  auto policy = ParseDuplicatePolicy(p.Get("on-duplicate"));
  if (!policy.ok()) {
    *exit_code = UsageError(ctx, "import", policy.status().message());
    return false;
  }
  options->on_duplicate = *policy;
  for (const auto& [flag, field] : {std::pair{"batch", &options->batch_size},
                                    {"max-segment-bytes", &options->max_segment_bytes},
                                    {"max-field-bytes", &options->max_field_bytes},
                                    {"max-record-bytes", &options->max_record_bytes}}) {
    uint64_t number = 0;
    if (!p.Has(flag)) continue;
    if (!p.GetUint(ctx, flag, &number, exit_code)) return false;
    *field = static_cast<uint32_t>(std::min<uint64_t>(number, UINT32_MAX));
  }
  if (Status s = options->Validate(); !s.ok()) {
    *exit_code = UsageError(ctx, "import", s.message());
    return false;
  }
  return true;
}

// The --rejects file, checked before anything is read: never the input itself, a TM's file, a FIFO
// or a device.
StatusOr<std::unique_ptr<AtomicFileWriter>> OpenRejects(const Context& ctx, const ArgParser& p,
                                                        const ImportOptions& options) {
  OutputPathOptions where;
  where.inputs = {p.positionals()[0], options.target_file};
  where.tm_dir = ctx.db_path;
  where.follow_symlinks = p.Flag("follow-symlinks");
  DHAKIRA_ASSIGN_OR_RETURN(const std::string target, CheckOutputPath(p.Get("rejects"), where));
  return AtomicFileWriter::Create(target);
}

// The summary on stdout: JSON with --json, else two or three human lines.
void PrintSummary(const Context& ctx, const ArgParser& p, const ImportSummary& s) {
  const double rate = s.seconds > 0 ? s.records_read / s.seconds : 0;
  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject()
        .Field("file", p.positionals()[0])
        .Field("format", FileFormatName(s.format))
        .Field("encoding", s.encoding)
        .Field("dry_run", s.dry_run)
        .Field("read", s.records_read)
        .Field("added", s.added)
        .Field("updated", s.updated)
        .Field("duplicates_skipped", s.duplicates_skipped)
        .Field("rejected", s.rejected)
        .Field("rejected_by_reason", s.rejected_by_reason)
        .Field("warnings_by_reason", s.warnings_by_reason)
        .Field("illegal_chars_replaced", s.illegal_chars_replaced)
        .Field("entities_replaced", s.entities_replaced)
        .Field("batches_committed", s.batches_committed)
        .Field("seconds", s.seconds)
        .Field("records_per_second", rate)
        .EndObject();
    *ctx.out << w.str() << '\n';
    return;
  }
  std::ostream& o = *ctx.out;
  o << (s.dry_run ? Tr("Dry run, nothing written:") + " " : std::string())
    << Trf("read {1}, added {2}, updated {3}, duplicates skipped {4}, rejected {5}", s.records_read, s.added, s.updated,
           s.duplicates_skipped, s.rejected);
  if (!s.rejected_by_reason.empty()) o << " (" << ReasonList(s.rejected_by_reason) << ")";
  o << '\n';
  if (!s.warnings_by_reason.empty()) o << Tr("Warnings:") << ' ' << ReasonList(s.warnings_by_reason) << '\n';
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s, %.0f records/s", s.seconds, rate);
  o << Tr("Time:") << ' ' << timing << " (" << FileFormatName(s.format) << ", " << s.encoding << ")\n";
}

ArgParser ImportParser() {
  ArgParser p("import", "import FILE [--format tmx|tsv|parallel] [--tgt-file F] --src-lang L --tgt-lang L [OPTIONS]",
              N_("Import a TMX, TSV or line-parallel file (optionally .gz) into the translation memory. "
                 "Bad records are rejected with file, line and reason; the rest is imported in batches."));
  p.Positional("FILE", "the file to import (the source side for line-parallel files)")
      .Value("format", "F", "tmx, tsv or parallel (default: from the file name; parallel with --tgt-file)")
      .Value("tgt-file", "F", "line-parallel: the file of target lines")
      .Value("src-lang", "L", "source language (BCP 47; TMX: default the header's srclang)")
      .Value("tgt-lang", "L", "target language (BCP 47; TMX: default the other language of each unit)")
      .Value("origin", "O", "origin for pairs that carry none")
      .Value("on-duplicate", "POLICY", "skip, update or keep, when the same pair is stored already", "skip")
      .Value("rejects", "FILE",
             "write rejected records here (TSV: file, line, column, reason, message, text); never an input, a "
             "file in a TM directory, a FIFO or a device; written as FILE.tmp-* and renamed at the end")
      .Value("encoding", "NAME", "input encoding when it is not detectable, e.g. windows-1256")
      .Value("batch", "N", "pairs per transaction (1 .. 1000000)")
      .Value("max-segment-bytes", "N", "longest segment accepted, in bytes")
      .Switch("tsv-unescape", "TSV: read \\t \\n \\r \\\\ escapes (as 'dhakira export' writes them)")
      .Switch("strict", "fail on the first rejected record, changing nothing")
      .Switch("dry-run", "read and check only; write nothing")
      .Switch("no-sync",
              "flush to disk once at the end, not after every batch: faster; a killed process loses "
              "nothing, but an OS crash or power loss during the import may damage the TM")
      .Switch("follow-symlinks", "--rejects FILE may be a symlink: write the file it points to")
      .Value("max-field-bytes", "N", "longest inline code, prop, note, attribute or extra TSV column, in bytes")
      .Value("max-record-bytes", "N", "largest record (TSV or parallel line, TMX unit), in bytes")
      .Switch("quiet", "no progress or per-record messages")
      .Switch("json", "print the summary as JSON");
  return p;
}

int RunImport(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p = ImportParser();
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() != 1) return UsageError(ctx, "import", Tr("expected exactly one FILE"));
  const std::string& file = p.positionals()[0];
  ImportOptions options;
  if (!ParseOptions(ctx, p, &options, &code)) return code;
  const bool remote = !ctx.server.empty();
  if (remote && (options.format == FileFormat::kParallel || !options.target_file.empty())) {
    return UsageError(ctx, "import",
                      Tr("line-parallel files cannot be imported through --server; send a TMX or TSV file"));
  }
  std::unique_ptr<AtomicFileWriter> rejects;
  if (p.Has("rejects")) {
    auto writer = OpenRejects(ctx, p, options);
    if (!writer.ok()) return Fail(ctx, writer.status().WithContext("--rejects"));
    rejects = std::move(writer).value();
  }
  CliReporter reporter(ctx, p.Flag("quiet"), rejects.get());
  // An import of a large file takes long; a server call's deadline is only a guard against a hung
  // server. Locally Ctrl-C stops after the current batch (the batches before stay); remotely it
  // cancels the call (the server stops after its current batch). No progress bar remotely: the
  // server reports only at the end.
  auto backend = MakeBackend(ctx, CallLength::kLong);
  StatusOr<ImportSummary> summary = backend.ok() ? (*backend)->Import(file, options, !p.Flag("no-sync"), &reporter)
                                                 : StatusOr<ImportSummary>(backend.status());
  reporter.ClearBar();
  const Status rejects_written = reporter.FinishRejects();
  if (!rejects_written.ok()) Fail(ctx, rejects_written.WithContext("--rejects"));
  if (!summary.ok()) return Fail(ctx, summary.status());
  if (!rejects_written.ok()) return kExitFailure;
  if (remote && reporter.rejects_seen() < summary->rejected) {
    *ctx.err << Trf("dhakira import: the server sent the first {1} of {2} rejected records", reporter.rejects_seen(),
                    summary->rejected)
             << '\n';
  }
  PrintSummary(ctx, p, *summary);
  if (p.Flag("json")) return kExitOk;
  if (summary->rejected > 0 && p.Has("rejects")) {
    *ctx.err << Trf("dhakira import: {1} rejected records written to {2}", summary->rejected, p.Get("rejects")) << '\n';
  } else if (reporter.unshown_rejects() > 0) {
    *ctx.err << Trf("dhakira import: {1} more rejects not shown; use --rejects FILE to keep them all",
                    reporter.unshown_rejects())
             << '\n';
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("import", "import a TMX, TSV or line-parallel file", RunImport);
}  // namespace dhakira::cli

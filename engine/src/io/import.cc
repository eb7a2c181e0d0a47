// Import: a RecordSource (TMX, TSV, line-parallel) → validated SegmentPairs → batches, each prepared
// (Store::Prepare) while the one before commits (Store::Commit).
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <string_view>

#include "dhakira/io.h"
#include "dhakira/text.h"
#include "io/records.h"

namespace dhakira {
namespace {

using Clock = std::chrono::steady_clock;

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

std::string Excerpt(std::string_view text) {
  if (text.size() <= 80) return std::string(text);
  size_t n = 80;
  while (n > 0 && (static_cast<uint8_t>(text[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
  return std::string(text.substr(0, n)) + "…";
}

// Bidi controls: LRM RLM ALM, LRE RLE PDF LRO RLO, LRI RLI FSI PDI. ALM is D8 9C; the rest are E2 80 8E/8F,
// E2 80 AA..AE, E2 81 A6..A9. memchr/memmem keep this off the per-byte path (Arabic is all D8..DB bytes).
bool HasBidiControl(std::string_view s) {
  if (memmem(s.data(), s.size(), "\xD8\x9C", 2) != nullptr) return true;
  const char* p = s.data();
  const char* end = p + s.size();
  while ((p = static_cast<const char*>(std::memchr(p, 0xE2, static_cast<size_t>(end - p)))) != nullptr) {
    if (end - p < 3) return false;
    const auto b1 = static_cast<uint8_t>(p[1]), b2 = static_cast<uint8_t>(p[2]);
    if (b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) return true;
    if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
    ++p;
  }
  return false;
}

// True when `text` has letters but none of them in Arabic script: in a segment said to be Arabic, the mark
// of text decoded in the wrong encoding (UTF-8 Arabic read as Latin-1 gives "Ø§Ù„...") or of a swapped
// side. Stops at the first Arabic letter, which in real Arabic text comes within a few bytes.
bool LettersButNoArabic(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  bool letters = false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !u_isalpha(c)) continue;
    UErrorCode err = U_ZERO_ERROR;
    if (uscript_getScript(c, &err) == USCRIPT_ARABIC) return false;
    letters = true;
  }
  return letters;
}

// True when the text has something besides white space and inline-code placeholders.
bool HasText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
    if ((b == 0xEE || (b == 0xEF && i + 1 < s.size() && static_cast<uint8_t>(s[i + 1]) < 0xA4)) && i + 2 < s.size()) {
      i += 2;  // a placeholder
      continue;
    }
    if (b == 0xC2 && i + 1 < s.size() && static_cast<uint8_t>(s[i + 1]) == 0xA0) {  // NBSP
      ++i;
      continue;
    }
    return true;
  }
  return false;
}

class Importer {
 public:
  // `store` may be null for a dry run (it is only written to).
  Importer(Store* store, const std::string& path, const ImportOptions& options, ImportReporter* reporter,
           bool strict_write)
      : store_(store), path_(path), options_(options), reporter_(reporter), strict_write_(strict_write) {}

  StatusOr<ImportSummary> Run(io::RecordSource& source, ImportSummary summary) {
    summary_ = std::move(summary);
    summary_.dry_run = options_.dry_run;
    start_ = Clock::now();
    io::Record record;
    Status status;
    for (;;) {
      auto more = source.Next(&record);
      if (!more.ok()) {
        status = more.status();
        break;
      }
      if (!*more) break;
      ++summary_.records_read;
      for (ImportIssue& w : source.TakeOtherWarnings()) Warn(std::move(w));
      Check(&record);
      for (ImportIssue& w : record.warnings) Warn(std::move(w));
      if (!record.reject_reason.empty()) {
        status = Reject(record);
        if (!status.ok()) break;
      } else if (!options_.dry_run) {
        if (record.pair.origin.empty()) record.pair.origin = options_.origin;
        positions_.push_back({record.file, record.line, record.column});
        batch_bytes_ += record.pair.source.size() + record.pair.target.size();
        batch_.Add(std::move(record.pair));
        // A batch moves its entries (a few hundred bytes each) every time it doubles: once it is
        // clearly a large import, it is sized for the whole batch (capped: batch_bytes may end it
        // earlier).
        if (batch_.size() == kReserveAt) batch_.Reserve(std::min<size_t>(options_.batch_size, kMaxReserve));
        if (batch_.size() >= options_.batch_size || batch_bytes_ >= options_.batch_bytes) {
          status = Flush();
          if (!status.ok()) break;
        }
      }
      // Polled every few hundred records, not only between batches, so that a stop does not wait for
      // a batch to fill.
      if (summary_.records_read % kStopPollEvery == 0 && StopRequested()) {
        status = Stop();
        break;
      }
      if (summary_.records_read % options_.progress_every == 0) Progress(source);
    }
    for (ImportIssue& w : source.TakeOtherWarnings()) Warn(std::move(w));
    // An empty file is a mistake (a failed download, a wrong name), not an empty corpus: say so. Known
    // only once read: procfs files and pipes have a size of 0 whatever they hold.
    if (status.ok() && summary_.records_read == 0) {
      if (const std::string empty = source.EmptyInput(); !empty.empty()) {
        return Status::InvalidArgument("'" + empty + "' is empty: nothing to import");
      }
    }
    // What was read before an error is good: commit it (a truncated file keeps its readable part).
    if (!stop_.load() && (!strict_write_ || status.ok())) {
      Status flushed = Flush();
      if (status.ok()) status = flushed;
    }
    {
      // Batches already handed to the store commit whatever happened since (as they did before the error).
      Status finished = FinishAll();
      if (status.ok()) status = finished;
    }
    summary_.encoding = source.encoding();
    summary_.illegal_chars_replaced = source.illegal_chars_replaced();
    summary_.entities_replaced = source.entities_replaced();
    summary_.seconds = Elapsed();
    Progress(source);
    if (!status.ok()) {
      if (summary_.batches_committed > 0 && status.code() != Status::Code::kCancelled) {
        return status.WithContext("importing '" + path_ + "' (" + std::to_string(summary_.added) +
                                  " pairs added and committed before the error stay in the TM)");
      }
      return status.WithContext("importing '" + path_ + "'");
    }
    return summary_;
  }

 private:
  struct Position {
    std::string file;
    uint64_t line, column;
  };

  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // The reporter asked to stop: the batch being filled is dropped, batches waiting for their turn to
  // commit are not committed, and only a batch already committing completes. Returns Cancelled
  // saying exactly what the TM holds from this import.
  // True once the reporter asked to stop; from then on batches that have not started committing
  // see stop_ and are not written.
  bool StopRequested() {
    if (stop_.load()) return true;
    if (reporter_ == nullptr || !reporter_->ShouldStop()) return false;
    stop_.store(true);
    return true;
  }

  Status Stop() {
    stop_.store(true);
    batch_.Clear();
    positions_.clear();
    batch_bytes_ = 0;
    Status finished = FinishAll();
    if (!finished.ok()) return finished;
    std::string committed = std::to_string(summary_.added) + " added, " + std::to_string(summary_.updated) +
                            " updated, " + std::to_string(summary_.duplicates_skipped) + " duplicates skipped in " +
                            std::to_string(summary_.batches_committed) + " committed batches";
    if (last_committed_line_ > 0) committed += ", through line " + std::to_string(last_committed_line_);
    return Status::Cancelled("import stopped on request after " + std::to_string(summary_.records_read) +
                             " records read; " + committed + "; nothing after that was written");
  }

  void Progress(const io::RecordSource& source) {
    if (reporter_ == nullptr) return;
    ImportProgress p;
    p.records_read = summary_.records_read;
    p.bytes_read = source.bytes_read();
    p.bytes_total = source.bytes_total();
    p.added = summary_.added;
    p.updated = summary_.updated;
    p.duplicates_skipped = summary_.duplicates_skipped;
    p.rejected = summary_.rejected;
    p.elapsed_seconds = Elapsed();
    reporter_->OnProgress(p);
  }

  void Warn(ImportIssue issue) {
    ++summary_.warnings_by_reason[issue.reason];
    if (reporter_ != nullptr) reporter_->OnWarning(issue);
  }

  // Checks every format shares.
  void Check(io::Record* r) {
    if (!r->reject_reason.empty()) return;
    const SegmentPair& p = r->pair;
    for (const auto* side : {&p.source, &p.target}) {
      const char* name = side == &p.source ? "source" : "target";
      if (!HasText(*side)) {
        r->reject_reason = "empty-segment";
        r->reject_message = std::string("the ") + name + " segment is empty" +
                            (side->empty() ? "" : " (white space or inline codes only)");
        return;
      }
      if (side->size() > options_.max_segment_bytes) {
        r->reject_reason = "segment-too-long";
        r->reject_message = std::string("the ") + name + " segment is " + std::to_string(side->size()) +
                            " bytes long, over the limit of " + std::to_string(options_.max_segment_bytes) +
                            " (max_segment_bytes)";
        return;
      }
    }
    for (const auto& [lang, text] : {std::pair{&p.src_lang, &p.source}, std::pair{&p.tgt_lang, &p.target}}) {
      if (lang->substr(0, lang->find('-')) != "ar" || !LettersButNoArabic(*text)) continue;
      r->warnings.push_back(ImportIssue{r->file, r->line, r->column, "no-arabic-script",
                                        "the " + *lang +
                                            " segment has letters but none in Arabic script: "
                                            "wrong side, or text decoded in the wrong encoding (if the file is "
                                            "UTF-8, re-run with --encoding utf-8)",
                                        Excerpt(p.source)});
    }
    if (HasBidiControl(p.source) || HasBidiControl(p.target)) {
      r->warnings.push_back(ImportIssue{r->file, r->line, r->column, "bidi-controls",
                                        "the segment contains bidi control characters (LRM/RLM/ALM or "
                                        "embeddings): kept in the text, ignored by matching",
                                        Excerpt(p.source)});
    }
  }

  Status Reject(const io::Record& r) {
    ++summary_.rejected;
    ++summary_.rejected_by_reason[r.reject_reason];
    ImportIssue issue{r.file, r.line, r.column, r.reject_reason, r.reject_message, Excerpt(r.pair.source)};
    if (reporter_ != nullptr) reporter_->OnReject(issue);
    if (!strict_write_) return Status::OK();
    std::string where = issue.file;
    if (issue.line > 0) where += " line " + std::to_string(issue.line);
    if (issue.column > 0) where += ", column " + std::to_string(issue.column);
    return Status::FailedPrecondition("strict import: " + where + ": " + issue.reason + ": " + issue.message +
                                      "; nothing was written");
  }

  void Tally(const WriteResult& result) {
    switch (result.outcome) {
      case WriteOutcome::kAdded:
        ++summary_.added;
        break;
      case WriteOutcome::kUpdated:
        ++summary_.updated;
        break;
      case WriteOutcome::kSkippedDuplicate:
        ++summary_.duplicates_skipped;
        break;
      case WriteOutcome::kDeleted:
        break;
    }
  }

  // A batch handed to the store, being prepared and then committed on a thread of its own.
  struct InFlight {
    WriteBatch batch;
    std::vector<Position> positions;
    std::shared_future<StatusOr<std::vector<WriteResult>>> results;
  };
  // Batches written at once: while one commits (the store's single writer), the next is validated and
  // normalized (Store::Prepare) and the reader fills a third. Each batch commits only after the one before
  // it finished, so ids follow the input order. 1 would serialize reading, preparing and committing.
  static constexpr size_t kBatchesInFlight = 2;
  static constexpr size_t kReserveAt = 1024, kMaxReserve = 1 << 16;
  static constexpr uint64_t kStopPollEvery = 256;                    // records between two ShouldStop() polls
  static constexpr std::chrono::milliseconds kStopPollInterval{20};  // the same while waiting
  static constexpr const char* kNotCommitted = "batch not committed: the import was stopped";

  // Hands the filled batch to the store on a thread of its own; first finishes the oldest batch in
  // flight if kBatchesInFlight are.
  Status Flush() {
    if (batch_.empty()) return Status::OK();
    if (in_flight_.size() >= kBatchesInFlight) DHAKIRA_RETURN_IF_ERROR(FinishOldest());
    auto batch = std::make_unique<InFlight>();
    batch->batch = std::move(batch_);
    batch->positions = std::move(positions_);
    batch_.Clear();
    positions_.clear();
    batch_bytes_ = 0;
    const WriteBatch* to_write = &batch->batch;
    std::shared_future<StatusOr<std::vector<WriteResult>>> previous;
    if (!in_flight_.empty()) previous = in_flight_.back()->results;
    batch->results =
        std::async(std::launch::async, [this, to_write, previous]() -> StatusOr<std::vector<WriteResult>> {
          StatusOr<PreparedBatch> prepared = store_->Prepare(*to_write, options_.on_duplicate);
          if (previous.valid()) {
            // Commit after the batch before. When it failed for another reason than a pair the store
            // refuses (then FinishOldest writes it pair by pair), e.g. a full disk, this one must not
            // commit either: the TM keeps a prefix of the input.
            const StatusOr<std::vector<WriteResult>>& before = previous.get();
            if (!before.ok() && !before.status().IsInvalidArgument() && before.status().message() != kNotCommitted) {
              return Status::Cancelled("not written: the batch before it failed");
            }
          }
          // Stopped while this batch waited for its turn: it is not written (kNotCommitted).
          if (stop_.load()) return Status::Cancelled(kNotCommitted);
          if (!prepared.ok()) return prepared.status();
          return store_->Commit(std::move(*prepared));
        }).share();
    in_flight_.push_back(std::move(batch));
    return Status::OK();
  }

  // Waits for every batch in flight, in order. The first error is returned; later batches are still
  // waited for (and counted when they committed), so the summary says what the TM holds.
  Status FinishAll() {
    Status first;
    while (!in_flight_.empty()) {
      Status s = FinishOldest();
      if (first.ok()) first = std::move(s);
    }
    return first;
  }

  Status FinishOldest() {
    std::unique_ptr<InFlight> done = std::move(in_flight_.front());
    in_flight_.pop_front();
    // While a batch commits, the reader waits here: keep polling, so that a stop reaches the next
    // batch before its turn to commit comes.
    while (done->results.wait_for(kStopPollInterval) != std::future_status::ready) (void)StopRequested();
    const StatusOr<std::vector<WriteResult>>& results = done->results.get();
    const WriteBatch& batch = done->batch;
    if (results.ok()) {
      for (const WriteResult& r : *results) Tally(r);
      ++summary_.batches_committed;
      if (!done->positions.empty()) last_committed_line_ = done->positions.back().line;
    } else if (results.status().code() == Status::Code::kCancelled && results.status().message() == kNotCommitted) {
      return Status::OK();  // dropped by Stop(): nothing of it is in the TM
    } else if (results.status().IsInvalidArgument() && !strict_write_) {
      // One pair the store refuses spoils its batch: find it by writing the batch pair by pair.
      const auto& entries = batch.entries();
      for (size_t i = 0; i < entries.size(); ++i) {
        auto one = store_->Add(entries[i].pair, options_.on_duplicate);
        if (one.ok()) {
          Tally(*one);
          continue;
        }
        if (!one.status().IsInvalidArgument()) return one.status();
        io::Record r;
        r.file = done->positions[i].file;
        r.line = done->positions[i].line;
        r.column = done->positions[i].column;
        r.pair.source = entries[i].pair.source;
        r.reject_reason = "store-rejected";
        r.reject_message = one.status().message();
        DHAKIRA_RETURN_IF_ERROR(Reject(r));
      }
      ++summary_.batches_committed;
    } else {
      const Position& first = done->positions.front();
      return results.status().WithContext("writing the batch of " + std::to_string(batch.size()) + " pairs from line " +
                                          std::to_string(first.line));
    }
    return Status::OK();
  }

  Store* store_;
  const std::string& path_;
  const ImportOptions& options_;
  ImportReporter* reporter_;
  const bool strict_write_;
  ImportSummary summary_;
  WriteBatch batch_;          // being filled
  uint64_t batch_bytes_ = 0;  // source and target bytes in batch_
  std::vector<Position> positions_;
  std::deque<std::unique_ptr<InFlight>> in_flight_;  // oldest first
  std::atomic<bool> stop_{false};                    // set by Stop(); read by the batch threads before they commit
  uint64_t last_committed_line_ = 0;                 // input line of the last pair of the last committed batch
  Clock::time_point start_;
};

// Strict mode's checking pass: forwards rejects and progress, not warnings (the writing pass reports those).
class CheckPassReporter : public ImportReporter {
 public:
  explicit CheckPassReporter(ImportReporter* next) : next_(next) {}
  void OnReject(const ImportIssue& issue) override {
    if (next_ != nullptr) next_->OnReject(issue);
  }
  void OnProgress(const ImportProgress& p) override {
    if (next_ != nullptr) next_->OnProgress(p);
  }
  bool ShouldStop() override { return next_ != nullptr && next_->ShouldStop(); }

 private:
  ImportReporter* next_;
};

}  // namespace

const char* FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kAuto:
      return "auto";
    case FileFormat::kTmx:
      return "tmx";
    case FileFormat::kTsv:
      return "tsv";
    case FileFormat::kParallel:
      return "parallel";
  }
  return "?";
}

StatusOr<FileFormat> ParseFileFormat(std::string_view name) {
  for (FileFormat f : {FileFormat::kAuto, FileFormat::kTmx, FileFormat::kTsv, FileFormat::kParallel}) {
    if (name == FileFormatName(f)) return f;
  }
  return Status::InvalidArgument("unknown format '" + std::string(name) + "' (expected tmx, tsv or parallel)");
}

StatusOr<FileFormat> FormatFromFileName(std::string_view path) {
  std::string_view name = path;
  if (EndsWith(name, ".gz")) name.remove_suffix(3);
  if (EndsWith(name, ".tmx")) return FileFormat::kTmx;
  if (EndsWith(name, ".tsv") || EndsWith(name, ".tab")) return FileFormat::kTsv;
  return Status::InvalidArgument("cannot tell the format of '" + std::string(path) +
                                 "' from its name (.tmx, .tsv, .tab, optionally .gz): give the format");
}

Status ImportOptions::Validate() const {
  if (format == FileFormat::kParallel && target_file.empty()) {
    return Status::InvalidArgument("ImportOptions.target_file: a line-parallel import needs the target file");
  }
  if (format != FileFormat::kParallel && format != FileFormat::kAuto && !target_file.empty()) {
    return Status::InvalidArgument("ImportOptions.target_file: only a line-parallel import takes a target file");
  }
  if (batch_size < 1 || batch_size > 1000000) {
    return Status::InvalidArgument("ImportOptions.batch_size: " + std::to_string(batch_size) +
                                   " is outside 1 .. 1000000");
  }
  if (batch_bytes < (4u << 10) || batch_bytes > (1u << 30)) {
    return Status::InvalidArgument("ImportOptions.batch_bytes: " + std::to_string(batch_bytes) +
                                   " is outside 4096 .. 1073741824");
  }
  if (max_segment_bytes < 1 || max_segment_bytes > (64u << 20)) {
    return Status::InvalidArgument("ImportOptions.max_segment_bytes: " + std::to_string(max_segment_bytes) +
                                   " is outside 1 .. 67108864");
  }
  if (max_field_bytes < 1 || max_field_bytes > (64u << 20)) {
    return Status::InvalidArgument("ImportOptions.max_field_bytes: " + std::to_string(max_field_bytes) +
                                   " is outside 1 .. 67108864");
  }
  if (max_record_bytes < 1024 || max_record_bytes > (256u << 20)) {
    return Status::InvalidArgument("ImportOptions.max_record_bytes: " + std::to_string(max_record_bytes) +
                                   " is outside 1024 .. 268435456");
  }
  if (progress_every < 1 || progress_every > 10000000) {
    return Status::InvalidArgument("ImportOptions.progress_every: " + std::to_string(progress_every) +
                                   " is outside 1 .. 10000000");
  }
  return Status::OK();
}

namespace {

// Import and DryRunImport; `store` is null only for a dry run.
StatusOr<ImportSummary> ImportInto(Store* store, const std::string& path, const ImportOptions& options_in,
                                   ImportReporter* reporter) {
  ImportOptions options = options_in;
  if (options.format == FileFormat::kAuto) {
    if (!options.target_file.empty()) {
      options.format = FileFormat::kParallel;
    } else {
      DHAKIRA_ASSIGN_OR_RETURN(options.format, FormatFromFileName(path));
    }
  }
  DHAKIRA_RETURN_IF_ERROR(options.Validate());
  ImportSummary summary;
  summary.format = options.format;
  for (auto [value, out, field] : {std::tuple{&options.src_lang, &summary.src_lang, "src_lang"},
                                   std::tuple{&options.tgt_lang, &summary.tgt_lang, "tgt_lang"}}) {
    if (value->empty()) {
      if (options.format != FileFormat::kTmx) {
        return Status::InvalidArgument(std::string("ImportOptions.") + field + ": a " + FileFormatName(options.format) +
                                       " import needs the language");
      }
      continue;
    }
    auto canonical = CanonicalLanguage(*value);
    if (!canonical.ok()) return canonical.status().WithContext(std::string("ImportOptions.") + field);
    *out = *canonical;
  }
  if (!summary.src_lang.empty() && summary.src_lang == summary.tgt_lang) {
    return Status::InvalidArgument("source and target language are both '" + summary.src_lang + "'");
  }

  // Strict mode reads the file twice, a line-parallel import counts both files before reading them: a FIFO
  // or a device would be empty (or block) the second time, so these need regular files.
  const char* twice = nullptr;
  if (options.strict) {
    twice = "--strict reads the file twice";
  } else if (options.format == FileFormat::kParallel) {
    twice = "a line-parallel import counts the lines first";
  }
  for (const std::string* file : {&path, static_cast<const std::string*>(&options.target_file)}) {
    struct stat st;
    if (twice == nullptr || file->empty() || ::stat(file->c_str(), &st) != 0 || S_ISREG(st.st_mode)) continue;
    if (S_ISDIR(st.st_mode)) break;  // reported by the reader ("is a directory")
    return Status::InvalidArgument("cannot import '" + *file +
                                   "': it is not a regular file (a pipe or a "
                                   "device) and " +
                                   twice + "; save it to a file first");
  }

  auto open = [&]() -> StatusOr<std::unique_ptr<io::RecordSource>> {
    switch (options.format) {
      case FileFormat::kTmx:
        return io::OpenTmxSource(path, summary.src_lang, summary.tgt_lang, options);
      case FileFormat::kTsv:
        return io::OpenTsvSource(path, summary.src_lang, summary.tgt_lang, options);
      case FileFormat::kParallel:
        return io::OpenParallelSource(path, summary.src_lang, summary.tgt_lang, options);
      case FileFormat::kAuto:
        break;
    }
    return Status::Internal("unresolved import format");
  };

  if (options.strict) {
    // Pass 1: read and check everything, write nothing.
    ImportOptions check = options;
    check.dry_run = true;
    CheckPassReporter check_reporter(reporter);
    DHAKIRA_ASSIGN_OR_RETURN(auto source, open());
    Importer importer(store, path, check, &check_reporter, /*strict_write=*/true);
    auto checked = importer.Run(*source, summary);
    if (!checked.ok() || options.dry_run) return checked;
  }
  DHAKIRA_ASSIGN_OR_RETURN(auto source, open());
  Importer importer(store, path, options, reporter, options.strict);
  return importer.Run(*source, summary);
}

}  // namespace

StatusOr<ImportSummary> Import(Store& store, const std::string& path, const ImportOptions& options,
                               ImportReporter* reporter) {
  return ImportInto(&store, path, options, reporter);
}

StatusOr<ImportSummary> DryRunImport(const std::string& path, const ImportOptions& options, ImportReporter* reporter) {
  if (!options.dry_run) {
    return Status::InvalidArgument("ImportOptions.dry_run: DryRunImport needs a dry run (it has no TM to write)");
  }
  return ImportInto(nullptr, path, options, reporter);
}

}  // namespace dhakira

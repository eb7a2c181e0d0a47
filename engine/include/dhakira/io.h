// Bulk import and export of aligned corpora: TMX 1.4b (also 1.1), TSV and line-parallel (Moses) files,
// each optionally gzip-compressed. See docs/io.md for the formats and the TMX mapping.
//
// Import streams: memory stays flat whatever the file size (one batch of pairs plus one parser chunk).
// Pairs are written in batches, each one Store::Write transaction: a crash or a kill leaves every committed
// batch and nothing half-written; re-running the import with DuplicatePolicy::kSkip completes it.
// One bad record never aborts an import: it is reported through ImportReporter::OnReject (file, line,
// column, reason) and counted; ImportOptions::strict turns the first reject into an error before anything is
// written. A file that is not of its format, or is truncated, ends the import with an error; the batches
// committed before stay valid, and the summary of what was done is lost only in that case.
//
// Thread safety: Import and Export may run concurrently with readers of the same Store; the store serializes
// writers. The reporter is called from the calling thread only.
#ifndef DHAKIRA_IO_H_
#define DHAKIRA_IO_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"
#include "dhakira/store.h"

namespace dhakira {

enum class FileFormat : uint8_t {
  kAuto = 0,      // from the file name: .tmx → TMX, .tsv/.tab → TSV, otherwise an error (".gz" is looked through)
  kTmx = 1,       // TMX 1.1–1.4b
  kTsv = 2,       // source<TAB>target[<TAB>column...], optional header line naming the columns
  kParallel = 3,  // two line-aligned files (import only): ImportOptions::target_file holds the target side
};
const char* FileFormatName(FileFormat format);  // "auto", "tmx", "tsv", "parallel"
StatusOr<FileFormat> ParseFileFormat(std::string_view name);
// The format a file name implies (kAuto resolved); InvalidArgument naming the file when it implies none.
StatusOr<FileFormat> FormatFromFileName(std::string_view path);
// How many first bytes of a file SniffFormat() looks at (more are ignored).
inline constexpr size_t kSniffBytes = 512;
// The format of a file without a name (an upload) from its first bytes `head`: kTmx when the first
// character after a UTF-8 BOM, blanks and the zero and BOM bytes of UTF-16 is '<', else kTsv (empty
// data included). InvalidArgument when `head` is gzip-compressed (starts 1F 8B): its format is not
// visible; the caller must give it, or a file name ending in ".gz" that implies it.
StatusOr<FileFormat> SniffFormat(std::string_view head);

struct ImportOptions {
  FileFormat format = FileFormat::kAuto;
  // kParallel: the file holding the target side, line i translating line i of the source file.
  std::string target_file;
  // Language pair to import (any case, '_' accepted; canonicalised to BCP 47). TMX: a <tuv> matches when its
  // language equals the requested one, or, when the request has no region/script, when its primary
  // language does ("ar" takes "ar-SY"); the stored pair keeps the <tuv>'s own canonical tag. For TMX,
  // src_lang may be empty: the header's srclang is used (not "*all*"); tgt_lang may be empty: the single
  // other language of each TU. TSV and parallel need both.
  std::string src_lang;
  std::string tgt_lang;
  // Origin given to every pair that does not carry its own (TSV "origin" column, TMX x-dhakira-origin prop).
  std::string origin;
  DuplicatePolicy on_duplicate = DuplicatePolicy::kSkip;
  // true: the first reject is an error and nothing is written (the file is read twice: check, then write).
  bool strict = false;
  // true: read, check and count only; the TM is not touched (added/updated/duplicates stay 0). A dry run
  // needs no TM at all: see DryRunImport. The CLI and the service both run dry runs this way.
  bool dry_run = false;
  // Encoding of the input as an ICU converter name ("windows-1256", "ISO-8859-6"); "" sniffs it (BOM, XML
  // declaration; UTF-8 otherwise).
  std::string encoding;
  // TSV: interpret the escapes \t \n \r \\ inside fields (as written by Export with tsv_escape).
  bool tsv_unescape = false;
  // Pairs per write transaction, 1 .. 1,000,000. Larger is faster (each commit rewrites the index pages
  // it touched: at 1M pairs, 5,000 a batch cost twice the CPU of 20,000 and ten times the disk writes);
  // a kill loses at most one batch, which a re-run with kSkip completes.
  uint32_t batch_size = 20000;
  // A batch also ends once its source and target text reach this many bytes, 4 KiB .. 1 GiB, so that long
  // segments cannot make a batch (and the import's memory: two batches are written at once, with their
  // match keys, while a third is read) grow with them. The default ends typical news batches (~210 bytes a
  // pair) near batch_size.
  uint32_t batch_bytes = 4u << 20;
  // Caps on what one record may hold, checked as the record is read, so that no file (a 1 GiB <seg>, a
  // line without line breaks, a gzip of NUL bytes) can grow the import's memory: a record over a cap is
  // rejected (reasons below) with file, line and column, the rest of it is read through without being kept,
  // and the import goes on with the next record.
  // Longest segment (source or target), in bytes, 1 .. 64 MiB. Over it: "segment-too-long".
  uint32_t max_segment_bytes = 64 * 1024;
  // Longest other value, in bytes, 1 .. 64 MiB: a TMX inline code element (bpt, ph, ... with its
  // content), <prop>, <note> or attribute value, a TSV column other than source and target. Over it:
  // "field-too-long".
  uint32_t max_field_bytes = 64 * 1024;
  // Largest record, in bytes, 1 KiB .. 256 MiB: a TSV or line-parallel line, or everything one TMX <tu>
  // holds (texts, codes, properties, notes, attributes, ~64 bytes per element). Over it: "record-too-long".
  // Never less than two segments: the cap used is max(max_record_bytes, 2 * max_segment_bytes + 64 KiB).
  // A single XML tag (with its attributes), comment or processing instruction must fit in expat's buffer,
  // capped at twice this plus 16 MiB: a larger one ends the import (Corruption), since XML cannot be
  // resynchronised after it.
  uint32_t max_record_bytes = 4u << 20;
  // Progress is reported every this many records read, 1 .. 10,000,000.
  uint32_t progress_every = 10000;

  // InvalidArgument naming the first bad field.
  Status Validate() const;
};

// A record that was not imported, or a change made to one that was (warnings).
struct ImportIssue {
  std::string file;     // the input file the record came from
  uint64_t line = 0;    // 1-based; 0 when unknown
  uint64_t column = 0;  // 1-based, in code points; 0 when unknown
  // Stable machine-readable reason: rejects "missing-source", "missing-target", "missing-seg",
  // "empty-segment", "segment-too-long", "field-too-long", "record-too-long", "invalid-encoding",
  // "malformed-tu", "malformed-line", "store-rejected", "ambiguous-target"; warnings
  // "illegal-char-replaced", "bidi-controls", "entity-replaced", "bad-date", "duplicate-language",
  // "no-arabic-script".
  std::string reason;
  std::string message;  // human-readable English detail
  std::string excerpt;  // the start of the record's source text (up to 80 bytes), when known
};

struct ImportProgress {
  uint64_t records_read = 0;
  uint64_t bytes_read = 0;   // of the input file (compressed bytes for .gz)
  uint64_t bytes_total = 0;  // size of the input file; 0 when unknown (a pipe)
  uint64_t added = 0, updated = 0, duplicates_skipped = 0, rejected = 0;
  double elapsed_seconds = 0;
};

// Receives per-record problems and progress. Default implementations ignore everything.
class ImportReporter {
 public:
  virtual ~ImportReporter() = default;
  virtual void OnReject(const ImportIssue& issue) {}
  virtual void OnWarning(const ImportIssue& issue) {}
  virtual void OnProgress(const ImportProgress& progress) {}
  // Polled every few hundred records: true stops the import (Cancelled status saying what was
  // committed). Only a batch already committing completes; the batches read after it are not written.
  virtual bool ShouldStop() { return false; }
};

struct ImportSummary {
  FileFormat format = FileFormat::kAuto;  // the format used
  std::string encoding;                   // detected or given input encoding, e.g. "UTF-16LE"
  std::string src_lang, tgt_lang;         // canonical requested languages ("" when taken per TU)
  uint64_t records_read = 0;              // TUs, or data lines (header and blank lines not counted)
  uint64_t added = 0;
  uint64_t updated = 0;
  uint64_t duplicates_skipped = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_reason;  // ImportIssue::reason → count
  std::map<std::string, uint64_t> warnings_by_reason;
  uint64_t illegal_chars_replaced = 0;  // XML-illegal code points replaced by U+FFFD
  uint64_t entities_replaced = 0;       // &nbsp; and friends (TMX)
  uint64_t batches_committed = 0;
  bool dry_run = false;
  double seconds = 0;
};

// Imports `path` into `store`. `reporter` may be null. Errors: InvalidArgument for bad options or a file of
// the wrong kind (named); NotFound for a missing file; Corruption for a damaged/truncated file (with line and
// column); IOError from the store; FailedPrecondition when strict mode found a reject (nothing written);
// Cancelled when the reporter asked to stop. On error, batches committed before stay in the TM.
StatusOr<ImportSummary> Import(Store& store, const std::string& path, const ImportOptions& options,
                               ImportReporter* reporter = nullptr);

// A dry run without a TM: reads and checks `path` exactly as Import(store, path, options, reporter) does
// with options.dry_run (the same summary, rejects and warnings), and touches no store. InvalidArgument
// naming ImportOptions.dry_run when it is false.
StatusOr<ImportSummary> DryRunImport(const std::string& path, const ImportOptions& options,
                                     ImportReporter* reporter = nullptr);

struct ExportOptions {
  FileFormat format = FileFormat::kAuto;  // kTmx or kTsv (kAuto: from the file name)
  // Only pairs of this source / target language (canonical BCP 47, exact match); "" for all.
  std::string src_lang;
  std::string tgt_lang;
  // Only pairs of this origin; "" for all.
  std::string origin;
  // TSV: write TAB, LF, CR and backslash inside fields as \t \n \r \\ (read back with tsv_unescape).
  // false: they are replaced by a space (lossy, counted).
  bool tsv_escape = true;
  // gzip level for a ".gz" output, 1 .. 9.
  int gzip_level = 6;
  // When the output path is an existing symlink: true writes the file it points to (see
  // CheckOutputPath); false refuses it.
  bool follow_symlinks = false;

  Status Validate() const;
};

struct ExportSummary {
  uint64_t pairs_written = 0;
  uint64_t bytes_written = 0;        // uncompressed
  uint64_t characters_replaced = 0;  // XML-illegal or TSV-unsafe characters replaced on the way out
  double seconds = 0;
};

// Writes the pairs of one consistent snapshot of `store` to `path`: TMX 1.4b (UTF-8, no BOM) or TSV, gzip when
// the name ends in ".gz". `path` is first checked with CheckOutputPath (the store's directory as the TM
// directory): a FIFO, device, directory, a symlink (unless follow_symlinks) or a file inside a TM is refused
// before anything is written. The file is written under a temporary name in the same directory and renamed
// when complete, so `path` is either the old file or the whole new one. Inline codes are restored from
// InlineCode::native (TMX) or dropped (TSV).
StatusOr<ExportSummary> Export(const Store& store, const std::string& path, const ExportOptions& options);

// `pairs` (not from a store: e.g. the units of an alignment, AlignedPairs) as a whole TMX 1.4b or TSV
// document, byte for byte as Export writes them: header, one unit or line per pair, footer. Only
// options.format (kTmx or kTsv; InvalidArgument otherwise) and tsv_escape apply. The TMX header's srclang
// is the pairs' one source language, else "*all*". Characters replaced on the way out are added to
// *characters_replaced when it is not null. Write the result with an AtomicFileWriter to make a file.
StatusOr<std::string> FormatPairs(const std::vector<SegmentPair>& pairs, const ExportOptions& options,
                                  uint64_t* characters_replaced = nullptr);

// ---------------------------------------------------------------------------------------------------------
// Output and input paths. Every file a command writes (export, import --rejects, align outputs) goes
// through CheckOutputPath and an AtomicFileWriter, so that no output can destroy an input, a TM or a
// device, and no failed or interrupted write leaves half a file.

struct OutputPathOptions {
  // Files the same command reads: the output may not be any of them (same device and inode, so also
  // through another name, a hard link or a symlink). Missing ones are ignored.
  std::vector<std::string> inputs;
  // The command's TM directory (--db); "" for none. No output may be inside it; nor inside any directory
  // that holds a data.mdb (another TM).
  std::string tm_dir;
  // An existing symlink at the path: true writes the file it finally points to (the link stays); false
  // refuses it.
  bool follow_symlinks = false;
};

// Checks `path` as an output file, without opening it (a FIFO is never opened, so this never blocks), and
// returns the path to write: `path`, or with follow_symlinks the target of the symlink it is. Errors name
// the path and the rule: InvalidArgument when it exists and is not a regular file (directory, FIFO,
// character or block device, socket), is a symlink and follow_symlinks is false, is one of the inputs, or
// lies inside a TM directory; NotFound when its directory does not exist.
StatusOr<std::string> CheckOutputPath(const std::string& path, const OutputPathOptions& options);

// Checks `path` as an input document or corpus before it is read: NotFound when missing, InvalidArgument
// for a directory or a socket ("is a directory, not a file"). Regular files, FIFOs and character devices
// pass (they are read as streams).
Status CheckInputPath(const std::string& path);

// A file written under a temporary name ("PATH.tmp-PID-N") in the directory of its path and renamed onto the
// path by Commit() after an fsync: `path` is the old file or the whole new one, never half of one. Destroyed
// without Commit (an error, an exception), the temporary is removed. `path` should have passed
// CheckOutputPath. Not thread-safe.
class AtomicFileWriter {
 public:
  // gzip_level 0: plain bytes; 1 .. 9: a gzip stream. IOError naming the path when the temporary cannot be
  // created.
  static StatusOr<std::unique_ptr<AtomicFileWriter>> Create(const std::string& path, int gzip_level = 0);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Write(std::string_view data);
  // Finishes the gzip stream, fsyncs, renames onto the path. After an error the temporary is removed.
  Status Commit();
  uint64_t bytes() const { return bytes_; }  // written so far, uncompressed
  const std::string& path() const { return path_; }

 private:
  AtomicFileWriter() = default;
  std::string path_, temp_;
  int fd_ = -1;
  void* gz_ = nullptr;  // gzFile
  bool committed_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace dhakira

#endif  // DHAKIRA_IO_H_

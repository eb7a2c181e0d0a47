// The byte pre-stage of every import: file (or gzip) bytes in, clean UTF-8 out.
//
// RawFile reads a file, gunzipping it when it starts with the gzip magic (zlib's transparent gzread).
// Utf8Decoder sits on it: it sniffs the encoding (BOM; for XML also the UTF-16 "<?" pattern and the
// declaration's encoding="..."; XML 1.0 Appendix F), transcodes anything that is not UTF-8 with ICU ucnv,
// validates UTF-8 (ICU U8_NEXT), and replaces what XML 1.0 forbids (C0 controls other than TAB/LF/CR,
// U+FFFE/U+FFFF, and in XML mode numeric references to them such as &#11;) with U+FFFD, recording each
// replacement with its output offset, line and column so the readers can blame the right record.
//
// Thread safety: none; one reader per thread. Memory: O(chunk size), whatever the file size.
#ifndef DHAKIRA_IO_INPUT_H_
#define DHAKIRA_IO_INPUT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "dhakira/status.h"

struct gzFile_s;
struct UConverter;

namespace dhakira::io {

class RawFile {
 public:
  // NotFound when absent; InvalidArgument for a directory or other non-regular file; IOError otherwise.
  static StatusOr<std::unique_ptr<RawFile>> Open(const std::string& path);
  ~RawFile();
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;

  // Reads up to n bytes (decompressed); 0 at the end. Corruption for a damaged or truncated gzip stream.
  StatusOr<size_t> Read(char* buf, size_t n);
  uint64_t consumed_bytes() const;  // bytes of the file consumed so far (compressed bytes for gzip)
  uint64_t file_bytes() const { return file_bytes_; }
  bool compressed() const { return compressed_; }
  // A regular file (procfs included), which can be opened and read again; false for a FIFO or a device.
  bool regular() const { return regular_; }
  const std::string& path() const { return path_; }

 private:
  RawFile() = default;
  std::string path_;
  gzFile_s* gz_ = nullptr;
  uint64_t file_bytes_ = 0;
  bool compressed_ = false;
  bool regular_ = false;
};

// What the pre-stage changed, at an offset of its UTF-8 output.
struct DecodeIssue {
  enum class Kind : uint8_t {
    kInvalidSequence,   // bytes that are not valid in the source encoding; replaced by U+FFFD
    kIllegalCodePoint,  // a code point XML 1.0 forbids (e.g. U+000B); replaced by U+FFFD
  };
  Kind kind = Kind::kInvalidSequence;
  uint64_t offset = 0;  // byte offset of the U+FFFD in the decoder's output
  uint64_t line = 1;    // 1-based line of the output
  uint64_t column = 1;  // 1-based column, in code points
  uint32_t value = 0;   // the illegal code point, or the first invalid byte
  // Replacements aggregated into this entry (>= 1), the first at offset/line/column: a run of bad bytes, or
  // (text mode) every further one on the same line once kMaxIssuesPerLine entries are on it. A file of
  // bad bytes thus costs a few entries, not one per byte.
  uint64_t count = 1;
  uint64_t end_offset = 0;  // one past the last U+FFFD of the entry in the decoder's output
  // "invalid UTF-8 byte 0xC3" / "XML-illegal code point U+000B", with the count when > 1.
  std::string Describe() const;
};

class Utf8Decoder {
 public:
  enum class Mode : uint8_t {
    kXml,   // BOM, UTF-16 pattern and the XML declaration decide; numeric refs to illegal chars replaced
    kText,  // BOM decides; UTF-8 otherwise
  };
  // `forced_encoding` (an ICU converter name, "" for none) overrides the sniffing.
  // InvalidArgument for an encoding ICU does not know (with u_errorName).
  static StatusOr<std::unique_ptr<Utf8Decoder>> Open(const std::string& path, Mode mode,
                                                     const std::string& forced_encoding);
  ~Utf8Decoder();

  // Appends the next piece of clean UTF-8 (up to about kChunkBytes) to *out; false at the end of input.
  // A piece never ends inside a UTF-8 sequence.
  StatusOr<bool> Read(std::string* out);

  // Replacements made in what Read returned so far and not yet taken by the consumer (oldest first).
  std::deque<DecodeIssue>& issues() { return issues_; }

  const std::string& encoding() const { return encoding_; }  // "UTF-8", "UTF-16LE", "windows-1256", ...
  bool had_bom() const { return had_bom_; }
  uint64_t invalid_sequences() const { return invalid_sequences_; }
  uint64_t illegal_code_points() const { return illegal_code_points_; }
  uint64_t output_bytes() const { return out_offset_; }
  const RawFile& raw() const { return *raw_; }

  static constexpr size_t kChunkBytes = 256 * 1024;
  // Text mode: distinct issue entries kept per line; further ones are counted into the last entry.
  static constexpr uint64_t kMaxIssuesPerLine = 8;

 private:
  Utf8Decoder() = default;
  Status Sniff(Mode mode, const std::string& forced_encoding);
  // InvalidArgument when the file, declared in the single-byte encoding `declared`, holds UTF-8.
  Status CheckNotUtf8(const std::string& declared);
  StatusOr<bool> Fill();  // reads more raw bytes into raw_buf_; false at the end
  Status Transcode(bool flush, std::string* utf8);
  // Validates and cleans utf8_buf_ into *out; keeps an incomplete tail unless at the end. `base` + k is the
  // output offset of (*out)[k].
  void Clean(bool at_end, uint64_t base, std::string* out);
  // The steps of Clean, each at s[i] of the n bytes of utf8_buf_: they return where the next step starts, or
  // kNeedMoreInput when the bytes from i on are an incomplete sequence or reference.
  static constexpr int32_t kNeedMoreInput = -1;
  int32_t CopyCleanRun(const uint8_t* s, int32_t i, int32_t n, std::string* out);
  int32_t CleanReference(const uint8_t* s, int32_t i, int32_t n, bool at_end, uint64_t base, std::string* out);
  int32_t CleanControl(const uint8_t* s, int32_t i, int32_t n, uint64_t base, std::string* out);
  int32_t CleanMultiByte(const uint8_t* s, int32_t i, int32_t n, bool at_end, uint64_t base, std::string* out);
  // Records `run` consecutive replacements (U+FFFD each) starting at output offset `offset`.
  void AddIssue(DecodeIssue::Kind kind, uint32_t value, uint64_t offset, uint64_t run = 1);

  std::unique_ptr<RawFile> raw_;
  Mode mode_ = Mode::kText;
  std::string encoding_;
  bool had_bom_ = false;
  bool raw_eof_ = false;
  bool done_ = false;
  std::string raw_buf_;               // raw bytes not yet converted
  std::string utf8_buf_;              // UTF-8 not yet cleaned (an incomplete sequence or reference at a chunk end)
  UConverter* source_cnv_ = nullptr;  // null when the input is UTF-8
  UConverter* utf8_cnv_ = nullptr;
  std::vector<char16_t> pivot_;
  char16_t* pivot_source_ = nullptr;
  char16_t* pivot_target_ = nullptr;
  bool reset_pivot_ = true;

  std::deque<DecodeIssue> issues_;
  uint64_t invalid_sequences_ = 0;
  uint64_t illegal_code_points_ = 0;
  uint64_t out_offset_ = 0;  // bytes returned so far
  uint64_t line_ = 1;
  uint64_t column_ = 1;
  uint64_t issues_on_line_ = 0;  // entries added on line_ (text mode aggregation)
  uint64_t issues_line_ = 0;

 public:
  // ICU toUnicode callback context (counts bytes the legacy converter could not map).
  uint64_t unmappable_ = 0;
};

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_INPUT_H_

#include "io/input.h"

#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/utf8.h>
#include <zlib.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dhakira::io {
namespace {

constexpr uint32_t kInvalidMarker = 0xFFFE;  // what our ICU callback writes for unmappable bytes

// XML 1.0 production [2] Char.
bool IsXmlChar(uint32_t c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  if (c <= 0xD7FF) return true;
  if (c < 0xE000) return false;
  if (c <= 0xFFFD) return true;
  return c >= 0x10000 && c <= 0x10FFFF;
}

bool IsUtf8Name(const std::string& name) {
  return ucnv_compareNames(name.c_str(), "UTF-8") == 0 || ucnv_compareNames(name.c_str(), "US-ASCII") == 0 ||
         ucnv_compareNames(name.c_str(), "ASCII") == 0;
}

// ICU toUnicode callback: bytes the source encoding cannot map become U+FFFE, which Clean() turns into a
// recorded U+FFFD. (U+FFFE cannot come out of a legacy code page, so the marker is unambiguous there.)
void MarkInvalid(const void* context, UConverterToUnicodeArgs* args, const char* code_units, int32_t length,
                 UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing to do
  auto* decoder = static_cast<Utf8Decoder*>(const_cast<void*>(context));
  ++decoder->unmappable_;
  const UChar marker = static_cast<UChar>(kInvalidMarker);
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &marker, 1, 0, err);
}

std::string Hex(uint32_t v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", width, v);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
StatusOr<std::unique_ptr<RawFile>> RawFile::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int e = errno;
    if (e == ENOENT) return Status::NotFound("cannot open '" + path + "': no such file");
    return Status::IOError("cannot open '" + path + "': " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("cannot read '" + path + "': it is a directory, not a file");
  }
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return Status::InvalidArgument("cannot read '" + path + "': not a regular file");
  }
  std::unique_ptr<RawFile> f(new RawFile());
  f->path_ = path;
  f->file_bytes_ = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  f->regular_ = S_ISREG(st.st_mode);
  f->gz_ = gzopen(path.c_str(), "rb");
  if (f->gz_ == nullptr) {
    return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  }
  gzbuffer(f->gz_, 256 * 1024);
  // gzdirect() is only meaningful after the first read has looked at the header.
  return f;
}

RawFile::~RawFile() {
  if (gz_ != nullptr) gzclose_r(gz_);
}

StatusOr<size_t> RawFile::Read(char* buf, size_t n) {
  int got = gzread(gz_, buf, static_cast<unsigned>(n));
  int errnum = Z_OK;
  const char* msg = gzerror(gz_, &errnum);
  if (got < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
    std::string what = errnum == Z_ERRNO ? std::strerror(errno) : std::string(msg ? msg : "?");
    if (errnum == Z_BUF_ERROR) what += " (the gzip file is truncated)";
    return Status::Corruption("cannot read '" + path_ + "': " + what + " (zlib)");
  }
  compressed_ = gzdirect(gz_) == 0;
  return static_cast<size_t>(got);
}

uint64_t RawFile::consumed_bytes() const {
  z_off_t off = gzoffset(gz_);
  return off < 0 ? 0 : static_cast<uint64_t>(off);
}

// ---------------------------------------------------------------------------------------------------------
std::string DecodeIssue::Describe() const {
  std::string what;
  if (kind == Kind::kIllegalCodePoint) {
    what = "XML-illegal code point U+" + Hex(value, 4);
  } else if (value == 0) {
    what = "bytes invalid in the file's encoding";
  } else {
    what = "invalid byte 0x" + Hex(value, 2) + " for the file's encoding";
  }
  if (count > 1) return what + " and " + std::to_string(count - 1) + " more (all replaced by U+FFFD)";
  return what + " (replaced by U+FFFD)";
}

StatusOr<std::unique_ptr<Utf8Decoder>> Utf8Decoder::Open(const std::string& path, Mode mode,
                                                         const std::string& forced_encoding) {
  std::unique_ptr<Utf8Decoder> d(new Utf8Decoder());
  DHAKIRA_ASSIGN_OR_RETURN(d->raw_, RawFile::Open(path));
  d->mode_ = mode;
  DHAKIRA_RETURN_IF_ERROR(d->Sniff(mode, forced_encoding));
  return d;
}

Utf8Decoder::~Utf8Decoder() {
  if (source_cnv_ != nullptr) ucnv_close(source_cnv_);
  if (utf8_cnv_ != nullptr) ucnv_close(utf8_cnv_);
}

StatusOr<bool> Utf8Decoder::Fill() {
  if (raw_eof_) return false;
  size_t old = raw_buf_.size();
  raw_buf_.resize(old + kChunkBytes);
  auto got = raw_->Read(raw_buf_.data() + old, kChunkBytes);
  if (!got.ok()) {
    raw_buf_.resize(old);
    return got.status();
  }
  raw_buf_.resize(old + *got);
  if (*got == 0) raw_eof_ = true;
  return *got != 0;
}

Status Utf8Decoder::Sniff(Mode mode, const std::string& forced_encoding) {
  // Enough bytes for a BOM and an XML declaration.
  while (!raw_eof_ && raw_buf_.size() < 1024) {
    auto more = Fill();
    if (!more.ok()) return more.status();
  }
  const auto* b = reinterpret_cast<const unsigned char*>(raw_buf_.data());
  const size_t n = raw_buf_.size();
  std::string name;
  size_t skip = 0;
  if (!forced_encoding.empty()) {
    name = forced_encoding;
    if (IsUtf8Name(name) && n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) skip = 3;
  } else if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    name = "UTF-8", skip = 3;
  } else if (n >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) {
    name = "UTF-32LE", skip = 4;
  } else if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) {
    name = "UTF-32BE", skip = 4;
  } else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
    name = "UTF-16LE", skip = 2;
  } else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
    name = "UTF-16BE", skip = 2;
  } else if (mode == Mode::kXml && n >= 4 && b[0] == '<' && b[1] == 0 && b[2] == '?' && b[3] == 0) {
    name = "UTF-16LE";
  } else if (mode == Mode::kXml && n >= 4 && b[0] == 0 && b[1] == '<' && b[2] == 0 && b[3] == '?') {
    name = "UTF-16BE";
  } else if (mode == Mode::kXml && n >= 5 && std::memcmp(b, "<?xml", 5) == 0) {
    // encoding="..." in the declaration; ASCII-compatible bytes, so a declared UTF-16 is wrong and ignored.
    std::string_view decl(raw_buf_.data(), n);
    size_t end = decl.find("?>");
    decl = decl.substr(0, end);
    size_t pos = decl.find("encoding");
    if (pos != std::string_view::npos) {
      pos = decl.find_first_of("\"'", pos);
      if (pos != std::string_view::npos) {
        size_t close = decl.find(decl[pos], pos + 1);
        if (close != std::string_view::npos) name = std::string(decl.substr(pos + 1, close - pos - 1));
      }
    }
    if (name.empty() || ucnv_compareNames(name.c_str(), "UTF-16") == 0 ||
        ucnv_compareNames(name.c_str(), "UTF-16LE") == 0 || ucnv_compareNames(name.c_str(), "UTF-16BE") == 0) {
      name = "UTF-8";
    }
  } else {
    name = "UTF-8";
  }
  had_bom_ = skip > 0 && forced_encoding.empty();
  raw_buf_.erase(0, skip);
  if (IsUtf8Name(name)) {
    encoding_ = "UTF-8";
    return Status::OK();
  }
  UErrorCode err = U_ZERO_ERROR;
  source_cnv_ = ucnv_open(name.c_str(), &err);
  if (U_FAILURE(err) || source_cnv_ == nullptr) {
    source_cnv_ = nullptr;
    return Status::InvalidArgument("cannot read '" + raw_->path() + "': unknown encoding '" + name +
                                   "' (ICU ucnv_open: " + u_errorName(err) + ")");
  }
  err = U_ZERO_ERROR;
  utf8_cnv_ = ucnv_open("UTF-8", &err);
  if (U_FAILURE(err)) {
    return Status::Internal(std::string("opening ICU's UTF-8 converter: ") + u_errorName(err));
  }
  err = U_ZERO_ERROR;
  ucnv_setToUCallBack(source_cnv_, MarkInvalid, this, nullptr, nullptr, &err);
  if (U_FAILURE(err)) {
    return Status::Internal(std::string("setting the ICU callback: ") + u_errorName(err));
  }
  encoding_ = name;  // as declared ("windows-1256"), not ICU's internal name ("ibm-9448_X100-2005")
  if (forced_encoding.empty() && ucnv_getMaxCharSize(source_cnv_) == 1) {
    DHAKIRA_RETURN_IF_ERROR(CheckNotUtf8(name));
  }
  pivot_.resize(16 * 1024);
  pivot_source_ = pivot_target_ = pivot_.data();
  return Status::OK();
}

Status Utf8Decoder::CheckNotUtf8(const std::string& declared) {
  // A file declared single-byte is read once more, before anything is decoded, so that nothing of a
  // mislabelled file reaches the TM: its bytes above 0x7F are split into well-formed multi-byte UTF-8
  // sequences and the rest. Real Latin-1 or windows-1256 text almost never forms such sequences (it
  // would need a lead byte such as 0xD8 followed by bytes in 0x80..0xBF), so mostly-valid UTF-8 means
  // the declaration is wrong.
  // A FIFO or a device cannot be read twice: only the bytes read to sniff the encoding are looked at.
  std::unique_ptr<RawFile> raw;
  if (raw_->regular()) {
    DHAKIRA_ASSIGN_OR_RETURN(raw, RawFile::Open(raw_->path()));
  }
  std::string buf = raw == nullptr ? raw_buf_ : std::string();
  uint64_t valid = 0, invalid = 0;
  for (;;) {
    size_t got = 0;
    if (raw != nullptr) {
      const size_t keep = buf.size();
      buf.resize(keep + kChunkBytes);
      DHAKIRA_ASSIGN_OR_RETURN(got, raw->Read(buf.data() + keep, kChunkBytes));
      buf.resize(keep + got);
    }
    const bool at_end = got == 0;
    const auto* s = reinterpret_cast<const uint8_t*>(buf.data());
    const int32_t n = static_cast<int32_t>(buf.size());
    int32_t i = 0;
    while (i < n) {
      if (s[i] < 0x80) {
        ++i;
        continue;
      }
      if (!at_end && s[i] >= 0xC2 && s[i] <= 0xF4 && i + 1 + U8_COUNT_TRAIL_BYTES(s[i]) > n) break;
      UChar32 c;
      U8_NEXT(s, i, n, c);
      ++(c < 0 ? invalid : valid);
    }
    buf.erase(0, static_cast<size_t>(i));
    if (at_end) break;
  }
  if (valid > 0 && invalid * 20 <= valid) {
    return Status::InvalidArgument(
        "cannot read '" + raw_->path() + "': it declares encoding \"" + declared +
        "\" (one byte a character) but holds UTF-8: " + std::to_string(valid) +
        " well-formed multi-byte UTF-8 sequences and " + std::to_string(invalid) +
        " other bytes above 0x7F; decoding it as declared would store mojibake. If the text is UTF-8, "
        "re-run with --encoding utf-8; to read it as declared anyway, give --encoding " +
        declared);
  }
  return Status::OK();
}

Status Utf8Decoder::Transcode(bool flush, std::string* utf8) {
  const char* src = raw_buf_.data();
  const char* src_limit = src + raw_buf_.size();
  char buf[64 * 1024];
  for (;;) {
    char* target = buf;
    UErrorCode err = U_ZERO_ERROR;
    ucnv_convertEx(utf8_cnv_, source_cnv_, &target, buf + sizeof buf, &src, src_limit,
                   reinterpret_cast<UChar*>(pivot_.data()), reinterpret_cast<UChar**>(&pivot_source_),
                   reinterpret_cast<UChar**>(&pivot_target_), reinterpret_cast<UChar*>(pivot_.data() + pivot_.size()),
                   reset_pivot_, flush, &err);
    reset_pivot_ = false;
    utf8->append(buf, static_cast<size_t>(target - buf));
    if (err == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(err)) {
      return Status::Corruption("cannot read '" + raw_->path() + "': transcoding from " + encoding_ +
                                " failed (ICU: " + u_errorName(err) + ")");
    }
    break;
  }
  raw_buf_.erase(0, static_cast<size_t>(src - raw_buf_.data()));
  return Status::OK();
}

void Utf8Decoder::AddIssue(DecodeIssue::Kind kind, uint32_t value, uint64_t offset, uint64_t run) {
  if (kind == DecodeIssue::Kind::kIllegalCodePoint) {
    illegal_code_points_ += run;
  } else {
    invalid_sequences_ += run;
  }
  const uint64_t end = offset + 3 * run;  // each replacement is one U+FFFD, 3 bytes
  // One entry per replacement would let a file of NUL bytes queue one issue per byte (1 GiB → 40 GB):
  // a run of replacements is one entry, and in text mode, where a line is a record, so is everything
  // past kMaxIssuesPerLine on one line. (XML mode merges only runs: a line may hold several units, and
  // each must get its own issues; the TMX reader aggregates per unit.)
  if (!issues_.empty()) {
    DecodeIssue& last = issues_.back();
    if (last.kind == kind && last.end_offset == offset) {
      last.count += run;
      last.end_offset = end;
      return;
    }
    if (mode_ == Mode::kText && issues_line_ == line_ && issues_on_line_ >= kMaxIssuesPerLine) {
      // The line's last entry of this kind (there are two kinds, so this looks at most a few back).
      for (auto it = issues_.rbegin(); it != issues_.rend() && it->line == line_; ++it) {
        if (it->kind != kind) continue;
        it->count += run;
        it->end_offset = end;
        return;
      }
    }
  }
  if (issues_line_ != line_) issues_line_ = line_, issues_on_line_ = 0;
  ++issues_on_line_;
  issues_.push_back(DecodeIssue{kind, offset, line_, column_, value, run, end});
}

namespace {
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
}  // namespace

// One pass over utf8_buf_: runs of clean text are copied as they are, and each other byte goes to the step
// for its kind (line feed, '&', other C0 controls, multi-byte sequence). A step returns where the next one
// starts, or kNeedMoreInput to keep the rest for the next chunk.
void Utf8Decoder::Clean(bool at_end, uint64_t base, std::string* out) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8_buf_.data());
  const int32_t n = static_cast<int32_t>(utf8_buf_.size());
  int32_t i = 0;
  out->reserve(out->size() + static_cast<size_t>(n));
  while (i < n) {
    i = CopyCleanRun(s, i, n, out);
    if (i >= n) break;
    int32_t next = i + 1;
    if (s[i] == '\n') {
      out->push_back('\n');
      ++line_;
      column_ = 1;
    } else if (s[i] == '&') {
      next = CleanReference(s, i, n, at_end, base, out);
    } else if (s[i] < 0x80) {
      next = CleanControl(s, i, n, base, out);
    } else {
      next = CleanMultiByte(s, i, n, at_end, base, out);
    }
    if (next == kNeedMoreInput) break;
    i = next;
  }
  utf8_buf_.erase(0, static_cast<size_t>(i));
}

// Fast path: a run of printable ASCII other than '&', and of 2-byte and common 3-byte sequences that are
// well-formed and XML-legal by construction (leads C2..DF; E1..EC and EE with two continuation bytes).
// Leads E0, ED, EF and 4-byte sequences need the full check (overlongs, surrogates, U+FFFE/U+FFFF).
int32_t Utf8Decoder::CopyCleanRun(const uint8_t* s, int32_t i, int32_t n, std::string* out) {
  int32_t run = i;
  uint64_t chars = 0;
  while (run < n) {
    const uint8_t b = s[run];
    if (b >= 0x20 && b < 0x80 && b != '&') {
      ++run;
    } else if (b >= 0xC2 && b <= 0xDF && run + 1 < n && (s[run + 1] & 0xC0) == 0x80) {
      run += 2;
    } else if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE) && run + 2 < n && (s[run + 1] & 0xC0) == 0x80 &&
               (s[run + 2] & 0xC0) == 0x80) {
      run += 3;
    } else {
      break;
    }
    ++chars;
  }
  out->append(reinterpret_cast<const char*>(s + i), static_cast<size_t>(run - i));
  column_ += chars;
  return run;
}

// '&' at s[i]: numeric references to XML-illegal characters (&#11; &#x0B;) are fatal to expat, so in XML mode
// they are replaced; anything else passes.
int32_t Utf8Decoder::CleanReference(const uint8_t* s, int32_t i, int32_t n, bool at_end, uint64_t base,
                                    std::string* out) {
  if (mode_ == Mode::kXml && i + 1 >= n && !at_end) return kNeedMoreInput;
  if (mode_ == Mode::kXml && i + 1 < n && s[i + 1] == '#') {
    int32_t j = i + 2;
    const bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    uint64_t value = 0;
    int32_t digits = 0;
    while (j < n && digits < 12 && (hex ? std::isxdigit(s[j]) != 0 : (s[j] >= '0' && s[j] <= '9'))) {
      value = value * (hex ? 16 : 10) +
              static_cast<uint64_t>(std::isdigit(s[j]) ? s[j] - '0' : (std::tolower(s[j]) - 'a' + 10));
      ++j, ++digits;
    }
    if (j >= n && !at_end) return kNeedMoreInput;  // the reference continues in the next chunk
    if (j < n && s[j] == ';' && digits > 0 && value <= 0x10FFFF && !IsXmlChar(static_cast<uint32_t>(value))) {
      AddIssue(DecodeIssue::Kind::kIllegalCodePoint, static_cast<uint32_t>(value), base + out->size());
      out->append(kReplacement, 3);
      column_ += static_cast<uint64_t>(j + 1 - i);
      return j + 1;
    }
  }
  out->push_back('&');
  ++column_;
  return i + 1;
}

// A C0 control other than '\n' at s[i]: tab and carriage return pass; the others are XML-illegal and become
// U+FFFD. A run of them (a file of NUL bytes) is one issue entry, added in one step.
int32_t Utf8Decoder::CleanControl(const uint8_t* s, int32_t i, int32_t n, uint64_t base, std::string* out) {
  const uint8_t c = s[i];
  if (c == '\t' || c == '\r') {
    out->push_back(static_cast<char>(c));
    ++column_;
    return i + 1;
  }
  int32_t j = i + 1;
  while (j < n && s[j] < 0x20 && s[j] != '\t' && s[j] != '\n' && s[j] != '\r') ++j;
  const uint64_t run = static_cast<uint64_t>(j - i);
  AddIssue(DecodeIssue::Kind::kIllegalCodePoint, c, base + out->size(), run);
  for (uint64_t k = 0; k < run; ++k) out->append(kReplacement, 3);
  column_ += run;
  return j;
}

// A multi-byte sequence at s[i] (waits for the rest unless at the end): kept when well-formed and
// XML-legal, else one U+FFFD. U+FFFE out of a legacy converter marks an unmappable byte.
int32_t Utf8Decoder::CleanMultiByte(const uint8_t* s, int32_t i, int32_t n, bool at_end, uint64_t base,
                                    std::string* out) {
  const uint8_t lead = s[i];
  if (lead >= 0xC2 && lead <= 0xF4 && i + 1 + U8_COUNT_TRAIL_BYTES(lead) > n && !at_end) {
    return kNeedMoreInput;
  }
  const int32_t start = i;
  UChar32 cp;
  U8_NEXT(s, i, n, cp);
  if (cp < 0) {
    AddIssue(DecodeIssue::Kind::kInvalidSequence, s[start], base + out->size());
    out->append(kReplacement, 3);
  } else if (cp == 0xFFFE && source_cnv_ != nullptr) {
    AddIssue(DecodeIssue::Kind::kInvalidSequence, 0, base + out->size());
    out->append(kReplacement, 3);
  } else if (!IsXmlChar(static_cast<uint32_t>(cp))) {
    AddIssue(DecodeIssue::Kind::kIllegalCodePoint, static_cast<uint32_t>(cp), base + out->size());
    out->append(kReplacement, 3);
  } else {
    out->append(reinterpret_cast<const char*>(s + start), static_cast<size_t>(i - start));
  }
  ++column_;
  return i;
}

StatusOr<bool> Utf8Decoder::Read(std::string* out) {
  if (done_) return false;
  const size_t before = out->size();
  for (;;) {
    if (!raw_eof_ && raw_buf_.size() < kChunkBytes) {
      auto more = Fill();
      if (!more.ok()) return more.status();
    }
    if (source_cnv_ != nullptr) {
      DHAKIRA_RETURN_IF_ERROR(Transcode(raw_eof_, &utf8_buf_));
    } else {
      utf8_buf_.append(raw_buf_);
      raw_buf_.clear();
    }
    const bool at_end = raw_eof_ && raw_buf_.empty();
    const size_t mark = out->size();
    // Output offset of (*out)[k] is out_offset_ + (k - mark); unsigned wrap-around keeps this exact.
    Clean(at_end, out_offset_ - mark, out);
    out_offset_ += out->size() - mark;
    if (at_end) {
      done_ = true;
      return out->size() > before;
    }
    if (out->size() > before) return true;
  }
}

}  // namespace dhakira::io

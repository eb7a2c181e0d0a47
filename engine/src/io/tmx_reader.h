// Streaming TMX reader (TMX 1.1 to 1.4b) on expat, behind the Utf8Decoder pre-stage.
//
// Pull interface: Next() feeds the parser one decoder chunk at a time until a whole <tu> is available, so
// memory stays O(chunk + largest TU) whatever the file size. Security: no DTD or external entity is ever
// loaded (parameter entity parsing off, the external-entity handler loads nothing), expat's billion-laughs
// protection is on, and undeclared entities such as &nbsp; are not fatal: HTML entities are replaced by
// their character, unknown ones kept as literal text, both counted (XML_UseForeignDTD makes expat treat them
// as skipped entities rather than errors).
//
// Inline codes: each bpt/ept/it/ph/ut inside <seg> becomes one placeholder U+E000+i in the text, its whole
// element (with nested <sub>) kept as XML in InlineCode::native. <hi> and a stray top-level <sub> become two
// codes, the start and the end tag, with the text between them kept as text. Foreign markup (XLIFF <g>, <x/>,
// <mrk>, ...) becomes bpt/ept or ph codes whose native content is the escaped foreign tag. A literal
// private-use character becomes a code of element "char" whose native is the character (see
// ProtectPrivateUse), so placeholders stay unambiguous and the character survives export.
//
// Thread safety: none. Not copyable.
#ifndef DHAKIRA_IO_TMX_READER_H_
#define DHAKIRA_IO_TMX_READER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dhakira/segment.h"
#include "dhakira/status.h"
#include "io/input.h"

struct XML_ParserStruct;

namespace dhakira::io {

using Attributes = std::vector<std::pair<std::string, std::string>>;

struct TmxVariant {  // one <tuv>
  uint64_t line = 0, column = 0;
  std::string lang;       // xml:lang (or TMX 1.1 lang) as written; "" when missing
  Attributes attributes;  // every other attribute, in document order
  Attributes properties;  // <prop type="...">value</prop>
  std::vector<std::string> notes;
  std::string text;  // <seg> content, inline codes as placeholders (cut at TmxLimits::max_segment_bytes)
  std::vector<InlineCode> codes;
  int segs = 0;             // number of <seg> elements seen (1 when valid)
  uint64_t text_bytes = 0;  // bytes of <seg> text seen, kept or not
  bool cut = false;         // the text went over max_segment_bytes and stopped growing
};

struct TmxUnit {                  // one <tu>
  uint64_t line = 0, column = 0;  // of the <tu> start tag (1-based)
  Attributes attributes;
  Attributes properties;
  std::vector<std::string> notes;
  std::vector<TmxVariant> variants;
  // Why this unit cannot be imported as read; empty when it is fine. The first problem is the reject reason.
  struct Problem {
    std::string reason;   // ImportIssue reason: "invalid-encoding", "private-use", "malformed-tu"
    std::string message;  // English detail, with line and column where known
  };
  std::vector<Problem> problems;
  // Decoder replacements of XML-illegal code points inside the unit (already replaced: warnings); at most
  // kMaxIssuesPerUnit entries, further ones counted into the last (DecodeIssue::count).
  std::vector<DecodeIssue> replaced;
};

// Caps on one <tu>, checked as it is read (see ImportOptions): past one, the unit gets a problem and the
// rest of what it holds is parsed but not kept.
struct TmxLimits {
  size_t max_segment_bytes = 64 * 1024;  // <seg> text, placeholders included
  size_t max_field_bytes = 64 * 1024;    // an inline code element, a <prop>/<note> value, an attribute
  size_t max_record_bytes = 4u << 20;    // everything the unit holds
};

struct TmxStats {
  uint64_t entities_replaced = 0;  // &nbsp; and other HTML entities replaced by their character
  uint64_t entities_kept = 0;      // unknown entities kept as literal "&name;"
  uint64_t external_entities_skipped = 0;
  uint64_t foreign_elements = 0;  // non-TMX elements inside <seg> turned into inline codes
};

class TmxReader {
 public:
  // Reads the file at `path` (gzip allowed). `forced_encoding` as Utf8Decoder::Open.
  // expat's own memory (its buffer must hold the largest tag) is capped at 2 * max_record_bytes + 16 MiB:
  // past it, Next() fails with Corruption naming the position.
  static StatusOr<std::unique_ptr<TmxReader>> Open(const std::string& path, const std::string& forced_encoding = "",
                                                   const TmxLimits& limits = TmxLimits());
  ~TmxReader();
  TmxReader(const TmxReader&) = delete;
  TmxReader& operator=(const TmxReader&) = delete;

  // The next <tu> in *unit: true, or false at the end of the document. Corruption (with file, line, column and
  // expat's message) when the file is not well-formed XML, is truncated, or is not TMX; the units before the
  // damage are all returned first.
  StatusOr<bool> Next(TmxUnit* unit);

  const Attributes& header() const { return header_; }     // <header> attributes (after the first Next)
  const std::string& version() const { return version_; }  // <tmx version>
  const TmxStats& stats() const { return stats_; }
  Utf8Decoder& decoder() { return *decoder_; }
  // Decoder replacements outside any <tu> (header, between units): warnings, taken by the caller.
  std::vector<DecodeIssue>& stray_issues() { return stray_issues_; }

  // Expat callbacks (public for the C trampolines only).
  void OnStart(const char* name, const char** attrs);
  void OnEnd(const char* name);
  void OnText(const char* s, int len);
  void OnSkippedEntity(const char* name);
  void OnExternalEntity() { ++stats_.external_entities_skipped; }

  // Problems (and issue entries) kept per unit; more are counted only.
  static constexpr size_t kMaxProblemsPerUnit = 8;
  static constexpr size_t kMaxIssuesPerUnit = 10;
  // Elements open at once inside one <tu> (TMX needs a handful): deeper is a malformed unit.
  static constexpr int kMaxUnitDepth = 64;

  // What expat has allocated, against its cap (see Open); shared with the allocator functions.
  struct ExpatBudget {
    size_t used = 0;
    size_t limit = 0;
    bool exhausted = false;
  };

 private:
  TmxReader() = default;
  Status Fail(const std::string& what);
  // Moves the decoder's issues before `unit_end` into the unit (those before unit_begin are stray).
  void TakeIssues(uint64_t unit_begin, uint64_t unit_end);
  void AddProblem(std::string reason, std::string message);
  // Counts n more bytes into the unit; false (after recording record-too-long once) past the cap.
  bool Charge(size_t n);
  std::string Here() const;  // "line L, column C" of the current parse position
  // Records field-too-long once when the inline code being read has grown over max_field_bytes.
  void CheckCodeSize();
  // False (after recording why) when an attribute of a <tu>/<tuv> is not to be kept: over
  // max_field_bytes, or the unit is full.
  bool KeepAttribute(const char* name, const char* value);
  void AddText(const char* s, size_t len);
  void OpenCode(const std::string& element, const std::string& tag);
  TmxVariant* variant() { return unit_.variants.empty() ? nullptr : &unit_.variants.back(); }
  // The value of attribute `key` in expat's null-terminated name/value list, or nullptr.
  static const char* FindAttribute(const char** attrs, const char* key);
  // The steps of OnStart and OnEnd, one per kind of element (tmx_reader.cc says which is which).
  void OnRootStart(const char* name, const char** attrs);
  void OnInlineStart(const char* name, const char** attrs);
  void OnTuStart(const char** attrs);
  void OnTuvStart(const char** attrs);
  void OnSegStart();
  void OnInlineEnd(const char* name);
  void SettleForeignElement(const char* name, size_t start_index, size_t text_size_at_start);
  void OnFieldEnd();
  void OnTuEnd();

  std::unique_ptr<Utf8Decoder> decoder_;
  TmxLimits limits_;
  ExpatBudget budget_;
  XML_ParserStruct* parser_ = nullptr;
  std::string path_;
  std::string chunk_;
  std::deque<TmxUnit> ready_;
  Status pending_error_;
  bool finished_ = false;

  // Parse state.
  enum class In : uint8_t { kNone, kProp, kNote, kSeg };
  In in_ = In::kNone;
  bool seen_root_ = false;
  bool in_tu_ = false;
  bool in_tuv_ = false;
  uint64_t unit_begin_ = 0;
  uint64_t event_end_ = 0;             // decoder output offset just past the last parse event
  uint64_t unit_bytes_ = 0;            // Charge()d into unit_
  bool unit_full_ = false;             // unit_ went over max_record_bytes: nothing more is kept
  bool field_full_ = false;            // the prop/note or inline code being read went over max_field_bytes
  int unit_depth_ = 0;                 // elements open inside the current <tu>
  size_t invalid_problem_ = SIZE_MAX;  // index of the unit's invalid-encoding problem
  uint64_t invalid_count_ = 0;         // invalid sequences replaced inside the unit
  TmxUnit unit_;
  std::string prop_type_;
  std::string prop_value_;
  int code_depth_ = 0;  // > 0 while inside a bpt/ept/it/ph/ut element
  std::string code_native_;
  std::string code_element_;
  std::vector<std::string> open_tags_;   // hi/sub/foreign elements open at code depth 0: their names
  std::vector<size_t> open_code_index_;  // ... and the index of their start code
  std::vector<size_t> open_text_size_;   // ... and the text size at their start
  int next_foreign_i_ = 0;
  bool too_many_reported_ = false;
  int skip_depth_ = 0;  // > 0 inside elements we ignore (ude, map, unknown elements outside seg)
  Attributes header_;
  std::string version_;
  TmxStats stats_;
  std::vector<DecodeIssue> stray_issues_;
};

// Appends `text` to *out with every literal private-use character (U+E000..U+F8FF: symbol-font glyphs, the
// Apple logo) turned into an inline code {"char", the character} and its placeholder, since that range carries
// placeholders. false (nothing more appended) when the segment would exceed kMaxInlineCodes.
bool ProtectPrivateUse(std::string_view text, std::string* out, std::vector<InlineCode>* codes);

// Parses a TMX date: "YYYYMMDDThhmmssZ" (TMX 1.4) or "YYYY-MM-DDThh:mm:ssZ" into Unix seconds UTC.
// InvalidArgument naming the value otherwise.
StatusOr<int64_t> ParseTmxDate(std::string_view value);
// Formats Unix seconds UTC as "YYYYMMDDThhmmssZ".
std::string FormatTmxDate(int64_t unix_seconds);

// XML escaping for text content (& < >) and attribute values (also " and TAB/LF/CR as references).
void AppendXmlText(std::string_view text, std::string* out);
void AppendXmlAttribute(std::string_view value, std::string* out);

}  // namespace dhakira::io

#endif  // DHAKIRA_IO_TMX_READER_H_

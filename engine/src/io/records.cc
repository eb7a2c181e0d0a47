#include "io/records.h"

#include <charconv>
#include <unordered_map>

#include "dhakira/text.h"
#include "io/line_reader.h"
#include "io/tmx_reader.h"
#include "io/tmx_writer.h"

namespace dhakira::io {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Primary(std::string_view tag) { return tag.substr(0, tag.find('-')); }

ImportIssue Warning(const std::string& file, const DecodeIssue& issue) {
  return ImportIssue{file, issue.line, issue.column, "illegal-char-replaced", issue.Describe(), ""};
}

// Raw language values → canonical BCP 47 ("" when invalid), cached: files repeat a handful of values.
class LanguageCache {
 public:
  const std::string& Get(const std::string& raw) {
    auto it = cache_.find(raw);
    if (it != cache_.end()) return it->second;
    auto canonical = CanonicalLanguage(raw);
    return cache_.emplace(raw, canonical.ok() ? *canonical : std::string()).first->second;
  }

 private:
  std::unordered_map<std::string, std::string> cache_;
};

// 2: same tag; 1: same primary language and the request names no region/script; 0: no match.
int MatchQuality(const std::string& requested, const std::string& tag) {
  if (tag.empty()) return 0;
  if (tag == requested) return 2;
  if (requested.find('-') == std::string::npos && Primary(tag) == requested) return 1;
  return 0;
}

bool ParseUint(std::string_view s, uint64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// A date from TMX or TSV: TMX form or Unix seconds.
bool ParseDate(std::string_view s, int64_t* out) {
  uint64_t secs = 0;
  if (ParseUint(s, &secs)) {
    *out = static_cast<int64_t>(secs);
    return true;
  }
  auto parsed = ParseTmxDate(s);
  if (!parsed.ok()) return false;
  *out = *parsed;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
class TmxSource : public RecordSource {
 public:
  TmxSource(std::unique_ptr<TmxReader> reader, std::string path, std::string src, std::string tgt)
      : reader_(std::move(reader)), path_(std::move(path)), src_(std::move(src)), tgt_(std::move(tgt)) {}

  StatusOr<bool> Next(Record* record) override {
    TmxUnit unit;
    DHAKIRA_ASSIGN_OR_RETURN(bool more, reader_->Next(&unit));
    if (!more) return false;
    if (!src_resolved_) {
      DHAKIRA_RETURN_IF_ERROR(ResolveSource());
    }
    *record = Record();
    record->file = path_;
    record->line = unit.line;
    record->column = unit.column;
    for (const DecodeIssue& issue : unit.replaced) record->warnings.push_back(Warning(path_, issue));
    Convert(unit, record);
    return true;
  }
  uint64_t bytes_read() const override { return reader_->decoder().raw().consumed_bytes(); }
  uint64_t bytes_total() const override { return reader_->decoder().raw().file_bytes(); }
  std::string encoding() const override { return reader_->decoder().encoding(); }
  uint64_t illegal_chars_replaced() const override { return reader_->decoder().illegal_code_points(); }
  uint64_t entities_replaced() const override { return reader_->stats().entities_replaced; }
  std::vector<ImportIssue> TakeOtherWarnings() override {
    std::vector<ImportIssue> out;
    for (const DecodeIssue& issue : reader_->stray_issues()) out.push_back(Warning(path_, issue));
    reader_->stray_issues().clear();
    return out;
  }

 private:
  Status ResolveSource() {
    src_resolved_ = true;
    if (!src_.empty()) return Status::OK();
    for (const auto& [name, value] : reader_->header()) {
      if (name != "srclang") continue;
      if (value == "*all*") break;
      const std::string& canonical = languages_.Get(value);
      if (canonical.empty()) {
        return Status::InvalidArgument("'" + path_ + "': the header's srclang=\"" + value +
                                       "\" is not a language; give the source language explicitly");
      }
      src_ = canonical;
      return Status::OK();
    }
    return Status::InvalidArgument("'" + path_ +
                                   "': the header names no single source language (srclang is missing or "
                                   "*all*); give the source language explicitly");
  }

  // Index of the best <tuv> for `requested` other than `exclude`, or -1.
  int Pick(const TmxUnit& unit, const std::string& requested, int exclude, Record* record) {
    int best = -1, best_quality = 0, ties = 0;
    for (int i = 0; i < static_cast<int>(unit.variants.size()); ++i) {
      if (i == exclude) continue;
      const int q = MatchQuality(requested, languages_.Get(unit.variants[i].lang));
      if (q > best_quality) {
        best = i, best_quality = q, ties = 0;
      } else if (q == best_quality && q > 0) {
        ++ties;
      }
    }
    if (best >= 0 && ties > 0) {
      record->warnings.push_back(ImportIssue{path_, unit.line, unit.column, "duplicate-language",
                                             "more than one <tuv> in language '" + requested + "': the first was taken",
                                             ""});
    }
    return best;
  }

  std::string LanguagesOf(const TmxUnit& unit) {
    std::string list;
    for (const TmxVariant& v : unit.variants) {
      if (!list.empty()) list += ", ";
      list += v.lang.empty() ? "(none)" : v.lang;
    }
    return list.empty() ? "no <tuv> at all" : "the TU has " + list;
  }

  void Reject(Record* record, std::string reason, std::string message) {
    if (!record->reject_reason.empty()) return;
    record->reject_reason = std::move(reason);
    record->reject_message = std::move(message);
  }

  // The TU's source and target <tuv>s become a SegmentPair with all their metadata; any problem rejects the
  // record (the first reason is kept).
  void Convert(TmxUnit& unit, Record* record) {
    if (!unit.problems.empty()) {
      Reject(record, unit.problems.front().reason, unit.problems.front().message);
    }
    const int src_index = Pick(unit, src_, -1, record);
    const int tgt_index =
        !tgt_.empty() ? Pick(unit, tgt_, src_index, record) : PickOnlyOtherLanguage(unit, src_index, record);
    if (src_index < 0) {
      Reject(record, "missing-source", "no <tuv> in the source language '" + src_ + "' (" + LanguagesOf(unit) + ")");
    }
    if (tgt_index < 0) {
      Reject(record, "missing-target",
             "no <tuv> in the target language '" + (tgt_.empty() ? std::string("(any other)") : tgt_) + "' (" +
                 LanguagesOf(unit) + ")");
    }
    if (src_index < 0 || tgt_index < 0) return;
    TmxVariant& src_variant = unit.variants[src_index];
    TmxVariant& tgt_variant = unit.variants[tgt_index];
    for (const TmxVariant* v : {&src_variant, &tgt_variant}) {
      if (v->segs == 0) {
        Reject(record, "missing-seg",
               "the <tuv xml:lang=\"" + v->lang + "\"> at line " + std::to_string(v->line) + " has no <seg>");
      }
    }
    SegmentPair& p = record->pair;
    p.src_lang = languages_.Get(src_variant.lang);
    p.tgt_lang = languages_.Get(tgt_variant.lang);
    p.source = std::move(src_variant.text);
    p.target = std::move(tgt_variant.text);
    p.source_codes = std::move(src_variant.codes);
    p.target_codes = std::move(tgt_variant.codes);
    TakeUnitAttributes(unit, record);
    TakeUnitNotesAndProperties(unit, &p);
    TakeVariantMetadata(src_variant, "src", &p);
    TakeVariantMetadata(tgt_variant, "tgt", &p);
  }

  // No target language given: the single language of the TU other than the source's (-1 when there is
  // none; ambiguous-target when there are several).
  int PickOnlyOtherLanguage(const TmxUnit& unit, int src_index, Record* record) {
    if (src_index < 0) return -1;
    int found = -1;
    std::string other;
    for (int i = 0; i < static_cast<int>(unit.variants.size()); ++i) {
      const std::string& lang = languages_.Get(unit.variants[i].lang);
      if (i == src_index || lang.empty() || lang == languages_.Get(unit.variants[src_index].lang)) continue;
      if (found < 0) {
        found = i, other = lang;
      } else if (lang != other) {
        Reject(record, "ambiguous-target",
               "no target language given and the TU has several (" + other + ", " + lang + ")");
        break;
      }
    }
    return found;
  }

  // TU attributes: dates and users to fields, the rest kept as "tmx:<attr>" properties.
  void TakeUnitAttributes(const TmxUnit& unit, Record* record) {
    SegmentPair& p = record->pair;
    auto take_date = [&](const std::string& name, const std::string& value, int64_t* field) {
      if (ParseDate(value, field)) return true;
      record->warnings.push_back(ImportIssue{path_, unit.line, unit.column, "bad-date",
                                             name + "=\"" + value + "\" is not a TMX date: kept as text", ""});
      return false;
    };
    for (const auto& [name, value] : unit.attributes) {
      if (name == "creationdate" && p.created_at == 0 && take_date(name, value, &p.created_at)) continue;
      if (name == "changedate" && p.changed_at == 0 && take_date(name, value, &p.changed_at)) continue;
      if (name == "creationid" && p.created_by.empty()) {
        p.created_by = value;
        continue;
      }
      if (name == "changeid" && p.changed_by.empty()) {
        p.changed_by = value;
        continue;
      }
      p.properties.emplace_back("tmx:" + name, value);
    }
  }

  // The first TU note is the pair's note, the others properties; our x- props fill their fields.
  static void TakeUnitNotesAndProperties(const TmxUnit& unit, SegmentPair* pair) {
    SegmentPair& p = *pair;
    for (size_t i = 0; i < unit.notes.size(); ++i) {
      if (i == 0) {
        p.note = unit.notes[0];
      } else {
        p.properties.emplace_back("tmx:note", unit.notes[i]);
      }
    }
    for (const auto& [type, value] : unit.properties) {
      uint64_t number = 0;
      if (type == kPropOrigin) {
        p.origin = value;
      } else if (type == kPropDoc) {
        p.doc_id = value;
      } else if (type == kPropDocPosition && ParseUint(value, &number)) {
        p.doc_position = static_cast<uint32_t>(number);
      } else if (type == kPropPrevHash && ParseUint(value, &number)) {
        p.prev_hash = number;
      } else if (type == kPropNextHash && ParseUint(value, &number)) {
        p.next_hash = number;
      } else {
        p.properties.emplace_back(type, value);
      }
    }
  }

  // <tuv> metadata: dates/users fill what the TU left empty; the rest is kept per side ("src"/"tgt").
  static void TakeVariantMetadata(const TmxVariant& variant, const std::string& side, SegmentPair* pair) {
    SegmentPair& p = *pair;
    for (const auto& [name, value] : variant.attributes) {
      int64_t date = 0;
      if (name == "creationdate" && p.created_at == 0 && ParseDate(value, &date)) {
        p.created_at = date;
      } else if (name == "changedate" && p.changed_at == 0 && ParseDate(value, &date)) {
        p.changed_at = date;
      } else if (name == "creationid" && p.created_by.empty()) {
        p.created_by = value;
      } else if (name == "changeid" && p.changed_by.empty()) {
        p.changed_by = value;
      } else {
        p.properties.emplace_back("tmx:" + side + ":" + name, value);
      }
    }
    for (const auto& [type, value] : variant.properties) {
      p.properties.emplace_back("tmx:" + side + "-prop:" + type, value);
    }
    for (const std::string& note : variant.notes) p.properties.emplace_back("tmx:" + side + "-note", note);
  }

  std::unique_ptr<TmxReader> reader_;
  std::string path_;
  std::string src_, tgt_;
  bool src_resolved_ = false;
  LanguageCache languages_;
};

// ---------------------------------------------------------------------------------------------------------
// Line-based sources share the handling of decoder issues on a line.
bool TakeLineIssues(const LineReader& reader, const std::string& path, Record* record) {
  bool invalid = false;
  for (const DecodeIssue& issue : reader.line_issues()) {
    if (issue.kind == DecodeIssue::Kind::kInvalidSequence) {
      if (!invalid) {
        record->reject_reason = "invalid-encoding";
        record->reject_message = "column " + std::to_string(issue.column) + ": " + issue.Describe();
        record->column = issue.column;
      }
      invalid = true;
    } else {
      record->warnings.push_back(Warning(path, issue));
    }
  }
  return !invalid;
}

// Segment text from a line: literal private-use characters become "char" codes (see ProtectPrivateUse).
void SetText(std::string_view value, std::string* text, std::vector<InlineCode>* codes, Record* record) {
  text->clear();
  codes->clear();
  if (!ProtectPrivateUse(value, text, codes) && record->reject_reason.empty()) {
    record->reject_reason = "malformed-line";
    record->reject_message = "more than " + std::to_string(kMaxInlineCodes) + " private-use characters";
    *text = std::string(value);
  }
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[i + 1];
      if (c == 't' || c == 'n' || c == 'r' || c == '\\') {
        out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : '\\';
        ++i;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

class TsvSource : public RecordSource {
 public:
  enum class Column {
    kSource,
    kTarget,
    kOrigin,
    kDoc,
    kDocPosition,
    kNote,
    kCreatedBy,
    kChangedBy,
    kCreatedAt,
    kChangedAt,
    kProperty
  };

  TsvSource(std::unique_ptr<LineReader> reader, std::string path, std::string src, std::string tgt,
            const ImportOptions& options)
      : reader_(std::move(reader)),
        path_(std::move(path)),
        src_(std::move(src)),
        tgt_(std::move(tgt)),
        unescape_(options.tsv_unescape),
        max_field_bytes_(options.max_field_bytes),
        record_cap_(RecordCap(options)) {}

  StatusOr<bool> Next(Record* record) override {
    std::string_view line;
    DHAKIRA_ASSIGN_OR_RETURN(bool more, NextDataLine(&line));
    if (!more) return false;
    *record = Record();
    record->file = path_;
    record->line = reader_->line_number();
    if (reader_->overlong()) {
      record->reject_reason = "record-too-long";
      record->reject_message = OverlongMessage(reader_->line_bytes(), record_cap_);
      record->pair.source = std::string(line.substr(0, line.find('\t')));
      return true;
    }
    if (!TakeLineIssues(*reader_, path_, record)) return true;
    SplitFields(line);
    if (fields_.size() < 2) {
      record->reject_reason = "malformed-line";
      record->reject_message = "one column only: a TSV line is source<TAB>target";
      record->pair.source = std::string(line);
      return true;
    }
    record->pair.src_lang = src_;
    record->pair.tgt_lang = tgt_;
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Column column = i < columns_.size() ? columns_[i]
                            : i == 0            ? Column::kSource
                            : i == 1            ? Column::kTarget
                                                : Column::kProperty;
      if (column != Column::kSource && column != Column::kTarget && fields_[i].size() > max_field_bytes_) {
        RejectLongField(i, record);
        return true;
      }
      SetField(i, column, unescape_ ? Unescape(fields_[i]) : std::string(fields_[i]), record);
    }
    return true;
  }
  uint64_t bytes_read() const override { return reader_->decoder().raw().consumed_bytes(); }
  uint64_t bytes_total() const override { return reader_->decoder().raw().file_bytes(); }
  std::string encoding() const override { return reader_->decoder().encoding(); }
  uint64_t illegal_chars_replaced() const override { return reader_->decoder().illegal_code_points(); }
  std::string EmptyInput() const override { return reader_->decoder().output_bytes() == 0 ? path_ : std::string(); }

 private:
  // The next line that is a record: the header (first line only) and blank lines are not. false at the end.
  StatusOr<bool> NextDataLine(std::string_view* line) {
    for (;;) {
      DHAKIRA_ASSIGN_OR_RETURN(bool more, reader_->Next(line));
      if (!more) return false;
      if (reader_->line_number() == 1 && IsHeader(*line)) continue;
      if (!line->empty()) return true;
    }
  }

  void SplitFields(std::string_view line) {
    fields_.clear();
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      fields_.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
  }

  void RejectLongField(size_t i, Record* record) {
    record->reject_reason = "field-too-long";
    record->reject_message = "column " + std::to_string(i + 1) +
                             (i < names_.size() ? " (" + names_[i] + ")" : std::string()) + " is " +
                             std::to_string(fields_[i].size()) + " bytes long, over the limit of " +
                             std::to_string(max_field_bytes_) + " (max_field_bytes)";
    record->pair.source = std::string(fields_[0]);
  }

  // Column i's value into its field of the pair; values that do not parse are kept as properties.
  void SetField(size_t i, Column column, std::string value, Record* record) {
    SegmentPair& p = record->pair;
    uint64_t number = 0;
    switch (column) {
      case Column::kSource:
        SetText(value, &p.source, &p.source_codes, record);
        break;
      case Column::kTarget:
        SetText(value, &p.target, &p.target_codes, record);
        break;
      case Column::kOrigin:
        p.origin = std::move(value);
        break;
      case Column::kDoc:
        p.doc_id = std::move(value);
        break;
      case Column::kDocPosition:
        if (ParseUint(value, &number)) {
          p.doc_position = static_cast<uint32_t>(number);
        } else if (!value.empty()) {
          p.properties.emplace_back(names_[i], std::move(value));
        }
        break;
      case Column::kNote:
        p.note = std::move(value);
        break;
      case Column::kCreatedBy:
        p.created_by = std::move(value);
        break;
      case Column::kChangedBy:
        p.changed_by = std::move(value);
        break;
      case Column::kCreatedAt:
      case Column::kChangedAt:
        if (!value.empty() && !ParseDate(value, column == Column::kCreatedAt ? &p.created_at : &p.changed_at)) {
          record->warnings.push_back(
              ImportIssue{path_, record->line, 0, "bad-date", "'" + value + "' is not a date: kept as a property", ""});
          p.properties.emplace_back(names_[i], std::move(value));
        }
        break;
      case Column::kProperty:
        if (!value.empty()) {
          p.properties.emplace_back(i < names_.size() ? names_[i] : "column" + std::to_string(i + 1), std::move(value));
        }
        break;
    }
  }

  // The first line is a header when its first two fields name the source and target columns.
  bool IsHeader(std::string_view line) {
    std::vector<std::string> names;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      names.emplace_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (names.size() < 2) return false;
    auto is = [&](const std::string& name, std::initializer_list<const char*> words, const std::string& lang) {
      const std::string lower = Lower(name);
      for (const char* w : words) {
        if (lower == w) return true;
      }
      auto canonical = CanonicalLanguage(name);
      return canonical.ok() && *canonical == lang;
    };
    if (!is(names[0], {"source", "src"}, src_) || !is(names[1], {"target", "tgt"}, tgt_)) return false;
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string lower = Lower(names[i]);
      Column c = Column::kProperty;
      if (i == 0)
        c = Column::kSource;
      else if (i == 1)
        c = Column::kTarget;
      else if (lower == "origin")
        c = Column::kOrigin;
      else if (lower == "doc" || lower == "doc_id" || lower == "document")
        c = Column::kDoc;
      else if (lower == "doc_position" || lower == "position")
        c = Column::kDocPosition;
      else if (lower == "note")
        c = Column::kNote;
      else if (lower == "created_by" || lower == "creationid")
        c = Column::kCreatedBy;
      else if (lower == "changed_by" || lower == "changeid")
        c = Column::kChangedBy;
      else if (lower == "created_at" || lower == "creationdate")
        c = Column::kCreatedAt;
      else if (lower == "changed_at" || lower == "changedate")
        c = Column::kChangedAt;
      columns_.push_back(c);
    }
    names_ = std::move(names);
    return true;
  }

  std::unique_ptr<LineReader> reader_;
  std::string path_;
  std::string src_, tgt_;
  bool unescape_;
  size_t max_field_bytes_;
  size_t record_cap_;
  std::vector<Column> columns_;
  std::vector<std::string> names_;
  std::vector<std::string_view> fields_;
};

// ---------------------------------------------------------------------------------------------------------
class ParallelSource : public RecordSource {
 public:
  ParallelSource(std::unique_ptr<LineReader> src_reader, std::unique_ptr<LineReader> tgt_reader, std::string src_path,
                 std::string tgt_path, std::string src, std::string tgt, size_t record_cap)
      : src_reader_(std::move(src_reader)),
        tgt_reader_(std::move(tgt_reader)),
        src_path_(std::move(src_path)),
        tgt_path_(std::move(tgt_path)),
        src_(std::move(src)),
        tgt_(std::move(tgt)),
        record_cap_(record_cap) {}

  StatusOr<bool> Next(Record* record) override {
    std::string_view src_line, tgt_line;
    DHAKIRA_ASSIGN_OR_RETURN(bool more_src, src_reader_->Next(&src_line));
    DHAKIRA_ASSIGN_OR_RETURN(bool more_tgt, tgt_reader_->Next(&tgt_line));
    if (more_src != more_tgt) {
      // Counted equal before the import; the files changed under us.
      return Status::Corruption("'" + (more_src ? tgt_path_ : src_path_) +
                                "' ended early: the files changed while being imported");
    }
    if (!more_src) return false;
    *record = Record();
    record->line = src_reader_->line_number();
    record->file = src_path_;
    if (TakeLineIssues(*src_reader_, src_path_, record)) {
      record->file = tgt_path_;
      TakeLineIssues(*tgt_reader_, tgt_path_, record);
      if (record->reject_reason.empty()) record->file = src_path_;
    }
    for (const LineReader* reader : {src_reader_.get(), tgt_reader_.get()}) {
      if (!reader->overlong() || !record->reject_reason.empty()) continue;
      record->file = reader == src_reader_.get() ? src_path_ : tgt_path_;
      record->column = 0;
      record->reject_reason = "record-too-long";
      record->reject_message = OverlongMessage(reader->line_bytes(), record_cap_);
    }
    record->pair.src_lang = src_;
    record->pair.tgt_lang = tgt_;
    SetText(src_line, &record->pair.source, &record->pair.source_codes, record);
    SetText(tgt_line, &record->pair.target, &record->pair.target_codes, record);
    return true;
  }
  uint64_t bytes_read() const override {
    return src_reader_->decoder().raw().consumed_bytes() + tgt_reader_->decoder().raw().consumed_bytes();
  }
  uint64_t bytes_total() const override {
    return src_reader_->decoder().raw().file_bytes() + tgt_reader_->decoder().raw().file_bytes();
  }
  std::string encoding() const override { return src_reader_->decoder().encoding(); }
  uint64_t illegal_chars_replaced() const override {
    return src_reader_->decoder().illegal_code_points() + tgt_reader_->decoder().illegal_code_points();
  }
  std::string EmptyInput() const override {
    if (src_reader_->decoder().output_bytes() == 0) return src_path_;
    if (tgt_reader_->decoder().output_bytes() == 0) return tgt_path_;
    return "";
  }

 private:
  std::unique_ptr<LineReader> src_reader_, tgt_reader_;
  std::string src_path_, tgt_path_;
  std::string src_, tgt_;
  size_t record_cap_;
};

}  // namespace

std::string OverlongMessage(uint64_t bytes, size_t cap) {
  return "the line is " + std::to_string(bytes) + " bytes long (in UTF-8), over the limit of " + std::to_string(cap) +
         " (max_record_bytes); skipped without being read into memory";
}

StatusOr<std::unique_ptr<RecordSource>> OpenTmxSource(const std::string& path, const std::string& src_lang,
                                                      const std::string& tgt_lang, const ImportOptions& options) {
  TmxLimits limits;
  limits.max_segment_bytes = options.max_segment_bytes;
  limits.max_field_bytes = options.max_field_bytes;
  limits.max_record_bytes = RecordCap(options);
  DHAKIRA_ASSIGN_OR_RETURN(auto reader, TmxReader::Open(path, options.encoding, limits));
  return std::unique_ptr<RecordSource>(new TmxSource(std::move(reader), path, src_lang, tgt_lang));
}

StatusOr<std::unique_ptr<RecordSource>> OpenTsvSource(const std::string& path, const std::string& src_lang,
                                                      const std::string& tgt_lang, const ImportOptions& options) {
  DHAKIRA_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path, options.encoding, RecordCap(options)));
  return std::unique_ptr<RecordSource>(new TsvSource(std::move(reader), path, src_lang, tgt_lang, options));
}

StatusOr<std::unique_ptr<RecordSource>> OpenParallelSource(const std::string& path, const std::string& src_lang,
                                                           const std::string& tgt_lang, const ImportOptions& options) {
  const size_t cap = RecordCap(options);
  DHAKIRA_ASSIGN_OR_RETURN(uint64_t src_lines, CountLines(path, options.encoding, cap));
  DHAKIRA_ASSIGN_OR_RETURN(uint64_t tgt_lines, CountLines(options.target_file, options.encoding, cap));
  if (src_lines != tgt_lines) {
    return Status::InvalidArgument("line-parallel files differ in length: '" + path + "' has " +
                                   std::to_string(src_lines) + " lines, '" + options.target_file + "' has " +
                                   std::to_string(tgt_lines) + "; nothing was imported");
  }
  DHAKIRA_ASSIGN_OR_RETURN(auto src_reader, LineReader::Open(path, options.encoding, cap));
  DHAKIRA_ASSIGN_OR_RETURN(auto tgt_reader, LineReader::Open(options.target_file, options.encoding, cap));
  return std::unique_ptr<RecordSource>(new ParallelSource(std::move(src_reader), std::move(tgt_reader), path,
                                                          options.target_file, src_lang, tgt_lang, cap));
}

}  // namespace dhakira::io

#include "align/editorial_patterns.h"

#include <unicode/utypes.h>

#include <fstream>
#include <map>
#include <sstream>

namespace dhakira::align {
namespace {

// ICU's limit on one match, in steps of its match engine (each on the order of a millisecond, per
// the RegexMatcher::setTimeLimit documentation). The built-in patterns take far less on any line.
constexpr int32_t kMatchTimeLimit = 20;

// The kinds a patterns file may name, by EditorialKindName (kNone is not one of them).
bool KindFromName(std::string_view name, EditorialKind* kind) {
  for (size_t k = 1; k < kEditorialKindCount; ++k) {
    const auto candidate = static_cast<EditorialKind>(k);
    if (name == EditorialKindName(candidate)) {
      *kind = candidate;
      return true;
    }
  }
  return false;
}

bool WhereFromName(std::string_view name, EditorialWhere* where) {
  if (name == "head")
    *where = EditorialWhere::kHead;
  else if (name == "tail")
    *where = EditorialWhere::kTail;
  else if (name == "either")
    *where = EditorialWhere::kEither;
  else
    return false;
  return true;
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> columns;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    columns.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return columns;
    start = tab + 1;
  }
}

// Replaces every {{NAME}} by (?:fragment); the fragments were expanded when defined.
StatusOr<std::string> Expand(const std::string& regex, const std::map<std::string, std::string>& fragments) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = regex.find("{{", pos);
    if (open == std::string::npos) break;
    const size_t close = regex.find("}}", open + 2);
    if (close == std::string::npos) return Status::InvalidArgument("'{{' without '}}'");
    const std::string name = regex.substr(open + 2, close - open - 2);
    auto it = fragments.find(name);
    if (it == fragments.end()) return Status::InvalidArgument("undefined fragment {{" + name + "}}");
    out += regex.substr(pos, open - pos) + "(?:" + it->second + ")";
    pos = close + 2;
  }
  return out + regex.substr(pos);
}

StatusOr<std::shared_ptr<const icu::RegexPattern>> Compile(const std::string& regex) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  std::shared_ptr<const icu::RegexPattern> pattern(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(regex), UREGEX_CASE_INSENSITIVE, where, status));
  if (U_FAILURE(status))
    return Status::InvalidArgument(std::string(u_errorName(status)) + " at offset " + std::to_string(where.offset) +
                                   " of the expanded regex " + regex);
  return pattern;
}

// Reads one non-comment line into `fragments` or `patterns`.
Status ParseLine(const std::string& line, std::map<std::string, std::string>* fragments,
                 std::vector<std::pair<EditorialKind, EditorialWhere>>* places,
                 std::vector<std::shared_ptr<const icu::RegexPattern>>* regexes) {
  std::vector<std::string> columns = SplitTabs(line);
  if (columns.size() < 3 || columns[2].empty())
    return Status::InvalidArgument("expected kind, where and regex separated by TABs");
  DHAKIRA_ASSIGN_OR_RETURN(std::string regex, Expand(columns[2], *fragments));
  if (columns[0] == "define") {
    (*fragments)[columns[1]] = regex;
    return Compile(regex).status();  // a fragment that does not compile alone is named where it is defined
  }
  EditorialKind kind;
  EditorialWhere where;
  if (!KindFromName(columns[0], &kind)) return Status::InvalidArgument("unknown kind '" + columns[0] + "'");
  if (!WhereFromName(columns[1], &where))
    return Status::InvalidArgument("unknown place '" + columns[1] + "' (head, tail or either)");
  DHAKIRA_ASSIGN_OR_RETURN(std::shared_ptr<const icu::RegexPattern> compiled, Compile(regex));
  places->emplace_back(kind, where);
  regexes->push_back(std::move(compiled));
  return Status::OK();
}

}  // namespace

StatusOr<EditorialPatterns> EditorialPatterns::Parse(std::string_view text, std::string_view name) {
  std::map<std::string, std::string> fragments;
  std::vector<std::pair<EditorialKind, EditorialWhere>> places;
  std::vector<std::shared_ptr<const icu::RegexPattern>> regexes;
  size_t line_number = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (Status s = ParseLine(line, &fragments, &places, &regexes); !s.ok())
      return Status::InvalidArgument(std::string(name) + ":" + std::to_string(line_number) + ": " +
                                     std::string(s.message()));
  }
  EditorialPatterns out;
  for (size_t k = 0; k < places.size(); ++k)
    out.patterns_.push_back(Pattern{places[k].first, places[k].second, std::move(regexes[k])});
  return out;
}

StatusOr<EditorialPatterns> EditorialPatterns::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open editorial patterns file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read editorial patterns file " + path);
  return Parse(text.str(), path);
}

void EditorialPatterns::Append(EditorialPatterns&& more) {
  for (Pattern& p : more.patterns_) patterns_.push_back(std::move(p));
  more.patterns_.clear();
}

EditorialKind EditorialPatterns::Match(const icu::UnicodeString& line, EditorialWhere where) const {
  for (const Pattern& p : patterns_) {
    if (p.where != EditorialWhere::kEither && p.where != where) continue;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(p.regex->matcher(line, status));
    if (U_FAILURE(status)) continue;
    // A desk's pattern may backtrack without end on some line ("(a+)+$"): past the limit the match
    // fails with U_REGEX_TIME_OUT and the pattern counts as not matching.
    matcher->setTimeLimit(kMatchTimeLimit, status);
    if (matcher->find(status) && U_SUCCESS(status)) return p.kind;
  }
  return EditorialKind::kNone;
}

namespace {

struct Builtins {
  std::map<std::string, EditorialPatterns, std::less<>> by_lang;
  Status status;
};

const Builtins& GetBuiltins() {
  static const Builtins* builtins = [] {
    auto* b = new Builtins;
    for (const EmbeddedPatternFile* f = kEmbeddedEditorialFiles; f->lang != nullptr; ++f) {
      auto parsed = EditorialPatterns::Parse(f->text, f->path);
      if (parsed.ok())
        b->by_lang.emplace(f->lang, std::move(parsed).value());
      else if (b->status.ok())
        b->status = parsed.status();
    }
    return b;
  }();
  return *builtins;
}

}  // namespace

const EditorialPatterns* BuiltinEditorialPatterns(std::string_view lang) {
  const Builtins& builtins = GetBuiltins();
  auto it = builtins.by_lang.find(lang.substr(0, lang.find('-')));
  return it == builtins.by_lang.end() ? nullptr : &it->second;
}

Status BuiltinEditorialStatus() { return GetBuiltins().status; }

}  // namespace dhakira::align

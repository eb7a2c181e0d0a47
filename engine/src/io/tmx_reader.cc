// TmxReader: the streaming driver (expat set-up with a memory budget, Open, Next, the decoder's issues per
// unit). What each element does is in tmx_elements.cc; TMX dates and XML escaping in tmx_values.cc.
#include "io/tmx_reader.h"

// Debian builds expat with XML_DTD (it must be defined to declare the billion-laughs API).
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>

namespace dhakira::io {
namespace {

// expat's allocations are charged to the reader's budget, so that one enormous tag (expat buffers a whole
// start tag with its attributes) ends the import instead of growing without bound. The budget is found
// through a thread-local set while the parser is created or fed; each block records the budget it was
// charged to, so frees need no thread-local.
thread_local TmxReader::ExpatBudget* t_budget = nullptr;

struct BlockHeader {
  size_t size;
  TmxReader::ExpatBudget* budget;
};
static_assert(sizeof(BlockHeader) % alignof(std::max_align_t) == 0);

void* BudgetMalloc(size_t n) {
  TmxReader::ExpatBudget* budget = t_budget;
  if (budget != nullptr && budget->used + n > budget->limit) {
    budget->exhausted = true;
    return nullptr;
  }
  auto* h = static_cast<BlockHeader*>(std::malloc(sizeof(BlockHeader) + n));
  if (h == nullptr) return nullptr;
  h->size = n;
  h->budget = budget;
  if (budget != nullptr) budget->used += n;
  return h + 1;
}

void BudgetFree(void* p) {
  if (p == nullptr) return;
  BlockHeader* h = static_cast<BlockHeader*>(p) - 1;
  if (h->budget != nullptr) h->budget->used -= h->size;
  std::free(h);
}

void* BudgetRealloc(void* p, size_t n) {
  if (p == nullptr) return BudgetMalloc(n);
  BlockHeader* h = static_cast<BlockHeader*>(p) - 1;
  TmxReader::ExpatBudget* budget = h->budget;
  if (budget != nullptr && n > h->size && budget->used + (n - h->size) > budget->limit) {
    budget->exhausted = true;
    return nullptr;
  }
  const size_t old = h->size;
  auto* moved = static_cast<BlockHeader*>(std::realloc(h, sizeof(BlockHeader) + n));
  if (moved == nullptr) return nullptr;
  moved->size = n;
  if (budget != nullptr) budget->used = budget->used - old + n;
  return moved + 1;
}

const XML_Memory_Handling_Suite kBudgetSuite = {BudgetMalloc, BudgetRealloc, BudgetFree};

// Sets t_budget for a scope.
class BudgetScope {
 public:
  explicit BudgetScope(TmxReader::ExpatBudget* budget) : saved_(t_budget) { t_budget = budget; }
  ~BudgetScope() { t_budget = saved_; }

 private:
  TmxReader::ExpatBudget* saved_;
};

// C trampolines.
void StartHandler(void* self, const XML_Char* name, const XML_Char** attrs) {
  static_cast<TmxReader*>(self)->OnStart(name, attrs);
}
void EndHandler(void* self, const XML_Char* name) { static_cast<TmxReader*>(self)->OnEnd(name); }
void TextHandler(void* self, const XML_Char* s, int len) { static_cast<TmxReader*>(self)->OnText(s, len); }
void SkippedEntityHandler(void* self, const XML_Char* name, int is_parameter_entity) {
  if (!is_parameter_entity) static_cast<TmxReader*>(self)->OnSkippedEntity(name);
}
// Never loads anything: no DTD, no external entity (XXE). Returning OK leaves the entity empty.
int ExternalEntityHandler(XML_Parser parser, const XML_Char*, const XML_Char*, const XML_Char* system_id,
                          const XML_Char*) {
  if (system_id != nullptr) {
    static_cast<TmxReader*>(XML_GetUserData(parser))->OnExternalEntity();
  }
  return XML_STATUS_OK;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
StatusOr<std::unique_ptr<TmxReader>> TmxReader::Open(const std::string& path, const std::string& forced_encoding,
                                                     const TmxLimits& limits) {
  std::unique_ptr<TmxReader> r(new TmxReader());
  r->path_ = path;
  r->limits_ = limits;
  r->budget_.limit = 2 * limits.max_record_bytes + (16u << 20);
  DHAKIRA_ASSIGN_OR_RETURN(r->decoder_, Utf8Decoder::Open(path, Utf8Decoder::Mode::kXml, forced_encoding));
  // The pre-stage always delivers UTF-8; this overrides whatever the declaration says.
  BudgetScope scope(&r->budget_);
  r->parser_ = XML_ParserCreate_MM("UTF-8", &kBudgetSuite, nullptr);
  if (r->parser_ == nullptr) return Status::ResourceExhausted("cannot create an expat parser");
  XML_Parser p = r->parser_;
  XML_SetUserData(p, r.get());
  XML_SetElementHandler(p, StartHandler, EndHandler);
  XML_SetCharacterDataHandler(p, TextHandler);
  XML_SetSkippedEntityHandler(p, SkippedEntityHandler);
  XML_SetExternalEntityRefHandler(p, ExternalEntityHandler);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_UseForeignDTD(p, XML_TRUE);
  // Billion laughs: expat's defaults (amplification 100, active from 8 MiB), set explicitly.
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 100.0f);
  XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 8u << 20);
  return r;
}

TmxReader::~TmxReader() {
  if (parser_ != nullptr) XML_ParserFree(parser_);
}

std::string TmxReader::Here() const {
  return "line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
         std::to_string(XML_GetCurrentColumnNumber(parser_) + 1);
}

void TmxReader::AddProblem(std::string reason, std::string message) {
  if (unit_.problems.size() < kMaxProblemsPerUnit) {
    unit_.problems.push_back({std::move(reason), std::move(message)});
  }
}

bool TmxReader::Charge(size_t n) {
  if (unit_full_) return false;
  unit_bytes_ += n;
  if (unit_bytes_ <= limits_.max_record_bytes) return true;
  unit_full_ = true;
  AddProblem("record-too-long", Here() + ": the unit holds more than " + std::to_string(limits_.max_record_bytes) +
                                    " bytes (max_record_bytes); the rest of it was read through, not kept");
  return false;
}

Status TmxReader::Fail(const std::string& what) {
  if (pending_error_.ok()) {
    pending_error_ =
        Status::Corruption("'" + path_ + "' line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                           std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": " + what);
  }
  XML_StopParser(parser_, XML_FALSE);
  return pending_error_;
}

StatusOr<bool> TmxReader::Next(TmxUnit* unit) {
  for (;;) {
    if (!ready_.empty()) {
      *unit = std::move(ready_.front());
      ready_.pop_front();
      return true;
    }
    if (!pending_error_.ok()) return pending_error_;
    if (finished_) return false;
    chunk_.clear();
    auto more = decoder_->Read(&chunk_);
    if (!more.ok()) {
      pending_error_ = more.status();
      continue;
    }
    const bool final = !*more;
    if (final && decoder_->output_bytes() == 0) {
      pending_error_ = Status::Corruption("'" + path_ + "' is empty: not a TMX document");
      continue;
    }
    XML_Status parsed;
    {
      BudgetScope scope(&budget_);
      parsed = XML_Parse(parser_, chunk_.data(), static_cast<int>(chunk_.size()), final);
    }
    if (parsed == XML_STATUS_ERROR && pending_error_.ok()) {
      std::string what = std::string(XML_ErrorString(XML_GetErrorCode(parser_))) + " (expat)";
      if (XML_GetErrorCode(parser_) == XML_ERROR_NO_MEMORY && budget_.exhausted) {
        what = "an XML tag (with its attributes), comment or processing instruction is larger than the " +
               std::to_string(budget_.limit) +
               " bytes the parser may hold (2 * max_record_bytes + 16 MiB); the file cannot be read past it";
      }
      if (final && (XML_GetErrorCode(parser_) == XML_ERROR_NO_ELEMENTS ||
                    XML_GetErrorCode(parser_) == XML_ERROR_UNCLOSED_TOKEN ||
                    XML_GetErrorCode(parser_) == XML_ERROR_PARTIAL_CHAR)) {
        what += seen_root_ ? "; the file ends inside the document: it is truncated"
                           : "; no XML document found: not a TMX file";
      }
      (void)Fail(what);
    }
    // Replacements before the unit being read (or all, outside units) are not any unit's; those inside
    // the unit so far are its own now (a unit spanning many chunks must not queue them all).
    auto& issues = decoder_->issues();
    while (!issues.empty() && (!in_tu_ || issues.front().offset < unit_begin_)) {
      if (stray_issues_.size() < kMaxIssuesPerUnit) {
        stray_issues_.push_back(issues.front());
      } else {
        stray_issues_.back().count += issues.front().count;
      }
      issues.pop_front();
    }
    if (in_tu_) TakeIssues(unit_begin_, event_end_);
    if (final && pending_error_.ok()) {
      finished_ = true;
      if (!seen_root_) pending_error_ = Status::Corruption("'" + path_ + "': no TMX document found");
    }
  }
}

void TmxReader::TakeIssues(uint64_t unit_begin, uint64_t unit_end) {
  auto& issues = decoder_->issues();
  while (!issues.empty() && issues.front().offset < unit_end) {
    const DecodeIssue& issue = issues.front();
    if (issue.offset < unit_begin) {
      if (stray_issues_.size() < kMaxIssuesPerUnit) {
        stray_issues_.push_back(issue);
      } else {
        stray_issues_.back().count += issue.count;
      }
    } else if (issue.kind == DecodeIssue::Kind::kInvalidSequence) {
      // One problem for the unit, its message completed at </tu> with the count.
      if (invalid_count_ == 0 && unit_.problems.size() < kMaxProblemsPerUnit) {
        invalid_problem_ = unit_.problems.size();
        unit_.problems.push_back({"invalid-encoding", "line " + std::to_string(issue.line) + ", column " +
                                                          std::to_string(issue.column) + ": " + issue.Describe()});
      }
      invalid_count_ += issue.count;
    } else if (unit_.replaced.size() < kMaxIssuesPerUnit) {
      unit_.replaced.push_back(issue);
    } else {
      unit_.replaced.back().count += issue.count;
    }
    issues.pop_front();
  }
}

}  // namespace dhakira::io

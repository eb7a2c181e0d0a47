// The loop shared by the query commands (match, concordance): one query from the command line, or
// one a line from standard input; each answer printed as one JSON line (--json) or as a human block
// (blocks separated by a blank line in batch mode); a bad query is reported and the others still
// answered.
//
// The command supplies how to answer a batch of queries (its Backend: locally one by one, through
// --server one BatchLookup per batch) and how to print one answer, so that local and remote output
// cannot drift apart.
#ifndef DHAKIRA_CLI_QUERY_LOOP_H_
#define DHAKIRA_CLI_QUERY_LOOP_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cli.h"
#include "dhakira/match.h"
#include "json.h"

namespace dhakira::cli {

// Reads lines from a file descriptor (without a trailing "\n" or "\r\n"; a last line without a
// newline counts) in batches: the first line of a batch is waited for, the others are only those
// already readable without waiting. So a file piped in is answered in large batches, while a CAT
// tool or a person writing one query at a time gets each answer at once.
//
// Memory is bounded whatever the input: a line longer than max_line_bytes is not kept but skipped
// as it is read (its bytes are dropped up to its newline) and returned as an empty string flagged
// in *too_long, so the caller can answer it with an error.
class LineBatcher {
 public:
  // A query of MatchOptions::max_query_tokens (1000) words is a few tens of KiB: 1 MiB leaves room
  // for any real segment.
  static constexpr size_t kDefaultMaxLineBytes = 1u << 20;

  explicit LineBatcher(int fd, size_t max_line_bytes = kDefaultMaxLineBytes)
      : fd_(fd), max_line_bytes_(max_line_bytes) {}
  // Replaces *lines with the next 1 .. max_lines lines (max_lines >= 1), and *too_long with one
  // flag per line (true: the line was longer than max_line_bytes and is returned empty); false at
  // the end of the input.
  bool Next(size_t max_lines, std::vector<std::string>* lines, std::vector<bool>* too_long);
  size_t max_line_bytes() const { return max_line_bytes_; }

 private:
  bool TakeLine(std::string* line);  // a complete line from the buffer
  bool Readable() const;             // data (or end of file) ready without blocking
  void Fill();                       // one read(2) into the buffer; sets eof_ at the end or on error
  // While the buffered part of the current line exceeds max_line_bytes: drops it, and keeps
  // dropping until its newline (skipping_ stays set until then).
  void DropOverlong();

  int fd_;
  size_t max_line_bytes_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside a line that is too long: its bytes are being dropped
  bool dropped_ = false;   // the line being taken was too long
};

// How one answer is printed.
template <typename Result>
struct QueryPrinter {
  const char* input_key;  // names the query in a JSON error object: "query" or "phrase"
  std::function<void(JsonWriter&, const Result&)> json;
  std::function<void(std::ostream&, const Result&)> human;
};

// Answers queries in order, one StatusOr per query (a bad query is that entry's error). An error
// for the whole batch (the server cannot be reached) stops the command.
template <typename Result>
using QueryAnswerer = std::function<StatusOr<std::vector<StatusOr<Result>>>(const std::vector<std::string>& queries)>;

// Prints one answer: the result, or its error (with --json a {"<input_key>": ..., "error": ...}
// line on stdout, else "dhakira: ..." on stderr). Returns whether it was a result.
template <typename Result>
bool PrintAnswer(const Context& ctx, bool json, const QueryPrinter<Result>& printer, const std::string& query,
                 const StatusOr<Result>& answer) {
  if (!answer.ok()) {
    if (json) {
      JsonWriter w;
      w.BeginObject().Field(printer.input_key, query).Field("error", answer.status().ToString()).EndObject();
      *ctx.out << w.str() << '\n';
    } else {
      (void)Fail(ctx, answer.status());
    }
    return false;
  }
  if (json) {
    JsonWriter w;
    printer.json(w, *answer);
    *ctx.out << w.str() << '\n';
  } else {
    printer.human(*ctx.out, *answer);
  }
  return true;
}

// The command's exit code for one query.
template <typename Result>
int AnswerOne(const Context& ctx, bool json, const QueryPrinter<Result>& printer, const QueryAnswerer<Result>& answer,
              const std::string& query) {
  StatusOr<std::vector<StatusOr<Result>>> answers = answer({query});
  if (!answers.ok()) return Fail(ctx, answers.status());
  if (answers->size() != 1) return Fail(ctx, Status::Internal("expected one answer"));
  return PrintAnswer(ctx, json, printer, query, answers->front()) ? kExitOk : kExitFailure;
}

// Batch mode: the queries of standard input, `max_batch` at most per call of `answer`. Exit code:
// kExitOk when every query was answered, kExitFailure when one was not (the others still were) or
// the batch failed.
template <typename Result>
int AnswerLines(const Context& ctx, bool json, size_t max_batch, const QueryPrinter<Result>& printer,
                const QueryAnswerer<Result>& answer) {
  LineBatcher lines(0);
  std::vector<std::string> batch;
  std::vector<bool> too_long;
  bool all_ok = true;
  bool first = true;
  size_t line_number = 0;
  while (lines.Next(max_batch, &batch, &too_long)) {
    // Overlong lines are answered with an error of their own, in their place; the others go to
    // `answer` together.
    std::vector<std::string> asked;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!too_long[i]) asked.push_back(batch[i]);
    }
    StatusOr<std::vector<StatusOr<Result>>> answers = answer(asked);
    if (!answers.ok()) return Fail(ctx, answers.status());
    if (answers->size() != asked.size()) return Fail(ctx, Status::Internal("expected one answer a query"));
    size_t next_answer = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      ++line_number;
      if (!json && !first) *ctx.out << '\n';
      first = false;
      const StatusOr<Result> overlong =
          Status::InvalidArgument("standard input line " + std::to_string(line_number) + ": longer than " +
                                  std::to_string(lines.max_line_bytes()) + " bytes; skipped");
      const StatusOr<Result>& one = too_long[i] ? overlong : (*answers)[next_answer++];
      all_ok = PrintAnswer(ctx, json, printer, batch[i], one) && all_ok;
    }
    ctx.out->flush();
  }
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_QUERY_LOOP_H_

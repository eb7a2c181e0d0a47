// dhakira match: fuzzy matches for a query (or one query per stdin line), from the TM or through
// --server.
#include "dhakira/match.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "cli.h"
#include "json.h"
#include "query_loop.h"
#include "segment_output.h"

namespace dhakira::cli {
namespace {

// `text` with each byte span wrapped in open/close markers (spans sorted, overlapping ones merged).
std::string Marked(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>> spans, std::string_view open,
                   std::string_view close) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t at = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    auto [b, e] = spans[i];
    while (i + 1 < spans.size() && spans[i + 1].first <= e) e = std::max(e, spans[++i].second);
    if (b < at || e > text.size() || b > e) continue;
    out.append(text, at, b - at);
    out.append(open);
    out.append(text, b, e - b);
    out.append(close);
    at = e;
  }
  out.append(text, at, std::string::npos);
  return out;
}

bool ParseDouble(const std::string& s, double* v) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *v);
  return ec == std::errc() && ptr == end;
}

void WriteJson(JsonWriter& w, const MatchResult& r) {
  w.BeginObject().Field("query", r.query).Key("matches").BeginArray();
  for (const Match& m : r.matches) {
    w.BeginObject()
        .Field("id", m.pair.id)
        .Field("score", m.score)
        .Field("fuzzy", m.fuzzy)
        .Field("kind", MatchKindName(m.kind))
        .Key("penalties")
        .BeginArray();
    for (const Penalty& p : m.penalties) {
      w.BeginObject().Field("reason", p.reason).Field("points", p.points).EndObject();
    }
    w.EndArray()
        .Field("source", m.pair.source)
        .Field("target", m.pair.target)
        .Field("target_substituted", m.target_substituted)
        .Field("origin", m.pair.origin)
        .Field("doc", m.pair.doc_id)
        .Field("changed", FormatTime(m.pair.changed_at))
        .EndObject();
  }
  w.EndArray().EndObject();
}

void PrintHuman(std::ostream& os, const MatchResult& r) {
  if (r.matches.empty()) {
    os << Tr("no match") << '\n';
    return;
  }
  for (const Match& m : r.matches) {
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", m.score);
    char fuzzy[32];
    std::snprintf(fuzzy, sizeof fuzzy, "%.1f", m.fuzzy);
    os << score << "  " << MatchKindName(m.kind) << "  #" << m.pair.id << "  (fuzzy " << fuzzy << ")\n";
    os << "  " << Tr("source") << ": " << DisplayText(Marked(m.pair.source, m.source_marks, "[", "]")) << '\n';
    os << "  " << Tr("target") << ": " << DisplayText(m.target_substituted) << '\n';
    for (const Penalty& p : m.penalties) {
      char points[32];
      std::snprintf(points, sizeof points, "%g", p.points);
      os << "  -" << points << "  " << p.reason << '\n';
    }
  }
}

int RunMatch(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("match",
              "match [TEXT] --src-lang L --tgt-lang L [--threshold 70] [--top 5] [--prev TEXT] "
              "[--next TEXT] [--origin O] [--json] [--brute-force]",
              N_("Find fuzzy matches for TEXT in the translation memory. Without TEXT, reads one query a "
                 "line from standard input (with --json: one JSON line per query)."));
  p.Positional("TEXT", "the source segment to look up")
      .Value("src-lang", "L", "language of the query (BCP 47)", "ar")
      .Value("tgt-lang", "L", "language of the wanted translation (BCP 47)", "en")
      .Value("threshold", "PERCENT", "lowest score returned, in (0, 101]", "70")
      .Value("top", "N", "most matches returned, 1 to 1000", "5")
      .Value("prev", "TEXT", "the source segment before the query (for context matches)")
      .Value("next", "TEXT", "the source segment after the query (for context matches)")
      .Value("origin", "O", "only pairs of this origin")
      .Switch("json", "print JSON")
      .Switch("brute-force", "scan every pair instead of using the index (same results; for tests)");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() > 1) {
    return UsageError(ctx, "match", Tr("expected at most one TEXT (quote the query)"));
  }
  MatchOptions o;
  o.src_lang = p.Get("src-lang");
  o.tgt_lang = p.Get("tgt-lang");
  if (!ParseDouble(p.Get("threshold"), &o.threshold)) {
    return UsageError(ctx, "match", Trf("--threshold: '{1}' is not a number", p.Get("threshold")));
  }
  uint64_t top = 0;
  if (!p.GetUint(ctx, "top", &top, &code)) return code;
  o.top = static_cast<uint32_t>(std::min<uint64_t>(top, UINT32_MAX));
  o.prev_source = p.Get("prev");
  o.next_source = p.Get("next");
  o.origin = p.Get("origin");
  o.brute_force = p.Flag("brute-force");
  if (Status s = o.Validate(); !s.ok()) return UsageError(ctx, "match", s.message());
  if (o.brute_force && !ctx.server.empty()) {
    return UsageError(ctx, "match", Tr("--brute-force does not work through --server"));
  }

  const QueryPrinter<MatchResult> printer{"query", WriteJson, PrintHuman};
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  if (Status ready = (*backend)->PrepareQueries(); !ready.ok()) return Fail(ctx, ready);
  const QueryAnswerer<MatchResult> answer = [&](const std::vector<std::string>& queries) {
    return (*backend)->Match(queries, o);
  };
  const size_t max_batch = (*backend)->match_batch();
  const bool json = p.Flag("json");
  if (p.positionals().size() == 1) return AnswerOne(ctx, json, printer, answer, p.positionals()[0]);
  // Batch mode: one query a line; a bad line is reported (as a JSON error object with --json) and the
  // others still answered; the exit code says whether all succeeded.
  return AnswerLines(ctx, json, max_batch, printer, answer);
}

}  // namespace
DHAKIRA_COMMAND("match", "fuzzy matches for a segment", RunMatch);
}  // namespace dhakira::cli

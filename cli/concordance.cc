// dhakira concordance: stored segments containing a phrase (as a match-key token sequence), from the TM
// or through --server; one phrase per stdin line without PHRASE.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "cli.h"
#include "dhakira/match.h"
#include "json.h"
#include "query_loop.h"
#include "segment_output.h"

namespace dhakira::cli {
namespace {

std::string Highlighted(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>> spans) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t at = 0;
  for (const auto& [b, e] : spans) {
    if (b < at || e > text.size() || b > e) continue;
    out.append(text, at, b - at);
    out.append("[");
    out.append(text, b, e - b);
    out.append("]");
    at = e;
  }
  out.append(text, at, std::string::npos);
  return out;
}

void WriteJson(JsonWriter& w, const ConcordanceResult& r, bool on_source) {
  w.BeginObject().Field("phrase", r.phrase).Field("side", on_source ? "source" : "target");
  w.Key("hits").BeginArray();
  for (const ConcordanceHit& h : r.hits) {
    w.BeginObject()
        .Field("id", h.pair.id)
        .Field("source", h.pair.source)
        .Field("target", h.pair.target)
        .Field("origin", h.pair.origin)
        .Field("doc", h.pair.doc_id)
        .Field("changed", FormatTime(h.pair.changed_at))
        .Key("spans")
        .BeginArray();
    for (const auto& [b, e] : h.spans) w.BeginArray().Uint(b).Uint(e).EndArray();
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

void PrintHuman(std::ostream& os, const ConcordanceResult& r, bool on_source) {
  if (r.hits.empty()) {
    os << Tr("not found") << '\n';
    return;
  }
  for (const ConcordanceHit& h : r.hits) {
    const std::string& searched = on_source ? h.pair.source : h.pair.target;
    const std::string& other = on_source ? h.pair.target : h.pair.source;
    os << "#" << h.pair.id << "  " << DisplayText(Highlighted(searched, h.spans)) << '\n'
       << "    " << DisplayText(other) << '\n';
  }
}

int RunConcordance(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("concordance",
              "concordance [PHRASE] [--side source|target] [--top 20] [--src-lang L] [--tgt-lang L] "
              "[--json]",
              N_("List stored pairs whose source (or target) contains PHRASE as a sequence of match keys, "
                 "so spelling variants are found. Shortest segments first. Without PHRASE, reads one "
                 "phrase "
                 "a line from standard input (with --json: one JSON line per phrase)."));
  p.Positional("PHRASE", "the words to look for")
      .Value("side", "SIDE", "source or target", "source")
      .Value("top", "N", "most pairs listed, 1 to 10000", "20")
      .Value("src-lang", "L", "source language of the pairs searched (BCP 47)", "ar")
      .Value("tgt-lang", "L", "target language of the pairs searched (BCP 47)", "en")
      .Switch("json", "print JSON")
      .Switch("brute-force", "scan every pair instead of using the index (same results; for tests)");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() > 1) {
    return UsageError(ctx, "concordance", Tr("expected at most one PHRASE (quote it)"));
  }
  ConcordanceOptions o;
  auto side = ParseConcordanceSide(p.Get("side"));
  if (!side.ok()) return UsageError(ctx, "concordance", side.status().message());
  o.side = *side;
  uint64_t top = 0;
  if (!p.GetUint(ctx, "top", &top, &code)) return code;
  o.top = static_cast<uint32_t>(std::min<uint64_t>(top, UINT32_MAX));
  o.src_lang = p.Get("src-lang");
  o.tgt_lang = p.Get("tgt-lang");
  o.brute_force = p.Flag("brute-force");
  if (Status s = o.Validate(); !s.ok()) return UsageError(ctx, "concordance", s.message());
  if (o.brute_force && !ctx.server.empty()) {
    return UsageError(ctx, "concordance", Tr("--brute-force does not work through --server"));
  }

  const bool on_source = o.side == ConcordanceSide::kSource;
  const QueryPrinter<ConcordanceResult> printer{
      "phrase", [on_source](JsonWriter& w, const ConcordanceResult& r) { WriteJson(w, r, on_source); },
      [on_source](std::ostream& os, const ConcordanceResult& r) { PrintHuman(os, r, on_source); }};
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  if (Status ready = (*backend)->PrepareQueries(); !ready.ok()) return Fail(ctx, ready);
  const QueryAnswerer<ConcordanceResult> answer = [&](const std::vector<std::string>& phrases) {
    return (*backend)->Concordance(phrases, o);
  };
  const bool json = p.Flag("json");
  if (p.positionals().size() == 1) return AnswerOne(ctx, json, printer, answer, p.positionals()[0]);
  return AnswerLines(ctx, json, /*max_batch=*/1, printer, answer);
}

}  // namespace
DHAKIRA_COMMAND("concordance", "segments containing a phrase", RunConcordance);
}  // namespace dhakira::cli

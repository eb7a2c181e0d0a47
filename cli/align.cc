// dhakira align: sentence-align a document with its translation; print links, pairs (TSV/TMX) or
// JSON, or import the pairs into the TM. --batch aligns every DOC.<src>/DOC.<tgt> pair of a
// directory in one process. The alignment, the units (AlignedPairs) and the TMX/TSV text
// (FormatPairs) all come from the engine; this file only maps flags and prints.
#include "dhakira/align.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "backend.h"
#include "cli.h"
#include "dhakira/io.h"
#include "dhakira/segment.h"
#include "json.h"

namespace dhakira::cli {
namespace {

namespace fs = std::filesystem;

void WriteIds(JsonWriter& w, const std::vector<uint32_t>& ids) {
  w.BeginArray();
  for (uint32_t id : ids) w.Uint(id);
  w.EndArray();
}

// "1 title, 1 standfirst, 3 disclaimer": the editorial lines of an alignment, by kind; empty if none.
std::string EditorialCounts(const AlignResult& result) {
  uint32_t counts[kEditorialKindCount] = {};
  for (const AlignLink& link : result.links) ++counts[static_cast<size_t>(link.editorial)];
  std::string out;
  for (size_t k = 1; k < kEditorialKindCount; ++k)
    if (counts[k] > 0)
      out += (out.empty() ? "" : ", ") + std::to_string(counts[k]) + " " +
             EditorialKindName(static_cast<EditorialKind>(k));
  return out;
}

// A confidence as the shortest decimal that reads back the same (0.985, not 0.98 or 0.985000).
std::string ConfidenceText(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

// The sentences `ids` of `sentences`, joined by a space.
std::string Joined(const std::vector<std::string>& sentences, const std::vector<uint32_t>& ids) {
  std::string out;
  for (uint32_t id : ids) {
    if (!out.empty()) out += ' ';
    out += sentences[id];
  }
  return out;
}

struct Job {
  std::string name;  // document id (file stem)
  std::string src_path, tgt_path;
};

// One document pair read, aligned and turned into units.
struct Aligned {
  std::vector<std::string> src, tgt;  // the sentences
  AlignResult result;
  std::vector<SegmentPair> pairs;  // AlignedPairs
  PairReport report;
};

class Runner {
 public:
  Runner(Context& ctx, const ArgParser& p) : ctx_(ctx), p_(p) {}

  // Reads the flags and sets up the backend's aligner; a command exit code.
  int Init();
  // Aligns one document pair and prints it (or writes it to `out_path` when not empty) in the
  // chosen format; with --import stores its units.
  int Run(const Job& job, const std::string& out_path);
  // The documents found not to translate each other so far (AlignResult::unrelated).
  const std::vector<std::string>& unrelated_documents() const { return unrelated_documents_; }

 private:
  int ParseFlags();
  StatusOr<std::unique_ptr<AtomicFileWriter>> OpenOutput(const Job& job, const std::string& out_path) const;
  StatusOr<Aligned> AlignJob(const Job& job);
  StatusOr<std::string> Render(const Job& job, const Aligned& aligned) const;
  std::string RenderJson(const Job& job, const Aligned& aligned) const;
  int StoreUnits(const Job& job, Aligned& aligned);
  void ReportLearned(const Job& job) const;

  Context& ctx_;
  const ArgParser& p_;
  std::string format_;
  AlignSetup setup_;
  PairOptions pair_options_;
  std::unique_ptr<Backend> backend_;
  std::vector<std::string> unrelated_documents_;
};

int Runner::ParseFlags() {
  format_ = p_.Get("format");
  if (format_ != "links" && format_ != "tsv" && format_ != "tmx" && format_ != "json") {
    return UsageError(ctx_, "align", Trf("unknown --format '{1}' (links, tsv, tmx or json)", format_));
  }
  AlignOptions& options = setup_.options;
  options.src_lang = p_.Get("src-lang");
  options.tgt_lang = p_.Get("tgt-lang");
  pair_options_.min_confidence = options.min_confidence;
  if (p_.Has("min-confidence")) {
    char* end = nullptr;
    const std::string v = p_.Get("min-confidence");
    double c = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0') {
      return UsageError(ctx_, "align", Trf("--min-confidence: '{1}' is not a number", v));
    }
    options.min_confidence = c;
    pair_options_.min_confidence = c;
  }
  if (Status s = options.Validate(); !s.ok()) return UsageError(ctx_, "align", s.message());
  if (Status s = pair_options_.Validate(); !s.ok()) return UsageError(ctx_, "align", s.message());
  options.editorial_patterns = p_.Get("editorial-patterns");
  pair_options_.origin = p_.Get("origin");
  if (const char* u = std::getenv("USER"); u != nullptr) pair_options_.user = u;
  setup_.use_lexicon = !p_.Flag("no-lexicon");
  setup_.learn = setup_.use_lexicon && p_.Flag("learn");
  setup_.store_pairs = p_.Flag("import");
  return kExitOk;
}

int Runner::Init() {
  if (int code = ParseFlags(); code != kExitOk) return code;
  if (!ctx_.server.empty()) {
    // The server aligns with its default lexicon; what needs the local TM or another lexicon
    // cannot work through it.
    for (const char* flag : {"import", "learn", "no-lexicon"}) {
      if (p_.Flag(flag)) {
        return UsageError(ctx_, "align", Trf("--{1} does not work through --server", std::string(flag)));
      }
    }
    if (!p_.Get("editorial-patterns").empty())
      return UsageError(ctx_, "align", Trf("--{1} does not work through --server", std::string("editorial-patterns")));
  }
  auto backend = MakeBackend(ctx_);
  if (!backend.ok()) return Fail(ctx_, backend.status());
  backend_ = std::move(backend).value();
  if (Status s = backend_->PrepareAligner(setup_); !s.ok()) return Fail(ctx_, s);
  return kExitOk;
}

// The output is checked before any work: never an input, a TM's file, a FIFO or a device.
StatusOr<std::unique_ptr<AtomicFileWriter>> Runner::OpenOutput(const Job& job, const std::string& out_path) const {
  OutputPathOptions where;
  where.inputs = {job.src_path, job.tgt_path};
  where.tm_dir = ctx_.db_path;
  DHAKIRA_ASSIGN_OR_RETURN(const std::string target, CheckOutputPath(out_path, where));
  return AtomicFileWriter::Create(target);
}

StatusOr<Aligned> Runner::AlignJob(const Job& job) {
  const bool presplit = p_.Flag("presplit");
  const AlignOptions& options = setup_.options;
  Aligned aligned;
  DHAKIRA_ASSIGN_OR_RETURN(aligned.src, ReadDocument(job.src_path, options.src_lang, presplit));
  DHAKIRA_ASSIGN_OR_RETURN(aligned.tgt, ReadDocument(job.tgt_path, options.tgt_lang, presplit));
  // An article without a sentence is a wrong file (an empty download, a wrong name), not a
  // document whose every line was dropped or added by the editors.
  for (const auto& [path, sentences] : {std::pair{&job.src_path, &aligned.src}, {&job.tgt_path, &aligned.tgt}}) {
    if (sentences->empty()) {
      return Status::InvalidArgument("'" + *path + "' is empty: no sentence to align");
    }
  }
  StatusOr<AlignResult> result = backend_->Align(aligned.src, aligned.tgt);
  if (!result.ok()) return result.status().WithContext(job.src_path + " / " + job.tgt_path);
  aligned.result = std::move(result).value();
  if (setup_.learn) ReportLearned(job);
  PairOptions pair_options = pair_options_;
  pair_options.doc_id = p_.Has("doc") && p_.Get("doc") != "" ? p_.Get("doc") : job.name;
  DHAKIRA_ASSIGN_OR_RETURN(aligned.pairs, AlignedPairs(aligned.src, aligned.tgt, options.src_lang, options.tgt_lang,
                                                       aligned.result, pair_options, &aligned.report));
  return aligned;
}

// What the TM's learned lexicon gave this document: how many word pairs, and the strongest that fired
// (their translation is in the target document).
void Runner::ReportLearned(const Job& job) const {
  const LearnedLexiconResult* learned = backend_->last_learned();
  if (learned == nullptr) return;
  std::string strongest;
  int shown = 0;
  for (const LearnedTranslation& t : learned->translations) {
    if (!t.kept || !t.in_target || shown == 5) continue;
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", t.score);
    strongest += (shown++ == 0 ? " " : ", ") + t.source + "=" + t.target + " (" + score + ", " +
                 std::to_string(t.together) + ")";
  }
  *ctx_.err << Trf("{1}: learned lexicon: {2} word pairs used from the TM ({3} pairs; {4} of the document's "
                   "stems known); strongest in this document:{5}",
                   job.name, learned->lexicon.size(), learned->pairs, learned->source_stems,
                   strongest.empty() ? std::string(" none") : strongest)
            << '\n';
}

std::string Runner::RenderJson(const Job& job, const Aligned& aligned) const {
  JsonWriter w;
  w.BeginObject().Field("document", job.name).Field("length_ratio", aligned.result.length_ratio);
  w.Field("document_confidence", aligned.result.document_confidence).Field("unrelated", aligned.result.unrelated);
  w.Key("links");
  w.BeginArray();
  for (const AlignLink& link : aligned.result.links) {
    w.BeginObject().Key("src");
    WriteIds(w, link.src);
    w.Key("tgt");
    WriteIds(w, link.tgt);
    w.Field("confidence", link.confidence).Field("low_confidence", link.low_confidence);
    w.Field("editorial", EditorialKindName(link.editorial));
    w.Field("source", Joined(aligned.src, link.src)).Field("target", Joined(aligned.tgt, link.tgt)).EndObject();
  }
  w.EndArray().EndObject();
  return w.str() + '\n';
}

// The document in the chosen format: links, or the units as io writes TMX and TSV (what `dhakira
// import` reads back, with document, position and context), or JSON.
StatusOr<std::string> Runner::Render(const Job& job, const Aligned& aligned) const {
  if (format_ == "links") {
    std::string out;
    for (const AlignLink& link : aligned.result.links) out += FormatLink(link) + '\n';
    return out;
  }
  if (format_ == "json") return RenderJson(job, aligned);
  ExportOptions units;
  units.format = format_ == "tmx" ? FileFormat::kTmx : FileFormat::kTsv;
  return FormatPairs(aligned.pairs, units);
}

int Runner::StoreUnits(const Job& job, Aligned& aligned) {
  auto written = backend_->StoreAligned(std::move(aligned.pairs));
  if (!written.ok()) return Fail(ctx_, written.status().WithContext("importing " + job.name));
  uint32_t added = 0, dup = 0;
  for (const WriteResult& r : *written) (r.outcome == WriteOutcome::kSkippedDuplicate ? dup : added)++;
  const PairReport& report = aligned.report;
  if (aligned.result.unrelated) {
    *ctx_.err << Trf("{1}: the two documents do not translate each other (document confidence {2}): "
                     "nothing stored, {3} pair links held back",
                     job.name, ConfidenceText(std::round(aligned.result.document_confidence * 100) / 100),
                     report.unrelated)
              << '\n';
    return kExitOk;
  }
  *ctx_.err << Trf("{1}: {2} aligned pairs ({3} of them joined n-m links): {4} stored, {5} already in the TM; "
                   "held back {6} below confidence {7} and {8} n-m links; {9} sentences link to nothing "
                   "({10} editorial lines)",
                   job.name, report.pairs, report.many_to_many, added, dup, report.low_confidence,
                   ConfidenceText(pair_options_.min_confidence), report.many_held, report.null_links, report.editorial)
            << '\n';
  if (const std::string kinds = EditorialCounts(aligned.result); !kinds.empty())
    *ctx_.err << Trf("{1}: editorial lines by kind: {2}", job.name, kinds) << '\n';
  return kExitOk;
}

int Runner::Run(const Job& job, const std::string& out_path) {
  // A directory would read as an empty document (and align to nothing, successfully): refuse it.
  for (const std::string* path : {&job.src_path, &job.tgt_path}) {
    if (Status s = CheckInputPath(*path); !s.ok()) return Fail(ctx_, s);
  }
  std::unique_ptr<AtomicFileWriter> out_file;
  if (!out_path.empty()) {
    auto opened = OpenOutput(job, out_path);
    if (!opened.ok()) return Fail(ctx_, opened.status());
    out_file = std::move(opened).value();
  }
  StatusOr<Aligned> aligned = AlignJob(job);
  if (!aligned.ok()) return Fail(ctx_, aligned.status());
  if (aligned->result.unrelated) unrelated_documents_.push_back(job.name);
  StatusOr<std::string> text = Render(job, *aligned);
  if (!text.ok()) return Fail(ctx_, text.status());
  if (out_file == nullptr) {
    *ctx_.out << *text;
  } else {
    // One document's alignment, built in memory, written whole, then renamed into place.
    Status written = out_file->Write(*text);
    if (written.ok()) written = out_file->Commit();
    if (!written.ok()) return Fail(ctx_, written);
  }
  return setup_.store_pairs ? StoreUnits(job, *aligned) : kExitOk;
}

// SRC_FILE and TGT_FILE; the document id is the source file's stem without the language suffix.
int AlignOne(Runner& runner, const ArgParser& p) {
  Job job;
  job.src_path = p.positionals()[0];
  job.tgt_path = p.positionals()[1];
  job.name = fs::path(job.src_path).stem().string();
  // "article.ar.split" -> "article"
  std::string lang_suffix = ".";
  lang_suffix += p.Get("src-lang");
  if (job.name.size() > lang_suffix.size() &&
      job.name.compare(job.name.size() - lang_suffix.size(), std::string::npos, lang_suffix) == 0) {
    job.name.resize(job.name.size() - lang_suffix.size());
  }
  return runner.Run(job, "");
}

// --batch DIR --out OUTDIR: DOC.<src-lang> with a DOC.<tgt-lang> beside it, in name order. Each
// document goes to OUTDIR/DOC.align (links) or OUTDIR/DOC.<format> (json, tsv, tmx): the same text
// the single-document command prints in that format.
int AlignBatch(const Context& ctx, Runner& runner, const ArgParser& p) {
  const std::string dir = p.Get("batch"), out = p.Get("out");
  const std::string out_ext = p.Get("format") == "links" ? ".align" : "." + p.Get("format");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Fail(ctx, Status::NotFound("'" + dir + "' is not a directory"));
  fs::create_directories(out, ec);
  if (ec) return Fail(ctx, Status::IOError("cannot create '" + out + "': " + ec.message()));
  std::map<std::string, Job> jobs;
  std::string src_ext = ".", tgt_ext = ".";
  src_ext += p.Get("src-lang");
  tgt_ext += p.Get("tgt-lang");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != src_ext) continue;
    fs::path tgt = entry.path();
    tgt.replace_extension(tgt_ext);
    if (!fs::exists(tgt)) continue;
    Job job{entry.path().stem().string(), entry.path().string(), tgt.string()};
    jobs[job.name] = job;
  }
  if (ec) return Fail(ctx, Status::IOError("cannot list '" + dir + "': " + ec.message()));
  int failures = 0;
  for (const auto& [name, job] : jobs) {
    if (runner.Run(job, (fs::path(out) / (name + out_ext)).string()) != kExitOk) ++failures;
  }
  *ctx.err << Trf("aligned {1} document pairs into {2}", jobs.size() - failures, out) << '\n';
  const std::vector<std::string>& unrelated = runner.unrelated_documents();
  if (!unrelated.empty()) {
    std::string names;
    for (const std::string& name : unrelated) names += (names.empty() ? "" : ", ") + name;
    *ctx.err << Trf("{1} document pairs do not translate each other (wrong pairing?), nothing of them is "
                    "stored: {2}",
                    unrelated.size(), names)
             << '\n';
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

ArgParser AlignParser() {
  ArgParser p("align",
              "align SRC_FILE TGT_FILE --src-lang L --tgt-lang L [--presplit] [--format "
              "links|tsv|tmx|json] "
              "[--min-confidence C] [--import [--origin O] [--doc D]]\n"
              "       dhakira align --batch DIR --out OUTDIR --src-lang L --tgt-lang L [--presplit] ...",
              N_("Align the sentences of a document with its (edited) translation. Links are printed one a "
                 "line "
                 "as [source ids]:[target ids]; titles, standfirsts, disclaimers and dropped sentences "
                 "link to "
                 "nothing. --import stores the aligned pairs above the confidence bar in the TM."));
  p.Positional("SRC_FILE", "the source document (plain text; with --presplit one segment a line)")
      .Positional("TGT_FILE", "its translation")
      .Value("src-lang", "L", "source language (BCP 47, e.g. ar)")
      .Value("tgt-lang", "L", "target language (BCP 47, e.g. en)")
      .Switch("presplit", "the files hold one segment a line: do not split them")
      .Value("format", "F", "links, tsv (aligned pairs), tmx (aligned pairs) or json", "links")
      .Value("min-confidence", "C",
             "links below this calibrated confidence (0..1: the probability that a link is right) are flagged and "
             "not exported",
             ConfidenceText(AlignOptions{}.min_confidence))
      .Switch("import", "store the aligned pairs in the TM (--db)")
      .Value("origin", "O", "origin of imported pairs (e.g. the outlet)")
      .Value("doc", "D", "document id of imported pairs (default: the source file name without extension)")
      .Switch("learn", "add a lexicon learned from the TM's pairs to the dictionary")
      .Switch("no-lexicon", "use no bilingual lexicon (length, numbers, names and cognates only)")
      .Value("editorial-patterns", "FILE",
             "extra editorial-line patterns for the target language (format: data/editorial/en.tsv)",
             AlignOptions{}.editorial_patterns)
      .Value("batch", "DIR", "align every DOC.<src-lang> / DOC.<tgt-lang> pair in DIR")
      .Value("out", "OUTDIR", "with --batch: write OUTDIR/DOC.align (links) or OUTDIR/DOC.<format> for each pair");
  return p;
}

int RunAlign(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p = AlignParser();
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.Has("src-lang") || !p.Has("tgt-lang"))
    return UsageError(ctx, "align", Tr("--src-lang and --tgt-lang are required"));
  const bool batch = p.Has("batch");
  if (batch && !p.positionals().empty())
    return UsageError(ctx, "align", Tr("--batch takes a directory, not SRC_FILE TGT_FILE"));
  if (batch && !p.Has("out")) return UsageError(ctx, "align", Tr("--batch needs --out OUTDIR"));
  if (!batch && p.positionals().size() != 2)
    return UsageError(ctx, "align", Tr("expected exactly two arguments, SRC_FILE and TGT_FILE"));
  if ((p.Has("origin") || p.Has("doc")) && !p.Flag("import"))
    return UsageError(ctx, "align", Tr("--origin and --doc go with --import"));

  Runner runner(ctx, p);
  if (int c = runner.Init(); c != kExitOk) return c;
  return batch ? AlignBatch(ctx, runner, p) : AlignOne(runner, p);
}

}  // namespace
DHAKIRA_COMMAND("align", "align a document with its translation", RunAlign);
}  // namespace dhakira::cli

// dhakira align: sentence-align a document with its translation; print links, pairs (TSV/TMX) or
// JSON, or import the pairs into the TM. --batch aligns every DOC.<src>/DOC.<tgt> pair of a
// directory in one process.
#include "dhakira/align.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <memory>

#include "cli.h"
#include "dhakira/io.h"
#include "dhakira/segment.h"
#include "dhakira/store.h"
#include "json.h"
#include "remote.h"

namespace dhakira::cli {
namespace {

namespace fs = std::filesystem;

// XML text with the five entities escaped and XML-illegal control characters dropped.
std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string IdsJson(JsonWriter& w, const std::vector<uint32_t>& ids) {
  w.BeginArray();
  for (uint32_t k : ids) w.Uint(k);
  w.EndArray();
  return {};
}

struct Job {
  std::string name;  // document id (file stem)
  std::string src_path, tgt_path;
};

class Runner {
 public:
  Runner(Context& ctx, const ArgParser& p) : ctx_(ctx), p_(p) {}

  int Init() {
    src_lang_ = p_.Get("src-lang");
    tgt_lang_ = p_.Get("tgt-lang");
    format_ = p_.Get("format");
    if (format_ != "links" && format_ != "tsv" && format_ != "tmx" && format_ != "json")
      return UsageError(ctx_, "align",
                        Trf("unknown --format '{1}' (links, tsv, tmx or json)", format_));
    options_.src_lang = src_lang_;
    options_.tgt_lang = tgt_lang_;
    pair_options_.min_confidence = options_.min_confidence;
    if (p_.Has("min-confidence")) {
      char* end = nullptr;
      const std::string v = p_.Get("min-confidence");
      double c = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0')
        return UsageError(ctx_, "align", Trf("--min-confidence: '{1}' is not a number", v));
      options_.min_confidence = c;
      pair_options_.min_confidence = c;
    }
    if (Status s = options_.Validate(); !s.ok()) return UsageError(ctx_, "align", s.message());
    if (Status s = pair_options_.Validate(); !s.ok()) return UsageError(ctx_, "align", s.message());
    pair_options_.origin = p_.Get("origin");
    if (const char* u = std::getenv("USER"); u != nullptr) pair_options_.user = u;

#ifdef DHAKIRA_HAVE_SERVICE
    if (!ctx_.server.empty()) {
      // The server aligns with its default lexicon; what needs the local TM or another lexicon
      // cannot work through it.
      for (const char* flag : {"import", "learn", "no-lexicon"}) {
        if (p_.Flag(flag)) {
          return UsageError(ctx_, "align",
                            Trf("--{1} does not work through --server", std::string(flag)));
        }
      }
      auto client = ConnectServer(ctx_);
      if (!client.ok()) return Fail(ctx_, client.status());
      client_ = std::move(client).value();
      return kExitOk;
    }
#endif
    std::shared_ptr<const Lexicon> lexicon;
    if (!p_.Flag("no-lexicon")) {
      auto lex = Lexicon::LoadDefault(src_lang_, tgt_lang_);
      if (!lex.ok()) return Fail(ctx_, lex.status());
      if (p_.Flag("learn")) {
        // The TM's own pairs sharpen the lexicon: every aligned article improves the next.
        // Asked for, it must happen: a TM that cannot be opened (a mistyped --db) is an error,
        // not a silent alignment without what the user expected it to learn.
        auto store = OpenTm(ctx_, TmAccess::kRead);
        if (!store.ok()) return Fail(ctx_, store.status().WithContext("--learn"));
        auto snap = (*store)->NewSnapshot();
        if (!snap.ok()) return Fail(ctx_, snap.status());
        LearnOptions lo;
        lo.src_lang = src_lang_;
        lo.tgt_lang = tgt_lang_;
        auto learned = LearnLexicon(**snap, lo);
        if (!learned.ok()) return Fail(ctx_, learned.status());
        learned_pairs_ = learned->size();
        if (Status s = lex->Merge(*learned); !s.ok()) return Fail(ctx_, s);
      }
      lexicon = std::make_shared<const Lexicon>(std::move(lex).value());
    }
    auto aligner = Aligner::Create(options_, lexicon);
    if (!aligner.ok()) return Fail(ctx_, aligner.status());
    aligner_ = std::move(aligner).value();
    if (p_.Flag("import")) {
      auto store = OpenTm(ctx_, TmAccess::kCreate);
      if (!store.ok()) return Fail(ctx_, store.status());
      store_ = std::move(store).value();
    }
    return kExitOk;
  }

  // Aligns one document pair and prints (or writes to `out_path` when not empty) in the chosen
  // format.
  int Run(const Job& job, const std::string& out_path) {
    const bool presplit = p_.Flag("presplit");
    // A directory would read as an empty document (and align to nothing, successfully): refuse it.
    for (const std::string* path : {&job.src_path, &job.tgt_path}) {
      if (Status s = CheckInputPath(*path); !s.ok()) return Fail(ctx_, s);
    }
    // The output is checked before any work: never an input, a TM's file, a FIFO or a device.
    std::unique_ptr<AtomicFileWriter> out_file;
    if (!out_path.empty()) {
      OutputPathOptions where;
      where.inputs = {job.src_path, job.tgt_path};
      where.tm_dir = ctx_.db_path;
      auto target = CheckOutputPath(out_path, where);
      if (!target.ok()) return Fail(ctx_, target.status());
      auto writer = AtomicFileWriter::Create(*target);
      if (!writer.ok()) return Fail(ctx_, writer.status());
      out_file = std::move(writer).value();
    }
    auto src = ReadDocument(job.src_path, src_lang_, presplit);
    if (!src.ok()) return Fail(ctx_, src.status());
    auto tgt = ReadDocument(job.tgt_path, tgt_lang_, presplit);
    if (!tgt.ok()) return Fail(ctx_, tgt.status());
    // An article without a sentence is a wrong file (an empty download, a wrong name), not a
    // document whose every line was dropped or added by the editors.
    for (const auto& [path, sentences] :
         {std::pair{&job.src_path, &*src}, {&job.tgt_path, &*tgt}}) {
      if (sentences->empty()) {
        return Fail(ctx_,
                    Status::InvalidArgument("'" + *path + "' is empty: no sentence to align"));
      }
    }
    StatusOr<AlignResult> result = Status::Internal("unset");
#ifdef DHAKIRA_HAVE_SERVICE
    if (client_ != nullptr) {
      result = client_->Align(*src, *tgt, options_);
    } else
#endif
    {
      result = aligner_->Align(*src, *tgt);
    }
    if (!result.ok())
      return Fail(ctx_, result.status().WithContext(job.src_path + " / " + job.tgt_path));

    PairOptions po = pair_options_;
    po.doc_id = p_.Has("doc") && p_.Get("doc") != "" ? p_.Get("doc") : job.name;
    PairReport report;
    auto pairs = AlignedPairs(*src, *tgt, src_lang_, tgt_lang_, *result, po, &report);
    if (!pairs.ok()) return Fail(ctx_, pairs.status());

    // A file output is built in memory (one document's alignment) and written whole, then renamed.
    std::ostringstream file;
    std::ostream* os = out_file != nullptr ? &file : ctx_.out;
    if (format_ == "links") {
      for (const AlignLink& l : result->links) *os << FormatLink(l) << '\n';
    } else if (format_ == "tsv") {
      for (const SegmentPair& sp : *pairs)
        *os << OneLine(sp.source) << '\t' << OneLine(sp.target) << '\n';
    } else if (format_ == "tmx") {
      WriteTmx(*os, *pairs);
    } else {
      JsonWriter w;
      w.BeginObject()
          .Field("document", job.name)
          .Field("length_ratio", result->length_ratio)
          .Key("links");
      w.BeginArray();
      for (const AlignLink& l : result->links) {
        w.BeginObject().Key("src");
        IdsJson(w, l.src);
        w.Key("tgt");
        IdsJson(w, l.tgt);
        w.Field("confidence", l.confidence).Field("low_confidence", l.low_confidence);
        w.Field("editorial", EditorialKindName(l.editorial));
        std::string s, t;
        for (uint32_t k : l.src) {
          if (!s.empty()) s += ' ';
          s += (*src)[k];
        }
        for (uint32_t k : l.tgt) {
          if (!t.empty()) t += ' ';
          t += (*tgt)[k];
        }
        w.Field("source", s).Field("target", t).EndObject();
      }
      w.EndArray().EndObject();
      *os << w.str() << '\n';
    }
    if (out_file != nullptr) {
      Status written = out_file->Write(file.str());
      if (written.ok()) written = out_file->Commit();
      if (!written.ok()) return Fail(ctx_, written);
    }
    if (store_) {
      WriteBatch batch;
      for (SegmentPair& sp : *pairs) batch.Add(std::move(sp));
      auto written = store_->Write(batch, DuplicatePolicy::kSkip);
      if (!written.ok()) return Fail(ctx_, written.status().WithContext("importing " + job.name));
      uint32_t added = 0, dup = 0;
      for (const WriteResult& r : *written)
        (r.outcome == WriteOutcome::kSkippedDuplicate ? dup : added)++;
      *ctx_.err << Trf("{1}: {2} aligned pairs ({3} of them joined n-m links): {4} stored, {5} "
                       "already in the "
                       "TM; held back {6} below confidence {7} and {8} n-m links; {9} sentences "
                       "link to nothing "
                       "({10} editorial lines)",
                       job.name, report.pairs, report.many_to_many, added, dup,
                       report.low_confidence,
                       std::to_string(pair_options_.min_confidence).substr(0, 4), report.many_held,
                       report.null_links, report.editorial)
                << '\n';
    }
    return kExitOk;
  }

  size_t learned_pairs() const { return learned_pairs_; }

 private:
  void WriteTmx(std::ostream& os, const std::vector<SegmentPair>& pairs) {
    os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"
       << "<header creationtool=\"dhakira\" creationtoolversion=\"" << DHAKIRA_VERSION
       << "\" segtype=\"sentence\" o-tmf=\"dhakira\" adminlang=\"en\" srclang=\""
       << XmlEscape(src_lang_) << "\" datatype=\"plaintext\"/>\n<body>\n";
    for (const SegmentPair& sp : pairs) {
      os << "<tu>";
      for (const auto& [type, value] : sp.properties)
        os << "<prop type=\"" << XmlEscape(type) << "\">" << XmlEscape(value) << "</prop>";
      if (!sp.doc_id.empty()) os << "<prop type=\"x-doc\">" << XmlEscape(sp.doc_id) << "</prop>";
      os << "\n  <tuv xml:lang=\"" << XmlEscape(sp.src_lang) << "\"><seg>" << XmlEscape(sp.source)
         << "</seg></tuv>\n  <tuv xml:lang=\"" << XmlEscape(sp.tgt_lang) << "\"><seg>"
         << XmlEscape(sp.target) << "</seg></tuv>\n</tu>\n";
    }
    os << "</body>\n</tmx>\n";
  }

  Context& ctx_;
  const ArgParser& p_;
  std::string src_lang_, tgt_lang_, format_;
  AlignOptions options_;
  PairOptions pair_options_;
  std::unique_ptr<Aligner> aligner_;
  std::unique_ptr<Store> store_;
#ifdef DHAKIRA_HAVE_SERVICE
  std::unique_ptr<Client> client_;  // --server: the server aligns
#endif
  size_t learned_pairs_ = 0;
};

int RunAlign(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p(
      "align",
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
             "links below this confidence (0..1) are flagged and not exported", "0.5")
      .Switch("import", "store the aligned pairs in the TM (--db)")
      .Value("origin", "O", "origin of imported pairs (e.g. the outlet)")
      .Value("doc", "D",
             "document id of imported pairs (default: the source file name without extension)")
      .Switch("learn", "add a lexicon learned from the TM's pairs to the dictionary")
      .Switch("no-lexicon", "use no bilingual lexicon (length, numbers, names and cognates only)")
      .Value("batch", "DIR", "align every DOC.<src-lang> / DOC.<tgt-lang> pair in DIR")
      .Value("out", "OUTDIR", "with --batch: write OUTDIR/DOC.align (links) for each pair");
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
  if (!batch) {
    Job job;
    job.src_path = p.positionals()[0];
    job.tgt_path = p.positionals()[1];
    job.name = fs::path(job.src_path).stem().string();
    // "article.ar.split" -> "article"
    std::string lang_suffix = ".";
    lang_suffix += p.Get("src-lang");
    if (job.name.size() > lang_suffix.size() &&
        job.name.compare(job.name.size() - lang_suffix.size(), std::string::npos, lang_suffix) == 0)
      job.name.resize(job.name.size() - lang_suffix.size());
    return runner.Run(job, "");
  }
  const std::string dir = p.Get("batch"), out = p.Get("out");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Fail(ctx, Status::NotFound("'" + dir + "' is not a directory"));
  fs::create_directories(out, ec);
  if (ec) return Fail(ctx, Status::IOError("cannot create '" + out + "': " + ec.message()));
  // DOC.<src-lang> with a DOC.<tgt-lang> beside it, in name order.
  std::map<std::string, Job> jobs;
  std::string src_ext = ".", tgt_ext = ".";
  src_ext += p.Get("src-lang");
  tgt_ext += p.Get("tgt-lang");
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != src_ext) continue;
    fs::path tgt = e.path();
    tgt.replace_extension(tgt_ext);
    if (!fs::exists(tgt)) continue;
    Job j{e.path().stem().string(), e.path().string(), tgt.string()};
    jobs[j.name] = j;
  }
  if (ec) return Fail(ctx, Status::IOError("cannot list '" + dir + "': " + ec.message()));
  int failures = 0;
  for (const auto& [name, job] : jobs) {
    if (runner.Run(job, (fs::path(out) / (name + ".align")).string()) != kExitOk) ++failures;
  }
  *ctx.err << Trf("aligned {1} document pairs into {2}", jobs.size() - failures, out) << '\n';
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace
DHAKIRA_COMMAND("align", "align a document with its translation", RunAlign);
}  // namespace dhakira::cli

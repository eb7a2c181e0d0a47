// Aligns every DOC.<src>/DOC.<tgt> pair of a directory in one process and writes OUTDIR/DOC.align
// (the align-eval gold format), with --json also OUTDIR/DOC.json (each link's ids, confidence,
// low_confidence and editorial kind, as `dhakira align --format json` writes them, without the texts);
// prints timing. Used by benchmarks/align_eval.
//   align_batch_bench DIR OUTDIR [--src ar] [--tgt en] [--no-lexicon] [--params k=v,...] [--text] [--json]
//                    [--features FILE]
// --features writes the confidence features of every link (align/confidence.h) as TSV lines, for
// benchmarks/calibrate.py: "#pair|#null|#document <names>" headers, then
// "document DOC <values>", "pair DOC LINK <values>", "null DOC LINK <values>" (LINK as FormatLink).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "align/confidence.h"
#include "align/scoring.h"
#include "dhakira/align.h"

using namespace dhakira;
namespace fs = std::filesystem;

namespace {

void WriteIds(std::ofstream& f, const std::vector<uint32_t>& ids) {
  f << '[';
  for (size_t i = 0; i < ids.size(); ++i) f << (i ? ", " : "") << ids[i];
  f << ']';
}

// Document names of the align-eval sets are [A-Za-z0-9._-]: no JSON escaping needed.
void WriteJson(const std::string& path, const std::string& doc, const std::vector<AlignLink>& links) {
  std::ofstream f(path);
  f << "{\"document\": \"" << doc << "\", \"links\": [";
  for (size_t i = 0; i < links.size(); ++i) {
    const AlignLink& l = links[i];
    f << (i ? ",\n" : "\n") << "{\"src\": ";
    WriteIds(f, l.src);
    f << ", \"tgt\": ";
    WriteIds(f, l.tgt);
    char conf[32];
    std::snprintf(conf, sizeof conf, "%.6f", l.confidence);
    f << ", \"confidence\": " << conf << ", \"low_confidence\": " << (l.low_confidence ? "true" : "false")
      << ", \"editorial\": \"" << EditorialKindName(l.editorial) << "\"}";
  }
  f << "]}\n";
}

void WriteValues(const std::vector<double>& values, std::ostream& out) {
  char number[32];
  for (double v : values) {
    std::snprintf(number, sizeof number, "\t%.6g", v);
    out << number;
  }
  out << "\n";
}

void WriteFeatureHeader(std::ostream& out) {
  out << "#pair";
  for (const char* name : align::kPairFeatureNames) out << "\t" << name;
  out << "\n#null";
  for (const char* name : align::kNullFeatureNames) out << "\t" << name;
  out << "\n#document";
  for (const char* name : align::kDocumentFeatureNames) out << "\t" << name;
  out << "\n";
}

void WriteFeatures(const std::string& doc, const AlignResult& result, const align::ConfidenceFeatures& features,
                   std::ostream& out) {
  out << "document\t" << doc;
  WriteValues(features.document, out);
  for (size_t k = 0; k < result.links.size() && k < features.links.size(); ++k) {
    const auto kind = features.links[k].kind;
    if (kind == align::ConfidenceFeatures::LinkKind::kEditorial) continue;
    out << (kind == align::ConfidenceFeatures::LinkKind::kPair ? "pair\t" : "null\t") << doc << "\t"
        << FormatLink(result.links[k]);
    WriteValues(features.links[k].values, out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR OUTDIR [--src L] [--tgt L] [--no-lexicon] [--params k=v,..]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1], out = argv[2], src = "ar", tgt = "en", params, features_path;
  bool lexicon = true, presplit = true, json = false;
  for (int k = 3; k < argc; ++k) {
    std::string a = argv[k];
    if (a == "--src" && k + 1 < argc)
      src = argv[++k];
    else if (a == "--tgt" && k + 1 < argc)
      tgt = argv[++k];
    else if (a == "--params" && k + 1 < argc)
      params = argv[++k];
    else if (a == "--features" && k + 1 < argc)
      features_path = argv[++k];
    else if (a == "--no-lexicon")
      lexicon = false;
    else if (a == "--text")
      presplit = false;
    else if (a == "--json")
      json = true;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<const Lexicon> lex;
  if (lexicon) {
    auto l = Lexicon::LoadDefault(src, tgt);
    if (!l.ok()) {
      std::fprintf(stderr, "%s\n", l.status().ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "lexicon: %zu pairs\n", l->size());
    lex = std::make_shared<const Lexicon>(std::move(l).value());
  }
  auto t1 = std::chrono::steady_clock::now();
  AlignOptions o;
  o.src_lang = src;
  o.tgt_lang = tgt;
  auto aligner = Aligner::Create(o, lex);
  if (!aligner.ok()) {
    std::fprintf(stderr, "%s\n", aligner.status().ToString().c_str());
    return 1;
  }
  if (!params.empty()) {
    align::ScoreParams p;
    if (Status s = p.Parse(params); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    align::SetScoreParams(aligner->get(), p);
  }
  align::ConfidenceFeatures features;
  std::ofstream features_out;
  if (!features_path.empty()) {
    features_out.open(features_path);
    WriteFeatureHeader(features_out);
    align::SetConfidenceFeatureSink(aligner->get(), &features);
  }
  fs::create_directories(out);
  std::map<std::string, int> docs;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == "." + src) docs[e.path().stem().string()] = 1;
  }
  size_t sents = 0, n = 0;
  for (auto& [doc, unused] : docs) {
    auto s = ReadDocument(dir + "/" + doc + "." + src, src, presplit);
    auto t = ReadDocument(dir + "/" + doc + "." + tgt, tgt, presplit);
    if (!s.ok() || !t.ok()) {
      std::fprintf(stderr, "%s: %s %s\n", doc.c_str(), s.status().ToString().c_str(), t.status().ToString().c_str());
      continue;
    }
    auto r = (*aligner)->Align(*s, *t);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", doc.c_str(), r.status().ToString().c_str());
      continue;
    }
    std::ofstream f(out + "/" + doc + ".align");
    for (const AlignLink& l : r->links) f << FormatLink(l) << "\n";
    if (json) WriteJson(out + "/" + doc + ".json", doc, r->links);
    if (features_out.is_open()) WriteFeatures(doc, *r, features, features_out);
    sents += s->size() + t->size();
    ++n;
  }
  auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::fprintf(stderr, "%zu documents, %zu sentences: lexicon %.0f ms, alignment %.0f ms\n", n, sents, ms(t0, t1),
               ms(t1, t2));
  return 0;
}

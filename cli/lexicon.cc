// dhakira lexicon: what the lexicons say a word translates to: the installed dictionary, the built-in
// table, and what the TM taught (its learned lexicon: every partner it counted, with counts and Dice score,
// and whether the aligner uses it). Words are shown as the alignment stems the aligner compares.
#include <algorithm>
#include <cstdio>

#include "backend.h"
#include "cli.h"
#include "dhakira/align.h"
#include "json.h"

namespace dhakira::cli {
namespace {

// One translation of the word, from any source.
struct Row {
  std::string target;
  bool dictionary = false, builtin = false;
  const LearnedTranslation* learned = nullptr;  // the TM's statistics, when it counted the pair
};

std::vector<std::string> Sources(const Row& row) {
  std::vector<std::string> out;
  if (row.builtin) out.emplace_back("built-in");
  if (row.dictionary) out.emplace_back("dictionary");
  if (row.learned != nullptr && row.learned->kept) out.emplace_back("learned");
  if (out.empty()) out.emplace_back("tm");  // counted in the TM but below the learning bars
  return out;
}

// Dictionary and built-in translations first, then the TM's partners by score; `limit` TM-only rows.
std::vector<Row> Rows(const std::vector<std::string>& dictionary, const std::vector<std::string>& builtin,
                      const LearnedLexiconResult& learned, size_t limit) {
  std::vector<Row> rows;
  auto row_of = [&](const std::string& target) -> Row& {
    for (Row& r : rows)
      if (r.target == target) return r;
    rows.push_back(Row{target});
    return rows.back();
  };
  for (const std::string& t : builtin) row_of(t).builtin = true;
  for (const std::string& t : dictionary)
    if (std::find(builtin.begin(), builtin.end(), t) == builtin.end()) row_of(t).dictionary = true;
  size_t tm_only = 0;
  for (const LearnedTranslation& t : learned.translations) {  // strongest first
    const bool known = std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.target == t.target; });
    if (!known && !t.kept && tm_only >= limit) continue;
    Row& row = row_of(t.target);
    if (row.learned == nullptr) row.learned = &t;
    if (!known && !t.kept) ++tm_only;
  }
  return rows;
}

void PrintJson(std::ostream& out, const std::string& word, const LearnOptions& options,
               const LearnedLexiconResult& learned, const std::vector<Row>& rows) {
  JsonWriter w;
  w.BeginObject().Field("word", word).Field("src_lang", options.src_lang).Field("tgt_lang", options.tgt_lang);
  w.Field("tm_pairs", learned.pairs).Key("translations").BeginArray();
  for (const Row& row : rows) {
    w.BeginObject().Field("target", row.target).Key("sources").BeginArray();
    for (const std::string& s : Sources(row)) w.String(s);
    w.EndArray();
    if (const LearnedTranslation* t = row.learned) {
      w.Field("source_stem", t->source).Field("together", t->together).Field("source_pairs", t->source_pairs);
      w.Field("target_pairs", t->target_pairs).Field("score", t->score).Field("mutual", t->mutual);
      w.Field("learned", t->kept);
    }
    w.EndObject();
  }
  w.EndArray().EndObject();
  out << w.str() << '\n';
}

// `text` followed by spaces up to `width` characters (code points, so that Arabic stems line up too).
std::string Padded(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  return text + std::string(chars < width ? width - chars : 1, ' ');
}

void PrintText(std::ostream& out, const std::string& word, const LearnOptions& options,
               const LearnedLexiconResult& learned, const std::vector<Row>& rows) {
  out << Trf("{1} ({2} -> {3}; the TM holds {4} {2}-{3} pairs)", word, options.src_lang, options.tgt_lang,
             learned.pairs)
      << '\n';
  if (rows.empty()) {
    out << Tr("  no translation known") << '\n';
    return;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%8s %8s %8s %6s", "together", "word", "transl.", "score");
  out << "  " << Padded("translation", 16) << Padded("source", 28) << line << '\n';
  for (const Row& row : rows) {
    std::string sources;
    for (const std::string& s : Sources(row)) sources += (sources.empty() ? "" : ",") + s;
    const LearnedTranslation* t = row.learned;
    if (t == nullptr) {
      std::snprintf(line, sizeof line, "%8s %8s %8s %6s", "-", "-", "-", "-");
    } else {
      std::snprintf(line, sizeof line, "%8llu %8llu %8llu %6.2f%s", static_cast<unsigned long long>(t->together),
                    static_cast<unsigned long long>(t->source_pairs), static_cast<unsigned long long>(t->target_pairs),
                    t->score, t->mutual ? " mutual" : "");
    }
    out << "  " << Padded(row.target, 16) << Padded(sources, 28) << line << '\n';
  }
}

int RunLexicon(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("lexicon", "lexicon WORD --src-lang L --tgt-lang L [--json] [--limit N]",
              N_("Show what a word translates to: the dictionary, the built-in table, and what the TM's pairs "
                 "taught (pairs holding both words, pairs holding each, Dice score; 'learned' when the aligner "
                 "uses it, 'tm' when counted but below the bars). Words are shown as alignment stems."));
  p.Positional("WORD", "one word of the source language")
      .Value("src-lang", "L", "language of WORD (BCP 47, e.g. ar)")
      .Value("tgt-lang", "L", "language of the translations (BCP 47, e.g. en)")
      .Value("limit", "N", "at most N translations the TM counted but does not use", "10")
      .Switch("json", "print one JSON document");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() != 1) return UsageError(ctx, "lexicon", Tr("expected exactly one WORD"));
  if (!p.Has("src-lang") || !p.Has("tgt-lang"))
    return UsageError(ctx, "lexicon", Tr("--src-lang and --tgt-lang are required"));
  const std::string limit_text = p.Get("limit");
  if (limit_text.empty() || limit_text.size() > 6 || limit_text.find_first_not_of("0123456789") != std::string::npos)
    return UsageError(ctx, "lexicon", Trf("--limit: '{1}' is not a whole number", limit_text));
  LearnOptions options;
  options.src_lang = p.Get("src-lang");
  options.tgt_lang = p.Get("tgt-lang");
  if (Status s = options.Validate(); !s.ok()) return UsageError(ctx, "lexicon", s.message());
  const std::string& word = p.positionals()[0];
  auto lexicon = Lexicon::LoadDefault(options.src_lang, options.tgt_lang);
  if (!lexicon.ok()) return UsageError(ctx, "lexicon", lexicon.status().message());
  auto builtin = Lexicon::LoadBuiltin(options.src_lang, options.tgt_lang);
  if (!builtin.ok()) return Fail(ctx, builtin.status());
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  StatusOr<LearnedLexiconResult> learned = (*backend)->LearnedFor(word, options);
  if (!learned.ok()) return Fail(ctx, learned.status());
  const std::vector<Row> rows = Rows(lexicon->Translations(options.src_lang, word),
                                     builtin->Translations(options.src_lang, word), *learned, std::stoul(limit_text));
  if (p.Flag("json"))
    PrintJson(*ctx.out, word, options, *learned, rows);
  else
    PrintText(*ctx.out, word, options, *learned, rows);
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("lexicon", "what a word translates to (dictionary, built-in, learned from the TM)", RunLexicon);
}  // namespace dhakira::cli

// dhakira split: one sentence a line.
#include "cli.h"
#include "dhakira/text.h"
#include "json.h"

namespace dhakira::cli {
namespace {

int RunSplit(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("split", "split --lang L [--json] [FILE]",
              N_("Split text into sentences and print one sentence a line. Blank lines and headlines end "
                 "sentences; hard-wrapped lines are joined."));
  p.Positional("FILE", "the text to split (default: standard input)")
      .Value("lang", "L", "language of the text (BCP 47, e.g. ar)")
      .Switch("keep-wraps", "do not join hard-wrapped lines")
      .Switch("json", "print the sentences with byte spans as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.Has("lang")) return UsageError(ctx, "split", Tr("--lang is required"));
  if (p.positionals().size() > 1) return UsageError(ctx, "split", Tr("expected at most one FILE"));
  const std::string file = p.positionals().empty() ? "-" : p.positionals()[0];

  SplitterOptions options;
  options.language = p.Get("lang");
  options.unwrap_lines = !p.Flag("keep-wraps");
  auto splitter = SentenceSplitter::Create(options);
  if (!splitter.ok()) return Fail(ctx, splitter.status());
  std::string text;
  if (Status s = ReadFileOrStdin(file, &text); !s.ok()) return Fail(ctx, s);
  auto sentences = (*splitter)->Split(text);
  const std::string name = file == "-" ? "standard input" : file;
  if (!sentences.ok()) return Fail(ctx, sentences.status().WithContext(name));

  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject().Field("file", name).Key("sentences").BeginArray();
    for (const Sentence& s : *sentences) {
      w.BeginObject()
          .Field("text", s.text)
          .Field("begin", s.begin)
          .Field("end", s.end)
          .Field("starts_paragraph", s.starts_paragraph)
          .EndObject();
    }
    w.EndArray().EndObject();
    *ctx.out << w.str() << '\n';
  } else {
    for (const Sentence& s : *sentences) *ctx.out << s.text << '\n';
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("split", "split text into sentences", RunSplit);
}  // namespace dhakira::cli

// dhakira normalize: show the match keys of text, one input line -> one output line.
#include <iostream>

#include "cli.h"
#include "dhakira/text.h"
#include "json.h"

namespace dhakira::cli {
namespace {

int RunNormalize(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("normalize", "normalize --lang L [--json] [--no-punct] [TEXT]",
              N_("Print the match-key tokens of TEXT (or of each line of standard input), separated by single "
                 "spaces."));
  p.Positional("TEXT", "text to normalize (default: read standard input, one line at a time)")
      .Value("lang", "L", "language of the text (BCP 47, e.g. ar)")
      .Switch("no-punct", "leave punctuation tokens out")
      .Switch("json", "print each line's tokens with type, key and byte span as a JSON line");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.Has("lang")) return UsageError(ctx, "normalize", Tr("--lang is required"));
  if (p.positionals().size() > 1) {
    return UsageError(ctx, "normalize", Tr("expected at most one TEXT (quote it)"));
  }
  NormalizerOptions options;
  options.language = p.Get("lang");
  options.keep_punctuation = !p.Flag("no-punct");
  auto normalizer = Normalizer::Create(options);
  if (!normalizer.ok()) return Fail(ctx, normalizer.status());
  const bool json = p.Flag("json");

  int result = kExitOk;
  auto one = [&](const std::string& line, const std::string& where) {
    auto nt = (*normalizer)->Normalize(line);
    if (!nt.ok()) {
      // Keep output lines aligned with input lines: an empty line (or a JSON error object) stands in.
      Fail(ctx, nt.status().WithContext(where));
      if (json) {
        JsonWriter w;
        w.BeginObject().Field("error", nt.status().message()).EndObject();
        *ctx.out << w.str() << '\n';
      } else {
        *ctx.out << '\n';
      }
      result = kExitFailure;
      return;
    }
    if (json) {
      JsonWriter w;
      w.BeginObject().Field("text", nt->text).Key("tokens").BeginArray();
      for (const Token& t : nt->tokens) {
        w.BeginObject()
            .Field("type", TokenTypeName(t.type))
            .Field("key", t.key)
            .Field("begin", t.begin)
            .Field("end", t.end)
            .Field("original", std::string_view(nt->text).substr(t.begin, t.end - t.begin));
        if (t.type == TokenType::kNumber) w.Field("value", t.value);
        w.EndObject();
      }
      w.EndArray().EndObject();
      *ctx.out << w.str() << '\n';
    } else {
      std::string out;
      for (const Token& t : nt->tokens) {
        if (!out.empty()) out += ' ';
        out += t.key;
      }
      *ctx.out << out << '\n';
    }
  };

  if (p.positionals().size() == 1) {
    one(p.positionals()[0], "TEXT");
  } else {
    std::string line;
    uint64_t n = 0;
    while (std::getline(std::cin, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      one(line, "standard input line " + std::to_string(n));
    }
  }
  return result;
}

}  // namespace
DHAKIRA_COMMAND("normalize", "show the match keys of text", RunNormalize);
}  // namespace dhakira::cli

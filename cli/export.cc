// dhakira export: write the TM (or part of it) as TMX 1.4b or TSV (engine: dhakira/io.h), also
// through --server (the Export stream).
#include <cstdio>
#include <iostream>

#include "backend.h"
#include "cli.h"
#include "dhakira/io.h"
#include "json.h"

namespace dhakira::cli {
namespace {

int RunExport(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("export", "export FILE [--format tmx|tsv] [--src-lang L --tgt-lang L] [--origin O]",
              N_("Export the translation memory as TMX 1.4b or TSV (gzip when FILE ends in .gz). The file is "
                 "written under a temporary name and renamed when complete. FILE may not be a FIFO, a device, "
                 "a directory, a file in a TM directory, or a symlink (unless --follow-symlinks)."));
  p.Positional("FILE", "the file to write (.tmx, .tsv, optionally .gz)")
      .Value("format", "F", "tmx or tsv (default: from the file name)")
      .Value("src-lang", "L", "only pairs of this source language")
      .Value("tgt-lang", "L", "only pairs of this target language")
      .Value("origin", "O", "only pairs of this origin")
      .Switch("follow-symlinks", "FILE may be a symlink: write the file it points to (default: refuse)")
      .Switch("tsv-no-escape", "TSV: replace tabs and line breaks inside segments by spaces instead of \\t \\n")
      .Switch("json", "print the summary as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() != 1) return UsageError(ctx, "export", Tr("expected exactly one FILE"));
  ExportOptions options;
  if (p.Has("format")) {
    auto format = ParseFileFormat(p.Get("format"));
    if (!format.ok()) return UsageError(ctx, "export", format.status().message());
    options.format = *format;
  }
  options.src_lang = p.Get("src-lang");
  options.tgt_lang = p.Get("tgt-lang");
  options.origin = p.Get("origin");
  options.tsv_escape = !p.Flag("tsv-no-escape");
  options.follow_symlinks = p.Flag("follow-symlinks");
  if (Status s = options.Validate(); !s.ok()) return UsageError(ctx, "export", s.message());

  const std::string& file = p.positionals()[0];
  // Exporting a large TM takes long; a server call's deadline is only a guard against a hung server.
  auto backend = MakeBackend(ctx, CallLength::kLong);
  if (!backend.ok()) return Fail(ctx, backend.status());
  StatusOr<ExportSummary> summary = (*backend)->Export(file, options);
  if (!summary.ok()) return Fail(ctx, summary.status());
  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject()
        .Field("file", file)
        .Field("pairs", summary->pairs_written)
        .Field("bytes", summary->bytes_written)
        .Field("characters_replaced", summary->characters_replaced)
        .Field("seconds", summary->seconds)
        .EndObject();
    *ctx.out << w.str() << '\n';
    return kExitOk;
  }
  char timing[64];
  std::snprintf(timing, sizeof timing, "%.2f", summary->seconds);
  *ctx.out << Trf("exported {1} pairs to {2} in {3} s", summary->pairs_written, file, std::string(timing)) << '\n';
  if (summary->characters_replaced > 0) {
    *ctx.err << Trf("dhakira export: {1} characters could not be written as they were and were replaced",
                    summary->characters_replaced)
             << '\n';
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("export", "export the TM as TMX or TSV", RunExport);
}  // namespace dhakira::cli

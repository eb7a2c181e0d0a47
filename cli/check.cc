// dhakira check: read every page and record of the TM without trusting LMDB, and say what is
// damaged.
#include "cli.h"
#include "json.h"

namespace dhakira::cli {
namespace {

void PrintCheckJson(const Context& ctx, const CheckReport& r) {
  JsonWriter w;
  w.BeginObject()
      .Field("path", ctx.db_path)
      .Field("ok", r.ok())
      .Field("page_size", r.page_size)
      .Field("txnid", r.txnid)
      .Field("pages", r.pages)
      .Field("branch_pages", r.branch_pages)
      .Field("leaf_pages", r.leaf_pages)
      .Field("overflow_pages", r.overflow_pages)
      .Field("free_pages", r.free_pages)
      .Field("unaccounted_pages", r.unaccounted_pages)
      .Field("units", r.units)
      .Field("databases", r.databases)
      .Field("problem_count", r.problem_count)
      .Key("problems")
      .BeginArray();
  for (const std::string& p : r.problems) w.String(p);
  w.EndArray().EndObject();
  *ctx.out << w.str() << '\n';
}

int RunCheck(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("check", "check [--json] [--structure-only]",
              N_("Read every page and record of the TM and report damage (exit 1 when damaged)."));
  p.Switch("json", "print the report as JSON")
      .Switch("structure-only", "check LMDB's pages only, without decoding the units");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.positionals().empty()) return UsageError(ctx, "check", Tr("takes no arguments"));
  CheckOptions options;
  options.decode_units = !p.Flag("structure-only");
  StatusOr<CheckReport> report = CheckTm(ctx.db_path, options);
  if (!report.ok()) return Fail(ctx, report.status());
  const CheckReport& r = *report;
  if (p.Flag("json")) {
    PrintCheckJson(ctx, r);
    return r.ok() ? kExitOk : kExitFailure;
  }
  if (r.ok()) {
    *ctx.out << Trf("ok: {1} pages ({2} branch, {3} leaf, {4} overflow, {5} free), {6} units", r.pages, r.branch_pages,
                    r.leaf_pages, r.overflow_pages, r.free_pages, r.units)
             << '\n';
    return kExitOk;
  }
  for (const std::string& problem : r.problems) *ctx.err << "dhakira: corruption: " << problem << '\n';
  if (r.problem_count > r.problems.size()) {
    *ctx.err << "dhakira: " << Trf("... and {1} more problems", r.problem_count - r.problems.size()) << '\n';
  }
  return Fail(ctx, Trf("the TM at {1} is damaged ({2} problems); restore it from a backup or "
                       "re-import it",
                       ctx.db_path, r.problem_count));
}

}  // namespace
DHAKIRA_COMMAND("check", "check the TM for damage", RunCheck);
}  // namespace dhakira::cli

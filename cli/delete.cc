// dhakira delete: remove segment pairs by id.
#include "cli.h"
#include "json.h"
#include "remote.h"

namespace dhakira::cli {
namespace {

int RunDelete(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("delete", "delete [--json] ID...", N_("Delete the segment pairs with these ids (all or none)."));
  p.Positional("ID...", "ids of the pairs to delete").Switch("json", "print the result as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().empty()) return UsageError(ctx, "delete", Tr("expected at least one ID"));
  WriteBatch batch;
  std::vector<uint64_t> ids;
  for (const std::string& s : p.positionals()) {
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError(ctx, "delete", Trf("'{1}' is not an id (a whole number)", s));
    }
    ids.push_back(std::stoull(s));
    batch.Delete(ids.back());
  }
#ifdef DHAKIRA_HAVE_SERVICE
  if (!ctx.server.empty()) {
    auto client = ConnectServer(ctx);
    if (!client.ok()) return Fail(ctx, client.status());
    Status st = (*client)->Delete(ids);
    if (!st.ok()) return Fail(ctx, st);
  } else
#endif
  {
    auto store = OpenTm(ctx, TmAccess::kWrite);  // never create a TM just to delete from it
    if (!store.ok()) return Fail(ctx, store.status());
    auto results = (*store)->Write(batch, DuplicatePolicy::kSkip);
    if (!results.ok()) return Fail(ctx, results.status());
  }
  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject().Key("deleted").BeginArray();
    for (uint64_t id : ids) w.Uint(id);
    w.EndArray().EndObject();
    *ctx.out << w.str() << '\n';
  } else {
    for (uint64_t id : ids) *ctx.out << Trf("Deleted {1}.", id) << '\n';
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("delete", "delete segment pairs by id", RunDelete);
}  // namespace dhakira::cli

// dhakira delete: remove segment pairs by id.
#include "backend.h"
#include "cli.h"
#include "json.h"

namespace dhakira::cli {
namespace {

int RunDelete(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("delete", "delete [--json] ID...", N_("Delete the segment pairs with these ids (all or none)."));
  p.Positional("ID...", "ids of the pairs to delete").Switch("json", "print the result as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().empty()) return UsageError(ctx, "delete", Tr("expected at least one ID"));
  std::vector<uint64_t> ids;
  for (const std::string& s : p.positionals()) {
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError(ctx, "delete", Trf("'{1}' is not an id (a whole number)", s));
    }
    ids.push_back(std::stoull(s));
  }
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  if (Status deleted = (*backend)->Delete(ids); !deleted.ok()) return Fail(ctx, deleted);
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

// dhakira stats: what the TM holds.
#include <iomanip>

#include "backend.h"
#include "cli.h"
#include "json.h"

namespace dhakira::cli {
namespace {

std::string HumanBytes(uint64_t b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

int RunStats(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("stats", "stats [--json]",
              N_("Show how many pairs the TM holds, per language pair and origin, and its size."));
  p.Switch("json", "print the statistics as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.positionals().empty()) return UsageError(ctx, "stats", Tr("takes no arguments"));
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  StatusOr<TmStats> tm_stats = (*backend)->Stats();
  if (!tm_stats.ok()) return Fail(ctx, tm_stats.status());
  const std::string& path = tm_stats->path;  // a server's: where the server keeps the TM
  const StoreStats* stats = &tm_stats->stats;
  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject()
        .Field("path", path)
        .Field("segments", stats->segments)
        .Field("used_bytes", stats->used_bytes)
        .Field("allocated_bytes", stats->allocated_bytes)
        .Field("file_bytes", stats->file_bytes)
        .Field("map_bytes", stats->map_bytes)
        .Field("format_version", stats->format_version)
        .Field("language_pairs", stats->language_pairs)
        .Field("origins", stats->origins)
        .EndObject();
    *ctx.out << w.str() << '\n';
    return kExitOk;
  }
  std::ostream& o = *ctx.out;
  o << Tr("Translation memory:") << ' ' << path << '\n'
    << Tr("Segment pairs:") << ' ' << stats->segments << '\n'
    << Tr("Size on disk:") << ' ';
  // A server of an older build reports only the file size (no used_bytes).
  if (stats->used_bytes == 0) {
    o << HumanBytes(stats->file_bytes) << '\n';
  } else {
    o << Trf("{1} used, {2} allocated (file {3})", HumanBytes(stats->used_bytes), HumanBytes(stats->allocated_bytes),
             HumanBytes(stats->file_bytes))
      << '\n';
  }
  if (!stats->language_pairs.empty()) {
    o << Tr("Language pairs:") << '\n';
    for (const auto& [k, v] : stats->language_pairs) o << "  " << std::left << std::setw(16) << k << v << '\n';
  }
  if (!stats->origins.empty()) {
    o << Tr("Origins:") << '\n';
    for (const auto& [k, v] : stats->origins) {
      o << "  " << std::left << std::setw(16) << (k.empty() ? Tr("(none)") : k) << v << '\n';
    }
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("stats", "show what the TM holds", RunStats);
}  // namespace dhakira::cli

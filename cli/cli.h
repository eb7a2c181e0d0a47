// The dhakira command-line adapter: shared pieces for the command files.
//
// Each command lives in its own cli/<command>.cc and registers itself with DHAKIRA_COMMAND; main.cc parses the
// global flags, picks the command and hands it its arguments. A command parses its flags with ArgParser, makes
// one engine call and prints. Exit codes: 0 ok, 1 failure, 2 usage error.
#ifndef DHAKIRA_CLI_CLI_H_
#define DHAKIRA_CLI_CLI_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"

namespace dhakira::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What every command gets from main: the global flags and the streams.
struct Context {
  std::string program;  // argv[0] basename
  std::string db_path;  // --db, else $DHAKIRA_DB, else ./dhakira.db
  std::string server;   // --server ADDRESS ("" = work on the local TM)
  std::ostream* out;    // results (classic locale)
  std::ostream* err;    // messages
};

// Localised human message (Boost.Locale gettext, domain "dhakira"). Placeholders {1}, {2}, ... are replaced by
// the arguments *after* translation, formatted in the classic locale (numbers and paths stay ASCII).
std::string Tr(const char* msgid);
std::string Tr(const char* msgid, const std::vector<std::string>& args);
template <typename... Args>
std::string Trf(const char* msgid, const Args&... args);

// Marks a msgid for extraction (scripts/update-po) where it is translated later with Tr().
#define N_(msgid) msgid

// Initialises message catalogs from the environment (LC_ALL / LC_MESSAGES / LANG). Called once by main.
void InitMessages();

// Prints "dhakira: <message>" to ctx.err and returns kExitFailure.
int Fail(const Context& ctx, const std::string& message);
// Prints "dhakira: <the status, localised where a catalog has it>" and returns kExitFailure.
int Fail(const Context& ctx, const Status& status);
// Prints "dhakira COMMAND: <message>", a hint to use --help, and returns kExitUsage.
int UsageError(const Context& ctx, std::string_view command, const std::string& message);

// A small flag parser: --name VALUE, --name=VALUE, --flag, and positionals; "--" ends the flags.
class ArgParser {
 public:
  ArgParser(std::string command, std::string usage_line, std::string description);

  // A flag that takes a value. `help` is a msgid (translated when printed); `metavar` names the value.
  ArgParser& Value(std::string name, std::string metavar, std::string help,
                   std::optional<std::string> default_value = std::nullopt);
  // A boolean switch.
  ArgParser& Switch(std::string name, std::string help);
  // Positional arguments for the help text (name, help); parsing keeps every positional in order.
  ArgParser& Positional(std::string name, std::string help);

  // Parses args. On --help prints help to ctx.out and returns kExitOk in *exit_code; on a usage error prints
  // it and returns kExitUsage. Returns true when the command should run.
  // --db PATH and --server ADDRESS are accepted by every command and update ctx.
  bool Parse(Context& ctx, const std::vector<std::string>& args, int* exit_code);

  bool Has(const std::string& name) const;         // given on the command line (or has a default)
  std::string Get(const std::string& name) const;  // value or default or ""
  bool Flag(const std::string& name) const;        // a switch
  const std::vector<std::string>& positionals() const { return positionals_; }

  // Parses an unsigned integer flag value; prints a usage error naming the flag on failure.
  bool GetUint(const Context& ctx, const std::string& name, uint64_t* value, int* exit_code) const;

  void PrintHelp(std::ostream& os) const;
  const std::string& command() const { return command_; }

 private:
  struct Option {
    std::string name, metavar, help;
    bool takes_value = false;
    std::optional<std::string> default_value;
  };
  std::string command_, usage_, description_;
  std::vector<Option> options_;
  std::vector<std::pair<std::string, std::string>> positional_help_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
};

// Command registry, filled by DHAKIRA_COMMAND in each command file.
struct Command {
  const char* name;
  const char* summary;  // msgid
  int (*run)(Context& ctx, const std::vector<std::string>& args);
};
std::map<std::string, Command>& Commands();
struct CommandRegistrar {
  CommandRegistrar(const char* name, const char* summary, int (*run)(Context&, const std::vector<std::string>&)) {
    Commands()[name] = Command{name, summary, run};
  }
};
#define DHAKIRA_COMMAND(name, summary, fn) \
  static ::dhakira::cli::CommandRegistrar dhakira_command_registrar_##fn(name, summary, fn)

// How a command needs the TM at ctx.db_path.
enum class TmAccess {
  kRead,    // read-only; a missing TM is NotFound with a hint
  kWrite,   // read-write; a missing TM is NotFound with a hint
  kCreate,  // read-write; created when missing
};
// How much of the TM's page structure is walked (CheckTm) before LMDB may read it (cli.cc).
enum class TmWalk {
  kBounded,  // a TM up to 64 MiB of pages; larger ones only get the meta-page check of every open
  kAlways,   // the whole TM, whatever its size: for long-running commands (serve), which pay it once
};
// `options` gives the rest (e.g. write_map for a bulk import); read_only and create_if_missing come from
// `access`. A damaged TM (see `walk`) is Corruption naming the page.
StatusOr<std::unique_ptr<TranslationMemory>> OpenTm(const Context& ctx, TmAccess access,
                                                    StoreOptions options = StoreOptions(),
                                                    TmWalk walk = TmWalk::kBounded);

// Reads a whole file ("-" = stdin) into *out; a Status naming the file on failure.
Status ReadFileOrStdin(const std::string& path, std::string* out);

template <typename... Args>
std::string Trf(const char* msgid, const Args&... args) {
  std::vector<std::string> v;
  auto add = [&v](const auto& a) {
    if constexpr (std::is_convertible_v<decltype(a), std::string_view>) {
      v.emplace_back(std::string_view(a));
    } else {
      v.push_back(std::to_string(a));
    }
  };
  (add(args), ...);
  return Tr(msgid, v);
}

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_CLI_H_

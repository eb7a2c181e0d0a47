#include "cli.h"

#include <unistd.h>

#include <boost/locale.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace dhakira::cli {
namespace {

// The locale used for messages only; numbers and JSON are always written in the classic locale.
std::locale& MessageLocale() {
  static std::locale loc = std::locale::classic();
  return loc;
}
bool g_messages_ready = false;

std::string ExecutableDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

void InitMessages() {
  try {
    boost::locale::generator gen;
    if (const char* dir = std::getenv("DHAKIRA_LOCALEDIR"); dir && *dir) gen.add_messages_path(dir);
    gen.add_messages_path(DHAKIRA_LOCALE_BUILD_DIR);
    std::string exe_dir = ExecutableDir();
    if (!exe_dir.empty()) gen.add_messages_path(exe_dir + "/../share/locale");
    gen.add_messages_path(DHAKIRA_LOCALE_INSTALL_DIR);
    gen.add_messages_domain("dhakira");
    gen.categories(boost::locale::message_facet | boost::locale::information_facet | boost::locale::convert_facet);
    MessageLocale() = gen("");  // from LC_ALL / LC_MESSAGES / LANG
    g_messages_ready = true;
  } catch (const std::exception&) {
    // An unknown or broken locale setting must not stop the tool: fall back to the English msgids.
    MessageLocale() = std::locale::classic();
  }
}

std::string Tr(const char* msgid) {
  if (!g_messages_ready) return msgid;
  try {
    return boost::locale::translate(msgid).str(MessageLocale());
  } catch (const std::exception&) {
    return msgid;
  }
}

std::string Tr(const char* msgid, const std::vector<std::string>& args) {
  std::string text = Tr(msgid);
  std::string out;
  out.reserve(text.size() + 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() + 1) {
      size_t close = text.find('}', i);
      if (close != std::string::npos && close > i + 1 && close - i <= 3) {
        std::string num = text.substr(i + 1, close - i - 1);
        bool digits = !num.empty() && num.find_first_not_of("0123456789") == std::string::npos;
        if (digits) {
          size_t k = std::stoul(num);
          if (k >= 1 && k <= args.size()) {
            out += args[k - 1];
            i = close;
            continue;
          }
        }
      }
    }
    out += text[i];
  }
  return out;
}

int Fail(const Context& ctx, const std::string& message) {
  *ctx.err << "dhakira: " << message << '\n';
  return kExitFailure;
}

// The names of Status codes (Status::CodeName), listed here so that scripts/update-po extracts them.
[[maybe_unused]] const char* const kStatusCodeMsgids[] = {
    N_("not found"),      N_("invalid argument"),   N_("corruption"), N_("I/O error"),      N_("failed precondition"),
    N_("already exists"), N_("resource exhausted"), N_("cancelled"),  N_("internal error"),
};

int Fail(const Context& ctx, const Status& status) {
  // The engine's messages are English and carry file names, byte offsets and library texts; the code name
  // is translated so the user sees what kind of failure it was in their language.
  *ctx.err << "dhakira: " << Tr(Status::CodeName(status.code())) << ": " << status.message() << '\n';
  return kExitFailure;
}

int UsageError(const Context& ctx, std::string_view command, const std::string& message) {
  *ctx.err << "dhakira " << command << ": " << message << '\n'
           << Trf("Try '{1} {2} --help'.", ctx.program, std::string(command)) << '\n';
  return kExitUsage;
}

ArgParser::ArgParser(std::string command, std::string usage_line, std::string description)
    : command_(std::move(command)), usage_(std::move(usage_line)), description_(std::move(description)) {
  Switch("help", "show this help and exit");
  Value("db", "PATH", "the translation memory (default: $DHAKIRA_DB, else ./dhakira.db)");
}

ArgParser& ArgParser::Value(std::string name, std::string metavar, std::string help,
                            std::optional<std::string> default_value) {
  options_.push_back(Option{std::move(name), std::move(metavar), std::move(help), true, std::move(default_value)});
  return *this;
}

ArgParser& ArgParser::Switch(std::string name, std::string help) {
  options_.push_back(Option{std::move(name), "", std::move(help), false, std::nullopt});
  return *this;
}

ArgParser& ArgParser::Positional(std::string name, std::string help) {
  positional_help_.emplace_back(std::move(name), std::move(help));
  return *this;
}

bool ArgParser::Parse(Context& ctx, const std::vector<std::string>& args, int* exit_code) {
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags_done || a.size() < 2 || a[0] != '-' || a == "-") {
      positionals_.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      *exit_code = UsageError(ctx, command_, Trf("unknown option '{1}'", a));
      return false;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Option* opt = nullptr;
    for (const auto& o : options_) {
      if (o.name == name) opt = &o;
    }
    if (opt == nullptr) {
      *exit_code = UsageError(ctx, command_, Trf("unknown option '{1}'", "--" + name));
      return false;
    }
    if (opt->takes_value) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else if (i + 1 < args.size()) {
        values_[name] = args[++i];
      } else {
        *exit_code = UsageError(ctx, command_, Trf("option '{1}' needs a value", "--" + name));
        return false;
      }
    } else {
      if (inline_value) {
        *exit_code = UsageError(ctx, command_, Trf("option '{1}' takes no value", "--" + name));
        return false;
      }
      values_.insert_or_assign(name, std::string(1, '1'));
    }
  }
  if (auto it = values_.find("db"); it != values_.end()) ctx.db_path = it->second;
  if (values_.count("help")) {
    PrintHelp(*ctx.out);
    *exit_code = kExitOk;
    return false;
  }
  return true;
}

bool ArgParser::Has(const std::string& name) const {
  if (values_.count(name)) return true;
  for (const auto& o : options_) {
    if (o.name == name && o.default_value) return true;
  }
  return false;
}

std::string ArgParser::Get(const std::string& name) const {
  if (auto it = values_.find(name); it != values_.end()) return it->second;
  for (const auto& o : options_) {
    if (o.name == name && o.default_value) return *o.default_value;
  }
  return "";
}

bool ArgParser::Flag(const std::string& name) const { return values_.count(name) != 0; }

bool ArgParser::GetUint(const Context& ctx, const std::string& name, uint64_t* value, int* exit_code) const {
  std::string s = Get(name);
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19) {
    *exit_code = UsageError(ctx, command_, Trf("option '{1}' needs a whole number, not '{2}'", "--" + name, s));
    return false;
  }
  *value = std::stoull(s);
  return true;
}

void ArgParser::PrintHelp(std::ostream& os) const {
  os << Tr("Usage:") << " dhakira [--db PATH] " << usage_ << "\n\n" << Tr(description_.c_str()) << "\n";
  if (!positional_help_.empty()) {
    os << '\n' << Tr("Arguments:") << '\n';
    for (const auto& [name, help] : positional_help_) {
      std::string left = "  " + name;
      if (left.size() < 26) left.resize(26, ' ');
      os << left << ' ' << Tr(help.c_str()) << '\n';
    }
  }
  os << '\n' << Tr("Options:") << '\n';
  for (const auto& o : options_) {
    std::string left = "  --" + o.name + (o.takes_value ? " " + o.metavar : "");
    if (left.size() < 26) left.resize(26, ' ');
    os << left << ' ' << Tr(o.help.c_str());
    if (o.default_value && !o.default_value->empty()) os << " [" << *o.default_value << ']';
    os << '\n';
  }
}

std::map<std::string, Command>& Commands() {
  static std::map<std::string, Command> commands;
  return commands;
}

namespace {

// LMDB follows page pointers without bounds checks, so a damaged page can crash it (SIGSEGV/SIGBUS)
// or make a write spread the damage. A command therefore first walks the TM's page structure with
// the bounds-checked CheckTm and refuses a damaged TM. Unit values are not decoded here: every read
// checks their CRC anyway.
//
// The walk is O(file): 0.17 s for 100k pairs, 1.7 s for 1M (docs/storage.md). A `get` or `add` on a
// large TM must not pay that every time, so it is bounded: TMs up to kWalkBeforeOpenBytes of pages
// in use (about 40k news pairs, a walk of ~70 ms at most) are walked before every command; larger
// ones get the meta-page check of every open, the CRC of every unit read, the fatal-signal handler
// of main.cc, and `dhakira check` (run it after a copy, a crash or a disk error). `serve` walks the
// whole TM once at start (TmWalk::kAlways).
constexpr uint64_t kWalkBeforeOpenBytes = 64ull << 20;

Status CheckBeforeOpen(const std::string& path, TmWalk walk) {
  std::error_code ec;
  const std::filesystem::path data = std::filesystem::path(path) / "data.mdb";
  if (!std::filesystem::is_regular_file(data, ec) || std::filesystem::file_size(data, ec) == 0) {
    return Status::OK();  // nothing to check yet; TranslationMemory::Open reports what is missing
  }
  CheckOptions options;
  options.decode_units = false;
  options.max_problems = 1;
  options.max_walk_bytes = walk == TmWalk::kAlways ? 0 : kWalkBeforeOpenBytes;
  StatusOr<CheckReport> report = CheckTm(path, options);
  if (!report.ok()) {
    // A TM that kept changing under the walk is being written by a sound writer; anything else
    // (I/O error, not a TM) is reported by TranslationMemory::Open in its own words.
    return Status::OK();
  }
  if (report->ok()) return Status::OK();
  // Another program's LMDB is not a damaged TM: TranslationMemory::Open refuses it in its own words, touching
  // nothing.
  if (!report->problems.empty() && report->problems[0].rfind("not a dhakira TM", 0) == 0) {
    return Status::OK();
  }
  return Status::Corruption(
      "the TM at " + path +
      " is damaged: " + (report->problems.empty() ? std::string("see 'dhakira check'") : report->problems[0]) +
      (report->problem_count > 1 ? " (and " + std::to_string(report->problem_count - 1) + " more)" : std::string()) +
      "; run 'dhakira check' for the full report");
}

}  // namespace

StatusOr<std::unique_ptr<TranslationMemory>> OpenTm(const Context& ctx, TmAccess access, StoreOptions options,
                                                    TmWalk walk) {
  options.read_only = access == TmAccess::kRead;
  options.create_if_missing = access == TmAccess::kCreate;
  if (access != TmAccess::kCreate) {
    std::error_code ec;
    if (!std::filesystem::exists(ctx.db_path, ec)) {
      return Status::NotFound("no translation memory at '" + ctx.db_path +
                              "' (create one with 'dhakira add' or 'dhakira import', or pass --db PATH)");
    }
  }
  DHAKIRA_RETURN_IF_ERROR(CheckBeforeOpen(ctx.db_path, walk));
  return TranslationMemory::Open(ctx.db_path, options);
}

Status ReadFileOrStdin(const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return Status::OK();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("'" + path + "' is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + path + "': " + std::strerror(errno));
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IOError("cannot read '" + path + "': " + std::strerror(errno));
  return Status::OK();
}

}  // namespace dhakira::cli

// The bad-input table: what a translator, a desk editor or a CAT-tool integrator gets wrong on a
// normal day (a typo in a flag, a file of the wrong kind, a damaged TM, a path that points at the
// TM itself, a client that sends garbage), run against the real `dhakira` binary on a real TM and
// against a real `dhakira serve` on a real socket.
//
// Every row states the exit code it expects, a pattern its message must match (so the user is told
// what is wrong and where), and the test checks in every row that the TM holds exactly what it held
// before: the same pairs with the same metadata (TMX export, byte for byte) and the same count.
// Where a row damages or replaces the TM itself (foreign, empty, garbage data.mdb) it checks that
// the files it was given are left as they were.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;
using test_support::ProcessResult;

// Where a row runs: on the TM directly, or through a `dhakira serve` of it.
enum class Via { kLocal, kServer };

struct Row {
  std::string name;               // gtest parameter name: [A-Za-z0-9_]
  Via via;                        //
  std::vector<std::string> args;  // {dir} is the row's directory, {db} the TM, {data} data/
  int exit_code;                  // expected exit status (1 failure, 2 usage)
  std::string message;            // ECMAScript regex, case-insensitive, searched in stderr+stdout
  // Files the row needs, written into {dir} before it runs: name → bytes. A name ending in '/'
  // makes a directory; "fifo:NAME" a FIFO; "symlink:NAME" a symlink to {dir}/target.txt.
  std::vector<std::pair<std::string, std::string>> files = {};
  std::string stdin_bytes = {};
  // A file of {dir} that must hold exactly the same bytes afterwards (an input the row names as an
  // output, a device, a target of a symlink…); empty: none.
  std::string untouched = {};
  // True where the row may add pairs (a fatal error after whole batches were committed: the pairs
  // before the damage are kept and reported); the pairs the TM held must still be there unchanged.
  bool may_add = false;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

std::string Sub(std::string s, const std::string& dir, const std::string& db) {
  const std::pair<std::string, std::string> vars[] = {
      {"{dir}", dir}, {"{db}", db}, {"{data}", std::string(DHAKIRA_SOURCE_DIR) + "/data"}};
  for (const auto& [key, value] : vars) {
    for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + value.size()))
      s.replace(pos, key.size(), value);
  }
  return s;
}

// ----------------------------------------------------------------------------------------------
// The rows. Grouped as a user meets them: the command line, match and concordance, get/add/delete,
// import, export, align, the TM directory, the server.
// ----------------------------------------------------------------------------------------------

const char kTmxHead[] =
    "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"ar\" datatype=\"plaintext\" "
    "segtype=\"sentence\" adminlang=\"en\" o-tmf=\"x\" creationtool=\"x\" "
    "creationtoolversion=\"1\"/><body>\n";

std::string Tu(const std::string& ar, const std::string& en) {
  return "<tu><tuv xml:lang=\"ar\"><seg>" + ar + "</seg></tuv><tuv xml:lang=\"en\"><seg>" + en + "</seg></tuv></tu>\n";
}

std::string BillionLaughs() {
  std::string dtd = "<!DOCTYPE tmx [<!ENTITY l0 \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    dtd += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) dtd += "&l" + std::to_string(i - 1) + ";";
    dtd += "\">";
  }
  dtd += "]>\n";
  return "<?xml version=\"1.0\"?>\n" + dtd + std::string(kTmxHead).substr(22) + Tu("&l9;", "x") + "</body></tmx>\n";
}

std::vector<Row> CliRows() {
  const std::string tmx_ok = std::string(kTmxHead) + Tu("مرحبا بكم", "Welcome") + "</body></tmx>\n";
  return {
      // The command line itself.
      {"NoCommand", Via::kLocal, {}, 2, "usage"},
      {"UnknownCommand", Via::kLocal, {"frobnicate"}, 2, "unknown command 'frobnicate'"},
      {"UnknownOption", Via::kLocal, {"match", "--bogus", "x"}, 2, "unknown option '--bogus'"},
      {"DbWithoutValue", Via::kLocal, {"stats", "--db"}, 2, "--db.*needs a value"},
      // match and concordance.
      {"MatchEmptyQuery", Via::kLocal, {"match", ""}, 1, "query.*no word"},
      {"MatchOnlyPunctuationSpace", Via::kLocal, {"match", "   "}, 1, "query"},
      {"MatchThresholdTooHigh", Via::kLocal, {"match", "x", "--threshold", "120"}, 2, "threshold"},
      {"MatchThresholdNegative", Via::kLocal, {"match", "x", "--threshold", "-5"}, 2, "threshold"},
      {"MatchThresholdNotNumber",
       Via::kLocal,
       {"match", "x", "--threshold", "abc"},
       2,
       "--threshold.*'abc' is not a number"},
      {"MatchTopZero", Via::kLocal, {"match", "x", "--top", "0"}, 2, "top"},
      {"MatchTopNegative", Via::kLocal, {"match", "x", "--top", "-1"}, 2, "--top"},
      {"MatchBadLanguageTag", Via::kLocal, {"match", "x", "--src-lang", "x y"}, 1, "language \"x y\""},
      {"MatchInvalidUtf8", Via::kLocal, {"match", "\xff\xfe"}, 1, "invalid UTF-8"},
      {"MatchBatchInvalidUtf8Line",
       Via::kLocal,
       {"match", "--json"},
       1,
       "\"error\":\"invalid argument: query: .*invalid UTF-8",
       {},
       "قمح\n\xff\n"},
      {"MatchBatchOverlongLine",
       Via::kLocal,
       {"match", "--json"},
       1,
       "standard input line 2: longer than 1048576 bytes",
       {},
       "قمح\n" + std::string(3u << 20, 'x') + "\nحماة\n"},
      {"ConcordanceBatchOverlongLastLine",
       Via::kLocal,
       {"concordance", "--json"},
       1,
       "standard input line 2: longer than 1048576 bytes",
       {},
       "قمح\n" + std::string(3u << 20, 'x')},
      {"MatchMissingTm", Via::kLocal, {"--db", "{dir}/none.db", "match", "x"}, 1, "no translation memory at"},
      {"ConcordanceEmptyPhrase", Via::kLocal, {"concordance", ""}, 1, "phrase"},
      {"ConcordanceBadSide",
       Via::kLocal,
       {"concordance", "x", "--side", "sideways"},
       2,
       "\"sideways\".*source.*target"},
      // get, add, delete.
      {"GetUnknownId", Via::kLocal, {"get", "999999"}, 1, "no unit with id 999999"},
      {"GetNotAnId", Via::kLocal, {"get", "abc"}, 2, "'abc' is not an id"},
      {"GetIdOverflow", Via::kLocal, {"get", "99999999999999999999"}, 2, "is not an id"},
      {"DeleteUnknownId", Via::kLocal, {"delete", "999999"}, 1, "no unit with id 999999"},
      {"DeleteOneBadIdDeletesNone", Via::kLocal, {"delete", "1", "abc"}, 2, "'abc' is not an id"},
      {"DeleteOneMissingIdDeletesNone", Via::kLocal, {"delete", "1", "999999"}, 1, "999999"},
      {"AddOneArgument", Via::kLocal, {"add", "--src-lang", "ar", "--tgt-lang", "en", "only"}, 2, "SOURCE and TARGET"},
      {"AddEmptyTarget", Via::kLocal, {"add", "--src-lang", "ar", "--tgt-lang", "en", "نص", ""}, 1, "target: empty"},
      {"AddInvalidUtf8Source",
       Via::kLocal,
       {"add", "--src-lang", "ar", "--tgt-lang", "en", "\xd8", "t"},
       1,
       "source: invalid UTF-8"},
      {"AddEmptyLanguage", Via::kLocal, {"add", "--src-lang", "", "--tgt-lang", "en", "a", "b"}, 1, "src_lang.*empty"},
      {"NormalizeBadLanguage", Via::kLocal, {"normalize", "--lang", "12 3", "x"}, 1, "language \"12 3\""},
      {"SplitMissingFile", Via::kLocal, {"split", "--lang", "ar", "{dir}/none.txt"}, 1, "none.txt.*No such file"},
      {"SplitDirectory", Via::kLocal, {"split", "--lang", "ar", "{dir}/d"}, 1, "is a directory", {{"d/", ""}}},
      // import.
      {"ImportMissingFile",
       Via::kLocal,
       {"import", "{dir}/none.tsv", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "none.tsv"},
      {"ImportDirectory",
       Via::kLocal,
       {"import", "{dir}/d.tsv", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "d.tsv.*director",
       {{"d.tsv/", ""}}},
      {"ImportUnknownExtension",
       Via::kLocal,
       {"import", "{dir}/x.xyz", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "cannot tell the format of .*x.xyz",
       {{"x.xyz", "a\tb\n"}}},
      {"ImportUnknownFormat",
       Via::kLocal,
       {"import", "{dir}/x.xyz", "--format", "bogus", "--src-lang", "ar", "--tgt-lang", "en"},
       2,
       "unknown format 'bogus'",
       {{"x.xyz", "a\tb\n"}}},
      {"ImportTsvWithoutLanguages", Via::kLocal, {"import", "{dir}/x.tsv"}, 1, "src_lang", {{"x.tsv", "a\tb\n"}}},
      {"ImportBatchZero",
       Via::kLocal,
       {"import", "{dir}/x.tsv", "--batch", "0", "--src-lang", "ar", "--tgt-lang", "en"},
       2,
       "batch_size",
       {{"x.tsv", "a\tb\n"}}},
      {"ImportUnknownEncoding",
       Via::kLocal,
       {"import", "{dir}/x.tsv", "--encoding", "bogus", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "unknown encoding 'bogus'",
       {{"x.tsv", "a\tb\n"}}},
      {"ImportStrictInvalidUtf8",
       Via::kLocal,
       {"import", "{dir}/bad.tsv", "--strict", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "bad.tsv.*line 2.*invalid-encoding",
       {{"bad.tsv", "قمح\twheat\nب\xd8\x00\tb\n"}}},
      {"ImportStrictMalformedLine",
       Via::kLocal,
       {"import", "{dir}/bad.tsv", "--strict", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "bad.tsv.*line 2.*malformed",
       {{"bad.tsv", "قمح\twheat\nonly one column\n"}}},
      {"ImportTmxNotXml",
       Via::kLocal,
       {"import", "{dir}/bad.tmx", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "bad.tmx.*line 1.*syntax error",
       {{"bad.tmx", "not xml at all"}}},
      {"ImportTmxTruncated",
       Via::kLocal,
       {"import", "{dir}/cut.tmx", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "cut.tmx.*truncated",
       {{"cut.tmx", std::string(kTmxHead) + Tu("مرحبا", "Hello") + "<tu><tuv xml:lang=\"ar\"><se"}},
       {},
       {},
       /*may_add=*/true},
      {"ImportTmxBillionLaughs",
       Via::kLocal,
       {"import", "{dir}/bomb.tmx", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "bomb.tmx.*amplification",
       {{"bomb.tmx", BillionLaughs()}}},
      {"ImportTruncatedGzip",
       Via::kLocal,
       {"import", "{dir}/cut.tsv.gz", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "cut.tsv.gz.*truncated",
       {{"cut.tsv.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8)}}},
      {"ImportParallelLengthsDiffer",
       Via::kLocal,
       {"import", "{dir}/p.ar", "--tgt-file", "{dir}/p.en", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "differ in length.*3 lines.*2",
       {{"p.ar", "أ\nب\nت\n"}, {"p.en", "a\nb\n"}}},
      {"ImportParallelMissingTarget",
       Via::kLocal,
       {"import", "{dir}/p.ar", "--tgt-file", "{dir}/none.en", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "none.en",
       {{"p.ar", "أ\n"}}},
      {"ImportRejectsOntoInput",
       Via::kLocal,
       {"import", "{dir}/in.tsv", "--rejects", "{dir}/in.tsv", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "in.tsv",
       {{"in.tsv", "قمح\twheat\nonly one column\n"}},
       {},
       "in.tsv"},
      {"ImportRejectsIntoTheTm",
       Via::kLocal,
       {"import", "{dir}/in.tsv", "--rejects", "{db}/data.mdb", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "data.mdb",
       {{"in.tsv", "قمح\twheat\nonly one column\n"}}},
      {"ImportDryRunOfGoodFileWritesNothing",
       Via::kLocal,
       {"import", "{dir}/ok.tmx", "--dry-run", "--src-lang", "ar", "--tgt-lang", "en"},
       0,
       "",
       {{"ok.tmx", tmx_ok}}},
      // export.
      {"ExportUnknownExtension", Via::kLocal, {"export", "{dir}/out.xyz"}, 1, "cannot tell the format of .*out.xyz"},
      {"ExportIntoMissingDirectory", Via::kLocal, {"export", "{dir}/no/such/dir/out.tmx"}, 1, "no/such/dir"},
      {"ExportOntoDirectory", Via::kLocal, {"export", "{dir}/d.tmx"}, 1, "d.tmx.*director", {{"d.tmx/", ""}}},
      {"ExportOntoFifo",
       Via::kLocal,
       {"export", "{dir}/pipe.tmx"},
       1,
       "pipe.tmx.*(FIFO|regular)",
       {{"fifo:pipe.tmx", ""}}},
      {"ExportOntoSymlink",
       Via::kLocal,
       {"export", "{dir}/link.tmx"},
       1,
       "link.tmx.*symlink|link",
       {{"target.txt", "keep me"}, {"symlink:link.tmx", ""}},
       {},
       "target.txt"},
      {"ExportIntoTheTm", Via::kLocal, {"export", "{db}/data.tmx"}, 1, "TM|translation memory"},
      // align.
      {"AlignMissingFile",
       Via::kLocal,
       {"align", "{dir}/none.ar", "{data}/articles/hama-wheat-harvest.en.txt", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "none.ar"},
      {"AlignDirectoryAsDocument",
       Via::kLocal,
       {"align", "{dir}/d", "{data}/articles/hama-wheat-harvest.en.txt", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "is a directory",
       {{"d/", ""}}},
      {"AlignWithoutLanguages",
       Via::kLocal,
       {"align", "{data}/articles/hama-wheat-harvest.ar.txt", "{data}/articles/hama-wheat-harvest.en.txt"},
       2,
       "lang"},
      {"AlignInvalidUtf8Document",
       Via::kLocal,
       {"align", "{dir}/bad.ar", "{data}/articles/hama-wheat-harvest.en.txt", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "bad.ar.*UTF-8",
       {{"bad.ar", "جملة أولى.\n\xff\xfe\xfd جملة.\n"}}},
      {"AlignBatchWithoutOut",
       Via::kLocal,
       {"align", "--batch", "{dir}/d", "--src-lang", "ar", "--tgt-lang", "en"},
       2,
       "--out",
       {{"d/", ""}}},
      {"AlignBadFormat",
       Via::kLocal,
       {"align", "{data}/articles/hama-wheat-harvest.ar.txt", "{data}/articles/hama-wheat-harvest.en.txt", "--src-lang",
        "ar", "--tgt-lang", "en", "--format", "bogus"},
       2,
       "unknown --format 'bogus'"},
      {"AlignEmptyDocuments",
       Via::kLocal,
       {"align", "{dir}/e.ar", "{dir}/e.en", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "e.ar.*empty|empty.*e.ar",
       {{"e.ar", ""}, {"e.en", " \n\n"}}},
      {"AlignLearnWithoutTm",
       Via::kLocal,
       {"--db", "{dir}/none.db", "align", "{data}/articles/hama-wheat-harvest.ar.txt",
        "{data}/articles/hama-wheat-harvest.en.txt", "--src-lang", "ar", "--tgt-lang", "en", "--learn"},
       1,
       "no translation memory at"},
      // The TM directory.
      {"DbIsAFile", Via::kLocal, {"--db", "{dir}/file.db", "stats"}, 1, "is a file", {{"file.db", "x"}}, {}, "file.db"},
      {"DbEmptyDataFileStats",
       Via::kLocal,
       {"--db", "{dir}/e.db", "stats"},
       1,
       "e.db/data.mdb.*empty",
       {{"e.db/", ""}, {"e.db/data.mdb", ""}},
       {},
       "e.db/data.mdb"},
      {"DbEmptyDataFileAdd",
       Via::kLocal,
       {"--db", "{dir}/e.db", "add", "--src-lang", "ar", "--tgt-lang", "en", "أ", "a"},
       1,
       "e.db/data.mdb.*empty",
       {{"e.db/", ""}, {"e.db/data.mdb", ""}},
       {},
       "e.db/data.mdb"},
      {"DbGarbageDataFile",
       Via::kLocal,
       {"--db", "{dir}/g.db", "stats"},
       1,
       "not a dhakira TM|corrupt",
       {{"g.db/", ""}, {"g.db/data.mdb", std::string(64 * 1024, '\x5a')}},
       {},
       "g.db/data.mdb"},
      {"DbGarbageDataFileImport",
       Via::kLocal,
       {"--db", "{dir}/g.db", "import", "{data}/sample-pairs.tsv", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "not a dhakira TM|corrupt",
       {{"g.db/", ""}, {"g.db/data.mdb", std::string(64 * 1024, '\x5a')}},
       {},
       "g.db/data.mdb"},
  };
}

std::vector<Row> ServerRows() {
  return {
      {"ServerUnreachable",
       Via::kLocal,
       {"--server", "unix:{dir}/none.sock", "stats"},
       1,
       "none.sock|unavailable|connect"},
      {"ServerMatchEmptyQuery", Via::kServer, {"match", ""}, 1, "query"},
      {"ServerMatchThresholdTooHigh", Via::kServer, {"match", "x", "--threshold", "120"}, 2, "threshold"},
      {"ServerMatchBadLanguageTag", Via::kServer, {"match", "x", "--src-lang", "x y"}, 1, "language"},
      {"ServerMatchInvalidUtf8", Via::kServer, {"match", "\xff\xfe"}, 1, "UTF-8"},
      {"ServerGetUnknownId", Via::kServer, {"get", "999999"}, 1, "999999"},
      {"ServerDeleteUnknownId", Via::kServer, {"delete", "999999"}, 1, "999999"},
      {"ServerAddEmptyTarget", Via::kServer, {"add", "--src-lang", "ar", "--tgt-lang", "en", "نص", ""}, 1, "target"},
      {"ServerAddInvalidUtf8", Via::kServer, {"add", "--src-lang", "ar", "--tgt-lang", "en", "\xd8", "t"}, 1, "UTF-8"},
      {"ServerImportMissingFile",
       Via::kServer,
       {"import", "{dir}/none.tsv", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "none.tsv"},
      {"ServerImportStrictBadLine",
       Via::kServer,
       {"import", "{dir}/bad.tsv", "--strict", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "line 2",
       {{"bad.tsv", "قمح\twheat\nonly one column\n"}}},
      {"ServerImportTmxNotXml",
       Via::kServer,
       {"import", "{dir}/bad.tmx", "--src-lang", "ar", "--tgt-lang", "en"},
       1,
       "syntax error",
       {{"bad.tmx", "not xml at all"}}},
      {"ServerConcordanceEmpty", Via::kServer, {"concordance", ""}, 1, "phrase"},
      {"ServeSocketInMissingDirectory",
       Via::kLocal,
       {"serve", "--socket", "{dir}/no/such/dir/s.sock"},
       1,
       "no/such/dir"},
      {"ServeNonLoopbackListen",
       Via::kLocal,
       {"serve", "--socket", "{dir}/s.sock", "--listen", "0.0.0.0:7411"},
       1,
       "only loopback"},
      {"ServeBadListenAddress",
       Via::kLocal,
       {"serve", "--socket", "{dir}/s.sock", "--listen", "localhost:notaport"},
       1,
       "port 'notaport' is not a number"},
  };
}

// The <tu>…</tu> blocks of a TMX export, each a pair with its metadata.
std::vector<std::string> TuBlocks(const std::string& tmx) {
  std::vector<std::string> blocks;
  for (size_t at = tmx.find("<tu "); at != std::string::npos; at = tmx.find("<tu ", at + 1)) {
    const size_t end = tmx.find("</tu>", at);
    if (end == std::string::npos) break;
    blocks.push_back(tmx.substr(at, end - at));
  }
  return blocks;
}

// ----------------------------------------------------------------------------------------------

class BadInputTest : public ::testing::TestWithParam<Row> {
 protected:
  static void SetUpTestSuite() {
    suite_dir_ = new test_support::TempDir();
    ASSERT_TRUE(suite_dir_->ok());
    server_db_ = suite_dir_->path() + "/served.db";
    ProcessResult r = test_support::RunCli(
        {"--db", server_db_, "import", "--quiet", "--src-lang", "ar", "--tgt-lang", "en", SampleTsv()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string socket = suite_dir_->path() + "/s.sock";
    server_ = new test_support::BackgroundProcess({DHAKIRA_CLI_BINARY, "--db", server_db_, "serve", "--socket", socket},
                                                  test_support::BackgroundOptions{.pipe_stdout = true});
    ASSERT_EQ(server_->ReadLine(), "listening unix:" + socket);
    address_ = "unix:" + socket;
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr && server_->Kill(SIGTERM)) server_->Wait();
    delete server_;
    server_ = nullptr;
    delete suite_dir_;
    suite_dir_ = nullptr;
  }

  static std::string SampleTsv() { return std::string(DHAKIRA_SOURCE_DIR) + "/data/sample-pairs.tsv"; }

  // What the TM holds, as a user could see it: its TMX export (every pair and its metadata, in id
  // order) and its pair count.
  static std::string Fingerprint(const std::vector<std::string>& target, const std::string& file) {
    std::vector<std::string> args = target;
    args.insert(args.end(), {"export", file});
    ProcessResult r = test_support::RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << "export for the fingerprint failed: " << r.err;
    std::string tmx = test_support::ReadFile(file);
    fs::remove(file);
    args = target;
    args.insert(args.end(), {"stats", "--json"});
    r = test_support::RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string count = test_support::PyOnJson(r.out, "doc['segments']");
    return count + "\n" + tmx;
  }

  void MakeFiles(const Row& row, const std::string& dir) {
    for (const auto& [name, bytes] : row.files) {
      if (name.rfind("fifo:", 0) == 0) {
        ASSERT_EQ(mkfifo((dir + "/" + name.substr(5)).c_str(), 0644), 0);
      } else if (name.rfind("symlink:", 0) == 0) {
        fs::create_symlink(dir + "/target.txt", dir + "/" + name.substr(8));
      } else if (!name.empty() && name.back() == '/') {
        fs::create_directories(dir + "/" + name);
      } else {
        std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
      }
    }
  }

  static test_support::TempDir* suite_dir_;
  static test_support::BackgroundProcess* server_;
  static std::string server_db_;
  static std::string address_;
};

test_support::TempDir* BadInputTest::suite_dir_ = nullptr;
test_support::BackgroundProcess* BadInputTest::server_ = nullptr;
std::string BadInputTest::server_db_;
std::string BadInputTest::address_;

TEST_P(BadInputTest, ClearErrorAndTheTmUnchanged) {
  const Row& row = GetParam();
  test_support::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  const std::string dir = tmp.path();
  const std::string db = dir + "/tm.db";
  // The TM the row runs on: the sample pairs, locally or behind the suite's server.
  std::vector<std::string> target;
  if (row.via == Via::kServer) {
    ASSERT_NE(server_, nullptr);
    target = {"--server", address_};
  } else {
    ProcessResult r =
        test_support::RunCli({"--db", db, "import", "--quiet", "--src-lang", "ar", "--tgt-lang", "en", SampleTsv()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    target = {"--db", db};
  }
  MakeFiles(row, dir);
  const std::string before = Fingerprint(target, dir + "/fingerprint.tmx");
  std::string untouched_before;
  if (!row.untouched.empty()) untouched_before = test_support::ReadFile(dir + "/" + row.untouched);

  std::vector<std::string> args = target;
  for (const std::string& a : row.args) args.push_back(Sub(a, dir, db));
  test_support::RunOptions options;
  options.input = row.stdin_bytes;
  options.timeout = std::chrono::seconds(60);
  const ProcessResult r = test_support::RunCli(args, options);

  EXPECT_EQ(r.exit_code, row.exit_code) << "stdout: " << r.out << "\nstderr: " << r.err;
  if (!row.message.empty()) {
    const std::regex pattern(row.message, std::regex::ECMAScript | std::regex::icase);
    EXPECT_TRUE(std::regex_search(r.err + r.out, pattern)) << "the message does not match /" << row.message << "/:\n"
                                                           << r.err << r.out;
  }
  EXPECT_EQ(r.err.find("Segmentation"), std::string::npos) << r.err;
  const std::string after = Fingerprint(target, dir + "/fingerprint.tmx");
  if (row.may_add) {
    for (const std::string& tu : TuBlocks(before)) {
      EXPECT_NE(after.find(tu), std::string::npos) << "a pair the TM held changed or went:\n" << tu;
    }
  } else {
    EXPECT_EQ(after, before) << "the TM changed";
  }
  if (!row.untouched.empty()) {
    const fs::path p = dir + "/" + row.untouched;
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(p))) << p << " was replaced";
    EXPECT_EQ(test_support::ReadFile(p.string()), untouched_before) << p << " was changed";
  }
}

std::string RowName(const ::testing::TestParamInfo<Row>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Cli, BadInputTest, ::testing::ValuesIn(CliRows()), RowName);
INSTANTIATE_TEST_SUITE_P(Server, BadInputTest, ::testing::ValuesIn(ServerRows()), RowName);

// The table must stay a table: at least 60 rows across CLI, import, align, match and server.
TEST(BadInputTableTest, HasAtLeastSixtyRows) { EXPECT_GE(CliRows().size() + ServerRows().size(), 60u); }

}  // namespace
}  // namespace dhakira

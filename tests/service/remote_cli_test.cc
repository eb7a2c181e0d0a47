// `dhakira --server ADDRESS match|concordance|import|export` against a real `dhakira serve` on a
// temp socket: the real CLI binary is run on the TM itself and through the server, and the outputs
// compared byte for byte (human and JSON, single query and stdin batches, errors).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "testing/cli_runner.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

using test_support::ProcessResult;
using test_support::ReadFile;

ProcessResult RunCli(const std::vector<std::string>& args, const std::string& input) {
  test_support::RunOptions options;
  options.input = input;
  return test_support::RunCli(args, options);
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + what.size())) ++n;
  return n;
}

// The source column of data/sample-pairs.tsv (the TM of the tests), header skipped.
std::vector<std::string> SampleSources() {
  std::ifstream in(std::string(DHAKIRA_SOURCE_DIR) + "/data/sample-pairs.tsv");
  std::vector<std::string> sources;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) sources.push_back(line.substr(0, line.find('\t')));
  return sources;
}

class RemoteCliTest : public ::testing::Test {
 protected:
  // One TM and one server for the whole suite: import the sample pairs, then serve them.
  static void SetUpTestSuite() {
    tmp_ = new test_support::TempDir();
    ASSERT_TRUE(tmp_->ok()) << "cannot make a temporary directory";
    dir_ = tmp_->path();
    ProcessResult imported = RunCli({"--db", dir_ + "/tm", "import", "--quiet", "--src-lang", "ar", "--tgt-lang", "en",
                                     std::string(DHAKIRA_SOURCE_DIR) + "/data/sample-pairs.tsv"},
                                    "");
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;

    server_ = new test_support::BackgroundProcess(
        {DHAKIRA_CLI_BINARY, "--db", dir_ + "/tm", "serve", "--socket", dir_ + "/s.sock"},
        test_support::BackgroundOptions{.pipe_stdout = true});
    ASSERT_TRUE(server_->running());
    const std::string line = server_->ReadLine();
    ASSERT_EQ(line, "listening unix:" + dir_ + "/s.sock");
    address_ = line.substr(std::string("listening ").size());
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr && server_->Kill(SIGTERM)) server_->Wait();
    delete server_;  // SIGKILL if it is still running
    server_ = nullptr;
    delete tmp_;
    tmp_ = nullptr;
  }

  void SetUp() override { ASSERT_FALSE(address_.empty()) << "the server did not start"; }

  ProcessResult Local(const std::vector<std::string>& args, const std::string& input = "") {
    return RunCli(Concat({"--db", dir_ + "/tm"}, args), input);
  }
  ProcessResult Remote(const std::vector<std::string>& args, const std::string& input = "") {
    return RunCli(Concat({"--server", address_}, args), input);
  }
  // Runs `args` both ways and expects the same exit code, stdout and stderr; returns the local run.
  ProcessResult ExpectSame(const std::vector<std::string>& args, const std::string& input = "") {
    ProcessResult local = Local(args, input);
    ProcessResult remote = Remote(args, input);
    std::string what;
    for (const std::string& a : args) what += a + " ";
    EXPECT_EQ(remote.exit_code, local.exit_code) << what << "\n" << remote.err << local.err;
    EXPECT_EQ(remote.out, local.out) << what;
    EXPECT_EQ(remote.err, local.err) << what;
    return local;
  }

  static std::string dir_;
  static std::string address_;
  static test_support::TempDir* tmp_;
  static test_support::BackgroundProcess* server_;
};

std::string RemoteCliTest::dir_;
std::string RemoteCliTest::address_;
test_support::TempDir* RemoteCliTest::tmp_ = nullptr;
test_support::BackgroundProcess* RemoteCliTest::server_ = nullptr;

TEST_F(RemoteCliTest, MatchPrintsWhatTheLocalMatchPrints) {
  const std::vector<std::string> sources = SampleSources();
  ASSERT_GE(sources.size(), 4u);
  // A fuzzy query: another number, a word dropped.
  const std::string fuzzy = "وأشار الخطيب إلى أن نسبة الأقماح من الدرجة الأولى بلغت هذا الموسم 62.5% من إجمالي الكميات";

  ProcessResult r = ExpectSame({"match", fuzzy, "--threshold", "40"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("fuzzy  #2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("number 61.5 -> 62.5"), std::string::npos) << r.out;

  r = ExpectSame({"match", "--json", fuzzy, "--threshold", "40"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"target_substituted\""), std::string::npos) << r.out;

  r = ExpectSame({"match", "--json", sources[0]});
  EXPECT_NE(r.out.find("\"kind\":\"exact\""), std::string::npos) << r.out;

  r = ExpectSame({"match", sources[2], "--threshold", "20", "--top", "2", "--prev", sources[1], "--next", sources[3]});
  EXPECT_NE(r.out.find("exact  #3"), std::string::npos) << r.out;

  r = ExpectSame({"match", "--json", sources[2], "--origin", "hand-aligned"});
  EXPECT_NE(r.out.find("\"origin\":\"hand-aligned\""), std::string::npos) << r.out;
  r = ExpectSame({"match", sources[2], "--origin", "no-such-origin"});
  EXPECT_EQ(r.out, "no match\n");
}

TEST_F(RemoteCliTest, MatchBatchFromStdinIsTheSame) {
  const std::vector<std::string> sources = SampleSources();
  ASSERT_GE(sources.size(), 4u);
  // Sources, every other one cut at 3/4 of its bytes (some then end in half a character: ill-formed
  // UTF-8, which protobuf cannot send, is an error for that line only, as locally), an empty line
  // (an error for that line only) and a CRLF line.
  std::string input;
  for (size_t i = 0; i < sources.size(); ++i) {
    std::string q = sources[i];
    if (i % 2 == 0) q = q.substr(0, q.size() * 3 / 4);
    input += q + (i == 1 ? "\r\n" : "\n");
    if (i == 2) input += "\n";
  }
  ProcessResult human = ExpectSame({"match", "--threshold", "50"}, input);
  EXPECT_EQ(human.exit_code, 1);  // the empty line
  EXPECT_NE(human.err.find("no word"), std::string::npos) << human.err;

  ProcessResult json = ExpectSame({"match", "--json", "--threshold", "50"}, input);
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(Count(json.out, "\n"), sources.size() + 1) << json.out;
  EXPECT_EQ(Count(json.out, "{\"query\":\"\",\"error\":"), 1u) << json.out;
  EXPECT_EQ(Count(json.out, "\"kind\":\"exact\""), sources.size() / 2) << json.out;
}

TEST_F(RemoteCliTest, MatchBatchLargerThanOneServerCall) {
  // 300 lines: three BatchLookup calls through the server, in order.
  const std::vector<std::string> sources = SampleSources();
  ASSERT_FALSE(sources.empty());
  std::string input;
  for (int i = 0; i < 300; ++i) input += sources[static_cast<size_t>(i) % sources.size()] + "\n";
  ProcessResult r = ExpectSame({"match", "--json", "--top", "1"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(r.out, "\"kind\":\"exact\""), 300u);
}

TEST_F(RemoteCliTest, BatchModeAnswersEachLineAsItArrives) {
  // A CAT tool keeps stdin open and waits for each answer: batching must never wait for more lines.
  const std::vector<std::string> sources = SampleSources();
  ASSERT_GE(sources.size(), 2u);
  for (const std::vector<std::string>& where :
       {std::vector<std::string>{"--db", dir_ + "/tm"}, std::vector<std::string>{"--server", address_}}) {
    // Fed as a CAT tool feeds it: a line written, its answer read, only then the next line.
    test_support::BackgroundProcess cli(Concat({DHAKIRA_CLI_BINARY}, Concat(where, {"match", "--json"})),
                                        test_support::BackgroundOptions{.pipe_stdin = true, .pipe_stdout = true});
    ASSERT_TRUE(cli.running());
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_TRUE(cli.WriteLine(sources[i]));
      const std::string answer = cli.ReadLine(std::chrono::seconds(20));
      EXPECT_NE(answer.find("\"kind\":\"exact\""), std::string::npos) << where[0] << ": " << answer;
    }
    cli.CloseStdin();
    const int status = cli.Wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << where[0] << ": status " << status;
  }
}

TEST_F(RemoteCliTest, ConcordancePrintsWhatTheLocalConcordancePrints) {
  ProcessResult r = ExpectSame({"concordance", "حماة"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("[حماة]"), std::string::npos) << r.out;
  r = ExpectSame({"concordance", "--json", "--top", "2", "حماة"});
  EXPECT_EQ(Count(r.out, "\"spans\""), 2u) << r.out;
  r = ExpectSame({"concordance", "--side", "target", "wheat"});
  EXPECT_NE(r.out.find("[wheat]"), std::string::npos) << r.out;
  r = ExpectSame({"concordance", "--side", "target", "--json", "wheat"});
  EXPECT_NE(r.out.find("\"side\":\"target\""), std::string::npos) << r.out;
  r = ExpectSame({"concordance", "كلمةغيرموجودة"});
  EXPECT_EQ(r.out, "not found\n");
  // Batch mode, with an empty phrase (its own error).
  r = ExpectSame({"concordance", "--json"}, "حماة\n\nليرة\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Count(r.out, "\n"), 3u) << r.out;
  EXPECT_EQ(Count(r.out, "\"error\""), 1u) << r.out;
  r = ExpectSame({"concordance"}, "حماة\nليرة\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n\n#"), std::string::npos) << r.out;  // answers separated by a blank line
}

TEST_F(RemoteCliTest, ErrorsHaveTheSameExitCodeAndSayWhatIsWrong) {
  // A malformed language: the same error text from the server's matcher as from the local one.
  ProcessResult r = ExpectSame({"match", "نص", "--src-lang", "12"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("language \"12\""), std::string::npos) << r.err;
  r = ExpectSame({"match", "--json", "نص", "--tgt-lang", "12"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"error\":"), std::string::npos) << r.out;

  r = ExpectSame({"concordance", "حماة", "--src-lang", "12"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("language \"12\""), std::string::npos) << r.err;
  r = ExpectSame({"concordance", "--json", "\xD8"});  // half a character
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("invalid UTF-8"), std::string::npos) << r.out;

  // Usage errors are found before any call.
  r = ExpectSame({"match", "نص", "--threshold", "abc"});
  EXPECT_EQ(r.exit_code, 2);

  // --brute-force is a local oracle: a usage error through a server, not a silent index lookup.
  ProcessResult remote = Remote({"match", "--brute-force", "نص"});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--brute-force does not work through --server"), std::string::npos) << remote.err;
  remote = Remote({"concordance", "--brute-force", "نص"});
  EXPECT_EQ(remote.exit_code, 2);

  // align through a server cannot import into it, nor use another lexicon: a usage error saying so.
  remote = Remote({"align", "a.txt", "b.txt", "--src-lang", "ar", "--tgt-lang", "en", "--import"});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--import does not work through --server"), std::string::npos) << remote.err;

  // No server behind the address.
  ProcessResult down = RunCli({"--server", "unix:" + dir_ + "/nobody.sock", "match", "نص"}, "");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("cannot reach the dhakira server"), std::string::npos) << down.err;
  down = RunCli({"--server", "unix:" + dir_ + "/nobody.sock", "match", "--json"}, "نص\nآخر\n");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_EQ(Count(down.err, "cannot reach"), 1u) << down.err;  // reported once, not per line
}

TEST_F(RemoteCliTest, AlignPrintsWhatTheLocalAlignPrints) {
  // The files are read and split locally, the server aligns the sentences with its default lexicon.
  const std::string articles = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/";
  for (const std::string format : {"links", "json", "tsv", "tmx"}) {
    ProcessResult r =
        ExpectSame({"align", articles + "hama-wheat-harvest.ar.txt", articles + "hama-wheat-harvest.en.txt",
                    "--src-lang", "ar", "--tgt-lang", "en", "--format", format});
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_GT(r.out.size(), 100u) << format;
  }
  ProcessResult r =
      ExpectSame({"align", articles + "aleppo-exam-transport.ar.split", articles + "aleppo-exam-transport.en.split",
                  "--presplit", "--src-lang", "ar", "--tgt-lang", "en", "--min-confidence", "0.8"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("]:["), std::string::npos) << r.out;
  r = ExpectSame({"align", articles + "missing.ar.txt", articles + "hama-wheat-harvest.en.txt", "--src-lang", "ar",
                  "--tgt-lang", "en"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(RemoteCliTest, ImportAndExportStreamThroughTheServer) {
  const std::string tsv = dir_ + "/new.tsv";
  std::ofstream(tsv, std::ios::binary) << "source\ttarget\n"
                                          "انتهى الاجتماع في وقت متأخر\tThe meeting ended late\n"
                                          "\tno source here\n"
                                          "بدأت الامتحانات اليوم\tThe exams began today\n";
  // A dry run first: nothing written, the same summary as a local dry run.
  ProcessResult dry = Remote({"import", "--json", "--dry-run", "--src-lang", "ar", "--tgt-lang", "en", tsv});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("\"dry_run\":true,\"read\":3,\"added\":0"), std::string::npos) << dry.out;

  ProcessResult imported = Remote({"import", "--json", "--src-lang", "ar", "--tgt-lang", "en", "--origin", "remote",
                                   "--rejects", dir_ + "/rejects.tsv", tsv});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("\"read\":3,\"added\":2"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("\"rejected_by_reason\":{\"empty-segment\":1}"), std::string::npos) << imported.out;
  const std::string rejects = ReadFile(dir_ + "/rejects.tsv");
  EXPECT_NE(rejects.find(tsv + "\t3\t"), std::string::npos) << rejects;  // file and line of the bad record
  // The pairs are in the TM the server serves (read locally).
  ProcessResult stats = Local({"stats", "--json"});
  EXPECT_NE(stats.out.find("\"remote\":2"), std::string::npos) << stats.out;

  // Exports are the same file either way, TSV and TMX, plain and gzip.
  for (const std::string name : {"all.tsv", "all.tmx", "all.tsv.gz"}) {
    ProcessResult local = Local({"export", dir_ + "/local-" + name});
    ProcessResult remote = Remote({"export", dir_ + "/remote-" + name});
    ASSERT_EQ(local.exit_code, 0) << local.err;
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    const std::string l = ReadFile(dir_ + "/local-" + name), r = ReadFile(dir_ + "/remote-" + name);
    EXPECT_GT(l.size(), 100u);
    if (name.ends_with(".gz")) {
      EXPECT_EQ(static_cast<unsigned char>(r[0]),
                0x1F);  // compressed (gzip headers carry a time: not compared)
    } else {
      EXPECT_EQ(r, l) << name;
    }
  }
  ProcessResult filtered = Remote({"export", "--json", "--origin", "remote", dir_ + "/remote-only.tsv"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  EXPECT_NE(filtered.out.find("\"pairs\":2"), std::string::npos) << filtered.out;

  // What cannot be sent says so.
  ProcessResult parallel = Remote({"import", "--src-lang", "ar", "--tgt-lang", "en", "--tgt-file", tsv, tsv});
  EXPECT_EQ(parallel.exit_code, 2);
  EXPECT_NE(parallel.err.find("--server"), std::string::npos) << parallel.err;
  ProcessResult missing = Remote({"import", "--src-lang", "ar", "--tgt-lang", "en", dir_ + "/missing.tsv"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("missing.tsv"), std::string::npos) << missing.err;
}

// Every command that works through --server, run on one TM directly and on a second TM of the same
// content through a server, one after the other, so that the writes of one command are seen by the
// next on both sides: stdout, stderr and the exit code must be the same byte for byte, once the
// TM's path and what depends on the clock (timestamps, seconds, rates) are blanked out. Two
// differences are by design and blanked too: a server's error names the server and the call
// ("server ADDRESS: get: ", dhakira/service.h), and only a local import reports progress.
class EveryCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok()) << "cannot make a temporary directory";
    dir_ = tmp_.path();
    local_tm_ = dir_ + "/local.db";
    served_tm_ = dir_ + "/served.db";
    for (const std::string& tm : {local_tm_, served_tm_}) {
      ProcessResult imported = RunCli({"--db", tm, "import", "--quiet", "--src-lang", "ar", "--tgt-lang", "en",
                                       std::string(DHAKIRA_SOURCE_DIR) + "/data/sample-pairs.tsv"},
                                      "");
      ASSERT_EQ(imported.exit_code, 0) << imported.err;
    }
    server_ = std::make_unique<test_support::BackgroundProcess>(
        std::vector<std::string>{DHAKIRA_CLI_BINARY, "--db", served_tm_, "serve", "--socket", dir_ + "/s.sock"},
        test_support::BackgroundOptions{.pipe_stdout = true});
    ASSERT_TRUE(server_->running());
    const std::string line = server_->ReadLine();
    ASSERT_EQ(line, "listening unix:" + dir_ + "/s.sock");
    address_ = line.substr(std::string("listening ").size());
  }
  void TearDown() override {
    if (server_ != nullptr && server_->Kill(SIGTERM)) server_->Wait();
  }

  // `text` with the TM's path and the clock's figures (ISO and TMX times, durations, rates)
  // replaced by fixed words.
  static std::string Blanked(std::string text, const std::string& tm) {
    for (size_t at = text.find(tm); at != std::string::npos; at = text.find(tm, at)) {
      text.replace(at, tm.size(), "TM");
    }
    static const std::regex kClock(
        R"re([0-9]{4}-?[0-9]{2}-?[0-9]{2}T[0-9:]{6,8}Z|"(seconds|records_per_second)":[0-9.e+-]+|)re"
        R"re([0-9.]+ s, [0-9]+ records/s|in [0-9.]+ s)re");
    static const std::regex kServer(R"re(server [^ ]+: [a-z]+: )re");
    static const std::regex kProgress(
        R"re(dhakira import: [0-9]+ records, [0-9.]+% of the input, [0-9]+ records/s\n)re");
    text = std::regex_replace(text, kServer, "");
    text = std::regex_replace(text, kProgress, "");
    return std::regex_replace(text, kClock, "CLOCK");
  }

  // Runs `args` locally and remotely and expects the same outcome; returns the local run.
  ProcessResult ExpectSame(const std::vector<std::string>& args, const std::string& input = "") {
    ProcessResult local = RunCli(Concat({"--db", local_tm_}, args), input);
    ProcessResult remote = RunCli(Concat({"--server", address_}, args), input);
    std::string what;
    for (const std::string& a : args) what += a + " ";
    EXPECT_EQ(remote.exit_code, local.exit_code) << what << "\n" << remote.err << local.err;
    EXPECT_EQ(Blanked(remote.out, served_tm_), Blanked(local.out, local_tm_)) << what;
    EXPECT_EQ(Blanked(remote.err, served_tm_), Blanked(local.err, local_tm_)) << what;
    covered_.insert(args[0]);
    return local;
  }

  test_support::TempDir tmp_;
  std::string dir_, local_tm_, served_tm_, address_;
  std::unique_ptr<test_support::BackgroundProcess> server_;
  std::set<std::string> covered_;  // the commands compared
};

TEST_F(EveryCommandTest, LocalAndRemoteOutputsAreTheSame) {
  const std::vector<std::string> langs = {"--src-lang", "ar", "--tgt-lang", "en"};
  // Reading.
  ExpectSame({"stats"});
  ExpectSame({"stats", "--json"});
  ExpectSame({"get", "3"});
  ExpectSame({"get", "--json", "--tokens", "2"});
  EXPECT_EQ(ExpectSame({"get", "999999"}).exit_code, 1);
  // Writing: add, the same again (a duplicate), update, delete, a failed delete.
  const std::vector<std::string> pair = {"انتهى الاجتماع في وقت متأخر", "The meeting ended late"};
  EXPECT_EQ(
      ExpectSame(
          Concat(Concat({"add", "--origin", "o", "--doc", "d", "--position", "4", "--note", "n", "--user", "u"}, langs),
                 pair))
          .exit_code,
      0);
  ExpectSame(Concat(Concat({"add", "--user", "u"}, langs), pair));
  ExpectSame(Concat(Concat({"add", "--json", "--user", "u", "--on-duplicate", "update"}, langs), pair));
  ExpectSame({"get", "--json", "16"});
  ExpectSame({"delete", "16"});
  EXPECT_EQ(ExpectSame({"delete", "--json", "15", "999999"}).exit_code, 1);
  ExpectSame({"delete", "--json", "14"});
  // Lookups: one query, human and JSON, a batch from stdin with a bad line, an option error.
  const std::string query = SampleSources()[1];
  ExpectSame({"match", query});
  ExpectSame({"match", "--json", "--threshold", "50", "--top", "3", query});
  ExpectSame({"match", "--json"}, query + "\n\n" + SampleSources()[5] + "\n");
  ExpectSame({"match"}, query + "\n" + SampleSources()[6] + "\n");
  EXPECT_EQ(ExpectSame({"match", "--top", "0", query}).exit_code, 2);
  ExpectSame({"concordance", "القمح"});
  ExpectSame({"concordance", "--json", "--side", "target", "--top", "3", "wheat"});
  ExpectSame({"concordance", "--json"}, "القمح\n\nالطلاب\n");
  // Import: a dry run, the import, the same again (duplicates), an update, a missing file. Always
  // with --origin: without it the server gives the pairs the upload's file name as their origin
  // (service_impl.cc), a local import none.
  const std::string tsv = dir_ + "/new.tsv";
  std::ofstream(tsv, std::ios::binary) << "source\ttarget\n"
                                          "بدأت الامتحانات اليوم\tThe exams began today\n"
                                          "\tno source here\n"
                                          "وصل القطار متأخراً\tThe train arrived late\n";
  ExpectSame(Concat({"import", "--json", "--dry-run", "--origin", "new"}, Concat(langs, {tsv})));
  ExpectSame(Concat({"import", "--json", "--origin", "new"}, Concat(langs, {tsv})));
  ExpectSame(Concat({"import", "--quiet", "--origin", "new"}, Concat(langs, {tsv})));
  ExpectSame(Concat({"import", "--json", "--on-duplicate", "update", "--origin", "newer"}, Concat(langs, {tsv})));
  EXPECT_EQ(ExpectSame(Concat({"import"}, Concat(langs, {dir_ + "/missing.tsv"}))).exit_code, 1);
  ExpectSame({"stats", "--json"});
  // Export: the same summary and the same file.
  for (const std::string name : {"all.tmx", "all.tsv"}) {
    const std::string file = dir_ + "/" + name;
    ProcessResult local = RunCli({"--db", local_tm_, "export", "--json", file}, "");
    const std::string local_file = ReadFile(file);
    ProcessResult remote = RunCli({"--server", address_, "export", "--json", file}, "");
    EXPECT_EQ(remote.exit_code, local.exit_code) << remote.err;
    EXPECT_EQ(Blanked(remote.out, served_tm_), Blanked(local.out, local_tm_));
    EXPECT_EQ(remote.err, local.err);
    EXPECT_TRUE(Blanked(ReadFile(file), served_tm_) == Blanked(local_file, local_tm_)) << name;
  }
  // Align (the server aligns; the units and their TMX/TSV are made locally either way).
  const std::string articles = std::string(DHAKIRA_SOURCE_DIR) + "/data/articles/";
  for (const std::string format : {"links", "json", "tsv", "tmx"}) {
    ExpectSame(Concat({"align", articles + "tartus-solar-pumping.ar.split", articles + "tartus-solar-pumping.en.split",
                       "--presplit", "--format", format},
                      langs));
  }
  // The commands that touch no TM run locally either way.
  ExpectSame({"normalize", "--lang", "ar", "--json", query});
  ExpectSame({"split", "--lang", "en"}, "One sentence. Another one here.\n");
  EXPECT_EQ(covered_, (std::set<std::string>{"add", "align", "concordance", "delete", "get", "import", "match",
                                             "normalize", "split", "stats"}));
  // export is compared above, file and all: every command that works through --server.
}

}  // namespace
}  // namespace dhakira

// The gRPC server end to end in one process: a real LMDB TM in a temp dir, a real server on a Unix socket
// (and loopback TCP), real gRPC clients (our Client and the generated stub).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dhakira/service.h"
#include "dhakira/store.h"
#include "dhakira/translation_memory.h"
#include "dhakira/v1/translation_memory.grpc.pb.h"
#include "service/service_fixture.h"
#include "testing/files.h"

namespace dhakira {
namespace {

namespace fs = std::filesystem;

// The shared server+TM fixture (service_fixture.h); each test starts the server itself, after
// adjusting options_.
class ServerTest : public test_support::ServiceTest {
 protected:
  static SegmentPair Pair(const std::string& source, const std::string& target) {
    SegmentPair p;
    p.src_lang = "ar";
    p.tgt_lang = "en";
    p.source = source;
    p.target = target;
    p.origin = "Al-Watan";
    p.note = "ملاحظة";
    p.properties = {{"x-domain", "news"}};
    return p;
  }
};

TEST_F(ServerTest, SocketIsOwnerOnly) {
  StartServer();
  struct stat st;
  ASSERT_EQ(::stat(options_.socket_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(server_->addresses().size(), 1u);
  EXPECT_EQ(server_->addresses()[0], "unix:" + options_.socket_path);
}

TEST_F(ServerTest, SocketRemovedOnShutdown) {
  StartServer();
  server_->Shutdown();
  server_->Wait();
  EXPECT_FALSE(fs::exists(options_.socket_path));
}

TEST_F(ServerTest, StaleSocketIsReplaced) {
  // A socket file nobody listens on any more (a server that was killed).
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", options_.socket_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(fs::exists(options_.socket_path));
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->Stats().ok());
}

TEST_F(ServerTest, LiveSocketIsNotStolen) {
  StartServer();
  // A second TM and server on the same socket path.
  auto other_store = TranslationMemory::Open(dir_ + "/tm2");
  ASSERT_TRUE(other_store.ok());
  auto second = Server::Start(other_store->get(), options_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another server"), std::string::npos) << second.status().message();
  // The first server still answers.
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  auto stats = client->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->path, store_->path());
}

TEST_F(ServerTest, NonSocketFileIsNotReplaced) {
  { std::ofstream(options_.socket_path) << "precious"; }
  auto server = Server::Start(store_.get(), options_);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), Status::Code::kFailedPrecondition);
  std::ifstream in(options_.socket_path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(ServerTest, SocketThatCannotBeCreatedNamesTheReason) {
  // /proc is a directory no one can create files in (not even root, whom permissions do not stop).
  options_.socket_path = "/proc/dhakira-test.sock";
  auto server = Server::Start(store_.get(), options_);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), Status::Code::kIOError);
  EXPECT_NE(server.status().message().find("socket /proc/dhakira-test.sock: cannot create it: "), std::string::npos)
      << server.status().message();
}

TEST_F(ServerTest, BadOptionsAreNamed) {
  struct Case {
    const char* field;
    void (*set)(ServerOptions*);
  };
  const Case cases[] = {
      {"max_message_bytes", [](ServerOptions* o) { o->max_message_bytes = 10; }},
      {"max_query_bytes", [](ServerOptions* o) { o->max_query_bytes = 0; }},
      {"max_batch_segments", [](ServerOptions* o) { o->max_batch_segments = 0; }},
      {"max_top", [](ServerOptions* o) { o->max_top = 5000; }},
      {"max_threads", [](ServerOptions* o) { o->max_threads = 1; }},
      {"socket_path", [](ServerOptions* o) { o->socket_path.clear(); }},
  };
  for (const Case& c : cases) {
    ServerOptions o = options_;
    c.set(&o);
    Status st = o.Validate();
    EXPECT_TRUE(st.IsInvalidArgument()) << c.field;
    EXPECT_NE(st.message().find(c.field), std::string::npos) << st.message();
  }
  EXPECT_TRUE(options_.Validate().ok());
}

TEST_F(ServerTest, TcpIsLoopbackOnly) {
  for (const char* address : {"0.0.0.0:0", "192.168.1.1:7411", "example.com:80", "127.0.0.1", "127.0.0.1:x"}) {
    ServerOptions o = options_;
    o.listen_address = address;
    auto server = Server::Start(store_.get(), o);
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_TRUE(server.status().IsInvalidArgument()) << address << ": " << server.status().ToString();
  }
  options_.listen_address = "127.0.0.1:0";
  StartServer();
  ASSERT_GT(server_->tcp_port(), 0);
  ASSERT_EQ(server_->addresses().size(), 2u);
  auto client = Connect("127.0.0.1:" + std::to_string(server_->tcp_port()));
  ASSERT_NE(client, nullptr);
  auto added = client->Upsert(Pair("مرحبا بكم", "Welcome"), "", "", DuplicatePolicy::kSkip);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->outcome, WriteOutcome::kAdded);
}

TEST_F(ServerTest, UpsertGetDeleteRoundTrip) {
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);

  auto added = client->Upsert(Pair("قال الرئيس إن الاجتماع مهم", "The president said the meeting matters"),
                              "بدأ الاجتماع صباحا", "", DuplicatePolicy::kSkip);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->outcome, WriteOutcome::kAdded);
  ASSERT_GT(added->id, 0u);

  // What the server stored is what the local store holds, context hash included.
  auto local = store_->Get(added->id);
  ASSERT_TRUE(local.ok());
  EXPECT_NE(local->prev_hash, 0u);
  EXPECT_EQ(local->next_hash, 0u);
  auto remote = client->Get(added->id);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->id, local->id);
  EXPECT_EQ(remote->source, local->source);
  EXPECT_EQ(remote->target, local->target);
  EXPECT_EQ(remote->origin, "Al-Watan");
  EXPECT_EQ(remote->note, "ملاحظة");
  EXPECT_EQ(remote->properties, local->properties);
  EXPECT_EQ(remote->prev_hash, local->prev_hash);
  EXPECT_EQ(remote->created_at, local->created_at);

  // The same pair again: a duplicate, skipped.
  auto again = client->Upsert(Pair("قال الرئيس إن الاجتماع مهم", "The president said the meeting matters"), "", "",
                              DuplicatePolicy::kSkip);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, WriteOutcome::kSkippedDuplicate);
  EXPECT_EQ(again->id, added->id);

  // Update by id.
  SegmentPair changed = *remote;
  changed.target = "The president said the meeting was important";
  auto updated = client->Upsert(changed, "", "", DuplicatePolicy::kSkip);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->outcome, WriteOutcome::kUpdated);
  auto reread = store_->Get(added->id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->target, changed.target);

  auto stats = client->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->stats.segments, 1u);
  EXPECT_EQ(stats->stats.origins.at("Al-Watan"), 1u);

  ASSERT_TRUE(client->Delete(added->id).ok());
  EXPECT_TRUE(client->Get(added->id).status().IsNotFound());
  Status again_deleted = client->Delete(added->id);
  EXPECT_TRUE(again_deleted.IsNotFound()) << again_deleted.ToString();
}

// Error codes the proto promises, checked on the wire with the generated stub.
TEST_F(ServerTest, CanonicalErrorCodes) {
  StartServer();
  auto stub = Stub(server_->addresses()[0]);
  struct Case {
    const char* name;
    v1::UpsertRequest req;
    grpc::StatusCode code;
    const char* in_message;
  };
  std::vector<Case> cases;
  auto unit = [](const char* src_lang, const char* source, uint64_t id) {
    v1::UpsertRequest r;
    r.mutable_unit()->set_id(id);
    r.mutable_unit()->set_src_lang(src_lang);
    r.mutable_unit()->set_tgt_lang("en");
    r.mutable_unit()->set_source(source);
    r.mutable_unit()->set_target("target");
    return r;
  };
  cases.push_back({"bad language", unit("not a language!", "نص", 0), grpc::StatusCode::INVALID_ARGUMENT, ""});
  cases.push_back({"no source", unit("ar", "", 0), grpc::StatusCode::INVALID_ARGUMENT, "unit.source"});
  cases.push_back({"unknown id", unit("ar", "نص", 424242), grpc::StatusCode::NOT_FOUND, ""});
  for (Case& c : cases) {
    grpc::ClientContext ctx;
    v1::UpsertResponse resp;
    grpc::Status st = stub->Upsert(&ctx, c.req, &resp);
    EXPECT_EQ(st.error_code(), c.code) << c.name << ": " << st.error_message();
    EXPECT_FALSE(st.error_message().empty()) << c.name;
    EXPECT_NE(st.error_message().find(c.in_message), std::string::npos) << st.error_message();
  }
  grpc::ClientContext ctx;
  v1::Unit unit_resp;
  v1::GetRequest get;
  get.set_id(99);
  EXPECT_EQ(stub->Get(&ctx, get, &unit_resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerTest, OversizedRequestIsRejectedAndServerSurvives) {
  options_.max_message_bytes = 64 << 10;
  options_.max_query_bytes = 1024;
  StartServer();
  auto stub = Stub(server_->addresses()[0]);
  v1::UpsertRequest big;
  big.mutable_unit()->set_src_lang("ar");
  big.mutable_unit()->set_tgt_lang("en");
  big.mutable_unit()->set_source(std::string(200 << 10, 'a'));
  big.mutable_unit()->set_target("x");
  {
    grpc::ClientContext ctx;
    v1::UpsertResponse resp;
    EXPECT_EQ(stub->Upsert(&ctx, big, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  // Context longer than max_query_bytes, inside the message limit.
  v1::UpsertRequest ctx_long;
  *ctx_long.mutable_unit() = big.unit();
  ctx_long.mutable_unit()->set_source("نص قصير");
  ctx_long.set_previous_source(std::string(4000, 'b'));
  {
    grpc::ClientContext ctx;
    v1::UpsertResponse resp;
    grpc::Status st = stub->Upsert(&ctx, ctx_long, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("previous_source"), std::string::npos) << st.error_message();
  }
  grpc::ClientContext ctx;
  v1::StatsResponse stats;
  EXPECT_TRUE(stub->Stats(&ctx, v1::StatsRequest(), &stats).ok());
}

TEST_F(ServerTest, ReadOnlyServerRefusesWrites) {
  options_.read_only = true;
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  auto added = client->Upsert(Pair("نص", "text"), "", "", DuplicatePolicy::kSkip);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(client->Delete(1).code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(client->Stats().ok());
}

TEST_F(ServerTest, CapabilitiesDescribeTheServer) {
  options_.max_batch_segments = 123;
  StartServer();
  auto stub = Stub(server_->addresses()[0]);
  grpc::ClientContext ctx;
  v1::CapabilitiesResponse caps;
  ASSERT_TRUE(stub->Capabilities(&ctx, v1::CapabilitiesRequest(), &caps).ok());
  EXPECT_EQ(caps.api_version(), "dhakira.v1");
  EXPECT_FALSE(caps.server_version().empty());
  EXPECT_GT(caps.format_version(), 0u);
  EXPECT_EQ(caps.limits().max_batch_segments(), 123u);
  EXPECT_EQ(caps.limits().max_message_bytes(), options_.max_message_bytes);
  EXPECT_TRUE(caps.any_language());
  std::vector<std::string> rpcs(caps.rpcs().begin(), caps.rpcs().end());
  for (const char* rpc : {"Upsert", "Delete", "Get", "Stats", "Capabilities"}) {
    EXPECT_NE(std::find(rpcs.begin(), rpcs.end(), rpc), rpcs.end()) << rpc;
  }
  // An RPC not listed answers UNIMPLEMENTED with a message, never a fake result.
  if (std::find(rpcs.begin(), rpcs.end(), "Align") == rpcs.end()) {
    grpc::ClientContext c2;
    v1::AlignResponse resp;
    grpc::Status st = stub->Align(&c2, v1::AlignRequest(), &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_NE(st.error_message().find("Align"), std::string::npos) << st.error_message();
  }
}

// Many clients at once, each writing and reading its own units: every call answers.
TEST_F(ServerTest, ConcurrentClients) {
  StartServer();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = Client::Connect(server_->addresses()[0]);
      if (!client.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kPerThread; ++i) {
        const std::string n = std::to_string(t * 1000 + i);
        auto added = (*client)->Upsert(Pair("الجملة رقم " + n, "Sentence number " + n), "", "", DuplicatePolicy::kSkip);
        if (!added.ok() || added->outcome != WriteOutcome::kAdded) {
          ++failures;
          continue;
        }
        auto got = (*client)->Get(added->id);
        if (!got.ok() || got->target != "Sentence number " + n) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, static_cast<uint64_t>(kThreads * kPerThread));
}

#if __has_include("dhakira/align.h")
// Align maps the aligner's result faithfully (links cover each sentence once, in order; pairs are the links
// with both sides) and imports the confident pairs with document context in one transaction.
TEST_F(ServerTest, AlignLinksPairsAndImports) {
  StartServer();
  auto stub = Stub(server_->addresses()[0]);
  v1::AlignRequest req;
  req.set_src_lang("ar");
  req.set_tgt_lang("en");
  req.mutable_source()->set_text(
      "قال وزير الخارجية إن المحادثات ستستأنف يوم الاثنين.\n\n"
      "وأضاف أن الوفدين اتفقا على جدول أعمال من ثلاث نقاط.\n\n"
      "ارتفعت أسعار النفط بنسبة 3 في المئة أمس.");
  for (const char* s : {"The foreign minister said the talks would resume on Monday.",
                        "He added that the two delegations agreed on a three-point agenda.",
                        "Oil prices rose 3 percent yesterday.", "This article was translated and edited."}) {
    req.mutable_target()->mutable_sentences()->add_sentence(s);
  }
  req.set_import(true);
  req.set_origin("test-outlet");
  req.set_doc_id("doc-1");
  grpc::ClientContext ctx;
  v1::AlignResponse resp;
  grpc::Status st = stub->Align(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(resp.target_sentences_size(), 4);
  ASSERT_GT(resp.source_sentences_size(), 0);
  // Every sentence of both sides exactly once, in order.
  int next_src = 0, next_tgt = 0, both = 0, confident = 0;
  for (const v1::AlignLink& link : resp.links()) {
    for (uint32_t i : link.src()) EXPECT_EQ(static_cast<int>(i), next_src++);
    for (uint32_t i : link.tgt()) EXPECT_EQ(static_cast<int>(i), next_tgt++);
    if (link.src_size() > 0 && link.tgt_size() > 0) {
      ++both;
      if (!link.low_confidence()) ++confident;
    }
  }
  EXPECT_EQ(next_src, resp.source_sentences_size());
  EXPECT_EQ(next_tgt, resp.target_sentences_size());
  EXPECT_EQ(resp.pairs_size(), both);
  for (const v1::SentencePair& p : resp.pairs()) {
    ASSERT_LT(static_cast<int>(p.link()), resp.links_size());
    const v1::AlignLink& link = resp.links(static_cast<int>(p.link()));
    ASSERT_GT(link.tgt_size(), 0);
    const std::string& first = resp.target_sentences(static_cast<int>(link.tgt(0)));
    EXPECT_EQ(p.target().compare(0, first.size(), first), 0) << p.target();
  }
  EXPECT_EQ(resp.imported() + resp.skipped_duplicates(), static_cast<uint64_t>(confident));
  EXPECT_GT(resp.imported(), 0u);  // three plain 1-1 sentence pairs: some link is confident
  EXPECT_EQ(resp.held_back(), static_cast<uint64_t>(both - confident));
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->segments, resp.imported());
  // Imported units carry the document context.
  int with_context = 0;
  ASSERT_TRUE(store_
                  ->ForEach([&](const SegmentPair& p) {
                    EXPECT_EQ(p.origin, "test-outlet");
                    EXPECT_EQ(p.doc_id, "doc-1");
                    if (p.prev_hash != 0 || p.next_hash != 0) ++with_context;
                    return true;
                  })
                  .ok());
  if (resp.imported() > 1) {
    EXPECT_GT(with_context, 0);
  }

  // A bad language is INVALID_ARGUMENT naming the field.
  req.set_src_lang("??");
  grpc::ClientContext ctx2;
  st = stub->Align(&ctx2, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("src_lang"), std::string::npos) << st.error_message();
}
#endif

#if __has_include("dhakira/match.h")
// Lookup and BatchLookup map the matcher's results (kinds, scores, substituted targets) and its errors.
TEST_F(ServerTest, LookupKindsAndBatchErrors) {
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  const std::string prev = "افتتح المؤتمر صباح اليوم";
  const std::string src = "قال الرئيس إن الاجتماع سيعقد يوم 12 مارس";
  auto added = client->Upsert(Pair(src, "The president said the meeting will be held on 12 March"), prev, "",
                              DuplicatePolicy::kSkip);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  auto stub = Stub(server_->addresses()[0]);

  struct Case {
    const char* name;
    std::string source, previous;
    v1::MatchKind kind;
  };
  const Case cases[] = {
      {"exact", src, "", v1::EXACT},
      {"in context", src, prev, v1::EXACT_IN_CONTEXT},
      {"fuzzy, other number", "قال الرئيس إن الاجتماع سيعقد يوم 15 مارس", "", v1::FUZZY},
  };
  for (const Case& c : cases) {
    grpc::ClientContext ctx;
    v1::LookupRequest req;
    req.set_source(c.source);
    req.set_previous_source(c.previous);
    req.mutable_options()->set_src_lang("ar");
    req.mutable_options()->set_tgt_lang("en");
    v1::LookupResponse resp;
    grpc::Status st = stub->Lookup(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << c.name << ": " << st.error_message();
    ASSERT_EQ(resp.matches_size(), 1) << c.name;
    const v1::Match& m = resp.matches(0);
    EXPECT_EQ(m.kind(), c.kind) << c.name;
    EXPECT_EQ(m.unit().id(), added->id);
    EXPECT_EQ(m.unit().metadata().origin(), "Al-Watan");
    EXPECT_LE(m.score(), 101);
    if (c.kind == v1::FUZZY) {
      EXPECT_LT(m.score(), 100);
      EXPECT_NE(m.target_substituted().find("15"), std::string::npos) << m.target_substituted();
    }
  }

  // A batch with one bad segment: that one gets an error, the others their matches.
  v1::BatchLookupRequest batch;
  batch.mutable_options()->set_src_lang("ar");
  batch.mutable_options()->set_tgt_lang("en");
  batch.add_segments()->set_source(prev);
  batch.add_segments()->set_source(src);
  batch.add_segments()->set_source("");  // no match-key token
  batch.mutable_segments(1)->set_client_ref("seg-2");
  batch.set_document_context(true);
  {
    grpc::ClientContext ctx;
    v1::BatchLookupResponse resp;
    grpc::Status st = stub->BatchLookup(&ctx, batch, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(resp.results_size(), 3);
    EXPECT_EQ(resp.results(1).client_ref(), "seg-2");
    ASSERT_EQ(resp.results(1).matches_size(), 1);
    // Document context: segment 1's previous source is segment 0.
    EXPECT_EQ(resp.results(1).matches(0).kind(), v1::EXACT_IN_CONTEXT);
    EXPECT_EQ(resp.results(2).error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
    EXPECT_FALSE(resp.results(2).error().message().empty());
    EXPECT_EQ(resp.results(0).error().code(), 0);
  }
  // Bad language and an over-long query are INVALID_ARGUMENT for a single lookup.
  for (const auto& [lang, source] : {std::pair<std::string, std::string>{"!!", src},
                                     std::pair<std::string, std::string>{"ar", std::string(100000, 'x')}}) {
    grpc::ClientContext ctx;
    v1::LookupRequest req;
    req.set_source(source);
    req.mutable_options()->set_src_lang(lang);
    req.mutable_options()->set_tgt_lang("en");
    v1::LookupResponse resp;
    EXPECT_EQ(stub->Lookup(&ctx, req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << lang;
  }
  // Concordance finds the phrase on either side.
  {
    grpc::ClientContext ctx;
    v1::ConcordanceRequest req;
    req.set_phrase("the meeting");
    req.set_src_lang("ar");
    req.set_tgt_lang("en");
    req.set_side(v1::CONCORDANCE_SIDE_TARGET);
    v1::ConcordanceResponse resp;
    grpc::Status st = stub->Concordance(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(resp.hits_size(), 1);
    ASSERT_GT(resp.hits(0).spans_size(), 0);
    const v1::Span& span = resp.hits(0).spans(0);
    EXPECT_EQ(resp.hits(0).unit().target().substr(span.begin(), span.end() - span.begin()), "the meeting");
  }
}

// A BatchLookup larger than the server answers on gRPC's callback thread runs on a thread of its
// own: the same answer, segment by segment, as one-segment batches; several at once; and a server
// shut down while some run waits for them (no call left unanswered, nothing used after the service
// is gone).
TEST_F(ServerTest, LargeBatchLookupsAnswerAsSmallOnes) {
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  const std::vector<std::string> sources = {"قال الرئيس إن الاجتماع سيعقد يوم 12 مارس", "افتتح المؤتمر صباح اليوم",
                                            "وصل الوفد إلى دمشق مساء أمس"};
  const std::vector<std::string> targets = {"The president said the meeting will be held on 12 March",
                                            "The conference opened this morning",
                                            "The delegation arrived in Damascus last night"};
  for (size_t i = 0; i < sources.size(); ++i) {
    ASSERT_TRUE(client->Upsert(Pair(sources[i], targets[i]), "", "", DuplicatePolicy::kSkip).ok());
  }
  const std::vector<std::string> queries = {
      sources[0], "قال الرئيس إن الاجتماع سيعقد يوم 15 مارس", "", sources[1], "وصل الوفد إلى حلب", "لا شيء يشبه هذا"};
  v1::BatchLookupRequest large;
  large.mutable_options()->set_src_lang("ar");
  large.mutable_options()->set_tgt_lang("en");
  large.mutable_options()->set_threshold(50);
  const int n = 5 * 8 + 3;  // well past the inline limit (kInlineBatchSegments, 8)
  for (int i = 0; i < n; ++i) {
    v1::BatchSegment* seg = large.add_segments();
    seg->set_source(queries[static_cast<size_t>(i) % queries.size()]);
    seg->set_client_ref("ref-" + std::to_string(i));
  }
  auto stub = Stub(server_->addresses()[0]);
  grpc::ClientContext ctx;
  v1::BatchLookupResponse resp;
  grpc::Status st = stub->BatchLookup(&ctx, large, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(resp.results_size(), n);
  int with_matches = 0, with_errors = 0;
  for (int i = 0; i < n; ++i) {
    v1::BatchLookupRequest one;
    *one.mutable_options() = large.options();
    *one.add_segments() = large.segments(i);
    grpc::ClientContext one_ctx;
    v1::BatchLookupResponse one_resp;
    ASSERT_TRUE(stub->BatchLookup(&one_ctx, one, &one_resp).ok());
    ASSERT_EQ(one_resp.results_size(), 1);
    v1::BatchLookupResult expected = one_resp.results(0);
    expected.set_index(static_cast<uint32_t>(i));
    if (expected.has_error()) {  // the message names the segment's index in its batch
      std::string message = expected.error().message();
      ASSERT_EQ(message.rfind("segment 0:", 0), 0u) << message;
      message.replace(0, 9, "segment " + std::to_string(i));
      expected.mutable_error()->set_message(message);
    }
    EXPECT_EQ(resp.results(i).SerializeAsString(), expected.SerializeAsString()) << "segment " << i;
    with_matches += resp.results(i).matches_size() > 0;
    with_errors += resp.results(i).has_error();
  }
  EXPECT_GT(with_matches, n / 2);
  EXPECT_GT(with_errors, 0);  // the empty query

  // Several large batches at once, then a shutdown while more are running: every call is answered
  // (completely, or CANCELLED/UNAVAILABLE when the shutdown came first) and the server stops.
  constexpr int kCalls = 6;
  std::atomic<int> complete{0}, bad{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCalls; ++c) {
    callers.emplace_back([&] {
      grpc::ClientContext cctx;
      cctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      v1::BatchLookupResponse r;
      grpc::Status cst = stub->BatchLookup(&cctx, large, &r);
      if (cst.ok() && r.results_size() == n) {
        ++complete;
      } else if (cst.ok() || (cst.error_code() != grpc::StatusCode::CANCELLED &&
                              cst.error_code() != grpc::StatusCode::UNAVAILABLE)) {
        ++bad;
      }
    });
    if (c == kCalls / 2) {
      for (auto& t : callers) t.join();
      callers.clear();
      EXPECT_EQ(complete.load(), kCalls / 2 + 1);
    }
  }
  server_->Shutdown();
  server_->Wait();
  for (auto& t : callers) t.join();
  EXPECT_EQ(bad.load(), 0);
  server_.reset();  // the service waits for its batch threads
}

// Client::Lookup / BatchLookup / Concordance return what the engine returns on the server's TM: the
// CLI prints them with the same code as local results.
TEST_F(ServerTest, ClientLookupsEqualTheLocalMatcher) {
  options_.max_batch_segments = 2;  // the client splits its batches to fit
  StartServer();
  auto client = Connect(server_->addresses()[0]);
  ASSERT_NE(client, nullptr);
  const std::string prev = "افتتح المؤتمر صباح اليوم";
  const std::string src = "قال الرئيس إن الاجتماع سيعقد يوم 12 مارس";
  ASSERT_TRUE(client
                  ->Upsert(Pair(src, "The president said the meeting will be held on 12 March"), prev, "",
                           DuplicatePolicy::kSkip)
                  .ok());
  ASSERT_TRUE(client
                  ->Upsert(Pair("قال الوزير إن الاجتماع انتهى", "The minister said the meeting ended"), "", "",
                           DuplicatePolicy::kSkip)
                  .ok());
  auto matcher = store_->NewMatcher();
  ASSERT_TRUE(matcher.ok()) << matcher.status().ToString();

  MatchOptions o;
  o.src_lang = "ar";
  o.tgt_lang = "en";
  o.threshold = 30;
  const std::vector<std::string> queries = {src, "قال الرئيس إن الاجتماع سيعقد يوم 15 مارس", "", "قال \xD8",
                                            "لا شيء يشبه هذا"};
  auto batch = client->BatchLookup(queries, o);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), queries.size());
  for (const std::string& p : {std::string(), prev}) {
    o.prev_source = p;
    for (size_t i = 0; i < queries.size(); ++i) {
      auto local = (*matcher)->Match(queries[i], o);
      auto remote = client->Lookup(queries[i], o);
      auto batched = p.empty() ? (*batch)[i] : remote;
      for (const auto* r : {&remote, &batched}) {
        ASSERT_EQ(r->ok(), local.ok()) << i << ": " << r->status().ToString();
        if (!local.ok()) {
          // The engine's own error, not the transport's.
          EXPECT_EQ(r->status().ToString(), local.status().ToString()) << i;
          continue;
        }
        EXPECT_EQ((*r)->query, local->query);
        ASSERT_EQ((*r)->matches.size(), local->matches.size()) << i;
        for (size_t k = 0; k < local->matches.size(); ++k) {
          const Match& a = (*r)->matches[k];
          const Match& b = local->matches[k];
          EXPECT_EQ(a.pair.id, b.pair.id);
          EXPECT_EQ(a.pair.source, b.pair.source);
          EXPECT_EQ(a.pair.changed_at, b.pair.changed_at);
          EXPECT_EQ(a.score, b.score);
          EXPECT_EQ(a.fuzzy, b.fuzzy);
          EXPECT_EQ(a.kind, b.kind);
          ASSERT_EQ(a.penalties.size(), b.penalties.size());
          for (size_t j = 0; j < b.penalties.size(); ++j) {
            EXPECT_EQ(a.penalties[j].reason, b.penalties[j].reason);
            EXPECT_EQ(a.penalties[j].points, b.penalties[j].points);
          }
          EXPECT_EQ(a.target_substituted, b.target_substituted);
          EXPECT_EQ(a.source_marks, b.source_marks);
        }
      }
    }
  }
  // The context query is a context match through the client too (the context travels).
  o.prev_source = prev;
  auto in_context = client->Lookup(src, o);
  ASSERT_TRUE(in_context.ok());
  ASSERT_FALSE(in_context->matches.empty());
  EXPECT_EQ(in_context->matches[0].kind, MatchKind::kContext);

  // Concordance, both sides.
  for (ConcordanceSide side : {ConcordanceSide::kSource, ConcordanceSide::kTarget}) {
    ConcordanceOptions c;
    c.src_lang = "ar";
    c.tgt_lang = "en";
    c.side = side;
    const std::string phrase = side == ConcordanceSide::kSource ? "الاجتماع" : "the meeting";
    auto local = (*matcher)->Concordance(phrase, c);
    auto remote = client->Concordance(phrase, c);
    ASSERT_TRUE(local.ok() && remote.ok()) << remote.status().ToString();
    ASSERT_EQ(remote->hits.size(), 2u);
    ASSERT_EQ(remote->hits.size(), local->hits.size());
    for (size_t k = 0; k < local->hits.size(); ++k) {
      EXPECT_EQ(remote->hits[k].pair.id, local->hits[k].pair.id);
      EXPECT_EQ(remote->hits[k].spans, local->hits[k].spans);
    }
  }

  // What the wire cannot carry is refused, not silently dropped.
  o.brute_force = true;
  EXPECT_EQ(client->Lookup(src, o).status().code(), Status::Code::kInvalidArgument);
  o.brute_force = false;
  o.number_points = 3;
  EXPECT_EQ(client->BatchLookup({src}, o).status().code(), Status::Code::kInvalidArgument);
}
#endif

TEST_F(ServerTest, UnreachableServerIsIOError) {
  auto client = Client::Connect("unix:" + dir_ + "/nobody.sock", ClientOptions{.timeout_ms = 2000});
  ASSERT_TRUE(client.ok());
  auto stats = (*client)->Stats();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Status::Code::kIOError);
  EXPECT_NE(stats.status().message().find("nobody.sock"), std::string::npos) << stats.status().message();
}

}  // namespace
}  // namespace dhakira

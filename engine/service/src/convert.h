// Mapping between dhakira engine types and the dhakira.v1 protobuf messages, and between Status and
// grpc::Status: every proto <-> engine conversion of the server and the client is here, so the
// handlers (service_*.cc) and the client (client*.cc) only plumb messages. Pure functions; no I/O.
// Thread safety: none needed (no shared state).
//
// Server-side functions that read a request ("FromProto(const v1::...Request&", options) check what
// the message must hold and return InvalidArgument naming the proto field (e.g. "options.top:
// ..."); the handler answers it with ToGrpc(). Client-side functions that fill a request return
// InvalidArgument for engine options a message cannot carry (the server would silently use its
// defaults instead).
//
// Files: convert.cc (Status, units, policies, stats), convert_match.cc (lookups, concordance),
// convert_io.cc (import, export), convert_align.cc (align).
#ifndef DHAKIRA_SERVICE_CONVERT_H_
#define DHAKIRA_SERVICE_CONVERT_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/align.h"
#include "dhakira/io.h"
#include "dhakira/match.h"
#include "dhakira/segment.h"
#include "dhakira/service.h"
#include "dhakira/status.h"
#include "dhakira/store.h"
#include "dhakira/v1/translation_memory.pb.h"

namespace dhakira::service {

// --- Status (convert.cc)

// Canonical gRPC code for each Status code (kNotFound -> NOT_FOUND, kInvalidArgument ->
// INVALID_ARGUMENT, kCorruption -> DATA_LOSS, kIOError -> INTERNAL, ...; the .cc gives the
// reasons). The message is kept.
grpc::Status ToGrpc(const Status& status);
// The reverse, used by the client: the message keeps the server's text; `what` ("" = nothing) says
// what we were doing and prefixes it.
Status FromGrpc(const grpc::Status& status, std::string_view what);

// InvalidArgument "FIELD: required (a BCP 47 language, e.g. "EXAMPLE")" when `value` is empty.
Status RequiredLanguage(const std::string& value, const char* field, const char* example);

// --- Units, write policies and outcomes, statistics (convert.cc)

void ToProto(const SegmentPair& pair, v1::Unit* unit);
// Copies everything a client may set (id, languages, text, codes, metadata except the context
// hashes).
void FromProto(const v1::Unit& unit, SegmentPair* pair);
// The full unit as the server sent it, hashes included (client side).
void FromProtoAll(const v1::Unit& unit, SegmentPair* pair);

v1::DuplicatePolicy ToProto(DuplicatePolicy policy);
StatusOr<DuplicatePolicy> FromProto(v1::DuplicatePolicy policy);
v1::WriteOutcome ToProto(WriteOutcome outcome);
WriteOutcome FromProto(v1::WriteOutcome outcome);

// Server: the unit of an Upsert (FromProto(v1::Unit)), which must have both languages and both
// texts.
Status FromProto(const v1::UpsertRequest& in, SegmentPair* pair);
// Client: an Upsert of `pair` (its context hashes left out: the server derives them from the
// neighbours).
void ToProto(const SegmentPair& pair, std::string_view previous_source, std::string_view next_source,
             DuplicatePolicy on_duplicate, v1::UpsertRequest* out);

void ToProto(const StoreStats& stats, v1::StatsResponse* out);
void FromProto(const v1::StatsResponse& in, StoreStats* stats);
// Capabilities: the TM's language pairs (from `stats`) and the server's limits (from `options`).
void ToProto(const StoreStats& stats, const ServerOptions& options, v1::CapabilitiesResponse* out);

// --- Lookups and concordance (convert_match.cc)

// Server: MatchOptions from a request's options; InvalidArgument naming the field
// ("options.src_lang", "options.top" above `max_top`, or MatchOptions::Validate()'s message after
// "options: ").
Status FromProto(const v1::LookupOptions& in, uint32_t max_top, MatchOptions* out);
// Client: InvalidArgument for brute_force and for penalty points or max_query_tokens other than the
// defaults (a LookupOptions message does not carry them).
Status ToProto(const MatchOptions& in, v1::LookupOptions* out);
// Client: a Lookup of `query` with options.prev_source / next_source as its context.
Status ToProto(std::string_view query, const MatchOptions& options, v1::LookupRequest* out);

// Client: one BatchLookup segment, with options.prev_source / next_source as its context.
void ToProto(std::string_view query, const MatchOptions& options, v1::BatchSegment* out);
// Server: the error of BatchLookup segment `index`: the gRPC code, and the message after
// "segment INDEX: ".
void ToProto(const grpc::Status& status, int index, v1::Error* out);
// Client: the Status of the error of segment `index` (OK for code 0), with the engine's message as
// a local Matcher gives it (without the "segment INDEX: " prefix), so a command prints the same
// through the server.
Status FromProto(const v1::Error& error, int index);
void ToProto(const Match& match, v1::Match* out);
void FromProto(const google::protobuf::RepeatedPtrField<v1::Match>& in, std::vector<Match>* out);

// Server: ConcordanceOptions from the request; InvalidArgument naming the field ("src_lang",
// "side", "top" above `max_top`, or ConcordanceOptions::Validate()'s message).
Status FromProto(const v1::ConcordanceRequest& in, uint32_t max_top, ConcordanceOptions* out);
// Client: InvalidArgument for brute_force and a max_phrase_tokens other than the default.
Status ToProto(std::string_view phrase, const ConcordanceOptions& options, v1::ConcordanceRequest* out);
void ToProto(const ConcordanceHit& hit, v1::ConcordanceHit* out);
void FromProto(const v1::ConcordanceHit& in, ConcordanceHit* out);

// --- Import and export (convert_io.cc)

// Server: ImportOptions from the first message of an Import stream. The format comes from
// options.format, else from file_name; with neither it stays kAuto (the handler sniffs the upload)
// and the options are not validated yet. InvalidArgument naming the field.
Status FromProto(const v1::ImportOptions& in, ImportOptions* out);
// Client: the options of an import of the file at `path` (sent as file_name). InvalidArgument for a
// line-parallel import (its two files cannot be streamed).
Status ToProto(const std::string& path, const ImportOptions& in, v1::ImportOptions* out);
void ToProto(const ImportSummary& in, v1::ImportSummary* out);
void FromProto(const v1::ImportSummary& in, ImportSummary* out);
// The reject's message is copied as is (the handler replaces the spool file's name in it).
void ToProto(const ImportIssue& in, v1::ImportProblem* out);
// A reject the server reported, in the client's file `file`.
ImportIssue FromProto(const v1::ImportProblem& in, const std::string& file);

// Server: ExportOptions from the request (languages canonicalised, as the io filters compare them
// exactly) and whether the client wants it gzip-compressed. InvalidArgument naming the field.
Status FromProto(const v1::ExportRequest& in, ExportOptions* out, bool* gzip);
// Client: an Export into the local file `path` (format from options.format, else from the name;
// ".gz" compresses). InvalidArgument for a format that cannot be exported.
Status ToProto(const std::string& path, const ExportOptions& in, v1::ExportRequest* out);
// The summary every ExportChunk carries (not its data).
void ToProto(const ExportSummary& in, v1::ExportChunk* out);
void FromProto(const v1::ExportChunk& in, ExportSummary* out);

// --- Align (convert_align.cc)

// Server: AlignOptions from the request (languages required and canonicalised, 0 = default for
// length_ratio and min_confidence, then AlignOptions::Validate()). InvalidArgument naming the
// field.
Status FromProto(const v1::AlignRequest& in, AlignOptions* out);
// Server: how an Align with import turns links into units: as `dhakira align --import` (confidence
// bar = the aligner's min_confidence), with the request's origin, doc_id, user and
// hold_many_to_many.
PairOptions ToPairOptions(const v1::AlignRequest& in, const AlignOptions& options);
// Server: the sentences of a Document: its `sentences` as given, or its `text` split for `lang`.
// InvalidArgument naming `field` when it has neither, or from the splitter.
StatusOr<std::vector<std::string>> DocumentSentences(const v1::Document& doc, const std::string& lang,
                                                     const char* field);
// Server: the alignment of `source` with `target`: the sentences, links, pairs (links with both
// sides, their sentences joined by a space) and the length ratio. Import counts are not touched.
void ToProto(const std::vector<std::string>& source, const std::vector<std::string>& target, const AlignResult& result,
             v1::AlignResponse* out);
// Server: the import counts of an Align: what AlignedPairs held back and what the store did.
void ToProto(const PairReport& report, const std::vector<WriteResult>& written, v1::AlignResponse* out);
// Client: an Align of the two sentence lists, nothing imported. InvalidArgument for a band or n-m
// limit other than the defaults (the server aligns with its own).
Status ToProto(const std::vector<std::string>& source, const std::vector<std::string>& target,
               const AlignOptions& options, v1::AlignRequest* out);
void FromProto(const v1::AlignResponse& in, AlignResult* out);

}  // namespace dhakira::service

#endif  // DHAKIRA_SERVICE_CONVERT_H_

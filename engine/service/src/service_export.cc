// dhakira.v1.TranslationMemory Export: the io library exports the TM into a spool file, which is
// streamed to the client in chunks of 1 MiB, each carrying the summary.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <string>

#include "convert.h"
#include "handlers.h"
#include "service_impl.h"
#include "spool.h"

namespace dhakira::service {

grpc::Status TranslationMemoryService::Export(grpc::ServerContext* ctx, const v1::ExportRequest* req,
                                              grpc::ServerWriter<v1::ExportChunk>* writer) {
  grpc::Status gs;
  if (Abandoned(ctx, &gs)) return gs;
  ExportOptions options;
  bool gzip = false;
  Status st = FromProto(*req, &options, &gzip);
  if (!st.ok()) return ToGrpc(st);
  // The io library writes the format by file name, and compresses by it.
  std::string suffix = options.format == FileFormat::kTsv ? ".tsv" : ".tmx";
  if (gzip) suffix += ".gz";

  SpoolFile spool;
  st = spool.Create(SpoolDir(options_), "dhakira-export", suffix);
  if (!st.ok()) return ToGrpc(st);
  st = spool.Close();
  if (!st.ok()) return ToGrpc(st);
  StatusOr<ExportSummary> summary = dhakira::Export(*store_, spool.path(), options);
  if (!summary.ok()) {
    return grpc::Status(ToGrpc(summary.status()).error_code(),
                        Rename(summary.status().message(), spool.path(), "(export)"));
  }
  std::ifstream in(spool.path(), std::ios::binary);
  if (!in) return ToGrpc(Status::IOError("cannot read back the export spool file " + spool.path()));
  std::string buffer(1 << 20, '\0');
  while (in) {
    if (Abandoned(ctx, &gs)) return gs;
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize read = in.gcount();
    if (read <= 0) break;
    v1::ExportChunk chunk;
    chunk.set_data(buffer.data(), static_cast<size_t>(read));
    ToProto(*summary, &chunk);
    if (!writer->Write(chunk)) return grpc::Status(grpc::StatusCode::CANCELLED, "Export: the client stopped reading");
  }
  return grpc::Status::OK;
}

}  // namespace dhakira::service

#!/usr/bin/python3
"""Example client of the dhakira gRPC service (dhakira.v1.TranslationMemory), in Python.

Uses only Debian's stock gRPC runtime: python3-grpcio and python3-grpc-tools (run it with /usr/bin/python3;
another python3 earlier on PATH may not see them). The Python stubs are generated from the .proto at start-up
into a temporary directory, so the example never goes stale against the server.

    /usr/bin/python3 clients/python/dhakira_client.py --server unix:/run/user/1000/dhakira.sock capabilities
    ... upsert --src-lang ar --tgt-lang en --source "..." --target "..." [--prev "..."] [--next "..."]
    ... lookup --src-lang ar --tgt-lang en [--threshold 70] [--top 5] "نص المقطع"
    ... batch --src-lang ar --tgt-lang en --document FILE      (one source segment a line, document context)
    ... concordance --src-lang ar --tgt-lang en [--target-side] PHRASE
    ... get ID | delete ID | stats | health | services
    ... script FILE|-          (many of the above, one a line, over one connection)

Every command prints one JSON document (protobuf's canonical JSON mapping) on stdout. Errors print
"dhakira_client: CODE: message" on stderr and exit 1.
"""

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile

import grpc
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_ROOT = os.path.join(HERE, "..", "..", "engine", "service", "proto")
PROTO_FILE = "dhakira/v1/translation_memory.proto"


def load_stubs(proto_root):
    """Compiles the .proto with grpc_tools into a temp dir and imports the generated modules."""
    from grpc_tools import protoc  # python3-grpc-tools

    out = tempfile.mkdtemp(prefix="dhakira-py-")
    try:
        rc = protoc.main(["protoc", "-I" + proto_root, "--python_out=" + out, "--grpc_python_out=" + out,
                          os.path.join(proto_root, PROTO_FILE)])
        if rc != 0:
            sys.exit("dhakira_client: cannot compile %s (protoc exit %d)" % (PROTO_FILE, rc))
        sys.path.insert(0, out)
        from dhakira.v1 import translation_memory_pb2 as pb
        from dhakira.v1 import translation_memory_pb2_grpc as pb_grpc
        return pb, pb_grpc
    finally:
        # The modules are loaded; the files are no longer needed.
        shutil.rmtree(out, ignore_errors=True)


def to_json(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def health(channel, timeout):
    """grpc.health.v1.Health/Check for the whole server, without generated health stubs: the request is an
    empty HealthCheckRequest (service ""), the response's field 1 is the status enum (1 = SERVING)."""
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda b: b, response_deserializer=lambda b: b)
    raw = check(b"", timeout=timeout)
    status = 0
    if len(raw) >= 2 and raw[0] == 0x08:
        status = raw[1]
    names = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}
    return {"status": names.get(status, str(status))}


def _fields(buf):
    """Yields (field number, wire type, value) of a protobuf message (enough of the wire format for the
    reflection response: varints and length-delimited fields)."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield field, wire, value


def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def list_services(channel, timeout):
    """Server reflection (grpc.reflection.v1alpha), the way generic tools such as grpcurl discover a
    server: ServerReflectionRequest{list_services: ""} is field 7, empty string."""
    call = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda b: b, response_deserializer=lambda b: b)
    names = []
    for raw in call(iter([b"\x3a\x00"]), timeout=timeout):
        for field, _, value in _fields(raw):
            if field == 6:  # list_services_response
                for f2, _, service in _fields(value):
                    if f2 == 1:  # ServiceResponse
                        names += [v.decode() for f3, _, v in _fields(service) if f3 == 1]
    return {"services": sorted(names)}


def build_parser():
    ap = argparse.ArgumentParser(description="dhakira gRPC example client")
    ap.add_argument("--server", required=True, help="unix:PATH or HOST:PORT")
    ap.add_argument("--timeout", type=float, default=30.0, help="deadline per call, seconds")
    ap.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT, help="directory holding dhakira/v1/*.proto")
    sub = ap.add_subparsers(dest="command", required=True)

    def langs(p):
        p.add_argument("--src-lang", required=True)
        p.add_argument("--tgt-lang", required=True)

    sub.add_parser("capabilities")
    sub.add_parser("stats")
    sub.add_parser("health")
    sub.add_parser("services")
    p = sub.add_parser("get")
    p.add_argument("id", type=int)
    p = sub.add_parser("delete")
    p.add_argument("id", type=int)
    p = sub.add_parser("upsert")
    langs(p)
    p.add_argument("--id", type=int, default=0, help="replace this unit (0 = add)")
    p.add_argument("--source", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--prev", default="", help="previous source segment in the document")
    p.add_argument("--next", default="", help="next source segment in the document")
    p.add_argument("--origin", default="")
    p.add_argument("--note", default="")
    p = sub.add_parser("lookup")
    langs(p)
    p.add_argument("--threshold", type=float, default=0)
    p.add_argument("--top", type=int, default=0)
    p.add_argument("--prev", default="")
    p.add_argument("--next", default="")
    p.add_argument("source")
    p = sub.add_parser("batch")
    langs(p)
    p.add_argument("--threshold", type=float, default=0)
    p.add_argument("--top", type=int, default=0)
    p.add_argument("--document", required=True, help="file with one source segment a line")
    p = sub.add_parser("concordance")
    langs(p)
    p.add_argument("--target-side", action="store_true")
    p.add_argument("--top", type=int, default=0)
    p.add_argument("phrase")
    p = sub.add_parser("script", help="run the commands of FILE ('-' = stdin), one a line, shell-quoted; "
                                      "prints one JSON line each ({\"error\": ...} for a failed one)")
    p.add_argument("file")
    return ap


def run(pb, stub, channel, args):
    """Runs one command; returns its JSON-able result or raises grpc.RpcError."""
    t = args.timeout
    c = args.command
    if c == "capabilities":
        return to_json(stub.Capabilities(pb.CapabilitiesRequest(), timeout=t))
    if c == "stats":
        return to_json(stub.Stats(pb.StatsRequest(), timeout=t))
    if c == "health":
        return health(channel, t)
    if c == "services":
        return list_services(channel, t)
    if c == "get":
        return to_json(stub.Get(pb.GetRequest(id=args.id), timeout=t))
    if c == "delete":
        stub.Delete(pb.DeleteRequest(ids=[args.id]), timeout=t)
        return {"deleted": args.id}
    if c == "upsert":
        unit = pb.Unit(id=args.id, src_lang=args.src_lang, tgt_lang=args.tgt_lang, source=args.source,
                       target=args.target, metadata=pb.Metadata(origin=args.origin, note=args.note))
        out = to_json(stub.Upsert(pb.UpsertRequest(unit=unit, previous_source=args.prev,
                                                   next_source=args.next), timeout=t))
        out.setdefault("outcome", "WRITE_OUTCOME_ADDED")  # proto3 JSON omits the zero enum value
        return out
    if c == "lookup":
        opts = pb.LookupOptions(src_lang=args.src_lang, tgt_lang=args.tgt_lang, threshold=args.threshold,
                                top=args.top)
        return to_json(stub.Lookup(pb.LookupRequest(source=args.source, previous_source=args.prev,
                                                    next_source=args.next, options=opts), timeout=t))
    if c == "batch":
        with open(args.document, encoding="utf-8") as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
        opts = pb.LookupOptions(src_lang=args.src_lang, tgt_lang=args.tgt_lang, threshold=args.threshold,
                                top=args.top)
        req = pb.BatchLookupRequest(options=opts, document_context=True,
                                    segments=[pb.BatchSegment(source=s, client_ref=str(i + 1))
                                              for i, s in enumerate(lines)])
        return to_json(stub.BatchLookup(req, timeout=t))
    if c == "concordance":
        side = pb.CONCORDANCE_SIDE_TARGET if args.target_side else pb.CONCORDANCE_SIDE_SOURCE
        return to_json(stub.Concordance(pb.ConcordanceRequest(phrase=args.phrase, src_lang=args.src_lang,
                                                              tgt_lang=args.tgt_lang, side=side,
                                                              top=args.top), timeout=t))
    raise AssertionError(c)


def main(argv):
    ap = build_parser()
    args = ap.parse_args(argv)
    pb, pb_grpc = load_stubs(args.proto_root)
    channel = grpc.insecure_channel(args.server)
    stub = pb_grpc.TranslationMemoryStub(channel)

    if args.command == "script":
        # Many commands over one connection (and one interpreter start-up).
        failed = 0
        src = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
        for line in src:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            sub_args = ap.parse_args(["--server", args.server, "--timeout", str(args.timeout)] +
                                     shlex.split(line))
            try:
                out = run(pb, stub, channel, sub_args)
            except grpc.RpcError as e:
                failed += 1
                out = {"error": {"code": e.code().name, "message": e.details()}}
            json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)
            sys.stdout.write("\n")
        return 1 if failed else 0

    try:
        out = run(pb, stub, channel, args)
    except grpc.RpcError as e:
        sys.stderr.write("dhakira_client: %s: %s\n" % (e.code().name, e.details()))
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

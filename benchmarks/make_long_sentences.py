#!/usr/bin/env python3
"""Build a long-sentence alignment test set: Arabic sentences joined 2-9 at a time.

Literary and news Arabic often chains what English writes as several sentences with "، و"
("and"); one Arabic sentence is then rendered by up to 9 English ones. This script imitates
that on a sentence-parallel corpus: within each document it joins runs of 1-9 consecutive
Arabic sentences (the run length drawn per run, long runs as likely as short ones) into one
sentence (with --headline, the first line of a document, a news headline, stays on its own), the final full stop of each part dropped and the next part attached with "، و",
while the English side keeps its sentences. Every run is a gold 1-n link; nothing is dropped
or added, so the set measures the long 1-n beads alone.

Input and output as ../shared/align-eval/make_edited.py: two line-parallel files, a file of
document ids (contiguous runs form documents); per document DOC.ar, DOC.en, DOC.gold.

Usage: make_long_sentences.py SRC_AR TGT_EN DOC_IDS OUT_DIR [--seed N] [--max-join 9]
"""
import argparse
import os
import random
import re

ARABIC_STOPS = ".؟!۔"


def read_lines(path):
    with open(path, encoding="utf-8-sig") as f:
        return [line.rstrip("\r\n") for line in f]


def join_run(parts):
    """Joins Arabic sentences with '، و' as one long sentence."""
    out = parts[0].rstrip()
    for part in parts[1:]:
        out = out.rstrip(ARABIC_STOPS + " ")
        out += "، و" + re.sub(r"^و", "", part.strip())
    return out


def documents(ids):
    start = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] != ids[start]:
            yield ids[start], start, k
            start = k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src_ar")
    ap.add_argument("tgt_en")
    ap.add_argument("doc_ids")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-join", type=int, default=9)
    ap.add_argument("--min-sentences", type=int, default=4)
    ap.add_argument("--headline", action="store_true", help="the first line of each document stays alone")
    args = ap.parse_args()
    ar, en, ids = read_lines(args.src_ar), read_lines(args.tgt_en), read_lines(args.doc_ids)
    if not (len(ar) == len(en) == len(ids)):
        raise SystemExit("input files differ in length")
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    written = 0
    for doc, begin, end in documents(ids):
        if end - begin < args.min_sentences:
            continue
        src, gold, k = [], [], begin
        while k < end:
            run = 1 if args.headline and k == begin else min(rng.randint(1, args.max_join), end - k)
            src.append(join_run(ar[k:k + run]))
            gold.append("[%d]:[%s]" % (len(src) - 1, ", ".join(str(j - begin) for j in range(k, k + run))))
            k += run
        name = re.sub(r"[^A-Za-z0-9._-]", "_", doc)
        for suffix, lines in (("ar", src), ("en", en[begin:end]), ("gold", gold)):
            with open(os.path.join(args.out_dir, "%s.%s" % (name, suffix)), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        written += 1
    print("%d documents written to %s" % (written, args.out_dir))


if __name__ == "__main__":
    main()

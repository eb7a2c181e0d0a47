#!/usr/bin/env python3
"""Check the sample articles in data/articles for internal consistency.

For every SLUG.gold it checks that
  - SLUG.{ar,en}.{txt,split} exist, are UTF-8 without BOM, use LF line ends and are NFC;
  - the .split file (one sentence a line) holds exactly the words of the .txt file, in order
    (the presplit was made by hand; this catches a sentence lost or changed while splitting);
  - every gold link parses, every sentence id of each side occurs in exactly one link, ids are
    in range, and links are monotone (no crossing links) — except in articles-hard/, whose
    editors moved and swapped paragraphs, so its gold links may cross;
  - the shared scorer accepts the gold file (scoring it against itself gives F1 = 1).
Also checks that data/sample-pairs.tsv has the expected header and that each pair's source and
target are sentences of the named document.

Usage: check_articles.py [DATA_DIR] [--score PATH_TO_score.py]
Exit status 0 when everything holds; otherwise each problem is printed as FILE:LINE: message.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata

LINK = re.compile(r"^\[([\d,\s]*)\]:\[([\d,\s]*)\]$")
problems = []


def problem(where, msg):
    problems.append("%s: %s" % (where, msg))


def read_text(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        problem(path, "starts with a BOM")
    if b"\r" in raw:
        problem(path, "contains CR (want LF line ends)")
    text = raw.decode("utf-8")
    if not unicodedata.is_normalized("NFC", text):
        problem(path, "not in NFC")
    if not text.endswith("\n"):
        problem(path, "does not end with a newline")
    return text


def check_doc(base, crossing_ok=False):
    slug = os.path.basename(base)
    sizes = {}
    for side in ("ar", "en"):
        txt = read_text("%s.%s.txt" % (base, side))
        split_path = "%s.%s.split" % (base, side)
        lines = read_text(split_path).rstrip("\n").split("\n")
        for n, line in enumerate(lines, 1):
            if not line.strip() or line != line.strip():
                problem("%s:%d" % (split_path, n), "empty line or stray blanks")
        if txt.split() != " ".join(lines).split():
            problem(split_path, "words differ from %s.%s.txt" % (slug, side))
        sizes[side] = len(lines)
    gold_path = base + ".gold"
    seen = {"ar": [], "en": []}
    last = {"ar": -1, "en": -1}
    for n, line in enumerate(read_text(gold_path).rstrip("\n").split("\n"), 1):
        m = LINK.match(line)
        if not m:
            problem("%s:%d" % (gold_path, n), "not a link: %r" % line)
            continue
        for side, group in (("ar", m.group(1)), ("en", m.group(2))):
            ids = [int(x) for x in group.replace(",", " ").split()]
            if ids != sorted(ids) or (ids and ids != list(range(ids[0], ids[-1] + 1))):
                problem("%s:%d" % (gold_path, n), "%s ids not consecutive ascending" % side)
            if ids and ids[0] <= last[side] and not crossing_ok:
                problem("%s:%d" % (gold_path, n), "%s ids cross an earlier link" % side)
            if ids:
                last[side] = ids[-1]
            seen[side].extend(ids)
    for side in ("ar", "en"):
        if sorted(seen[side]) != list(range(sizes[side])):
            problem(gold_path, "%s ids do not cover 0..%d exactly once" % (side, sizes[side] - 1))
    return sizes


def check_pairs(path, data_dir):
    lines = read_text(path).rstrip("\n").split("\n")
    if lines[0] != "source\ttarget\torigin\tdoc":
        problem(path + ":1", "header must be source<TAB>target<TAB>origin<TAB>doc")
    for n, line in enumerate(lines[1:], 2):
        cols = line.split("\t")
        if len(cols) != 4 or not all(c.strip() for c in cols):
            problem("%s:%d" % (path, n), "want 4 non-empty columns")
            continue
        src, tgt, _, doc = cols
        base = os.path.join(data_dir, "articles", doc)
        if not os.path.exists(base + ".gold"):
            problem("%s:%d" % (path, n), "unknown doc %r" % doc)
            continue
        ar = open(base + ".ar.split", encoding="utf-8").read().split("\n")
        en = open(base + ".en.split", encoding="utf-8").read().split("\n")
        if src not in ar:
            problem("%s:%d" % (path, n), "source is not a sentence of %s" % doc)
        if tgt not in en:
            problem("%s:%d" % (path, n), "target is not a sentence of %s" % doc)
    return len(lines) - 1


def check_folder(art, score, crossing_ok):
    slugs = sorted(f[:-5] for f in os.listdir(art) if f.endswith(".gold"))
    if not slugs:
        problem(art, "no .gold files")
    for slug in slugs:
        sizes = check_doc(os.path.join(art, slug), crossing_ok)
        print("%-24s ar %2d sentences, en %2d sentences" % (slug, sizes["ar"], sizes["en"]))
    if os.path.exists(score) and slugs:
        out = subprocess.run([sys.executable, score, art, art, "--test-ext", "gold", "--json"],
                             capture_output=True, text=True)
        ok = out.returncode == 0
        if ok:
            res = json.loads(out.stdout)
            ok = all(res[k]["f1"] == 1.0 for k in ("strict", "lax", "null"))
        if not ok:
            problem(score, "scorer rejected the gold files in %s: %s%s" % (art, out.stdout, out.stderr))
        else:
            print("score.py accepts the gold files in %s (self-score F1 = 1)" % os.path.basename(art))
    else:
        print("score.py not found at %s: scorer check skipped" % score)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir", nargs="?", default=here)
    ap.add_argument("--score", default=os.path.join(here, "..", "..", "shared", "align-eval", "score.py"))
    a = ap.parse_args()
    for folder in ("articles", "articles-hard"):
        art = os.path.join(a.data_dir, folder)
        if folder != "articles" and not os.path.isdir(art):
            continue
        check_folder(art, a.score, crossing_ok=folder != "articles")
        if folder == "articles":
            pairs = os.path.join(a.data_dir, "sample-pairs.tsv")
            if os.path.exists(pairs):
                print("sample-pairs.tsv         %d pairs" % check_pairs(pairs, a.data_dir))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

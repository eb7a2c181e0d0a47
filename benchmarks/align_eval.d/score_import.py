#!/usr/bin/env python3
"""Score an aligner by what `--import` would store, and how well its confidence is calibrated.

Reads every DOC.gold of GOLD_DIR and OUT_DIR/DOC.json, the JSON of
`dhakira align --batch GOLD_DIR --out OUT_DIR --presplit --format json` (every link with its
confidence). A missing DOC.json scores as an empty alignment.

Metrics, summed over all documents:
  strict F1, null F1  shared/align-eval/score.py (imported: its counts and summary, not a copy)
  stored pairs        links with both sides and confidence >= the bar: what `align --import` stores
                      (PairOptions: a link below min_confidence is held back; n-m links are kept by
                      default, keep_many_to_many). Reported twice: n-m links stored ("all") and held
                      back ("1-1 only", keep_many_to_many = false)
  import precision    stored pairs that equal a gold link exactly / stored pairs; the wrong ones are told
                      apart: "absorbs" (takes in a line the gold leaves out: a dropped sentence, an added
                      line), "partial" (overlaps one gold link: a boundary error), "misplaced" (overlaps none)
  yield               stored pairs that equal a gold link exactly / gold links with both sides
  ECE                 expected calibration error (Naeini et al. 2015; Guo et al. 2017): links put in 10
                      equal-width confidence bins, sum over bins of (bin count / all) * |accuracy -
                      mean confidence|. Over pair links (correct: equals a gold link) and, separately,
                      over null links (correct: every id it leaves out is left out by the gold)
  reliability table   bin, count, mean confidence, accuracy (pair links; null links with --verbose)
  bar sweep           precision and yield at bars 0.30, 0.35, ... 0.95
  unrelated documents documents whose gold has no pair link (not a translation) that still store pairs

Usage: score_import.py GOLD_DIR OUT_DIR [--bar B] [--json] [--verbose] [--dump FILE] [--shared DIR]
  --dump FILE  one row per link for fitting: doc, link, n_src, n_tgt, confidence, low_confidence,
               editorial, correct (1/0); tab-separated with a header
"""
import argparse
import importlib.util
import json
import os
import re
import signal
import sys

BINS = 10
SWEEP = [round(0.30 + 0.05 * k, 2) for k in range(14)]  # 0.30 .. 0.95
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_score(shared):
    path = os.path.join(shared, "align-eval", "score.py")
    if not os.path.exists(path):
        raise SystemExit("score.py not found at %s (use --shared DIR)" % path)
    spec = importlib.util.spec_from_file_location("align_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_links(path):
    """[{src, tgt, confidence, low_confidence, editorial}] of a dhakira align JSON file ([] when absent)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for link in doc["links"]:
        out.append(dict(src=tuple(link["src"]), tgt=tuple(link["tgt"]), confidence=float(link["confidence"]),
                        low_confidence=bool(link.get("low_confidence", False)),
                        editorial=link.get("editorial", "none")))
    return out


def judge(gold, links):
    """Marks each test link correct or not. A pair link is correct when it equals a gold link; a null
    link when every id it leaves out is left out by the gold too."""
    gold_set = set(gold)
    null_src = {i for s, t in gold if not t for i in s}
    null_tgt = {j for s, t in gold if not s for j in t}
    for link in links:
        s, t = link["src"], link["tgt"]
        if s and t:
            link["kind"], link["correct"] = "pair", (s, t) in gold_set
            link["error"] = None if link["correct"] else pair_error(gold, null_src, null_tgt, s, t)
        elif s or t:
            link["kind"] = "null"
            link["correct"] = all(i in null_src for i in s) and all(j in null_tgt for j in t)
        else:
            link["kind"], link["correct"] = "empty", False


def pair_error(gold, null_src, null_tgt, s, t):
    """What kind of wrong a wrong pair link is: "absorbs" a sentence the gold leaves out (a dropped
    sentence, an editorial or inserted line); "partial": shares a source and a target sentence with one
    gold link (a boundary error: a wrong split or merge); "misplaced": neither (a crossing or unrelated
    pair)."""
    if any(i in null_src for i in s) or any(j in null_tgt for j in t):
        return "absorbs"
    for gs, gt in gold:
        if set(gs) & set(s) and set(gt) & set(t):
            return "partial"
    return "misplaced"


def calibration(links):
    """(ECE, rows): rows are (bin low, bin high, count, mean confidence, accuracy) of the non-empty bins."""
    bins = [[] for _ in range(BINS)]
    for link in links:
        c = min(max(link["confidence"], 0.0), 1.0)
        bins[min(int(c * BINS), BINS - 1)].append(link)
    rows, ece, n = [], 0.0, len(links)
    for b, members in enumerate(bins):
        if not members:
            continue
        conf = sum(l["confidence"] for l in members) / len(members)
        acc = sum(l["correct"] for l in members) / len(members)
        ece += len(members) / n * abs(acc - conf)
        rows.append(dict(low=b / BINS, high=(b + 1) / BINS, count=len(members), confidence=conf, accuracy=acc))
    return ece, rows


def default_bar():
    """PairOptions' default bar: calibration::kImportBar of engine/src/align/calibration.h (0.5 if absent)."""
    header = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "engine", "src", "align", "calibration.h")
    try:
        m = re.search(r"kImportBar\s*=\s*([0-9.]+)", open(header, encoding="utf-8").read())
        return float(m.group(1)) if m else 0.5
    except OSError:
        return 0.5


def stored_at(pairs, bar, gold_pairs, many):
    """Import precision and yield at `bar`; `many`: n-m links are stored too."""
    stored = [l for l in pairs if l["confidence"] >= bar and (many or (len(l["src"]) == 1 and len(l["tgt"]) == 1))]
    right = sum(l["correct"] for l in stored)
    errors = {kind: sum(1 for l in stored if l["error"] == kind) for kind in ("absorbs", "partial", "misplaced")}
    return {"bar": bar, "stored": len(stored), "correct": right, "wrong": len(stored) - right, "errors": errors,
            "precision": right / len(stored) if stored else 1.0, "yield": right / gold_pairs if gold_pairs else 0.0}


def score(gold_dir, out_dir, bar, score_mod, dump=None):
    names = sorted(n[:-5] for n in os.listdir(gold_dir) if n.endswith(".gold"))
    if not names:
        raise SystemExit("no .gold files in " + gold_dir)
    total = dict(p_strict=0, p_lax=0, n_test=0, n_gold=0, r_strict=0, r_lax=0, null_gold=0, null_test=0,
                 null_hit=0, docs=0)
    pairs, nulls, gold_pairs = [], [], 0
    unrelated = dict(documents=0, storing=0, pairs_stored=0)
    for name in names:
        gold = score_mod.parse(os.path.join(gold_dir, name + ".gold"))
        links = read_links(os.path.join(out_dir, name + ".json"))
        for k, v in score_mod.counts(gold, [(l["src"], l["tgt"]) for l in links]).items():
            total[k] += v
        total["docs"] += 1
        judge(gold, links)
        doc_pairs = [l for l in links if l["kind"] == "pair"]
        pairs += doc_pairs
        nulls += [l for l in links if l["kind"] == "null"]
        n_gold = len({(s, t) for s, t in gold if s and t})
        gold_pairs += n_gold
        if n_gold == 0:
            unrelated["documents"] += 1
            kept = sum(1 for l in doc_pairs if l["confidence"] >= bar)
            unrelated["storing"] += kept > 0
            unrelated["pairs_stored"] += kept
        if dump is not None:
            for l in links:
                dump.write("%s\t%s\t%d\t%d\t%.6f\t%d\t%s\t%d\n" % (
                    name, link_text(l), len(l["src"]), len(l["tgt"]), l["confidence"], l["low_confidence"],
                    l["editorial"], l["correct"]))
    res = score_mod.summarize(total)
    ece_pair, rel_pair = calibration(pairs)
    ece_null, rel_null = calibration(nulls)
    return dict(documents=len(names), gold_pairs=gold_pairs, strict=res["strict"], lax=res["lax"], null=res["null"],
                bar=bar, stored_all=stored_at(pairs, bar, gold_pairs, True),
                stored_one_to_one=stored_at(pairs, bar, gold_pairs, False), ece_pair=ece_pair, ece_null=ece_null,
                reliability_pair=rel_pair, reliability_null=rel_null, unrelated=unrelated,
                sweep=[dict(all=stored_at(pairs, b, gold_pairs, True), one_to_one=stored_at(pairs, b, gold_pairs, False))
                       for b in SWEEP])


def link_text(l):
    return "[%s]:[%s]" % (", ".join(map(str, l["src"])), ", ".join(map(str, l["tgt"])))


def print_table(title, rows):
    print(title)
    print("  %-11s %7s %9s %9s" % ("bin", "count", "mean conf", "accuracy"))
    for r in rows:
        print("  %.1f-%.1f     %7d %9.3f %9.3f" % (r["low"], r["high"], r["count"], r["confidence"], r["accuracy"]))


def print_report(r, verbose):
    print("documents %d, gold pair links %d" % (r["documents"], r["gold_pairs"]))
    print("strict F1 %.3f (P %.3f R %.3f), null F1 %.3f" % (r["strict"]["f1"], r["strict"]["precision"],
                                                          r["strict"]["recall"], r["null"]["f1"]))
    for key, what in (("stored_all", "n-m stored"), ("stored_one_to_one", "1-1 only")):
        s = r[key]
        e = s["errors"]
        print("import at bar %.3f, %-10s: %d stored, %d wrong (%d absorb a left-out line, %d partial, %d misplaced), "
              "precision %.4f, yield %.4f" % (r["bar"], what, s["stored"], s["wrong"], e["absorbs"], e["partial"],
                                              e["misplaced"], s["precision"], s["yield"]))
    u = r["unrelated"]
    if u["documents"]:
        print("documents with no gold pair: %d, of which %d store %d pairs at the bar" % (
            u["documents"], u["storing"], u["pairs_stored"]))
    print("ECE pair links %.4f, null links %.4f" % (r["ece_pair"], r["ece_null"]))
    print_table("reliability, pair links:", r["reliability_pair"])
    if verbose:
        print_table("reliability, null links:", r["reliability_null"])
    print("bar sweep:  %-32s %s" % ("n-m stored (precision / yield / wrong)", "1-1 only (precision / yield / wrong)"))
    for row in r["sweep"]:
        a, o = row["all"], row["one_to_one"]
        print("  %.2f      %.4f / %.4f / %-6d            %.4f / %.4f / %d" % (
            a["bar"], a["precision"], a["yield"], a["wrong"], o["precision"], o["yield"], o["wrong"]))


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the report quietly
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--bar", type=float, default=default_bar(),
                    help="import confidence bar (default: the fitted calibration::kImportBar, PairOptions')")
    ap.add_argument("--json", action="store_true", help="one JSON document")
    ap.add_argument("--verbose", action="store_true", help="also the null-link reliability table")
    ap.add_argument("--dump", metavar="FILE", help="per-link rows (tab-separated) for fitting")
    ap.add_argument("--shared", default=os.environ.get("DHAKIRA_SHARED_DIR", os.path.join(os.path.dirname(ROOT),
                                                                                          "shared")))
    a = ap.parse_args()
    if not 0.0 <= a.bar <= 1.0:
        raise SystemExit("--bar: %g not in 0 .. 1" % a.bar)
    score_mod = load_score(a.shared)
    dump = None
    if a.dump:
        dump = open(a.dump, "w", encoding="utf-8")
        dump.write("doc\tlink\tn_src\tn_tgt\tconfidence\tlow_confidence\teditorial\tcorrect\n")
    r = score(a.gold_dir, a.out_dir, a.bar, score_mod, dump)
    if dump is not None:
        dump.close()
    if a.json:
        json.dump(r, sys.stdout, indent=1)
        print()
    else:
        print_report(r, a.verbose)


if __name__ == "__main__":
    main()

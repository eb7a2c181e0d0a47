#!/usr/bin/env python3
"""The table benchmarks/align_eval prints: one row per set from score_import.py's JSON, then pooled rows.

Input: INDEX, a file of lines "set<TAB>role<TAB>kind<TAB>seconds<TAB>score json path" (role: dev, fit,
heldout; kind as make_sets --list gives it: edited, swap, move, insert, unrelated, long, hand).
Pooled rows add up stored, correct and gold pairs over the sets of one role and group (news-like: edited;
structural: swap, move, insert), so the #17 targets are read on more than one set at once.

Usage: table.py INDEX
"""
import json
import sys

GROUPS = [("news-like", {"edited"}), ("structural", {"swap", "move", "insert"}), ("free translation", {"long", "free"})]


def f(x, digits):
    s = "%.*f" % (digits, x)
    return s[1:] if s.startswith("0.") else s


def row(cells):
    return "| " + " | ".join(map(str, cells)) + " |"


def main():
    sets = []
    with open(sys.argv[1], encoding="utf-8") as index:
        for line in index:
            name, role, kind, seconds, path = line.rstrip("\n").split("\t")
            with open(path, encoding="utf-8") as j:
                sets.append((name, role, kind, float(seconds), json.load(j)))
    if not sets:
        return
    bar = sets[0][4]["bar"]
    print("import bar %g. precision = stored pairs exactly gold / stored pairs, yield = / gold pairs; n-m links "
          "stored, then held back (1-1); wrong = stored pairs not gold; ECE over pair links, 10 bins; for sets with no "
          "gold pair: documents storing pairs / documents\n" % bar)
    print(row(["set", "role", "docs", "gold pairs", "strict F1", "null F1", "precision", "yield", "wrong",
               "precision 1-1", "yield 1-1", "ECE pair", "ECE null", "time s"]))
    print("|---" * 14 + "|")
    for name, role, kind, seconds, r in sets:
        a, o, u = r["stored_all"], r["stored_one_to_one"], r["unrelated"]
        if r["gold_pairs"] == 0:
            prec = "— (%d/%d store)" % (u["storing"], u["documents"])
            prec11 = "—"
        else:
            prec, prec11 = f(a["precision"], 4), f(o["precision"], 4)
        print(row([name, role, r["documents"], r["gold_pairs"], f(r["strict"]["f1"], 3), f(r["null"]["f1"], 3), prec,
                   f(a["yield"], 4), a["wrong"], prec11, f(o["yield"], 4), f(r["ece_pair"], 3), f(r["ece_null"], 3),
                   "%.1f" % seconds]))
    pooled = []
    for role in ("dev", "fit", "heldout"):
        for group, kinds in GROUPS:
            members = [s for s in sets if s[1] == role and s[2] in kinds]
            if len(members) < 2:
                continue
            cells = ["pooled %s %s (%d sets)" % (role, group, len(members))]
            gold = sum(s[4]["gold_pairs"] for s in members)
            for key in ("stored_all", "stored_one_to_one"):
                stored = sum(s[4][key]["stored"] for s in members)
                right = sum(s[4][key]["correct"] for s in members)
                cells += [f(right / stored if stored else 1.0, 4), f(right / gold if gold else 0.0, 4),
                          stored - right]
            pooled.append(row(cells))
    if pooled:
        print("\n" + row(["pooled", "precision", "yield", "wrong", "precision 1-1", "yield 1-1", "wrong 1-1"]))
        print("|---" * 7 + "|")
        print("\n".join(pooled))


if __name__ == "__main__":
    main()

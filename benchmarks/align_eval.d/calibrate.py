#!/usr/bin/env python3
"""Fit the aligner's confidence models on gold alignments and write engine/src/align/calibration.h.

One command (after a change of the cues, re-run it and rebuild):

    benchmarks/align_eval.d/calibrate.py [--sets DIR] [--build DIR] [--out HEADER] [--report FILE]

1. Runs build/benchmarks/align_batch_bench --features on every set of DIR (default ../evalsets beside
   the repository, or $DHAKIRA_EVALSETS; README there): DOC.ar, DOC.en, DOC.gold per document.
   Sets named fit-* are fitted on; every other set is held out and only measured.
2. Labels each link from the gold: a pair link is right when a gold link has exactly its sentences;
   a null link when its sentence is left out in the gold; a document pair is related unless its set
   is an "unrelated" set (wrong pairings: every gold link null).
3. Fits three logistic regressions (Newton's method with a small L2 penalty, Python standard library
   only): the document model P(related) on every fit document, the pair-link and null-link models on
   the related fit documents. Evidence features are kept monotone: a coefficient of the wrong sign
   is dropped (set to 0) and the model refitted, so more evidence never lowers confidence.
4. Combines them as the aligner does (align/confidence.h): pair = P(related) x P(right | related),
   null = P(unrelated) + P(related) x P(no partner | related), then maps each through an isotonic
   regression fitted on the fit sets (logistic + isotonic, as Zadrozny & Elkan 2002); chooses the import bar (the lowest
   bar at which the stored pairs of the fit news-like sets are >= 99.5% exactly gold) and reports,
   per set: import precision and yield at the bar, expected calibration error (10 equal-width
   bins), the reliability curve, and the same for n-m links alone.
5. Writes the coefficients, the date, the sets, the bar and the held-out figures to the header.
"""
import argparse
import datetime
import math
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINK = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")
# Features whose coefficient must not be negative (pair) or positive (null): more evidence of a
# translation must raise a pair link's confidence and lower a null link's.
PAIR_MONOTONE = {"mean_coverage": 1, "min_coverage": 1, "length_fit": 1, "mutual_margin": 1}
NULL_MONOTONE = {"best_coverage": -1}
PAIR_MONOTONE.update(adjacent_coverage=-1, adjacent_null_coverage=-1, length_log_ratio=-1)
DOC_MONOTONE = {"translation_level": 1, "anchor_share": 1, "best_margin": 1, "diagonal_share": 1}
L2 = 1e-3
TARGET_PRECISION = 0.995


def parse_link(text):
    m = LINK.match(text)
    return tuple(tuple(int(x) for x in m.group(g).replace(",", " ").split()) for g in (1, 2))


def read_gold(path):
    links = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                links.add(parse_link(line))
    null_src = {i for s, t in links if not t for i in s}
    null_tgt = {j for s, t in links if not s for j in t}
    return links, null_src, null_tgt


def set_kind(name):
    for kind in ("unrelated", "swap", "move", "insert", "long", "literary", "free", "hand", "articles"):
        if kind in name:
            return {"literary": "long", "free": "long", "articles": "hand"}.get(kind, kind)
    return "edited"  # news-like edits (make_edited.py profiles, the real layout)


def run_set(bench, set_dir, work):
    out = os.path.join(work, os.path.basename(set_dir.rstrip("/")))
    os.makedirs(out, exist_ok=True)
    features = os.path.join(out, "features.tsv")
    subprocess.run([bench, set_dir, out, "--src", "ar", "--tgt", "en", "--features", features], check=True,
                   stderr=subprocess.DEVNULL)
    return features


def load_set(set_dir, features_path):
    """Rows: (kind, doc, link, values, label); document rows have link None."""
    names, rows, golds = {}, [], {}
    with open(features_path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0].startswith("#"):
                names[parts[0][1:]] = parts[1:]
                continue
            doc = parts[1]
            if doc not in golds:
                golds[doc] = read_gold(os.path.join(set_dir, doc + ".gold"))
            links, null_src, null_tgt = golds[doc]
            if parts[0] == "document":
                rows.append(("document", doc, None, [float(v) for v in parts[2:]], None))
                continue
            link = parse_link(parts[2])
            if parts[0] == "pair":
                label = link in links
            else:
                label = (link[0][0] in null_src) if link[0] else (link[1][0] in null_tgt)
            rows.append((parts[0], doc, link, [float(v) for v in parts[3:]], label))
    return names, rows


def fit_logistic(xs, ys, names, monotone):
    """Logistic regression by Newton's method (L2 on the weights, not the bias); features of the
    wrong sign for `monotone` are removed and the model refitted."""
    active = list(range(len(names)))
    while True:
        w = newton(xs, ys, active)
        wrong = [k for k in active if monotone.get(names[k], 0) * w[k + 1] < 0]
        if not wrong:
            return w
        active = [k for k in active if k not in wrong]


def newton(xs, ys, active):
    dim = len(active) + 1
    w = [0.0] * dim
    for _ in range(25):
        grad = [0.0] * dim
        hess = [[0.0] * dim for _ in range(dim)]
        for x, y in zip(xs, ys):
            z = [1.0] + [x[k] for k in active]
            logit = sum(a * b for a, b in zip(w, z))
            p = 1 / (1 + math.exp(-max(-35, min(35, logit))))
            g, h = p - (1 if y else 0), p * (1 - p)
            for i in range(dim):
                grad[i] += g * z[i]
                zi = h * z[i]
                row = hess[i]
                for j in range(i, dim):
                    row[j] += zi * z[j]
        n = max(1, len(xs))
        for i in range(dim):
            for j in range(i):
                hess[i][j] = hess[j][i]
            grad[i] /= n
            for j in range(dim):
                hess[i][j] /= n
            if i > 0:
                grad[i] += L2 * w[i]
                hess[i][i] += L2
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-7:
            break
    full = [w[0]] + [0.0] * (max(active) + 1 if active else 0)
    for k, index in enumerate(active):
        full[index + 1] = w[k + 1]
    return full


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                if f:
                    for k in range(c, n + 1):
                        m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def logistic(w, x):
    logit = w[0] + sum(a * b for a, b in zip(w[1:], x))
    return 1 / (1 + math.exp(-max(-35, min(35, logit))))


def pad(w, count):
    return w + [0.0] * (count + 1 - len(w))


def predictions(rows, models, maps=None):
    """(kind, doc, link, confidence, label) per link, combined as align/confidence.h does; with
    `maps` (pair, null knots), through the isotonic maps."""
    doc_w, pair_w, null_w = models
    related = {doc: logistic(doc_w, x) for kind, doc, _, x, _ in rows if kind == "document"}
    out = []
    for kind, doc, link, x, label in rows:
        if kind == "pair":
            p = related[doc] * logistic(pair_w, x)
            out.append((kind, doc, link, interpolate(maps[0], p) if maps else p, label))
        elif kind == "null":
            p = (1 - related[doc]) + related[doc] * logistic(null_w, x)
            out.append((kind, doc, link, interpolate(maps[1], p) if maps else p, label))
    return out, related


def isotonic(points, knots=24):
    """Isotonic regression (pool adjacent violators, Barlow et al. 1972) of the labels on the
    scores, as at most `knots` (score, probability) points for linear interpolation; the ends are
    pinned to (0, first) and (1, last)."""
    points = sorted(points)
    blocks = []  # [sum of labels, count, sum of scores]
    for score, label in points:
        blocks.append([1.0 if label else 0.0, 1, score])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            y, n, x = blocks.pop()
            blocks[-1][0] += y
            blocks[-1][1] += n
            blocks[-1][2] += x
    curve = [(b[2] / b[1], b[0] / b[1], b[1]) for b in blocks]
    # Merge into knots of about equal weight (every block keeps its mean; monotone stays monotone).
    total = sum(c[2] for c in curve)
    merged, acc = [], [0.0, 0.0, 0]
    for x, y, n in curve:
        acc = [acc[0] + x * n, acc[1] + y * n, acc[2] + n]
        if acc[2] >= total / knots:
            merged.append((acc[0] / acc[2], acc[1] / acc[2]))
            acc = [0.0, 0.0, 0]
    if acc[2]:
        merged.append((acc[0] / acc[2], acc[1] / acc[2]))
    # Keep a little away from 0 and 1: a finite sample never proves certainty.
    merged = [(x, min(0.999, max(0.001, y))) for x, y in merged]
    return [(0.0, merged[0][1])] + merged + [(1.0, merged[-1][1])]


def interpolate(knots, p):
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        if p <= x1:
            return y0 if x1 <= x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)
    return knots[-1][1]


def import_figures(preds, gold_pairs, bar, many=None):
    """Precision and yield of the pairs --import stores at `bar` (many: only n-m / only not)."""
    stored = [p for p in preds if p[0] == "pair" and p[3] >= bar]
    if many is not None:
        stored = [p for p in stored if (len(p[2][0]) > 1 or len(p[2][1]) > 1) == many]
    right = sum(1 for p in stored if p[4])
    return (right / len(stored) if stored else 1.0), (right / gold_pairs if gold_pairs else 0.0), len(stored)


def reliability(preds, bins=10):
    """ECE over every link, and (bin, mean confidence, accuracy, count) per non-empty bin."""
    table = [[0.0, 0, 0] for _ in range(bins)]
    for p in preds:
        b = min(bins - 1, int(p[3] * bins))
        table[b][0] += p[3]
        table[b][1] += 1 if p[4] else 0
        table[b][2] += 1
    total = sum(t[2] for t in table)
    ece = sum(abs(t[0] - t[1]) for t in table) / total if total else 0.0
    curve = [(b / bins, t[0] / t[2], t[1] / t[2], t[2]) for b, t in enumerate(table) if t[2]]
    return ece, curve


def gold_pair_count(set_dir):
    n = 0
    for name in os.listdir(set_dir):
        if name.endswith(".gold"):
            n += sum(1 for s, t in read_gold(os.path.join(set_dir, name))[0] if s and t)
    return n


def choose_bar(fit_sets):
    """The lowest bar at which the fit news-like sets' stored pairs are >= TARGET_PRECISION gold."""
    preds = [p for name, (pr, _, _) in fit_sets.items() if set_kind(name) == "edited" for p in pr]
    for step in range(10, 200):
        bar = step / 200
        precision, _, _ = import_figures(preds, 1, bar)
        if precision >= TARGET_PRECISION:
            return bar
    return 0.99


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=os.environ.get("DHAKIRA_EVALSETS", os.path.join(ROOT, "..", "evalsets")))
    ap.add_argument("--build", default=os.environ.get("DHAKIRA_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--out", default=os.path.join(ROOT, "engine", "src", "align", "calibration.h"))
    ap.add_argument("--report", default=None, help="also write the report here")
    ap.add_argument("--work", default=None, help="keep features here (default: BUILD/calibration)")
    ap.add_argument("--no-run", action="store_true", help="reuse the features of an earlier run")
    a = ap.parse_args()
    bench = os.path.join(a.build, "benchmarks", "align_batch_bench")
    work = a.work or os.path.join(a.build, "calibration")
    set_names = sorted(n for n in os.listdir(a.sets) if os.path.isdir(os.path.join(a.sets, n)))
    data = {}
    for name in set_names:
        set_dir = os.path.join(a.sets, name)
        features = os.path.join(work, name, "features.tsv")
        if a.no_run and not os.path.exists(features):
            print("skipping %s: no features from an earlier run" % name, file=sys.stderr)
            continue
        if not a.no_run:
            print("aligning %s" % name, file=sys.stderr)
            features = run_set(bench, set_dir, work)
        data[name] = load_set(set_dir, features)
    set_names = [n for n in set_names if n in data]
    names = next(iter(data.values()))[0]
    fit = [n for n in set_names if n.startswith("fit-")]
    doc_x, doc_y, pair_x, pair_y, null_x, null_y = [], [], [], [], [], []
    for name in fit:
        related = set_kind(name) != "unrelated"
        for kind, _, _, x, label in data[name][1]:
            if kind == "document":
                doc_x.append(x)
                doc_y.append(related)
            elif related and kind == "pair":
                pair_x.append(x)
                pair_y.append(label)
            elif related and kind == "null":
                null_x.append(x)
                null_y.append(label)
    print("fitting on %d documents, %d pair links, %d null links" % (len(doc_x), len(pair_x), len(null_x)),
          file=sys.stderr)
    models = (pad(fit_logistic(doc_x, doc_y, names["document"], DOC_MONOTONE), len(names["document"])),
              pad(fit_logistic(pair_x, pair_y, names["pair"], PAIR_MONOTONE), len(names["pair"])),
              pad(fit_logistic(null_x, null_y, names["null"], NULL_MONOTONE), len(names["null"])))
    fit_preds = [p for name in fit for p in predictions(data[name][1], models)[0]]
    maps = (isotonic([(p[3], p[4]) for p in fit_preds if p[0] == "pair"]),
            isotonic([(p[3], p[4]) for p in fit_preds if p[0] == "null"]))
    results = {}
    for name in set_names:
        preds, related = predictions(data[name][1], models, maps)
        results[name] = (preds, related, gold_pair_count(os.path.join(a.sets, name)))
    bar = choose_bar({n: r for n, r in results.items() if n in fit})
    report = make_report(results, bar, fit)
    print(report)
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            f.write(report + "\n")
    write_header(a.out, models, maps, names, bar, fit, [n for n in set_names if n not in fit], report)


def make_report(results, bar, fit):
    lines = ["bar %.3f (lowest with >= %.1f%% exactly gold among the pairs stored on the fit news-like sets)" %
             (bar, 100 * TARGET_PRECISION),
             "%-18s %5s %6s %6s %6s %6s %6s %8s %6s" % ("set", "role", "prec", "yield", "stored", "ECE", "n-m p",
                                                        "n-m n", "unrel")]
    for name, (preds, related, gold_pairs) in sorted(results.items()):
        precision, yield_, stored = import_figures(preds, gold_pairs, bar)
        many_precision, _, many_stored = import_figures(preds, gold_pairs, bar, many=True)
        ece, _ = reliability(preds)
        flagged = sum(1 for v in related.values() if v < 0.5) / max(1, len(related))
        lines.append("%-18s %5s %6.4f %6.3f %6d %6.3f %6.3f %8d %6.3f" % (
            name, "fit" if name in fit else "held", precision, yield_, stored, ece, many_precision, many_stored,
            flagged))
    lines.append("reliability, held-out sets pooled (bin: mean confidence / accuracy / links):")
    pooled = [p for name, (preds, _, _) in results.items() if name not in fit for p in preds]
    _, curve = reliability(pooled)
    lines.append("  " + "  ".join("%.1f: %.3f/%.3f/%d" % c for c in curve))
    return "\n".join(lines)


def wrap(prefix, text, width=118):
    """`text` as comment lines of at most `width` characters, each starting with `prefix`."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = line + " " + word if line else word
    lines.append(prefix + line)
    return "\n".join(l.rstrip() for l in lines)


def write_header(path, models, maps, names, bar, fit, held, report):
    doc_w, pair_w, null_w = models

    def knots(label, points):
        body = ",\n".join("    {%.6f, %.6f}" % point for point in points)
        return "inline constexpr Knot %s[] = {\n%s\n};\n" % (label, body)

    def array(label, weights, feature_names):
        body = "\n".join("    %.17g,  // %s" % (w, n) for w, n in zip(weights, ["bias"] + feature_names))
        return "inline constexpr double %s[] = {\n%s\n};\n" % (label, body)

    comment = "\n".join(wrap("//   ", line) for line in report.split("\n"))
    intro = wrap("// ", "Generated by benchmarks/align_eval.d/calibrate.py on %s: do not edit; re-run it after a change "
                 "of the aligner's cues (docs/align.md, \"Confidence\"). Logistic models over the features of "
                 "align/confidence.h and isotonic maps, fitted on %s; held out: %s." %
                 (datetime.date.today().isoformat(), ", ".join(fit), ", ".join(held)))
    text = """%s
//
%s
#ifndef DHAKIRA_ALIGN_CALIBRATION_H_
#define DHAKIRA_ALIGN_CALIBRATION_H_

namespace dhakira::align::calibration {

// The import bar the fit chose (AlignOptions::min_confidence, PairOptions::min_confidence).
inline constexpr double kImportBar = %.3f;

// Logistic models: bias, then one weight per feature of align/confidence.h.
%s
%s
%s
// Isotonic maps from the combined logistic probability to the calibrated confidence (pair links,
// null links): points (x, y) interpolated linearly, x ascending from 0 to 1.
struct Knot {
  double x, y;
};
%s
%s
}  // namespace dhakira::align::calibration

#endif  // DHAKIRA_ALIGN_CALIBRATION_H_
""" % (intro, comment, bar,
       array("kDocumentWeights", doc_w, names["document"]), array("kPairWeights", pair_w, names["pair"]),
       array("kNullWeights", null_w, names["null"]), knots("kPairMap", maps[0]), knots("kNullMap", maps[1]))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    # The repository's formatting (scripts/format --check), when clang-format is installed.
    try:
        subprocess.run(["clang-format-14", "-i", path], check=False)
    except OSError:
        pass


if __name__ == "__main__":
    main()

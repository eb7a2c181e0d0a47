#!/usr/bin/env python3
"""Fills empty msgstr entries of a .po file from a Python dict file (msgid -> msgstr). Used when adding messages.

Usage: scripts/fill-po.py po/ar.po TRANSLATIONS.py
"""
import re
import sys

po_path, dict_path = sys.argv[1], sys.argv[2]
ns = {}
exec(open(dict_path, encoding="utf-8").read(), ns)
table = ns["T"]


def unquote(lines):
    return "".join(eval(l[l.index('"'):]) for l in lines)


out, lines, i = [], open(po_path, encoding="utf-8").read().split("\n"), 0
missing = []
while i < len(lines):
    line = lines[i]
    if line.startswith("msgid ") and not line.startswith('msgid ""') or (line == 'msgid ""' and i + 1 < len(lines) and lines[i + 1].startswith('"') and out and not out[-1].startswith("#, fuzzy") and len(out) > 3):
        j = i + 1
        while j < len(lines) and lines[j].startswith('"'):
            j += 1
        msgid = unquote(lines[i:j])
        out.extend(lines[i:j])
        k = j
        while k < len(lines) and (lines[k].startswith("msgstr") or lines[k].startswith('"')):
            k += 1
        current = unquote([l.replace("msgstr ", "", 1) if l.startswith("msgstr") else l for l in lines[j:k]]) if k > j else ""
        if msgid in table and not current:
            esc = table[msgid].replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'msgstr "{esc}"')
        else:
            if msgid and not current:
                missing.append(msgid)
            out.extend(lines[j:k])
        i = k
        continue
    out.append(line)
    i += 1
text = "\n".join(out)
text = text.replace('"Language: ar_SY\\n"', '"Language: ar\\n"')
if "Plural-Forms" not in text:
    text = text.replace('"Content-Transfer-Encoding: 8bit\\n"',
                        '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
                        'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"')
open(po_path, "w", encoding="utf-8").write(text)
for m in missing:
    print("untranslated:", m, file=sys.stderr)

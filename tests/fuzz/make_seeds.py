#!/usr/bin/env python3
"""Writes the hand-made seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Each seed starts with the target's selector byte (see the target's source), then the input. Re-run after
changing a target's input layout; the files are committed so that scripts/fuzz needs no Python.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "testdata")


def seed(target, name, selector, body):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(body, str):
        body = body.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes([selector]) + body)


def read(rel):
    with open(os.path.join(TESTDATA, rel), "rb") as f:
        return f.read()


TMX_SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ar" datatype="plaintext" segtype="sentence" o-tmf="x" adminlang="en"
 creationtool="t" creationtoolversion="1"/><body>
<tu creationdate="20240101T000000Z"><prop type="x-dhakira-origin">SANA</prop><note>n</note>
<tuv xml:lang="ar"><seg>قال الوزير&nbsp;إن ١٢٫٥ مليون&#x9;<ph x="1">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="en"><seg>The minister said 12.5 million<ph x="1">&lt;br/&gt;</ph></seg></tuv></tu>
<tu><tuv lang="AR"><seg>نص <hi>مهم</hi></seg></tuv><tuv lang="en-GB"><seg>text <sub>x</sub> &unknown; &#11;</seg></tuv></tu>
</body></tmx>
"""
TMX_11 = """<?xml version="1.0" encoding="windows-1256"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd" [<!ENTITY e "ee">]>
<tmx version="1.1"><header srclang="*all*"/><body><tu><tuv lang="ar"><seg>&e;</seg></tuv>
<tuv lang="en"><seg><bpt i="1">&lt;b></bpt>b<ept i="1">&lt;/b></ept></seg></tuv></tu></body></tmx>
"""
TMX_TRUNC = TMX_SMALL[: len(TMX_SMALL) // 2]


def tmx_seeds():
    t = "tmx_reader_fuzzer"
    seed(t, "inline-ar", 0, read("io/inline-ar.tmx"))
    seed(t, "small", 0, TMX_SMALL)
    seed(t, "small-gz", 8, TMX_SMALL)
    seed(t, "tmx11-1256", 0, TMX_11.replace("&e;", "").encode("cp1256", "replace"))
    seed(t, "utf16le-bom", 0, b"\xff\xfe" + TMX_SMALL.encode("utf-16-le"))
    seed(t, "utf16be-nobom", 0, TMX_SMALL.replace("UTF-8", "UTF-16").encode("utf-16-be"))
    seed(t, "forced-utf16le", 4, TMX_SMALL.encode("utf-16-le"))
    seed(t, "truncated", 0, TMX_TRUNC)
    seed(t, "utf8-bom", 0, b"\xef\xbb\xbf" + TMX_SMALL.encode())


def line_seeds():
    t = "line_reader_fuzzer"
    text = "ar\ten\nقال\tsaid\r\n\nlast line without LF"
    seed(t, "utf8", 0, text)
    seed(t, "utf8-xml", 16, '<?xml version="1.0" encoding="ISO-8859-6"?>\n<a>&#11;&#x1F;</a>')
    seed(t, "utf8-bom", 0, b"\xef\xbb\xbf" + text.encode())
    seed(t, "utf16le-bom", 0, b"\xff\xfe" + text.encode("utf-16-le"))
    seed(t, "utf16be-bom", 0, b"\xfe\xff" + text.encode("utf-16-be"))
    seed(t, "cp1256-forced", 6, text.encode("cp1256", "replace"))
    seed(t, "gzip", 8, text)
    seed(t, "invalid-utf8", 0, b"ok\n\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80\x0b\n\xe2\x82")
    seed(t, "gzip-of-gzip", 8, zlib.compress(text.encode()))


def import_seeds():
    t = "import_fuzzer"
    seed(t, "tmx", 0, TMX_SMALL)
    seed(t, "tmx-ar-en-strict", 0x20 | 4, TMX_SMALL)
    seed(t, "tmx-inline", 1, read("io/inline-ar.tmx"))
    seed(t, "tsv-header", 2, "source\ttarget\torigin\nقال\tsaid\tSANA\nنص\\tمع\ttext\\nwith\t\n\tempty\n")
    seed(t, "tsv-unescape", 2 | 16, "a\\tb\tc\\\\d\nx\ty\tz\tw\n")
    seed(t, "parallel", 3, "قال\nنص\n\nجملة\x00said\ntext\n\nsentence\n")
    seed(t, "parallel-uneven", 3 | 8, "واحد\nاثنان\x00one\n")


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def lp(s):
    if isinstance(s, str):
        s = s.encode()
    return varint(len(s)) + s


def zigzag(v):
    return (v << 1) ^ (v >> 63)


def unit_body(source="قال 12 ", tokens=True):
    src = source.encode()
    b = lp("ar") + lp("en") + lp(src) + lp("said 12")
    b += varint(1) + lp("ph") + lp("<ph/>")  # source codes
    b += varint(0)  # target codes
    b += lp("SANA") + lp("doc-1") + varint(3)
    b += struct.pack("<QQ", 0x1234, 0)
    b += varint(zigzag(1700000000)) + varint(zigzag(-5))
    b += lp("hala") + lp("") + lp("note")
    b += varint(2) + lp("x-domain") + lp("politics") + lp("x-domain") + lp("")
    if not tokens:
        return b + varint(0)
    word = "قال".encode()
    b += varint(3)
    b += bytes([0x80]) + varint(zigzag(0)) + varint(len(word))  # word, key = span
    b += bytes([0x01]) + lp("12") + varint(zigzag(1)) + varint(2) + struct.pack("<d", 12.0)  # number
    b += bytes([0x83]) + varint(zigzag(1)) + varint(0)  # placeholder
    return b


def unit_seeds():
    t = "unit_decode_fuzzer"
    body = unit_body()
    seed(t, "framed", 1, body)
    seed(t, "framed-no-tokens", 1, unit_body(tokens=False))
    value = b"\x01" + body
    seed(t, "raw-valid", 0, value + struct.pack("<I", zlib.crc32(value)))
    seed(t, "raw-bad-crc", 0, value + b"\0\0\0\0")
    seed(t, "raw-short", 0, b"\x01\x00")


def text_seeds():
    t = "text_fuzzer"
    golden = read("text/split_golden.txt").decode()
    paragraphs = [p for p in golden.split("\n\n") if p.strip()]
    for i, p in enumerate(paragraphs[:6]):
        seed(t, "golden-%d" % i, 0x08 | 0x10 | 0x04 | (0 if any("\u0600" <= c <= "\u06ff" for c in p) else 1),
             p[:1500])
    seed(t, "ar-marks", 0, "الـمُـدَرِّسَةُ ١٢٫٥ و١٬٠٠٠ ٪ \u200f«مرحبا؟» تساءل د. أحمد عام 1950 م. وتوفي")
    seed(t, "en-abbr", 1 | 4 | 8, "Mr. Smith met U.S. officials on Jan. 5.\nIt was\nwrapped.\n\nNew para 3.5%")
    seed(t, "placeholders", 2, "a\ue000b\ue001 \ue8ff c")
    seed(t, "invalid", 0, b"\xd9\x82\xd8\xa7\xc3\x28 \xff")


def align_seeds():
    t = "align_fuzzer"
    ar = "قال الرئيس إن الاجتماع مهم.\nوأضاف أن 12 دولة شاركت.\n\nهذا المقال مترجم."
    en = "Syria news\nThe president said the meeting was important.\nHe added that 12 countries took part."
    seed(t, "text", 2 | 4 | 8, ar + "\x00" + en)
    seed(t, "presplit", 1 | 2, ar.replace("\n\n", "\n") + "\x00" + en)
    seed(t, "one-side", 0, ar)
    seed(t, "empty-lines", 1, "\n\n\r\n\x00\n")


def pb_key(field, wire):
    return varint((field << 3) | wire)


def pb_str(field, s):
    if isinstance(s, str):
        s = s.encode()
    return pb_key(field, 2) + varint(len(s)) + s


def pb_int(field, v):
    return pb_key(field, 0) + varint(v & 0xFFFFFFFFFFFFFFFF)


def convert_seeds():
    t = "convert_fuzzer"
    meta = pb_str(1, "SANA") + pb_str(2, "doc") + pb_int(3, 2) + pb_int(4, 1700000000) + \
        pb_str(9, pb_str(1, "x-domain") + pb_str(2, "politics")) + pb_int(10, 99)
    unit = pb_str(2, "ar") + pb_str(3, "en") + pb_str(4, "قال \ue000") + pb_str(5, "said \ue000") + \
        pb_str(6, pb_str(1, "ph") + pb_str(2, "<ph/>")) + pb_str(7, pb_str(1, "ph") + pb_str(2, "<ph/>")) + \
        pb_str(8, meta)
    seed(t, "upsert", 0, pb_str(1, unit) + pb_str(2, "قبل") + pb_int(4, 1))
    seed(t, "upsert-bad-lang", 0, pb_str(1, pb_str(2, "xx-!!") + pb_str(3, "en") + pb_str(4, "a") +
                                         pb_str(5, "b")))
    seed(t, "upsert-unknown-policy", 1, pb_str(1, unit) + pb_int(4, 7))
    stats = pb_int(1, 3) + pb_str(2, pb_str(1, "ar") + pb_str(2, "en") + pb_int(3, 3)) + \
        pb_str(3, pb_str(1, "SANA") + pb_int(2, 3)) + pb_int(6, 1)
    seed(t, "stats", 2, stats)
    seed(t, "status", 3, b"\x05server said no")


if __name__ == "__main__":
    tmx_seeds()
    line_seeds()
    import_seeds()
    unit_seeds()
    text_seeds()
    align_seeds()
    convert_seeds()

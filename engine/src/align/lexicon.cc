// Lexicon: loading (FreeDict dictd databases, the built-in table), merging, lookups.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "align/keys.h"
#include "align/lexicon_impl.h"
#include "dhakira/align.h"

namespace dhakira {
namespace {

bool HasArabic(std::string_view s) { return align::HasArabicLetter(s); }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Splits on ',' ';' and the Arabic comma.
std::vector<std::string> SplitAlternatives(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' || s[i] == ';') {
      out.push_back(Trim(cur));
      cur.clear();
    } else if (s.compare(i, 2, "\xD8\x8C") == 0) {  // U+060C ARABIC COMMA
      out.push_back(Trim(cur));
      cur.clear();
      ++i;
    } else {
      cur.push_back(s[i]);
    }
  }
  out.push_back(Trim(cur));
  return out;
}

// "to write" -> "write", "(of) fish" -> "fish": the words around a single-word sense.
std::string CleanSense(std::string s) {
  for (;;) {
    size_t open = s.find('(');
    if (open == std::string::npos) break;
    size_t close = s.find(')', open);
    s.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
  }
  s = Trim(s);
  for (const char* article : {"to ", "To ", "the ", "The ", "a ", "A ", "an ", "An "}) {
    size_t n = std::strlen(article);
    if (s.size() > n && s.compare(0, n, article) == 0) {
      s = Trim(s.substr(n));
      break;
    }
  }
  return s;
}

StatusOr<std::string> ReadGzip(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound("dictionary " + path + ": no such file");
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files as they are, too
  if (f == nullptr) return Status::IOError("dictionary " + path + ": " + std::strerror(errno));
  std::string data;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      return Status::Corruption("dictionary " + path + ": reading gzip data: " + msg);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  gzclose(f);
  return data;
}

// ISO 639-1 -> 639-3 for FreeDict file names (freedict-ara-eng). Data, not code paths: extend
// freely.
std::string Iso3(std::string_view lang) {
  std::string base(lang.substr(0, lang.find('-')));
  static const std::pair<const char*, const char*> kMap[] = {
      {"ar", "ara"}, {"en", "eng"}, {"de", "deu"}, {"fr", "fra"}, {"es", "spa"}, {"it", "ita"},
      {"nl", "nld"}, {"pt", "por"}, {"ru", "rus"}, {"tr", "tur"}, {"fa", "fas"}, {"sv", "swe"},
  };
  for (auto& [a, b] : kMap)
    if (base == a) return b;
  return base;
}

}  // namespace

int Lexicon::Impl::SideOf(std::string_view l) const {
  if (l == lang[0]) return 0;
  if (l == lang[1]) return 1;
  return -1;
}

uint32_t Lexicon::Impl::Intern(int side, const std::string& stem) {
  auto [it, inserted] = vocab[side].try_emplace(stem, static_cast<uint32_t>(words[side].size()));
  if (inserted) {
    words[side].push_back(stem);
    links[side].emplace_back();
  }
  return it->second;
}

bool Lexicon::Impl::AddStems(const std::string& stem_a, const std::string& stem_b, float weight) {
  if (stem_a.empty() || stem_b.empty()) return false;
  uint32_t a = Intern(0, stem_a), b = Intern(1, stem_b);
  for (auto& [id, w] : links[0][a]) {
    if (id == b) {
      if (weight > w) {
        w = weight;
        for (auto& [id2, w2] : links[1][b])
          if (id2 == a) w2 = weight;
      }
      return false;
    }
  }
  links[0][a].emplace_back(b, weight);
  links[1][b].emplace_back(a, weight);
  ++pairs;
  return true;
}

std::string Lexicon::Impl::StemOfWord(int side, std::string_view word) {
  if (!normalizer[side]) {
    NormalizerOptions o;
    o.language = lang[side];
    o.keep_punctuation = false;
    auto n = Normalizer::Create(o);
    if (!n.ok()) return {};
    normalizer[side] = std::move(n).value();
  }
  auto nt = normalizer[side]->Normalize(word);
  if (!nt.ok()) return {};
  const Token* only = nullptr;
  for (const Token& t : nt->tokens) {
    if (t.type == TokenType::kPlaceholder) continue;
    if (t.type != TokenType::kWord || only != nullptr) return {};
    only = &t;
  }
  return only == nullptr ? std::string() : align::AlignStem(only->key, lang[side]);
}

std::vector<std::string> Lexicon::Impl::StemWords(int side, const std::vector<std::string>& words) {
  std::vector<std::string> out(words.size());
  if (StemOfWord(side, "a").empty() && !normalizer[side]) return out;  // creates the normalizer
  size_t next = 0;
  std::string chunk;
  while (next < words.size()) {
    // Up to ~60 KB of words, one a line; tokens are mapped back to lines by their byte spans.
    size_t first = next;
    chunk.clear();
    while (next < words.size() && chunk.size() < 60000) {
      chunk += words[next++];
      chunk += '\n';
    }
    auto nt = normalizer[side]->Normalize(chunk);
    if (!nt.ok()) {  // an odd word: fall back to one call per word for this chunk
      for (size_t k = first; k < next; ++k) out[k] = StemOfWord(side, words[k]);
      continue;
    }
    std::vector<uint32_t> line_end;  // byte offset of each '\n' in the normalised text
    for (uint32_t b = 0; b < nt->text.size(); ++b)
      if (nt->text[b] == '\n') line_end.push_back(b);
    std::vector<int> count(next - first, 0);
    std::vector<const Token*> only(next - first, nullptr);
    for (const Token& t : nt->tokens) {
      if (t.type == TokenType::kPlaceholder) continue;
      size_t line = std::upper_bound(line_end.begin(), line_end.end(), t.begin) - line_end.begin();
      if (line >= count.size()) continue;
      ++count[line];
      only[line] = t.type == TokenType::kWord ? &t : nullptr;
    }
    for (size_t k = 0; k < count.size(); ++k)
      if (count[k] == 1 && only[k] != nullptr) out[first + k] = align::AlignStem(only[k]->key, lang[side]);
  }
  return out;
}

const std::vector<std::pair<uint32_t, float>>* Lexicon::Impl::Find(int side, const std::string& stem) const {
  auto it = vocab[side].find(stem);
  return it == vocab[side].end() ? nullptr : &links[side][it->second];
}

Lexicon::Lexicon() : impl_(std::make_unique<Impl>()) {}
Lexicon::~Lexicon() = default;
Lexicon::Lexicon(Lexicon&&) noexcept = default;
Lexicon& Lexicon::operator=(Lexicon&&) noexcept = default;

const std::string& Lexicon::lang_a() const { return impl_->lang[0]; }
const std::string& Lexicon::lang_b() const { return impl_->lang[1]; }
size_t Lexicon::size() const { return impl_->pairs; }

StatusOr<Lexicon> Lexicon::Empty(std::string_view lang_a, std::string_view lang_b) {
  DHAKIRA_ASSIGN_OR_RETURN(std::string a, CanonicalLanguage(lang_a));
  DHAKIRA_ASSIGN_OR_RETURN(std::string b, CanonicalLanguage(lang_b));
  if (a == b) return Status::InvalidArgument("lexicon languages are both " + a);
  Lexicon lex;
  lex.impl_->lang[0] = a;
  lex.impl_->lang[1] = b;
  return lex;
}

bool Lexicon::AddPair(std::string_view word_a, std::string_view word_b, double weight) {
  std::string a = impl_->StemOfWord(0, word_a);
  if (a.empty()) return false;
  std::string b = impl_->StemOfWord(1, word_b);
  if (b.empty()) return false;
  float w = static_cast<float>(weight <= 0 ? 0.01 : weight > 1 ? 1 : weight);
  return impl_->AddStems(a, b, w);
}

Status Lexicon::Merge(const Lexicon& other) {
  const Impl& o = *other.impl_;
  int oa = impl_->SideOf(o.lang[0]);
  int ob = impl_->SideOf(o.lang[1]);
  if (oa < 0 || ob < 0 || oa == ob)
    return Status::InvalidArgument("cannot merge a lexicon " + o.lang[0] + "/" + o.lang[1] + " into one " +
                                   impl_->lang[0] + "/" + impl_->lang[1]);
  for (uint32_t id = 0; id < o.links[0].size(); ++id) {
    for (auto& [other_id, w] : o.links[0][id]) {
      const std::string& sa = o.words[0][id];
      const std::string& sb = o.words[1][other_id];
      if (oa == 0)
        impl_->AddStems(sa, sb, w);
      else
        impl_->AddStems(sb, sa, w);
    }
  }
  return Status::OK();
}

std::vector<std::string> Lexicon::Translations(std::string_view from_lang, std::string_view word) const {
  std::vector<std::string> out;
  auto canon = CanonicalLanguage(from_lang);
  if (!canon.ok()) return out;
  int side = impl_->SideOf(*canon);
  if (side < 0) return out;
  NormalizerOptions o;
  o.language = *canon;
  o.keep_punctuation = false;
  auto normalizer = Normalizer::Create(o);
  if (!normalizer.ok()) return out;
  auto nt = (*normalizer)->Normalize(word);
  if (!nt.ok() || nt->tokens.size() != 1 || nt->tokens[0].type != TokenType::kWord) return out;
  std::vector<std::string> stems;
  align::LookupStems(nt->tokens[0].key, *canon, &stems);
  for (const std::string& s : stems) {
    if (auto* l = impl_->Find(side, s))
      for (auto& [id, w] : *l) {
        const std::string& t = impl_->words[1 - side][id];
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
      }
  }
  return out;
}

StatusOr<Lexicon> Lexicon::LoadFreedict(const std::string& path, std::string_view lang_a, std::string_view lang_b) {
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lex, Empty(lang_a, lang_b));
  DHAKIRA_ASSIGN_OR_RETURN(std::string data, ReadGzip(path));
  // dictd layout (FreeDict): "00-database-*" header entries, then per entry a headword line
  // "HEADWORD /ipa/" and sense lines "1. sense" or one bare sense line. The headword side is
  // recognised by its script when lang_a is Arabic; otherwise by the "/ipa/" tail.
  const bool a_arabic = align::IsArabicLanguage(lex.lang_a());
  // First pass: entries as raw word lists; second pass: stem all words of a side in a few large
  // Normalize calls (one call per word costs ~3x more: ICU iterator set-up dominates for one-word
  // strings).
  struct Entry {
    uint32_t head_begin, head_end, sense_begin, sense_end;  // ranges in words[0] / words[1]
  };
  std::vector<Entry> entries;
  std::vector<std::string> words[2];
  size_t line_no = 0, pos = 0, headwords = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) nl = data.size();
    std::string_view line(data.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    std::string t = Trim(line);
    if (t.empty()) continue;
    bool is_head = a_arabic ? HasArabic(t) : (t.size() > 2 && t.back() == '/' && t.find(" /") != std::string::npos);
    if (is_head) {
      ++headwords;
      size_t ipa = t.find(" /");
      std::string head = ipa == std::string::npos ? t : Trim(std::string_view(t).substr(0, ipa));
      Entry e;
      e.head_begin = static_cast<uint32_t>(words[0].size());
      for (std::string& h : SplitAlternatives(head))
        if (!h.empty() && h.find(' ') == std::string::npos) words[0].push_back(std::move(h));
      e.head_end = static_cast<uint32_t>(words[0].size());
      e.sense_begin = e.sense_end = static_cast<uint32_t>(words[1].size());
      entries.push_back(e);
      continue;
    }
    if (entries.empty() || entries.back().head_begin == entries.back().head_end) continue;  // header text
    std::string_view sense(t);
    size_t k = 0;
    while (k < sense.size() && sense[k] >= '0' && sense[k] <= '9') ++k;
    if (k > 0 && k < sense.size() && sense[k] == '.') sense.remove_prefix(k + 1);
    for (std::string& alt : SplitAlternatives(sense)) {
      std::string w = CleanSense(alt);
      if (!w.empty() && w.find(' ') == std::string::npos) words[1].push_back(std::move(w));
    }
    entries.back().sense_end = static_cast<uint32_t>(words[1].size());
  }
  std::vector<std::string> stems[2];
  for (int side = 0; side < 2; ++side) {
    stems[side] = lex.impl_->StemWords(side, words[side]);
    lex.impl_->vocab[side].reserve(words[side].size() / 2);
    lex.impl_->words[side].reserve(words[side].size() / 2);
    lex.impl_->links[side].reserve(words[side].size() / 2);
  }
  for (const Entry& e : entries)
    for (uint32_t h = e.head_begin; h < e.head_end; ++h)
      for (uint32_t w = e.sense_begin; w < e.sense_end; ++w) lex.impl_->AddStems(stems[0][h], stems[1][w], 1.0f);
  if (headwords == 0)
    return Status::Corruption("dictionary " + path + ": no headword found in " + std::to_string(line_no) +
                              " lines; not a FreeDict " + lex.lang_a() + "-" + lex.lang_b() + " database?");
  return lex;
}

StatusOr<Lexicon> Lexicon::LoadDefault(std::string_view lang_a, std::string_view lang_b) {
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lex, Empty(lang_a, lang_b));
  const std::string a = lex.lang_a(), b = lex.lang_b();
  auto base = [](const std::string& l) { return l.substr(0, l.find('-')); };
  for (int dir = 0; dir < 2; ++dir) {
    const std::string& x = dir == 0 ? a : b;
    const std::string& y = dir == 0 ? b : a;
    std::string path = "/usr/share/dictd/freedict-" + Iso3(x) + "-" + Iso3(y) + ".dict.dz";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    auto dict = LoadFreedict(path, x, y);
    if (!dict.ok()) return dict.status().WithContext("loading the default lexicon");
    if (lex.size() == 0 && dir == 0)
      lex = std::move(dict).value();  // same orientation: no copy
    else
      DHAKIRA_RETURN_IF_ERROR(lex.Merge(*dict));
  }
  for (const BuiltinPair& p : BuiltinPairs()) {
    if (base(a) == p.lang_a && base(b) == p.lang_b)
      lex.AddPair(p.word_a, p.word_b);
    else if (base(b) == p.lang_a && base(a) == p.lang_b)
      lex.AddPair(p.word_b, p.word_a);
  }
  return lex;
}

StatusOr<Lexicon> Lexicon::LoadBuiltin(std::string_view lang_a, std::string_view lang_b) {
  DHAKIRA_ASSIGN_OR_RETURN(Lexicon lex, Empty(lang_a, lang_b));
  auto base = [](const std::string& l) { return l.substr(0, l.find('-')); };
  const std::string a = base(lex.lang_a()), b = base(lex.lang_b());
  for (const BuiltinPair& p : BuiltinPairs()) {
    if (a == p.lang_a && b == p.lang_b)
      lex.AddPair(p.word_a, p.word_b);
    else if (b == p.lang_a && a == p.lang_b)
      lex.AddPair(p.word_b, p.word_a);
  }
  return lex;
}

}  // namespace dhakira

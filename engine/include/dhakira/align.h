// Sentence alignment of a document with its (edited) translation.
//
// Aligns two sentence sequences monotonically with dynamic programming over beads (0-1, 1-0, 1-1
// ... 1-n, n-1, 2-2), scoring each bead with length (ratio estimated per document pair, Gale &
// Church 1993), a bilingual lexicon (Debian's freedict, built-in month/function words, a lexicon
// learned from the TM), numbers, names compared through a phonetic skeleton, cognates, and
// editorial-line detection (titles, standfirsts, disclaimers, keyword lines are added by editors
// and link to nothing). See docs/align.md.
//
// Typical use (error checks left out):
//
//   // freedict + the built-in table when the Debian dictionary is installed, else the table
//   auto lexicon = Lexicon::LoadDefault("ar", "en");
//   auto shared = std::make_shared<const Lexicon>(std::move(lexicon).value());
//   AlignOptions options;
//   options.src_lang = "ar";
//   options.tgt_lang = "en";
//   auto aligner = Aligner::Create(options, shared);  // one per thread
//   auto result = (*aligner)->Align(src_sentences, tgt_sentences);
//   for (const AlignLink& link : result->links) std::cout << FormatLink(link) << "\n";
//
// and, to store the result, AlignedPairs(src_sentences, tgt_sentences, "ar", "en", *result,
// PairOptions{}, &report) gives the TM units.
#ifndef DHAKIRA_ALIGN_H_
#define DHAKIRA_ALIGN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dhakira/status.h"

namespace dhakira {

class Snapshot;
class Store;
struct SegmentPair;

// A bilingual word lexicon between two languages, on match keys (normalised, light-stemmed).
// Directional data is used in both directions: a lexicon loaded as ar→en also serves en→ar
// alignment. Thread safety: immutable after loading; const methods are safe from any thread. Share
// it with std::shared_ptr<const Lexicon> between aligners.
class Lexicon {
 public:
  Lexicon();
  ~Lexicon();
  Lexicon(Lexicon&&) noexcept;
  Lexicon& operator=(Lexicon&&) noexcept;

  // An empty lexicon between `lang_a` and `lang_b` (canonical BCP 47 after CanonicalLanguage).
  static StatusOr<Lexicon> Empty(std::string_view lang_a, std::string_view lang_b);

  // Reads a FreeDict dictd database (`*.dict.dz`, dictzip = gzip; or plain `*.dict`) whose
  // headwords are in `lang_a` and senses in `lang_b`, e.g.
  // /usr/share/dictd/freedict-ara-eng.dict.dz with ("ar", "en"). Keeps single-word headwords and
  // senses (comma-separated alternatives split), normalised to match keys. NotFound when the file
  // is absent, Corruption (naming the line) when it is not a dictd database.
  static StatusOr<Lexicon> LoadFreedict(const std::string& path, std::string_view lang_a, std::string_view lang_b);

  // The built-in table for the pair (month names in Syrian and Egyptian forms, weekdays, number
  // words and function words the dictionaries lack) plus the installed Debian dictionary for the
  // pair, if any (dict-freedict-ara-eng for ar/en). Never fails for want of a dictionary: an
  // unknown pair gives an empty lexicon (alignment then relies on length, numbers, names and
  // cognates).
  static StatusOr<Lexicon> LoadDefault(std::string_view lang_a, std::string_view lang_b);

  // Adds one word pair (raw words in lang_a / lang_b; normalised here). weight in (0, 1]: 1 for
  // dictionary entries, a translation probability for learned ones. Multi-word arguments are
  // ignored (returns false).
  bool AddPair(std::string_view word_a, std::string_view word_b, double weight = 1.0);

  // The built-in table alone for the pair (no dictionary); empty for a pair without one.
  static StatusOr<Lexicon> LoadBuiltin(std::string_view lang_a, std::string_view lang_b);

  // Merges all pairs of `other` (same languages, either order) into this lexicon.
  Status Merge(const Lexicon& other);

  const std::string& lang_a() const;
  const std::string& lang_b() const;
  size_t size() const;  // word pairs held

  // The alignment stems the lexicon gives for one word (raw text, normalised and stemmed here) of
  // language `from_lang` (either side); empty when unknown or not one word. For tests and
  // diagnostics (creates a Normalizer per call); the aligner uses faster internal ids.
  std::vector<std::string> Translations(std::string_view from_lang, std::string_view word) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }
  Impl& mutable_impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Options of the lexicon a TM learns from its pairs: association statistics over the stored pairs of a
// language pair (per stem: the pairs holding it and its most frequent partners), scored with the Dice
// coefficient and kept when strong enough (docs/align.md, "Learned lexicon").
struct LearnOptions {
  // The pairs read are those of this source language and this target language (BCP 47; either
  // direction is read), both required.
  std::string src_lang;
  std::string tgt_lang;
  // A word pair is kept when its Dice coefficient 2 c(s,t) / (c(s) + c(t)) is at least this and the two
  // words are each other's best partner (mutual), (0, 1].
  double min_score = 0.3;
  // ... or, when not mutual, at least this, [min_score, 1].
  double strong_score = 0.9;
  // A word pair must co-occur in at least this many stored pairs to be kept, 1 .. 1000.
  uint32_t min_cooccurrence = 2;
  // LearnLexicon only: pairs longer than this many words on either side are skipped (noisy), 1 .. 1000.
  // The lexicon stored in the TM always uses the default.
  uint32_t max_tokens = 80;
  // LearnLexicon only: at most this many stored pairs are read (in id order), 1 .. 10^8.
  uint64_t max_pairs = 2'000'000;

  Status Validate() const;
};

// One word pair as the TM's pairs teach it, on alignment stems.
struct LearnedTranslation {
  std::string source;         // alignment stem in LearnOptions::src_lang
  std::string target;         // alignment stem in LearnOptions::tgt_lang
  uint64_t together = 0;      // stored pairs holding both (a guaranteed lower bound)
  uint64_t source_pairs = 0;  // stored pairs holding the source stem
  uint64_t target_pairs = 0;  // stored pairs holding the target stem
  double score = 0;           // Dice coefficient, 0 .. 1
  bool mutual = false;        // each is the other's best-scoring partner
  bool kept = false;          // passes the LearnOptions bars (is in the lexicon)
  bool in_target = false;     // the target stem occurs in the target texts of the query
};

// A learned lexicon and what it is made of.
struct LearnedLexiconResult {
  Lexicon lexicon;  // the kept word pairs (weight = score), src_lang/tgt_lang
  // The kept pairs, strongest first; with all_candidates, every partner read, kept or not.
  std::vector<LearnedTranslation> translations;
  uint64_t pairs = 0;         // usable stored pairs of the language pair
  uint64_t source_stems = 0;  // distinct source stems looked up
};

// Estimates a lexicon from all pairs of a TM snapshot with the same model as the lexicon a TM keeps
// (exact counts, no partner bound). Cost: linear in the pairs read times their words squared. For tests and
// for TMs opened without their lexicon; TranslationMemory::LearnedLexicon reads the stored one.
StatusOr<LearnedLexiconResult> LearnLexicon(const Snapshot& snapshot, const LearnOptions& options);

// What kind of line an editor added (or a 0-1/1-0 link left out).
enum class EditorialKind : uint8_t {
  kNone = 0,        // an ordinary sentence
  kTitle = 1,       // a headline added on top (often repeating the lead)
  kStandfirst = 2,  // "…, writes Al-Watan." and similar summary lines under the title
  kDisclaimer = 3,  // "This article was translated and edited by …"
  kKeywords = 4,    // "Helpful keywords", "Tags: …"
  kCredit = 5,      // "Translated by …", "Edited by …", "By Sami al-Ali", "Source: Al-Watan"
  kRelated = 6,     // "Read more: …", "Read also", "Related articles"
  kPhoto = 7,       // "Photo: SANA", "(Photo: SANA)", "Image: …", image alt text such as "Logo Wide"
};
// The number of EditorialKind values (the largest plus one).
inline constexpr size_t kEditorialKindCount = 8;
// "none", "title", "standfirst", "disclaimer", "keywords", "credit", "related", "photo": the names
// the patterns files (data/editorial/*.tsv), `--format json` and the import summary use.
const char* EditorialKindName(EditorialKind kind);

struct AlignOptions {
  std::string src_lang;  // BCP 47 language of the source sentences (required)
  std::string tgt_lang;  // BCP 47 language of the target sentences (required, not src_lang)

  // Largest number of target sentences one source sentence may cover (1-n beads), 1 .. 12.
  // Long Arabic sentences chained with و often cover 2-5 English ones, sometimes up to 9.
  uint32_t max_one_to_many = 9;
  // Largest number of source sentences merged into one target sentence (n-1 beads), 1 .. 12.
  uint32_t max_many_to_one = 4;
  // Half-width of the DP band around the expected diagonal, in sentences, 4 .. 10000. The band
  // widens by itself (doubling, up to the documents' length) when the best path touches its edge.
  uint32_t band = 24;

  // Source/target character-length ratio. 0 = estimate per document pair (recommended: Arabic
  // originals are ~0.66-0.70 of their English translation, Arabic translations ~0.84-0.94).
  // Otherwise 0.05 .. 20.
  double length_ratio = 0;

  // Recognise editorial lines (titles, standfirsts, disclaimers, keyword lines, credits, "read
  // more" lines, photo lines) in the head and tail of the target side and link them to nothing.
  bool detect_editorial = true;

  // Links whose confidence is below this are flagged low_confidence, 0 .. 1. The default is the
  // bar benchmarks/align_eval.d/calibrate.py chose (align/calibration.h, kImportBar): the lowest at
  // which >= 99.5% of the pairs stored on its news-like fit sets are exactly right.
  double min_confidence = 0.985;

  // Path of a file of extra editorial-line patterns for the target language, in the format of the
  // built-in ones (data/editorial/en.tsv), read by Aligner::Create and tried after them; empty =
  // the built-in patterns only. A bad pattern is InvalidArgument naming the file, line and ICU error.
  std::string editorial_patterns;

  Status Validate() const;
};

struct AlignLink {
  std::vector<uint32_t> src;  // 0-based source sentence indices, ascending; empty for a 0-1 link
  std::vector<uint32_t> tgt;  // 0-based target sentence indices, ascending; empty for a 1-0 link
  // 0 .. 1, calibrated on gold alignments (docs/align.md, "Confidence"): for a link with both
  // sides, the probability that it is exactly right; for a 1-0/0-1 link, that the sentence really
  // has no partner.
  double confidence = 0;
  bool low_confidence = false;                     // confidence < AlignOptions::min_confidence
  EditorialKind editorial = EditorialKind::kNone;  // for 0-1 links: what the added line looks like
};

struct AlignResult {
  // Covering every sentence of both sides exactly once, in source order. Mostly monotone; a link
  // of the second pass (swapped or moved paragraphs, docs/align.md) has its target sentences out of
  // order, so target sides may cross.
  std::vector<AlignLink> links;
  double length_ratio = 0;  // the ratio used (estimated or given)
  uint32_t band = 0;        // final band half-width used
  // 0 .. 1: calibrated probability that the two documents translate each other at all. A wrong
  // pairing (another article's translation) scores near 0; every pair link's confidence is
  // scaled by it.
  double document_confidence = 1;
  bool unrelated = false;  // document_confidence < 0.5: nothing of this pair should be stored
};

// "[0, 1]:[2]", "[3]:[]", "[]:[0]": the gold format of align-eval.
std::string FormatLink(const AlignLink& link);

// Aligns sentence sequences. Create once per thread and reuse (holds ICU normalizers).
// Thread safety: NOT safe for concurrent use; create one per thread (they may share a Lexicon).
class Aligner {
 public:
  // `lexicon` may be null (no lexical evidence but numbers, names, cognates). It must cover the
  // options' language pair in either order, else InvalidArgument.
  static StatusOr<std::unique_ptr<Aligner>> Create(const AlignOptions& options, std::shared_ptr<const Lexicon> lexicon);
  virtual ~Aligner() = default;

  // Aligns `src` with `tgt` (sentences as text, any may be empty). Empty inputs give the obvious
  // result (all 0-1 or all 1-0 links). InvalidArgument on invalid UTF-8 (naming side and sentence).
  // Complexity: time and memory O((|src| + |tgt|) * band).
  virtual StatusOr<AlignResult> Align(const std::vector<std::string>& src, const std::vector<std::string>& tgt) = 0;
};

// Turning an alignment into TM units.
struct PairOptions {
  // Links with confidence below this are held back, 0 .. 1 (default: as AlignOptions).
  double min_confidence = 0.985;
  // Keep n-m links (n or m > 1) as one unit with their sentences joined by a space (true), or hold
  // them back.
  bool keep_many_to_many = true;
  std::string origin;  // SegmentPair::origin of every unit (e.g. the outlet); may be empty
  std::string doc_id;  // SegmentPair::doc_id of every unit; may be empty
  std::string user;    // created_by / changed_by; may be empty

  Status Validate() const;
};

// What AlignedPairs made and what it held back, and why. Every link counts once: a pair link is
// made, or held back for the first of these reasons that applies: unrelated document, low
// confidence, n-m.
struct PairReport {
  uint32_t pairs = 0;           // units made (1-1 and joined n-m links)
  uint32_t many_to_many = 0;    // ... of which joined n-m links
  uint32_t unrelated = 0;       // pair links held back: the documents do not translate each other
  uint32_t low_confidence = 0;  // pair links held back: confidence below the bar
  uint32_t many_held = 0;       // n-m links held back (keep_many_to_many false)
  uint32_t null_links = 0;      // 1-0 and 0-1 links (nothing to store)
  uint32_t editorial = 0;       // ... of which recognised editorial lines
};

// The TM units of an alignment of `src` with `tgt` (the sentences given to Aligner::Align): none
// when result.unrelated (a wrong pairing); otherwise those of the pair links at or above the bar.
// Source
// and target text joined per link, doc_position = index of the link's first source sentence,
// prev_hash/next_hash = KeyHash of the source sentences before and after the link (0 at the edges).
// Counts go to *report. InvalidArgument when the links do not fit the sentence counts or the
// languages are invalid.
StatusOr<std::vector<SegmentPair>> AlignedPairs(const std::vector<std::string>& src,
                                                const std::vector<std::string>& tgt, std::string_view src_lang,
                                                std::string_view tgt_lang, const AlignResult& result,
                                                const PairOptions& options, PairReport* report);

// Reads a document into sentences. presplit: one segment a line, used as is (a trailing newline
// does not make an empty last segment; \r\n accepted; a UTF-8 BOM skipped); otherwise plain text,
// paragraphs separated by blank lines, split with SentenceSplitter for `lang`. InvalidArgument
// naming `name` and the line on invalid UTF-8. `name` is used in messages only (e.g. the file
// path).
StatusOr<std::vector<std::string>> SplitDocument(std::string_view text, std::string_view lang, bool presplit,
                                                 std::string_view name);

// Reads a file (NotFound / IOError naming the path) and SplitDocument()s it.
StatusOr<std::vector<std::string>> ReadDocument(const std::string& path, std::string_view lang, bool presplit);

}  // namespace dhakira

#endif  // DHAKIRA_ALIGN_H_

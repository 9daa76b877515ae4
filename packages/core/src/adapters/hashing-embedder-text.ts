/**
 * Word normalization for the hashing embedder. Stems need not be words, only equal
 * for the forms a reader would call the same word: *trace, traces, traced, tracing,
 * tracer* all become `trac`; *query, queries* become `queri`. Also used by the
 * offline extractive answerer, so both read words the same way.
 */

// Common English function words, plus question words: they say what kind of question
// it is, not what it is about.
const STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both but by " +
    "can could did do does doing down during each few for from further had has have having he her here hers herself him " +
    "himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other " +
    "our ours ourselves out over own same she should so some such than that the their theirs them themselves then there " +
    "these they this those through to too under until up very was we were what when where which while who whom why will " +
    "with would you your yours yourself yourselves s t d ll m re ve also may might must shall us"
  ).split(" "),
);

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

const VOWEL = /[aeiouy]/;
const SUFFIXES = ["ingly", "edly", "ing", "ied", "ed", "er"] as const;

/**
 * A light, deterministic English stemmer for lower-cased, accent-folded tokens: strips
 * one plural and one inflectional suffix, then evens out the spellings those leave behind
 * (final e, doubled consonant, y/i). Tokens with digits and short tokens are kept as is.
 */
export function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, -suffix.length);
    if (stem.length >= 3 && VOWEL.test(stem)) w = suffix === "ied" ? `${stem}y` : stem;
    break;
  }
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  const last = w.charAt(w.length - 1);
  if (w.length > 3 && last === w.charAt(w.length - 2) && !/[aeiouls]/.test(last)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("y")) w = `${w.slice(0, -1)}i`;
  return w;
}

/**
 * Frequent English content words (general usage, not any corpus of ours): the words
 * that appear in most texts whatever they are about — *time, year, work, make, new,
 * first, show*. Stored as stems, so every form of them matches.
 */
const COMMON_WORDS = new Set(
  (
    // nouns
    "time year people way day man thing woman life child world school state family student group country problem hand part " +
    "place case week company system program question work government number night point home water room mother area money " +
    "story fact month lot right study book eye job word business issue side kind head house service friend father power " +
    "hour game line end member law car city community name president team minute idea kid body information back parent face " +
    "others level office door health person art war history party result change morning reason research girl guy moment air " +
    "teacher force education foot boy age policy process music market sense nation plan college interest death experience " +
    "effect use class control care field development role effort rate heart drug show leader light voice wife police mind " +
    "price report decision son view relationship town road arm difference value building action model season society tax " +
    "director position player record paper space ground form event official matter center couple site project activity star " +
    "table need court oil situation cost industry figure street image phone data picture practice piece land product doctor " +
    "wall patient worker news test movie north love support technology step baby computer type attention film tree source " +
    "organization hair window evidence population truth song fire section order century " +
    // verbs
    "say get make go know take see come think look want give use find tell ask work seem feel try leave call need become put " +
    "mean keep let begin show hear play run move like live believe hold bring happen write provide sit stand lose pay meet " +
    "include continue set learn change lead understand watch follow stop create speak read allow add spend grow open walk win " +
    "offer remember love consider appear buy wait serve die send expect build stay fall cut reach kill remain suggest raise " +
    "pass sell require decide pull return explain hope develop carry break receive agree produce eat cover catch draw choose " +
    "cause listen realize close involve increase describe thank accept fill answer present base wear drive fight start turn help talk " +
    // adjectives
    "other new good high old great big small large national young different black long little important political bad white " +
    "real best right social public sure low early able human local late hard major better economic strong possible whole free " +
    "military true federal international full special easy clear recent certain personal red difficult available likely short " +
    "single medical current wrong private past foreign fine common poor natural significant similar hot dead central happy " +
    "serious ready simple left physical general environmental financial blue democratic dark various entire legal religious " +
    "cold final main green nice huge popular traditional cultural beautiful wide strange safe fast american " +
    // numbers and adverbs
    "first second third last next many much few several one two three four five six seven eight nine ten hundred thousand " +
    "million percent half still even well never really always today far away yet often ever however almost later together " +
    "around already enough maybe actually probably perhaps else sometimes finally less especially either quickly soon " +
    "certainly simply recently rather instead indeed thus therefore"
  )
    .split(" ")
    .map(stemWord),
);

/** How much a common word counts next to a rarer one: a fixed stand-in for inverse document frequency. */
export const COMMON_WORD_WEIGHT = 0.5;

/**
 * The weight of a (non-stop) word's stem in an embedding: {@link COMMON_WORD_WEIGHT} for
 * frequent English words, 1 for the rest. A stateless embedder cannot count document
 * frequencies, so this fixed prior approximates IDF: a passage sharing "Dulac" with a
 * question outranks one sharing "story".
 */
export function termWeight(stem: string): number {
  return COMMON_WORDS.has(stem) ? COMMON_WORD_WEIGHT : 1;
}

//! "Did you mean" suggestions for misspelt names, keys, kinds and relations.
//!
//! Short lists (kinds, relations, keys, columns) are scored whole by [`nearest`]. Entity
//! names and aliases, which may number millions, go through an [`Index`]: the names sorted
//! twice, by their start and by their end, and only the neighbours of the word in each
//! order are scored. Every comparison reads at most [`BOUND`] characters of each side, so
//! neither a long list nor a long word makes a suggestion slow.
//!
//! Words are the other way in: [`words`] splits a text into the words worth looking for,
//! and [`contains_word`] says whether a text holds one; `search` ranks entities by them and
//! an unknown entity name offers the entities whose names hold all its words.

/// Characters of a word and of a candidate that a comparison reads. Names are rarely
/// longer; a typo beyond this point still leaves the two starts alike.
pub const BOUND: usize = 64;

/// Similarity below which a candidate is no plausible typo.
const THRESHOLD: f64 = 0.8;

/// The candidate closest to `word`, if any is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nearest(word, candidates, 1).into_iter().next()
}

/// Up to `n` candidates close to `word`, best first. Closeness is Jaro-Winkler similarity on
/// lower-cased text, so "munitions dept" finds "Munitions Industry Department". Scores every
/// candidate: for short lists; long ones go through an [`Index`].
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let word = forward_key(word);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (similarity(&word, &forward_key(c)), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// The keyword `word` is most likely a misspelling of: one edit away (a letter added,
/// dropped, changed, or two swapped) for words of up to four letters, two for longer ones,
/// the fewest edits first, then the list's order. Jaro-Winkler misses these: `mx` is far
/// from `max` by its measure. None when `word` is empty, is a keyword, or none is near.
pub fn near_keyword<'a>(word: &str, keywords: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    if word.is_empty() || word.len() > BOUND || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let allowed = if word.len() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for k in keywords {
        let d = strsim::osa_distance(&word, k);
        if d == 0 {
            return None;
        }
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Help for an unknown word: the likely intended one, or the full list when none is close.
/// `what` names the list in the plural, e.g. "kinds".
pub fn help_for_unknown<'a>(word: &str, known: impl IntoIterator<Item = &'a str> + Clone, what: &str) -> String {
    match did_you_mean(word, known.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("known {what}: {}", known.into_iter().collect::<Vec<_>>().join(", ")),
    }
}

/// Words too common to tell entities apart, never looked for.
pub const COMMON_WORDS: &[&str] =
    &["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"];

/// The words of `text` worth looking for: runs of letters and digits, lower-cased, each
/// once, in order, without [`COMMON_WORDS`]; at most 32 (a search of more says nothing
/// the first 32 do not).
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !COMMON_WORDS.contains(&word.as_str()) && !out.contains(&word) && out.len() < 32 {
            out.push(word);
        }
    }
    out
}

/// Whether some word of `text` begins with `word` (given lower-cased by [`words`]), so
/// `work` is found in "North Korean workers" and `poland` in "Poland's".
pub fn contains_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|w| starts_with_lowercased(w, word))
}

/// Whether `text` lower-cased begins with `prefix` (already lower case), without a copy.
fn starts_with_lowercased(text: &str, prefix: &str) -> bool {
    let mut lowered = text.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lowered.next() == Some(p))
}

/// The first [`BOUND`] characters of `s`, lower-cased: what comparisons read and the
/// forward order sorts by.
fn forward_key(s: &str) -> String {
    if s.is_ascii() {
        return s[..s.len().min(BOUND)].to_ascii_lowercase();
    }
    s.chars().flat_map(char::to_lowercase).take(BOUND).collect()
}

/// The last [`BOUND`] characters of `s`, lower-cased, last first: the backward order, which
/// brings together names that differ near their start.
fn backward_key(s: &str) -> String {
    if s.is_ascii() {
        return s.bytes().rev().take(BOUND).map(|b| char::from(b.to_ascii_lowercase())).collect();
    }
    s.chars().rev().flat_map(char::to_lowercase).take(BOUND).collect()
}

/// Similarity of two keys.
fn similarity(a: &str, b: &str) -> f64 {
    let whole = strsim::jaro_winkler(a, b);
    // A word typed as the start of a longer name ("munitions") is a strong hint too.
    let prefix = if b.starts_with(a) && a.len() >= 3 { 0.9 } else { 0.0 };
    whole.max(prefix)
}

/// Lists up to this long are scored whole, so a small graph's suggestions never depend on
/// which names happen to sort next to the word.
const SCAN: usize = 256;

/// How many neighbours on each side of the word, in each order, are scored.
const NEIGHBOURS: usize = 24;

/// "Did you mean" over a long list of labels (entity names and aliases), numbered in the
/// order given. Built once, answered in a few dozen comparisons per word.
#[derive(Debug, Clone, Default)]
pub struct Index {
    forward: Sorted,
    backward: Sorted,
}

/// Keys in one buffer, and the label numbers in the order of their keys.
#[derive(Debug, Clone, Default)]
struct Sorted {
    text: String,
    /// Where label i's key ends in `text` (it starts where label i-1's ends).
    ends: Vec<usize>,
    order: Vec<u32>,
}

impl Sorted {
    fn new<'a>(labels: impl Iterator<Item = &'a str>, key: fn(&str) -> String) -> Sorted {
        let mut out = Sorted::default();
        for label in labels {
            out.text.push_str(&key(label));
            out.ends.push(out.text.len());
        }
        // Sorted by each key's first 16 bytes, held beside its number, and only keys that
        // share those compared whole: a sort that fetched every key it compared spent
        // seconds on a million names waiting for memory.
        let mut order: Vec<(u128, u32)> = (0..out.ends.len() as u32).map(|i| (head(out.key(i)), i)).collect();
        order.sort_unstable();
        for run in order.chunk_by_mut(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            run.sort_unstable_by(|a, b| out.key(a.1).cmp(out.key(b.1)).then(a.1.cmp(&b.1)));
        }
        out.order = order.into_iter().map(|(_, i)| i).collect();
        out
    }

    fn key(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The labels whose keys sort next to `key`: up to `NEIGHBOURS` on each side.
    fn around(&self, key: &str) -> &[u32] {
        let at = self.order.partition_point(|&i| self.key(i) < key);
        &self.order[at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(self.order.len())]
    }
}

/// The first 16 bytes of a key as a number that orders as the key does (shorter keys are
/// padded with zero bytes, which sort first, as a key's end does).
fn head(key: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = key.len().min(16);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

impl Index {
    /// The index of `labels`; a label's number is its place in the iteration. The two
    /// orders are sorted on two threads.
    pub fn new<'a>(labels: impl Iterator<Item = &'a str> + Clone + Send) -> Index {
        let backward = labels.clone();
        std::thread::scope(|scope| {
            let backward = scope.spawn(move || Sorted::new(backward, backward_key));
            let forward = Sorted::new(labels, forward_key);
            Index { forward, backward: backward.join().expect("sorting keys does not panic") }
        })
    }

    pub fn len(&self) -> usize {
        self.forward.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Up to `n` labels close to `word` (by number), best first; equally close ones in the
    /// order of their keys, then of their numbers.
    pub fn nearest(&self, word: &str, n: usize) -> Vec<u32> {
        let key = forward_key(word);
        let mut picked: Vec<u32> = if self.len() <= SCAN {
            self.forward.order.clone()
        } else {
            let mut near = self.forward.around(&key).to_vec();
            near.extend_from_slice(self.backward.around(&backward_key(word)));
            near.sort_unstable();
            near.dedup();
            near
        };
        let score = |i: u32| similarity(&key, self.forward.key(i));
        let mut scored: Vec<(f64, u32)> =
            picked.drain(..).map(|i| (score(i), i)).filter(|&(s, _)| s >= THRESHOLD).collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0).then_with(|| self.forward.key(a.1).cmp(self.forward.key(b.1))).then(a.1.cmp(&b.1))
        });
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_keywords_are_found_by_edits() {
        let kws = ["max", "limit", "where", "depth", "via", "as", "of"];
        let near = |w: &str| near_keyword(w, kws.iter().copied());
        assert_eq!(near("limt"), Some("limit"));
        assert_eq!(near("mx"), Some("max"));
        assert_eq!(near("WEHRE"), Some("where"));
        assert_eq!(near("depht"), Some("depth"));
        assert_eq!(near("max"), None, "a keyword is no misspelling");
        assert_eq!(near("Poland"), None);
        assert_eq!(near(""), None);
    }

    #[test]
    fn words_skip_common_ones_and_match_the_starts_of_words() {
        assert_eq!(words("Workers in  POLAND, workers!"), ["workers", "poland"]);
        assert!(words("in the of").is_empty());
        assert!(contains_word("North Korean workers in Poland", "work"));
        assert!(contains_word("Poland's shipyards", "poland"));
        assert!(!contains_word("Polish shipyards", "poland"));
        assert!(!contains_word("networks", "work"), "a word's middle is no match");
        assert!(contains_word("ÉCOLE", "éc"));
    }

    #[test]
    fn suggests_close_words_only() {
        let known = ["supplies_workers", "employs", "works_in"];
        assert_eq!(did_you_mean("suplies_workers", known), Some("supplies_workers"));
        assert_eq!(did_you_mean("employ", known), Some("employs"));
        assert_eq!(did_you_mean("zzz", known), None);
    }

    /// Many names like one another, so that only the index's neighbourhoods are scored.
    fn crowd() -> Vec<String> {
        let mut names: Vec<String> = (0..20_000).map(|i| format!("Trading Company {i:05}")).collect();
        names.push("Munitions Industry Department".into());
        names.push("Korea Rungrado General Trading Corporation".into());
        names.push("Ministry of State Security".into());
        names
    }

    #[test]
    fn an_index_finds_typos_at_the_start_middle_and_end_among_many_names() {
        let names = crowd();
        let index = Index::new(names.iter().map(String::as_str));
        let best = |word: &str| index.nearest(word, 1).first().map(|&i| names[i as usize].as_str());
        assert_eq!(best("munitions dept"), Some("Munitions Industry Department"));
        assert_eq!(best("Nunitions Industry Department"), Some("Munitions Industry Department"));
        assert_eq!(
            best("Korea Rungrado General Tradng Corporation"),
            Some("Korea Rungrado General Trading Corporation")
        );
        assert_eq!(best("ministry of state securty"), Some("Ministry of State Security"));
        assert_eq!(best("Trading Company 01234"), Some("Trading Company 01234"));
        assert_eq!(best("qqqqqqqq"), None);
    }

    #[test]
    fn an_index_agrees_with_the_whole_scan_on_short_lists() {
        let names = ["Munitions Industry Department", "Korea Mining", "Korea Mining Development", "employs"];
        let index = Index::new(names.iter().copied());
        for word in ["munitions dept", "korea minig", "Korea Mining", "employ", "zzz"] {
            let by_index: Vec<&str> = index.nearest(word, 3).into_iter().map(|i| names[i as usize]).collect();
            assert_eq!(by_index, nearest(word, names, 3), "{word}");
        }
    }

    #[test]
    fn a_very_long_word_is_compared_by_its_start_and_end() {
        let names = crowd();
        let index = Index::new(names.iter().map(String::as_str));
        let long = format!("Munitions Industry Department{}", "x".repeat(100_000));
        assert_eq!(
            index.nearest(&long, 1).first().map(|&i| names[i as usize].as_str()),
            Some("Munitions Industry Department")
        );
        assert_eq!(did_you_mean(&long, ["Munitions Industry Department"]), Some("Munitions Industry Department"));
    }
}

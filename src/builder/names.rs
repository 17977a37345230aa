//! Finding known entities in running text: one Aho–Corasick automaton over every name and
//! alias of the graph, so a line is scanned once however many names there are.
//!
//! Matching is on whole words, ignores case and typographic quote marks (`North Korea’s`
//! finds `North Korea`), and prefers the longest name at a place (`Korea General
//! Corporation` over `Korea`). A name of one word (`Park`, `Gulf`, `KPA`) must appear
//! spelled as it is, capitals included, so that a surname or an acronym does not match an
//! ordinary word (`the park`, `kpa`); longer names ignore case. Names shorter than two
//! characters are not looked for.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::data::{Dataset, straight_quote};

/// A name found on a line: which entity, and where (byte offsets into the line as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub entity: u32,
    pub start: usize,
    pub end: usize,
}

/// The names of a graph, ready to be looked for.
pub struct NameFinder {
    automaton: AhoCorasick,
    /// For each pattern: the entity it names, and whether it must match as spelled.
    patterns: Vec<(u32, bool)>,
    /// The patterns' original spelling, for names that must match as spelled.
    spelled: Vec<String>,
}

impl NameFinder {
    /// Builds the automaton over `(entity number, name)` pairs; a name given for several
    /// entities finds all of them.
    pub fn new<'a>(names: impl IntoIterator<Item = (u32, &'a str)>) -> NameFinder {
        let mut folded = Vec::new();
        let mut patterns = Vec::new();
        let mut spelled = Vec::new();
        for (entity, name) in names {
            let name = name.trim();
            if name.chars().count() < 2 {
                continue;
            }
            let one_word = !name.contains(char::is_whitespace);
            folded.push(fold(name).text);
            patterns.push((entity, one_word));
            spelled.push(name.to_string());
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&folded)
            .expect("an automaton over the graph's names fits in memory");
        NameFinder { automaton, patterns, spelled }
    }

    /// Every name and alias of the entities of `data`.
    pub fn of(data: &Dataset) -> NameFinder {
        NameFinder::new(labels(data))
    }

    /// The number of names looked for.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether there are no names to look for.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The mentions on `line`, left to right; where names overlap, the longest that stands
    /// as whole words wins, and every entity that carries that name is reported.
    pub fn find(&self, line: &str) -> Vec<Mention> {
        let folded = fold(line);
        // Every whole-word occurrence of every name, as (start, end, pattern).
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(&folded.text) {
            let (start, end) = (m.start(), m.end());
            if !boundary(&folded.text, start, end) {
                continue;
            }
            let pattern = m.pattern().as_usize();
            let (start_orig, end_orig) = (folded.original(start), folded.original(end));
            if self.patterns[pattern].1 && straight(&line[start_orig..end_orig]) != straight(&self.spelled[pattern]) {
                continue;
            }
            found.push((start, end, pattern));
        }
        // Longest first at each start, then leftmost; keep those that overlap nothing kept.
        found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut out = Vec::new();
        let mut taken_to = 0;
        let mut i = 0;
        while i < found.len() {
            let (start, end, _) = found[i];
            let same = found[i..].iter().take_while(|f| f.0 == start && f.1 == end).count();
            // Sorted by start: only the matches that start inside this one can overlap its end.
            let longer_later = found[i + same..].iter().take_while(|f| f.0 < end).any(|f| f.1 > end);
            if start >= taken_to && !longer_later {
                for &(_, _, pattern) in &found[i..i + same] {
                    let entity = self.patterns[pattern].0;
                    let mention = Mention { entity, start: folded.original(start), end: folded.original(end) };
                    if !out.contains(&mention) {
                        out.push(mention);
                    }
                }
                taken_to = end;
            }
            i += same;
        }
        out
    }
}

/// Every entity's name and aliases, with its number.
pub fn labels(data: &Dataset) -> impl Iterator<Item = (u32, &str)> {
    data.all_entities().flat_map(|e| {
        std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str)).map(move |n| (e.number(), n))
    })
}

/// Whether `text[start..end]` stands as whole words: no letter, digit or `_` just before
/// or just after it. A match of a (UTF-8) name starts and ends on character boundaries, so
/// the characters beside it are read in constant time.
fn boundary(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(word) && !after.is_some_and(word)
}

/// `text` with its quote marks made straight, case kept.
fn straight(text: &str) -> String {
    text.chars().map(straight_quote).collect()
}

/// Text lower-cased with quote marks made straight, and where each of its bytes came from.
struct Folded {
    text: String,
    /// For each byte of `text`, and one past its end, the byte offset in the original.
    from: Vec<usize>,
}

impl Folded {
    fn original(&self, at: usize) -> usize {
        self.from[at]
    }
}

fn fold(line: &str) -> Folded {
    let mut text = String::with_capacity(line.len());
    let mut from = Vec::with_capacity(line.len() + 1);
    for (at, c) in line.char_indices() {
        for lower in straight_quote(c).to_lowercase() {
            let before = text.len();
            text.push(lower);
            from.extend(std::iter::repeat_n(at, text.len() - before));
        }
    }
    from.push(line.len());
    Folded { text, from }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finder() -> NameFinder {
        NameFinder::new([
            (0, "North Korea"),
            (1, "Korea General Corporation"),
            (2, "Korea"),
            (3, "KPA"),
            (4, "Poland"),
            (5, "Poland"),
        ])
    }

    fn names(line: &str) -> Vec<(u32, &str)> {
        finder().find(line).into_iter().map(|m| (m.entity, &line[m.start..m.end])).collect()
    }

    #[test]
    fn whole_words_longest_first() {
        assert_eq!(names("The Korea General Corporation sent men."), [(1, "Korea General Corporation")]);
        assert_eq!(names("North Korea and Korea"), [(0, "North Korea"), (2, "Korea")]);
        assert_eq!(names("Koreans in Koreatown"), []);
    }

    #[test]
    fn case_and_quote_marks_are_ignored_but_one_word_names_match_as_spelled() {
        assert_eq!(names("NORTH KOREA’S workers"), [(0, "NORTH KOREA")]);
        assert_eq!(names("the kpa and the KPA"), [(3, "KPA")]);
        assert_eq!(names("a poland, POLAND and Poland"), [(4, "Poland"), (5, "Poland")]);
    }

    #[test]
    fn a_name_of_two_entities_finds_both() {
        assert_eq!(names("in Poland."), [(4, "Poland"), (5, "Poland")]);
    }

    #[test]
    fn offsets_are_into_the_original_text() {
        // `İ` lower-cases to two characters; offsets still point into the given line.
        let line = "İİ North Korea";
        let m = &finder().find(line)[0];
        assert_eq!(&line[m.start..m.end], "North Korea");
    }
}

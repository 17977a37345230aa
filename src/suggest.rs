//! "Did you mean" suggestions for misspelt names, keys, kinds and relations.

/// The candidate closest to `word`, if any is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nearest(word, candidates, 1).into_iter().next()
}

/// Up to `n` candidates close to `word`, best first. Closeness is Jaro-Winkler similarity on
/// lower-cased text, so "munitions dept" finds "Munitions Industry Department".
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let word = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (similarity(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Help for an unknown word: the likely intended one, or the full list when none is close.
/// `what` names the list in the plural, e.g. "kinds".
pub fn help_for_unknown<'a>(word: &str, known: impl IntoIterator<Item = &'a str> + Clone, what: &str) -> String {
    match did_you_mean(word, known.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("known {what}: {}", known.into_iter().collect::<Vec<_>>().join(", ")),
    }
}

fn similarity(a: &str, b: &str) -> f64 {
    let whole = strsim::jaro_winkler(a, b);
    // A word typed as the start of a longer name ("munitions") is a strong hint too.
    let prefix = if b.starts_with(a) && a.len() >= 3 { 0.9 } else { 0.0 };
    whole.max(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let known = ["supplies_workers", "employs", "works_in"];
        assert_eq!(did_you_mean("suplies_workers", known), Some("supplies_workers"));
        assert_eq!(did_you_mean("employ", known), Some("employs"));
        assert_eq!(did_you_mean("zzz", known), None);
    }
}

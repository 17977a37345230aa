//! The README's examples are real: every ```text block whose first line is `$ kgq ...` is run
//! with the real binary on the built-in graph, and its output must match the rest of the
//! block (trailing spaces aside).

use crate::support::{kgq, root, stdout};

/// Splits a command line into words; single quotes group words, as in a shell.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```text" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        if let Some(command) = block.first().and_then(|l| l.strip_prefix("$ kgq ")) {
            out.push((command.to_string(), block[1..].join("\n")));
        }
    }
    out
}

fn tidy(text: &str) -> String {
    text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim_end().to_string()
}

/// Runs an example's command line and returns what it prints.
fn run(command: &str) -> String {
    let out = kgq(&words(command).iter().map(String::as_str).collect::<Vec<_>>(), &root());
    tidy(&(stdout(&out) + &crate::support::stderr(&out)))
}

/// With `KGQ_UPDATE_README=1`, the examples' outputs are rewritten in place instead.
fn update(readme: &str) -> String {
    let mut out = String::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim() != "```text" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        match block.first().and_then(|l| l.strip_prefix("$ kgq ")) {
            Some(command) => out.push_str(&format!("{}\n{}\n", block[0], run(command))),
            None => block.iter().for_each(|l| out.push_str(&format!("{l}\n"))),
        }
        out.push_str("```\n");
    }
    out
}

#[test]
fn readme_examples_are_real_output() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md exists");
    if std::env::var_os("KGQ_UPDATE_README").is_some() {
        kgq::fsutil::write_atomic(&path, update(&readme).as_bytes()).expect("README.md is writable");
        return;
    }
    let examples = examples(&readme);
    assert!(examples.len() >= 8, "the README's language tour has examples");
    let mut failures = Vec::new();
    for (command, expected) in examples {
        if command.contains("../shared/sources")
            && crate::support::shared_sources(&format!("the README example `kgq {command}`")).is_none()
        {
            continue;
        }
        let actual = run(&command);
        if actual != tidy(&expected) {
            failures.push(format!("$ kgq {command}\n--- README\n{expected}\n--- actual\n{actual}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "README examples differ from kgq's output (refresh with KGQ_UPDATE_README=1 cargo test readme):\n{}",
        failures.join("\n")
    );
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(words("query 'show \"Poland\"' --format json"), ["query", "show \"Poland\"", "--format", "json"]);
}

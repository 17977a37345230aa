//! JUnit XML for CI systems: one testsuite per script, one testcase per assertion, named
//! `file:line`, with the failure's message and detail.
//!
//! quick-xml escapes markup (`<`, `&`, quotes) but writes any character it is given, and
//! XML 1.0 forbids most control characters outright: a name or message holding one would
//! make the file unreadable to every CI system. Every string goes through `xml_safe`,
//! which writes those characters as visible escapes (`\x1b`) instead.

use std::borrow::Cow;
use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Verdict;

/// One script's verdicts.
pub struct Suite<'a> {
    pub file: &'a str,
    pub verdicts: &'a [Verdict],
}

/// Writes the suites as a JUnit XML document; well-formed whatever the strings hold.
pub fn write(suites: &[Suite]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let tests: usize = suites.iter().map(|s| s.verdicts.len()).sum();
    let failures: usize = suites.iter().map(|s| s.verdicts.iter().filter(|v| v.failure.is_some()).count()).sum();
    let mut put = |event: Event| w.write_event(event).expect("writing XML to memory cannot fail");
    put(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "kgq"));
    root.push_attribute(("tests", tests.to_string().as_str()));
    root.push_attribute(("failures", failures.to_string().as_str()));
    put(Event::Start(root));
    for suite in suites {
        let mut start = BytesStart::new("testsuite");
        let file = xml_safe(suite.file);
        start.push_attribute(("name", file.as_ref()));
        start.push_attribute(("tests", suite.verdicts.len().to_string().as_str()));
        let failed = suite.verdicts.iter().filter(|v| v.failure.is_some()).count();
        start.push_attribute(("failures", failed.to_string().as_str()));
        put(Event::Start(start));
        for v in suite.verdicts {
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("name", format!("{file}:{}", v.line).as_str()));
            case.push_attribute(("classname", file.as_ref()));
            match &v.failure {
                None => put(Event::Empty(case)),
                Some(f) => {
                    put(Event::Start(case));
                    let mut failure = BytesStart::new("failure");
                    failure.push_attribute(("message", xml_safe(&f.message).as_ref()));
                    put(Event::Start(failure));
                    put(Event::Text(BytesText::new(&xml_safe(&format!("{}\n{}", v.statement, f.detail)))));
                    put(Event::End(BytesEnd::new("failure")));
                    put(Event::End(BytesEnd::new("testcase")));
                }
            }
        }
        put(Event::End(BytesEnd::new("testsuite")));
    }
    put(Event::End(BytesEnd::new("testsuites")));
    let mut xml = String::from_utf8(w.into_inner()).expect("the XML writer writes UTF-8");
    xml.push('\n');
    xml
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The text with every character XML 1.0 forbids written as a visible escape (the
/// GraphML export uses it too).
pub(crate) fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if allowed(c) => out.push(c),
            c if c.is_ascii() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scripts::{Failed, Verdict};

    #[test]
    fn any_text_makes_well_formed_xml() {
        let hostile: String = (0u32..0x110000)
            .step_by(97)
            .filter_map(char::from_u32)
            .chain(['\u{0}', '\u{1b}', '\u{fffe}', '\u{ffff}', '<', '&', '"', ']'])
            .collect();
        let failure = Failed { message: hostile.clone(), detail: format!("]]>{hostile}") };
        let verdicts = [Verdict { line: 1, statement: hostile.clone(), failure: Some(failure) }];
        let xml = write(&[Suite { file: &hostile, verdicts: &verdicts }]);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let message = doc.descendants().find(|n| n.has_tag_name("failure")).and_then(|n| n.attribute("message"));
        assert!(message.is_some_and(|m| m.contains("\\x1b") && m.contains("<&")), "{message:?}");
    }
}

//! JUnit XML for CI systems: one testsuite per script, one testcase per assertion, named
//! `file:line`, with the failure's message and detail.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Verdict;

/// One script's verdicts.
pub struct Suite<'a> {
    pub file: &'a str,
    pub verdicts: &'a [Verdict],
}

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
        start.push_attribute(("name", suite.file));
        start.push_attribute(("tests", suite.verdicts.len().to_string().as_str()));
        let failed = suite.verdicts.iter().filter(|v| v.failure.is_some()).count();
        start.push_attribute(("failures", failed.to_string().as_str()));
        put(Event::Start(start));
        for v in suite.verdicts {
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("name", format!("{}:{}", suite.file, v.line).as_str()));
            case.push_attribute(("classname", suite.file));
            match &v.failure {
                None => put(Event::Empty(case)),
                Some(f) => {
                    put(Event::Start(case));
                    let mut failure = BytesStart::new("failure");
                    failure.push_attribute(("message", f.message.as_str()));
                    put(Event::Start(failure));
                    put(Event::Text(BytesText::new(&format!("{}\n{}", v.statement, f.detail))));
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

//! The web view of `kgq serve` in headless Chromium: runs tests/browser/web.test.js
//! (Node with playwright-core from tests/browser/package.json, driving Debian's
//! `/usr/bin/chromium`). Without Node, the installed packages or Chromium the test says
//! SKIPPED and passes, unless `KGQ_REQUIRE_BROWSER` is set (`.ci/run` sets it after
//! installing them), when their absence fails it.
//!
//! To install them by hand: `apt-get install chromium nodejs npm` and
//! `npm ci --prefix tests/browser`.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use crate::support::{root, shared_sources};

/// What is missing to run the browser tests, if anything.
fn missing(browser: &Path) -> Option<String> {
    let chromium = std::env::var_os("KGQ_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return Some(format!("no Chromium at {}", Path::new(&chromium).display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no `node` on the PATH".into());
    }
    if !browser.join("node_modules/playwright-core").is_dir() {
        return Some(format!("playwright-core is not installed (npm ci --prefix {})", browser.display()));
    }
    None
}

#[test]
fn the_web_view_works_in_a_real_browser() {
    let browser = root().join("tests/browser");
    if let Some(why) = missing(&browser) {
        assert!(
            std::env::var_os("KGQ_REQUIRE_BROWSER").is_none(),
            "KGQ_REQUIRE_BROWSER is set but the browser tests cannot run: {why}"
        );
        let _ = writeln!(std::io::stderr(), "SKIPPED: the web view in a browser: {why}");
        return;
    }
    let mut node = Command::new("node");
    node.arg(browser.join("web.test.js")).env("KGQ_BIN", env!("CARGO_BIN_EXE_kgq")).env_remove("KGQ_SOURCES");
    if let Some(sources) = shared_sources("the cited line in context, in the web view") {
        node.env("KGQ_SOURCES", sources);
    }
    let out = node.output().expect("node runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.contains(" passed, 0 failed"), "{report}");
}

//! The page's files, embedded in the binary (`include_str!` of `web/`): the page, its script
//! and style, and the vendored graph-drawing library with its licence (`web/vendor.sh`
//! fetches it again from npm). Nothing is read from disk or from the network at run time.

/// (URL path, content type, text) of every file the server hands out.
const FILES: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("../../web/index.html")),
    ("/app.js", "text/javascript; charset=utf-8", include_str!("../../web/app.js")),
    ("/svg.js", "text/javascript; charset=utf-8", include_str!("../../web/svg.js")),
    ("/style.css", "text/css; charset=utf-8", include_str!("../../web/style.css")),
    ("/vendor/cytoscape.min.js", "text/javascript; charset=utf-8", include_str!("../../web/vendor/cytoscape.min.js")),
    ("/vendor/cytoscape.LICENSE", "text/plain; charset=utf-8", include_str!("../../web/vendor/cytoscape.LICENSE")),
];

/// The content type and text of the file at `path`, if there is one.
pub fn find(path: &str) -> Option<(&'static str, &'static str)> {
    let path = if path == "/index.html" { "/" } else { path };
    FILES.iter().find(|(p, _, _)| *p == path).map(|&(_, t, text)| (t, text))
}

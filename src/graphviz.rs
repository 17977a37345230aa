//! Running Graphviz: DOT text in, an SVG or PNG image out, through the `dot` program found
//! on `PATH`. This is the only code that starts another program; it returns what happened,
//! and `cli` decides how to say it.

use std::io::{self, Write};
use std::process::{Command, Stdio};

/// The image formats Graphviz draws for kgq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Svg,
    Png,
}

impl Image {
    fn flag(self) -> &'static str {
        match self {
            Image::Svg => "-Tsvg",
            Image::Png => "-Tpng",
        }
    }
}

/// An image, and whatever Graphviz said while drawing it (usually nothing).
pub struct Drawn {
    pub bytes: Vec<u8>,
    pub warnings: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GraphvizError {
    #[error("Graphviz `dot` was not found on PATH; install graphviz, or export --format dot")]
    NotFound,
    #[error("Graphviz `dot` failed ({status})")]
    Failed { status: String, stderr: String },
    #[error("cannot run Graphviz `dot`: {0}")]
    Io(#[from] io::Error),
}

/// Draws `dot` as an image with `dot -Tsvg` or `dot -Tpng`.
pub fn draw(dot: &str, image: Image) -> Result<Drawn, GraphvizError> {
    let mut child = Command::new("dot")
        .arg(image.flag())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| if e.kind() == io::ErrorKind::NotFound { GraphvizError::NotFound } else { e.into() })?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    // The input is written from a second thread: Graphviz may fill its output pipe before
    // it has read all of a large graph, and both sides would wait for ever.
    let (written, output) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || stdin.write_all(dot.as_bytes()));
        let output = child.wait_with_output();
        (writer.join().expect("writing to a pipe does not panic"), output)
    });
    let output = output?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(GraphvizError::Failed { status: output.status.to_string(), stderr });
    }
    written?;
    Ok(Drawn { bytes: output.stdout, warnings: stderr })
}

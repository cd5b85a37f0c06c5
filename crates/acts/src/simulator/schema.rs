//! Validation of the documents the prefecture receives against the @ctes schema, with `xmllint` (Debian
//! `libxml2-utils`) when it is installed. Without it the simulator still runs: documents are only read by the
//! legality layer, which checks their structure but not every constraint of the schema.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The schema and the two it imports, written beside the simulator's state so that `xmllint` finds them.
const SCHEMAS: [(&str, &[u8]); 3] = [
    ("actesv1_1.xsd", include_bytes!("../../../../schemas/actes/actesv1_1.xsd")),
    ("siret.xsd", include_bytes!("../../../../schemas/actes/siret.xsd")),
    ("insee-commun.xsd", include_bytes!("../../../../schemas/actes/insee-commun.xsd")),
];

/// How many lines of `xmllint`'s report an anomaly quotes.
const REPORTED_LINES: usize = 3;

pub(super) struct SchemaValidator {
    /// The main schema on disk, when `xmllint` is on the PATH.
    schema: Option<PathBuf>,
}

impl SchemaValidator {
    /// Writes the schemas into `dir` (unless already there) and looks for `xmllint`.
    pub(super) fn install(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        for (name, bytes) in SCHEMAS {
            let path = dir.join(name);
            if fs::read(&path).ok().as_deref() != Some(bytes) {
                fs::write(&path, bytes)?;
            }
        }
        let probe = Command::new("xmllint").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        let schema = match probe {
            Ok(_) => Some(dir.join(SCHEMAS[0].0)),
            Err(error) => {
                tracing::warn!(
                    %error,
                    "xmllint not found: the prefecture simulator reads the packages it receives without validating them against the @ctes schema"
                );
                None
            }
        };
        Ok(Self { schema })
    }

    /// `None` when the document `name` is valid (or cannot be checked, `xmllint` missing), else why not, in
    /// French. An error means `xmllint` could not be run.
    pub(super) fn check(&self, name: &str, xml: &[u8]) -> io::Result<Option<String>> {
        let Some(schema) = &self.schema else { return Ok(None) };
        let mut child = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or_else(|| io::Error::other("xmllint stdin"))?;
        // Written from another thread: xmllint may report errors before it has read the whole document.
        let output = std::thread::scope(|scope| {
            let writer = scope.spawn(move || stdin.write_all(xml));
            let output = child.wait_with_output();
            // A broken pipe only means xmllint stopped reading; its report says why.
            let _ = writer.join();
            output
        })?;
        if output.status.success() {
            return Ok(None);
        }
        let report = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<String> = report
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with("- fails to validate"))
            .take(REPORTED_LINES)
            .map(|line| line.strip_prefix("-:").map_or_else(|| line.to_string(), |rest| format!("ligne {rest}")))
            .collect();
        Ok(Some(format!("« {name} » n'est pas conforme au schéma @ctes : {}", lines.join(" ; "))))
    }
}

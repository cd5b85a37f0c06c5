//! Validation of the documents the simulators receive (the prefecture's @ctes packages, the accountant's
//! PES files) against their official schemas, with `xmllint` (Debian `libxml2-utils`) when it is installed.
//! Without it the simulators still run: documents are only read by the protocol layers, which check their
//! structure but not every constraint of the schema.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The @ctes schema and the two it imports (the first file is the one documents are checked against).
pub(crate) const ACTES: SchemaSet = SchemaSet {
    label: "@ctes",
    files: &[
        ("actesv1_1.xsd", include_bytes!("../../../schemas/actes/actesv1_1.xsd")),
        ("siret.xsd", include_bytes!("../../../schemas/actes/siret.xsd")),
        ("insee-commun.xsd", include_bytes!("../../../schemas/actes/insee-commun.xsd")),
    ],
};

// The PES V2 schemas (`PES_ALLER`, listed by the build script from `schemas/pes`).
include!(concat!(env!("OUT_DIR"), "/pes_schemas.rs"));

/// The PES V2 schema tree, checked from `PES_V2/Rev0/PES_Aller.xsd`.
pub(crate) const PES_ALLER: SchemaSet = SchemaSet { label: "PES V2", files: PES_FILES };

/// A schema and the files it includes, by path relative to one folder.
pub(crate) struct SchemaSet {
    label: &'static str,
    files: &'static [(&'static str, &'static [u8])],
}

/// How many lines of `xmllint`'s report an anomaly quotes.
const REPORTED_LINES: usize = 3;

pub(crate) struct SchemaValidator {
    /// The main schema on disk, when `xmllint` is on the PATH.
    schema: Option<PathBuf>,
    label: &'static str,
}

impl SchemaValidator {
    /// Writes the schemas of `set` into `dir` (unless already there) and looks for `xmllint`.
    pub(crate) fn install(dir: &Path, set: &SchemaSet) -> io::Result<Self> {
        for (name, bytes) in set.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            if fs::read(&path).ok().as_deref() != Some(*bytes) {
                fs::write(&path, bytes)?;
            }
        }
        let probe = Command::new("xmllint").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        let schema = match probe {
            Ok(_) => Some(dir.join(set.files[0].0)),
            Err(error) => {
                tracing::warn!(
                    %error,
                    label = set.label,
                    "xmllint not found: the simulator reads the documents it receives without validating them against their schema"
                );
                None
            }
        };
        Ok(Self { schema, label: set.label })
    }

    /// `None` when the document `name` is valid (or cannot be checked, `xmllint` missing), else why not, in
    /// French. An error means `xmllint` could not be run.
    pub(crate) fn check(&self, name: &str, xml: &[u8]) -> io::Result<Option<String>> {
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
        Ok(Some(format!("« {name} » n'est pas conforme au schéma {} : {}", self.label, lines.join(" ; "))))
    }
}

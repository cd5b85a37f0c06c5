//! Lists the PES V2 schema files of `schemas/pes` for `src/xsd.rs` (`PES_FILES`, embedded with
//! `include_bytes!`), the main schema `PES_V2/Rev0/PES_Aller.xsd` first, so that the accountant simulator can
//! write the whole tree beside its state and validate what it receives with `xmllint`.

use std::path::{Path, PathBuf};
use std::{env, fs};

const MAIN: &str = "PES_V2/Rev0/PES_Aller.xsd";

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../../schemas/pes");
    let root = root.canonicalize().expect("schemas/pes is in the repository");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.retain(|f| f.extension().is_some_and(|e| e == "xsd"));
    let relative = |f: &PathBuf| f.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
    files.sort_by_key(|f| (relative(f) != MAIN, relative(f)));
    assert_eq!(files.first().map(relative).as_deref(), Some(MAIN), "{MAIN} missing from schemas/pes");
    let mut out = String::from("/// The PES V2 schema files, by path under `schemas/pes`, the main schema first.\n");
    out.push_str("const PES_FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        out.push_str(&format!("    ({:?}, include_bytes!({:?})),\n", relative(file), file.display().to_string()));
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("pes_schemas.rs"), out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable schema folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

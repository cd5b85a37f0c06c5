//! PDF documents from typst templates, in a leaf crate so that only the slices printing documents pay
//! for typst's compile time.
//!
//! A template is typst markup; its data arrive as JSON in `sys.inputs.data`, read with
//! `#let data = json(bytes(sys.inputs.data))`. Fonts are embedded in the binary (typst's own set:
//! Libertinus Serif, New Computer Modern, DejaVu Sans Mono), so rendering needs no file and no network.
//!
//! A document that also exists as a web page prints from its HTML instead, through [`html_pdf`], so that
//! the page and the PDF have one source and cannot differ.

mod html;

pub use html::html_pdf;

use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Str};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("le modèle de document contient une erreur : {0}")]
    Template(String),
    #[error("export PDF impossible : {0}")]
    Pdf(String),
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

/// A one-file world: the template, its data, the embedded fonts.
struct DocumentWorld {
    library: LazyHash<Library>,
    main: Source,
}

impl DocumentWorld {
    fn new(template: &str, data: &serde_json::Value) -> Self {
        let mut inputs = Dict::new();
        inputs.insert(Str::from("data"), Str::from(data.to_string()).into_value());
        let library = Library::builder().with_inputs(inputs).build();
        let path = RootedPath::new(VirtualRoot::Project, VirtualPath::new("main.typ").expect("a valid virtual path"));
        Self { library: LazyHash::new(library), main: Source::new(FileId::new(path), template.to_string()) }
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() { Ok(Bytes::from_string(self.main.text().to_string())) } else { Err(FileError::AccessDenied) }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// Documents never read the clock: a date they print comes with their data, so that the same data
    /// always give the same document.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// Renders a typst template with its JSON data to PDF bytes.
pub fn render_pdf(template: &str, data: &serde_json::Value) -> Result<Vec<u8>, DocError> {
    let world = DocumentWorld::new(template, data);
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| DocError::Template(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join(" ; ")))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| DocError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join(" ; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_data_into_a_pdf() {
        let template = "#let data = json(bytes(sys.inputs.data))\n= #data.title\n#table(columns: 2, ..data.rows.flatten())";
        let pdf = render_pdf(template, &serde_json::json!({ "title": "Annexe 2", "rows": [["Juvignac", "96,80 €"]] })).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 1000);
    }

    #[test]
    fn template_errors_are_reported() {
        let error = render_pdf("#let x = ", &serde_json::json!({})).unwrap_err();
        assert!(matches!(error, DocError::Template(_)), "{error}");
    }
}

//! The incremental update (ISO 32000-1 §7.5.6) that adds a signature to a PDF without touching its
//! bytes: a signature field with its visible block on the last page, the signature dictionary with
//! a `/ByteRange` and a zero-filled `/Contents` that the CMS signature then fills, and a
//! cross-reference section of the same kind as the file's last one (table or stream).

use crate::SigningError;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::fmt::Write as _;
use time::OffsetDateTime;

/// Room for the DER signature: certificates, the timestamp token and its certificates fit easily.
const SIGNATURE_CAPACITY: usize = 16 * 1024;
const BYTE_RANGE_RESERVED: &str = "/ByteRange [0 0000000000 0000000000 0000000000]";

/// The visible signature and the claims of its dictionary.
pub struct Field<'a> {
    pub signer_name: &'a str,
    pub reason: &'a str,
    pub location: &'a str,
    pub signed_at: OffsetDateTime,
    /// Lines printed in the signature block.
    pub lines: Vec<String>,
}

/// A PDF with the space reserved for its signature: `bytes[contents.0..contents.1]` is `<00…00>`.
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub contents: (usize, usize),
}

impl Prepared {
    /// The two signed byte ranges, everything but the reserved space.
    pub fn signed_bytes(&self) -> [&[u8]; 2] {
        [&self.bytes[..self.contents.0], &self.bytes[self.contents.1..]]
    }

    /// Writes the DER signature into the reserved space.
    pub fn embed(mut self, signature: &[u8]) -> Result<Vec<u8>, SigningError> {
        let hex = hex::encode_upper(signature);
        let room = self.contents.1 - self.contents.0 - 2;
        if hex.len() > room {
            return Err(SigningError::Signature(format!("signature de {} octets, place réservée {}", signature.len(), room / 2)));
        }
        let start = self.contents.0 + 1;
        self.bytes[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
}

/// Appends the signature field and the reserved `/Contents` to `original`.
pub fn prepare(original: &[u8], field: &Field<'_>) -> Result<Prepared, SigningError> {
    let doc = Document::load_mem(original).map_err(|e| SigningError::Pdf(e.to_string()))?;
    if doc.trailer.has(b"Encrypt") {
        return Err(SigningError::Pdf("les PDF chiffrés ne peuvent pas être signés".into()));
    }
    let root_id = reference(doc.trailer.get(b"Root").ok()).ok_or_else(|| SigningError::Pdf("pas de catalogue (/Root)".into()))?;
    let page_id = *doc.get_pages().values().last().ok_or_else(|| SigningError::Pdf("document sans page".into()))?;
    let previous_xref = last_startxref(original)?;
    let xref_is_stream = !original.get(previous_xref..).is_some_and(|rest| rest.starts_with(b"xref"));

    let size = match doc.trailer.get(b"Size") {
        Ok(Object::Integer(n)) => u32::try_from(*n).map_err(|_| SigningError::Pdf("/Size invalide".into()))?,
        _ => return Err(SigningError::Pdf("/Size absent du trailer".into())),
    };
    let next = size.max(doc.max_id + 1);
    let (sig_id, widget_id, appearance_id, font_id) = ((next, 0), (next + 1, 0), (next + 2, 0), (next + 3, 0));

    let mut updates: Vec<(ObjectId, Vec<u8>)> = Vec::new();
    let mut catalog = dictionary(&doc, root_id)?;
    let existing_fields = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let mut form = dictionary(&doc, *form_id)?;
            let count = add_to_array(&doc, &mut form, b"Fields", widget_id);
            form.set("SigFlags", 3);
            updates.push((*form_id, serialize(&Object::Dictionary(form))));
            count
        }
        Ok(Object::Dictionary(form)) => {
            let mut form = form.clone();
            let count = add_to_array(&doc, &mut form, b"Fields", widget_id);
            form.set("SigFlags", 3);
            catalog.set("AcroForm", form);
            updates.push((root_id, serialize(&Object::Dictionary(catalog))));
            count
        }
        _ => {
            let mut form = Dictionary::new();
            form.set("Fields", vec![Object::Reference(widget_id)]);
            form.set("SigFlags", 3);
            catalog.set("AcroForm", form);
            updates.push((root_id, serialize(&Object::Dictionary(catalog))));
            0
        }
    };
    let mut page = dictionary(&doc, page_id)?;
    add_to_array(&doc, &mut page, b"Annots", widget_id);
    let media_box = media_box(&doc, page_id);
    updates.push((page_id, serialize(&Object::Dictionary(page))));

    let (width, height) = (260.0, 14.0 + 11.0 * field.lines.len() as f32);
    let x = (media_box[2] - width - 36.0).max(media_box[0]);
    let y = media_box[1] + 36.0;
    let widget = format!(
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T {} /V {} 0 R /F 132 /P {} {} R /Rect [{} {} {} {}] /AP << /N {} 0 R >> >>",
        text_string(&format!("Signature{}", existing_fields + 1)),
        sig_id.0,
        page_id.0,
        page_id.1,
        number(x),
        number(y),
        number(x + width),
        number(y + height),
        appearance_id.0
    );
    updates.push((widget_id, widget.into_bytes()));
    updates.push((appearance_id, appearance_stream(width, height, &field.lines, font_id.0)));
    updates.push((font_id, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec()));
    let signature_dictionary = format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached {BYTE_RANGE_RESERVED} /Contents <{}> /M {} /Name {} /Reason {} /Location {} >>",
        "0".repeat(SIGNATURE_CAPACITY * 2),
        text_string(&pdf_date(field.signed_at)),
        text_string(field.signer_name),
        text_string(field.reason),
        text_string(field.location)
    );
    updates.push((sig_id, signature_dictionary.into_bytes()));

    let mut out = original.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    for (id, body) in &updates {
        offsets.push((*id, out.len()));
        out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let mut trailer = Dictionary::new();
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    trailer.set("Prev", previous_xref as i64);
    if xref_is_stream {
        write_xref_stream(&mut out, offsets, trailer, next + 4);
    } else {
        trailer.set("Size", i64::from(next + 4));
        write_xref_table(&mut out, offsets, &trailer);
    }
    fill_byte_range(out)
}

/// Locates the reserved `/Contents` and writes the byte range around it.
fn fill_byte_range(mut out: Vec<u8>) -> Result<Prepared, SigningError> {
    let range_at = find(&out, BYTE_RANGE_RESERVED.as_bytes()).ok_or_else(|| SigningError::Pdf("plage absente".into()))?;
    let contents_key = find(&out[range_at..], b"/Contents <").ok_or_else(|| SigningError::Pdf("contenu absent".into()))?;
    let start = range_at + contents_key + "/Contents ".len();
    let end = start + SIGNATURE_CAPACITY * 2 + 2;
    let range = format!("/ByteRange [0 {} {} {}]", start, end, out.len() - end);
    let padded = format!("{range:<width$}", width = BYTE_RANGE_RESERVED.len());
    out[range_at..range_at + padded.len()].copy_from_slice(padded.as_bytes());
    Ok(Prepared { bytes: out, contents: (start, end) })
}

fn write_xref_table(out: &mut Vec<u8>, mut offsets: Vec<(ObjectId, usize)>, trailer: &Dictionary) {
    offsets.sort();
    let xref_at = out.len();
    let mut table = String::from("xref\n");
    for ((id, generation), offset) in offsets {
        let _ = write!(table, "{id} 1\n{offset:010} {generation:05} n \n");
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(b"trailer\n");
    out.extend_from_slice(&serialize(&Object::Dictionary(trailer.clone())));
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
}

fn write_xref_stream(out: &mut Vec<u8>, mut offsets: Vec<(ObjectId, usize)>, mut trailer: Dictionary, xref_id: u32) {
    let xref_at = out.len();
    offsets.push(((xref_id, 0), xref_at));
    offsets.sort();
    let mut data = Vec::with_capacity(offsets.len() * 7);
    let mut index = Vec::new();
    for ((id, generation), offset) in &offsets {
        data.push(1u8);
        data.extend_from_slice(&(*offset as u32).to_be_bytes());
        data.extend_from_slice(&(*generation).to_be_bytes());
        index.extend([Object::Integer(i64::from(*id)), Object::Integer(1)]);
    }
    trailer.set("Type", Object::Name(b"XRef".to_vec()));
    trailer.set("Size", i64::from(xref_id + 1));
    trailer.set("Index", index);
    trailer.set("W", vec![Object::Integer(1), Object::Integer(4), Object::Integer(2)]);
    trailer.set("Length", data.len() as i64);
    out.extend_from_slice(format!("{xref_id} 0 obj\n").as_bytes());
    out.extend_from_slice(&serialize(&Object::Dictionary(trailer)));
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
}

/// The signature block: a framed light panel with the lines in Helvetica 8 pt.
fn appearance_stream(width: f32, height: f32, lines: &[String], font_id: u32) -> Vec<u8> {
    let mut content = format!(
        "q 0.96 0.96 0.96 rg 0 0 {w} {h} re f 0.2 0.2 0.2 RG 0.8 w 0.4 0.4 {wi} {hi} re S Q\nBT /F1 8 Tf 0 g 11 TL 7 {top} Td\n",
        w = number(width),
        h = number(height),
        wi = number(width - 0.8),
        hi = number(height - 0.8),
        top = number(height - 13.0)
    )
    .into_bytes();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            content.extend_from_slice(b"T* ");
        }
        content.extend_from_slice(&win_ansi_literal(line));
        content.extend_from_slice(b" Tj\n");
    }
    content.extend_from_slice(b"ET\n");
    let mut stream = format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 {} {}] /Resources << /Font << /F1 {font_id} 0 R >> >> /Length {} >>\nstream\n",
        number(width),
        number(height),
        content.len()
    )
    .into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    stream
}

/// A literal string in WinAnsiEncoding (Latin-1 letters; others become `?`).
fn win_ansi_literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let byte = match c {
            '€' => 0x80,
            '’' => 0x92,
            '–' => 0x96,
            '—' => 0x97,
            c if (c as u32) < 0x100 => c as u32 as u8,
            _ => b'?',
        };
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            0x20..=0x7e => out.push(byte),
            _ => out.extend_from_slice(format!("\\{byte:03o}").as_bytes()),
        }
    }
    out.push(b')');
    out
}

/// A PDF text string: literal when ASCII, UTF-16BE with its byte order mark otherwise.
fn text_string(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let escaped = text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        format!("({escaped})")
    } else {
        let mut hex = String::from("<FEFF");
        for unit in text.encode_utf16() {
            let _ = write!(hex, "{unit:04X}");
        }
        hex.push('>');
        hex
    }
}

/// `D:YYYYMMDDHHmmSS+HH'mm'` (ISO 32000-1 §7.9.4).
pub fn pdf_date(at: OffsetDateTime) -> String {
    let offset = at.offset();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        offset.whole_hours().unsigned_abs(),
        offset.minutes_past_hour().unsigned_abs()
    )
}

fn number(value: f32) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded:.2}") }
}

fn reference(object: Option<&Object>) -> Option<ObjectId> {
    match object {
        Some(Object::Reference(id)) => Some(*id),
        _ => None,
    }
}

fn dictionary(doc: &Document, id: ObjectId) -> Result<Dictionary, SigningError> {
    match doc.get_object(id) {
        Ok(Object::Dictionary(d)) => Ok(d.clone()),
        _ => Err(SigningError::Pdf(format!("objet {} {} : dictionnaire attendu", id.0, id.1))),
    }
}

/// Appends a reference to the array `key` of `dictionary` (resolving an indirect array and making it
/// direct); returns how many elements were there before.
fn add_to_array(doc: &Document, dictionary: &mut Dictionary, key: &[u8], added: ObjectId) -> usize {
    let mut items = match dictionary.get(key) {
        Ok(Object::Array(items)) => items.clone(),
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => items.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let before = items.len();
    items.push(Object::Reference(added));
    dictionary.set(key.to_vec(), items);
    before
}

/// The page's media box, inherited from the page tree when the page has none; A4 otherwise.
fn media_box(doc: &Document, page_id: ObjectId) -> [f32; 4] {
    let mut current = Some(page_id);
    for _ in 0..32 {
        let Some(id) = current else { break };
        let Ok(Object::Dictionary(node)) = doc.get_object(id) else { break };
        if let Ok(Object::Array(values)) = node.get(b"MediaBox") {
            let numbers: Vec<f32> = values
                .iter()
                .filter_map(|v| match v {
                    Object::Integer(i) => Some(*i as f32),
                    Object::Real(r) => Some(*r),
                    _ => None,
                })
                .collect();
            if let [a, b, c, d] = numbers[..] {
                return [a, b, c, d];
            }
        }
        current = reference(node.get(b"Parent").ok());
    }
    [0.0, 0.0, 595.28, 841.89]
}

/// The offset given by the file's last `startxref`.
fn last_startxref(bytes: &[u8]) -> Result<usize, SigningError> {
    let at = bytes.windows(9).rposition(|w| w == b"startxref").ok_or_else(|| SigningError::Pdf("startxref absent".into()))?;
    let digits: String =
        bytes[at + 9..].iter().map(|&b| b as char).skip_while(|c| c.is_ascii_whitespace()).take_while(char::is_ascii_digit).collect();
    digits.parse().map_err(|_| SigningError::Pdf("startxref illisible".into()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// PDF syntax of an object read by lopdf (strings written in hexadecimal).
fn serialize(object: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    write_object(object, &mut out);
    out
}

fn write_object(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r:.6}").trim_end_matches('0').trim_end_matches('.').as_bytes()),
        Object::Name(name) => write_name(name, out),
        Object::String(bytes, _) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode(bytes).as_bytes());
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(item, out);
            }
            out.push(b']');
        }
        Object::Dictionary(dictionary) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dictionary.iter() {
                out.push(b' ');
                write_name(key, out);
                out.push(b' ');
                write_object(value, out);
            }
            out.extend_from_slice(b" >>");
        }
        // Streams are never written inline: the dictionaries updated here hold references to them.
        Object::Stream(stream) => write_object(&Object::Dictionary(stream.dict.clone()), out),
        Object::Reference((id, generation)) => out.extend_from_slice(format!("{id} {generation} R").as_bytes()),
    }
}

fn write_name(name: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &b in name {
        if (0x21..=0x7e).contains(&b) && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

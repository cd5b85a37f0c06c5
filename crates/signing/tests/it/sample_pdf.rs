//! A one-page PDF written by hand, with a classic cross-reference table or a cross-reference stream,
//! and optionally padded with an incompressible stream to reach a given size.

/// How the sample's cross-references are written.
#[derive(Clone, Copy, Debug)]
pub enum XrefKind {
    Table,
    Stream,
}

/// A PDF of about `padding` bytes more than its small page.
pub fn sample_pdf(kind: XrefKind, padding: usize) -> Vec<u8> {
    let text = b"BT /F1 14 Tf 72 760 Td (Deliberation M2021-641 : texte de l'acte) Tj ET";
    let mut noise = Vec::with_capacity(padding);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while noise.len() < padding {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        noise.extend_from_slice(&state.to_le_bytes());
    }
    noise.truncate(padding);
    let bodies: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /N 6 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", text.len()).as_bytes(), text, b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        [format!("<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length {} >>\nstream\n", noise.len()).as_bytes(), &noise, b"\nendstream"]
            .concat(),
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    match kind {
        XrefKind::Table => {
            out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes());
            for offset in &offsets {
                out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
            }
            out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\n", bodies.len() + 1).as_bytes());
        }
        XrefKind::Stream => {
            let id = bodies.len() + 1;
            offsets.push(xref_at);
            let mut data = vec![0u8, 0, 0, 0, 0, 0xFF, 0xFF];
            for offset in &offsets {
                data.push(1);
                data.extend_from_slice(&(*offset as u32).to_be_bytes());
                data.extend_from_slice(&[0, 0]);
            }
            out.extend_from_slice(
                format!("{id} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n", id + 1, data.len())
                    .as_bytes(),
            );
            out.extend_from_slice(&data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
        }
    }
    out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

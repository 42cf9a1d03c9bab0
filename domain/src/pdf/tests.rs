//! Tests of the PDF layout and encoding.

use super::*;

const TEXT: &str = "Le patient présente une dyspnée d’effort, œdème des membres inférieurs « modéré » – à réévaluer.";

fn sample(paragraphs: usize) -> PdfDocument {
    let section = |heading: &str, paragraphs| PdfSection {
        heading: heading.into(),
        paragraphs,
    };
    PdfDocument {
        letterhead: vec![
            "Dr Claire Dupont — Cardiologie".into(),
            "12 rue de la Paix, Paris".into(),
        ],
        title: "Compte rendu de consultation".into(),
        subtitle: Some("Patient : Marie Martin — 12 mars 2026".into()),
        sections: vec![
            section("Vide", vec![" ".into()]),
            section("Examen", vec![TEXT.into(); paragraphs]),
        ],
        footer: "Cabinet de cardiologie — document confidentiel".into(),
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn output_is_a_complete_pdf() {
    let bytes = render(&sample(2));
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
    assert_eq!(count(&bytes, b"/Producer (medplat)"), 1);
    assert_eq!(count(&bytes, b"/WinAnsiEncoding"), 2);
    assert_eq!(count(&bytes, b"(page 1 / 1) Tj"), 1);
    assert_eq!(count(&bytes, b"(Vide)"), 0, "an empty section is skipped");
}

#[test]
fn a_long_document_flows_onto_several_pages() {
    let bytes = render(&sample(80));
    let pages = count(&bytes, b"/Type /Page") - count(&bytes, b"/Type /Pages");
    assert!(pages >= 3, "{pages} pages");
    let last = format!("(page {pages} / {pages}) Tj");
    assert_eq!(count(&bytes, last.as_bytes()), 1);
}

#[test]
fn accented_text_is_written_in_win_ansi() {
    let encoded = encode("é è à ç ô œ « » € ’ – —");
    assert_eq!(
        encoded,
        b"\xE9 \xE8 \xE0 \xE7 \xF4 \x9C \xAB \xBB \x80 \x92 \x96 \x97"
    );
    assert_eq!(encode("日本\tx\r"), b"?? x");
    let mut doc = sample(0);
    doc.sections.push(PdfSection {
        heading: "Conclusion".into(),
        paragraphs: vec!["Réévaluée".into()],
    });
    let bytes = render(&doc);
    // pdf-writer writes a string holding non-ASCII bytes in hexadecimal form.
    assert_eq!(count(&bytes, b"<52E9E976616C75E965> Tj"), 1);
    assert_eq!(count(&bytes, b"(Conclusion) Tj"), 1);
}

#[test]
fn wrapping_keeps_lines_within_the_width() {
    let text = encode(&format!("{TEXT} {} fin", "x".repeat(300)));
    let letters = |t: &[u8]| {
        t.iter()
            .copied()
            .filter(|&b| b != b' ')
            .collect::<Vec<u8>>()
    };
    for (font, width) in [(Font::Regular, TEXT_WIDTH), (Font::Bold, 120.0)] {
        let lines = wrap(&text, font, BODY_SIZE, width);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(text_width(line, font, BODY_SIZE) <= width, "{line:?}");
        }
        assert_eq!(
            letters(&lines.concat()),
            letters(&text),
            "only spaces are lost"
        );
    }
    assert_eq!(wrap(b"", Font::Regular, 10.0, 100.0), [b""]);
    assert_eq!(wrap(b"a  b", Font::Regular, 10.0, 100.0), [b"a b"]);
}

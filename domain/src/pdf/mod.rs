//! Printable PDF documents (consultation reports, letters): a letterhead, a title
//! and sections of paragraphs, laid out on A4 pages.
//!
//! Text uses the standard Helvetica fonts every PDF reader carries, so no font file
//! is embedded; it is encoded to WinAnsi, which covers French. Content streams stay
//! uncompressed so the text can be read back from the bytes.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A printable document: a letterhead, a title, sections of paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfDocument {
    /// The sender: the first line in bold (name, speciality), then address and phone.
    pub letterhead: Vec<String>,
    /// The document's title, also written to the file's information.
    pub title: String,
    /// A line under the title (patient, date).
    pub subtitle: Option<String>,
    /// The body; sections without any text are skipped.
    pub sections: Vec<PdfSection>,
    /// Printed at the bottom of every page, followed by "page N / M".
    pub footer: String,
}

/// A titled part of a [`PdfDocument`]; a paragraph may hold hard line breaks (`\n`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfSection {
    /// The section's heading, in bold.
    pub heading: String,
    /// The section's paragraphs.
    pub paragraphs: Vec<String>,
}

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.69; // 2 cm
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FOOTER_SIZE: f32 = 8.0;
const FOOTER_BASELINE: f32 = 34.0;
// A long footer is cut rather than allowed to eat the page.
const FOOTER_MAX_LINES: usize = 3;
const BODY_SIZE: f32 = 10.5;
const LEADING: f32 = 1.35;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// One of the two fonts used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

/// Helvetica advance widths (per 1000 em) of the printable ASCII characters.
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold advance widths (per 1000 em) of the printable ASCII characters.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The base letters of WinAnsi 0xC0 to 0xFF, whose width accented letters share
/// (`I` for the dotless ì í î ï, as wide as I); `#` for the other characters.
const BASE_LETTERS: &[u8; 64] = b"AAAAAA#CEEEEIIIIDNOOOOO#OUUUUYP#aaaaaa#ceeeeIIIIonooooo#ouuuuypy";

/// The advance width (per 1000 em) of a WinAnsi byte.
fn glyph_width(font: Font, byte: u8) -> u16 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let ascii = |c: u8| table[usize::from(c - b' ')];
    let pick = |regular, bold| if font == Font::Bold { bold } else { regular };
    let base = byte
        .checked_sub(0xC0)
        .map_or(b'#', |i| BASE_LETTERS[usize::from(i)]);
    match byte {
        b' '..=b'~' => ascii(byte),
        _ if base != b'#' => ascii(base),
        0x82 | 0x91 | 0x92 => pick(222, 278),
        0x84 | 0x93 | 0x94 => pick(333, 500),
        0x88 | 0x8B | 0x98 | 0x9B | 0xA8 | 0xAF | 0xB2..=0xB4 | 0xB8 | 0xB9 => 333,
        0xA0 | 0xB7 => 278,
        0x95 => 350,
        0xB0 => 400,
        0xAC | 0xB1 | 0xD7 | 0xF7 => 584,
        0xDF => 611,
        0xA9 | 0xAE | 0xBC..=0xBE => 834,
        0xE6 => 889,
        0x9C => 944,
        0x85 | 0x89 | 0x8C | 0x97 | 0x99 | 0xC6 => 1000,
        // Figures, currency signs, en dash, guillemets and the rest.
        _ => pick(556, 611),
    }
}

/// The width, in points, of WinAnsi text set in `font` at `size`.
fn text_width(text: &[u8], font: Font, size: f32) -> f32 {
    let units: u32 = text.iter().map(|&b| u32::from(glyph_width(font, b))).sum();
    units as f32 * size / 1000.0
}

/// The characters of WinAnsi bytes 0x80 to 0x9F; a space marks the five unused ones
/// (never looked up: ASCII is mapped first).
#[rustfmt::skip]
const WIN_ANSI_80: [char; 32] = [
    '€', ' ', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', ' ', 'Ž', ' ',
    ' ', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', ' ', 'ž', 'Ÿ',
];

/// Encodes text to WinAnsi bytes; characters WinAnsi lacks become `?`.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|&c| c != '\r')
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\t' => b' ',
            '\u{A0}'..='\u{FF}' => c as u8,
            // Thin spaces French puts before « ; : ! ? » do not break either.
            '\u{2007}' | '\u{2009}' | '\u{202F}' => 0xA0,
            '\u{2010}' | '\u{2011}' => b'-',
            _ => WIN_ANSI_80
                .iter()
                .position(|&high| high == c)
                .map_or(b'?', |i| 0x80 + i as u8),
        })
        .collect()
}

/// Breaks WinAnsi text into lines no wider than `max_width` points, at spaces, and
/// inside words too long for a line. Always gives at least one (maybe empty) line.
fn wrap(text: &[u8], font: Font, size: f32, max_width: f32) -> Vec<Vec<u8>> {
    let fits = |line: &[u8]| text_width(line, font, size) <= max_width;
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() {
            let mut longer = line.clone();
            longer.push(b' ');
            longer.extend_from_slice(word);
            if fits(&longer) {
                line = longer;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while !fits(rest) {
            // At least one character per line, so this always ends.
            let cut = (1..rest.len())
                .rev()
                .find(|&n| fits(&rest[..n]))
                .unwrap_or(1);
            lines.push(rest[..cut].to_vec());
            rest = &rest[cut..];
        }
        line = rest.to_vec();
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Something drawn on a page.
#[derive(Debug)]
enum Mark {
    /// WinAnsi text in a font and size, its baseline starting at a point.
    Text(Font, f32, [f32; 2], Vec<u8>),
    /// A rule across the text width, at a height.
    Rule(f32),
}

/// Places lines top-down, starting a new page when the body area is full.
struct Layout {
    /// The finished pages.
    pages: Vec<Vec<Mark>>,
    /// The page being filled.
    page: Vec<Mark>,
    /// The top of the next line's box.
    y: f32,
    /// The lowest point the body may reach (above the footer).
    bottom: f32,
}

impl Layout {
    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Moves to a new page unless `height` more points fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < self.bottom && !self.page.is_empty() {
            self.new_page();
        }
    }

    /// Vertical space, dropped at the top of a page.
    fn space(&mut self, points: f32) {
        if !self.page.is_empty() {
            self.y -= points;
        }
    }

    fn line(&mut self, font: Font, size: f32, text: Vec<u8>) {
        let height = size * LEADING;
        self.keep(height);
        let y = self.y - size;
        self.y -= height;
        self.page.push(Mark::Text(font, size, [MARGIN, y], text));
    }

    /// Wrapped text; each `\n` starts a new line.
    fn text(&mut self, font: Font, size: f32, text: &str) {
        for hard in text.split('\n') {
            for line in wrap(&encode(hard), font, size, TEXT_WIDTH) {
                self.line(font, size, line);
            }
        }
    }
}

/// Renders A4 pages; text wraps to the page width and flows onto new pages.
pub fn render(doc: &PdfDocument) -> Vec<u8> {
    let label_room = text_width(b"page 0000 / 0000", Font::Regular, FOOTER_SIZE) + 12.0;
    let footer_width = TEXT_WIDTH - label_room;
    let mut footer = wrap(
        &encode(&doc.footer),
        Font::Regular,
        FOOTER_SIZE,
        footer_width,
    );
    footer.truncate(FOOTER_MAX_LINES);
    let footer_leading = FOOTER_SIZE * LEADING;
    let footer_top = FOOTER_BASELINE + footer.len() as f32 * footer_leading;

    let (pages, page, bottom) = (Vec::new(), Vec::new(), footer_top + 12.0);
    let mut layout = Layout {
        pages,
        page,
        y: PAGE_HEIGHT - MARGIN,
        bottom,
    };
    for (i, line) in doc.letterhead.iter().enumerate() {
        match i {
            0 => layout.text(Font::Bold, 13.0, line),
            _ => layout.text(Font::Regular, 9.0, line),
        }
    }
    if !doc.letterhead.is_empty() {
        layout.space(6.0);
        layout.page.push(Mark::Rule(layout.y));
        layout.space(24.0);
    }
    layout.text(Font::Bold, 16.0, &doc.title);
    if let Some(subtitle) = &doc.subtitle {
        layout.text(Font::Regular, 11.0, subtitle);
    }
    for section in &doc.sections {
        let paragraphs: Vec<&String> = section
            .paragraphs
            .iter()
            .filter(|p| !p.trim().is_empty())
            .collect();
        if paragraphs.is_empty() {
            continue;
        }
        layout.space(14.0);
        // A heading stays with the first line of its text.
        layout.keep(12.0 * LEADING + BODY_SIZE * LEADING);
        layout.text(Font::Bold, 12.0, &section.heading);
        layout.space(2.0);
        for paragraph in paragraphs {
            layout.text(Font::Regular, BODY_SIZE, paragraph);
            layout.space(5.0);
        }
    }

    layout.new_page();
    let mut pages = layout.pages;
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let label = format!("page {} / {count}", n + 1).into_bytes();
        let x = MARGIN + TEXT_WIDTH - text_width(&label, Font::Regular, FOOTER_SIZE);
        page.push(Mark::Rule(footer_top + 2.0));
        let at = [x, FOOTER_BASELINE];
        page.push(Mark::Text(Font::Regular, FOOTER_SIZE, at, label));
        for (i, line) in footer.iter().enumerate() {
            let y = FOOTER_BASELINE + (footer.len() - 1 - i) as f32 * footer_leading;
            let text = line.clone();
            page.push(Mark::Text(Font::Regular, FOOTER_SIZE, [MARGIN, y], text));
        }
    }
    write(&pages, &doc.title)
}

/// Writes laid-out pages as a PDF file.
fn write(pages: &[Vec<Mark>], title: &str) -> Vec<u8> {
    let mut ids = Ref::new(1);
    let catalog = ids.bump();
    let tree = ids.bump();
    let info = ids.bump();
    let regular = ids.bump();
    let bold = ids.bump();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (ids.bump(), ids.bump())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|&(page, _)| page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("medplat"));
    for (id, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (marks, &(page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        page.finish();
        let content = draw(marks);
        pdf.stream(content_id, content.as_slice());
    }
    pdf.finish()
}

/// The content stream of one page.
fn draw(marks: &[Mark]) -> pdf_writer::Buf {
    let mut content = Content::new();
    for mark in marks {
        match mark {
            Mark::Text(.., text) if text.is_empty() => {}
            Mark::Text(font, size, [x, y], text) => {
                let name = match font {
                    Font::Regular => REGULAR,
                    Font::Bold => BOLD,
                };
                content.begin_text().set_font(name, *size).next_line(*x, *y);
                content.show(Str(text)).end_text();
            }
            Mark::Rule(y) => {
                content.set_stroke_gray(0.6).set_line_width(0.5);
                content
                    .move_to(MARGIN, *y)
                    .line_to(MARGIN + TEXT_WIDTH, *y)
                    .stroke();
            }
        }
    }
    content.finish()
}

#[cfg(test)]
mod tests;

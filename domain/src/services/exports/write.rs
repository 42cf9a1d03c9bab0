//! The tabular formats, each written row by row to a file with a
//! well-kept library: CSV (`csv`), JSON lines (`serde_json`), Parquet
//! (`parquet`, typed columns in row groups) and Excel (`rust_xlsxwriter` in
//! constant-memory mode, a new sheet past Excel's row limit). Memory stays
//! flat: at most one Parquet row group is held.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::ser::{SerializeMap, Serializer};

use crate::error::{DomainError, DomainResult};
use crate::exports::table::{Cell, Column, Kind};
use crate::exports::{Dataset, Format};

/// Writes rows of one table to one file.
pub trait RowWriter: Send {
    fn write(&mut self, row: &[Cell]) -> DomainResult<()>;
    /// Ends the file.
    fn finish(self: Box<Self>) -> DomainResult<()>;
}

/// A writer of `format` to `path` (a folder for FHIR) for `columns` of
/// `dataset`.
pub fn open(
    format: Format,
    path: &Path,
    columns: &[Column],
    dataset: Dataset,
) -> DomainResult<Box<dyn RowWriter>> {
    Ok(match format {
        Format::Csv => Box::new(Csv::new(path, columns)?),
        Format::Json => Box::new(JsonLines::new(path, columns)?),
        Format::Parquet => Box::new(Parquet::new(path, columns)?),
        Format::Excel => Box::new(Excel::new(path, columns, dataset.as_str())),
        Format::Fhir => Box::new(super::fhir::Fhir::new(path, columns, dataset)?),
    })
}

fn io(err: impl std::error::Error + Send + Sync + 'static) -> DomainError {
    DomainError::internal(err)
}

fn buffered(path: &Path) -> DomainResult<BufWriter<File>> {
    Ok(BufWriter::with_capacity(
        1 << 16,
        File::create(path).map_err(io)?,
    ))
}

/// An instant as RFC 3339 in UTC, to the millisecond.
fn instant(t: Timestamp) -> String {
    format!("{t:.3}")
}

struct Csv {
    out: csv::Writer<BufWriter<File>>,
    line: Vec<String>,
}

impl Csv {
    fn new(path: &Path, columns: &[Column]) -> DomainResult<Self> {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(buffered(path)?);
        out.write_record(columns.iter().map(|c| c.name))
            .map_err(io)?;
        Ok(Self {
            out,
            line: Vec::with_capacity(columns.len()),
        })
    }
}

impl RowWriter for Csv {
    fn write(&mut self, row: &[Cell]) -> DomainResult<()> {
        self.line.clear();
        self.line.extend(row.iter().map(|cell| match cell {
            Cell::Null => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Timestamp(t) => instant(*t),
        }));
        self.out.write_record(&self.line).map_err(io)
    }

    fn finish(self: Box<Self>) -> DomainResult<()> {
        let mut inner = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        inner.flush().map_err(io)
    }
}

struct JsonLines {
    out: BufWriter<File>,
    names: Vec<&'static str>,
}

impl JsonLines {
    fn new(path: &Path, columns: &[Column]) -> DomainResult<Self> {
        Ok(Self {
            out: buffered(path)?,
            names: columns.iter().map(|c| c.name).collect(),
        })
    }
}

/// One row as a JSON object.
struct Object<'a>(&'a [&'static str], &'a [Cell]);

impl serde::Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, cell) in self.0.iter().zip(self.1) {
            match cell {
                Cell::Null => map.serialize_entry(name, &())?,
                Cell::Text(v) => map.serialize_entry(name, v)?,
                Cell::Int(v) => map.serialize_entry(name, v)?,
                Cell::Float(v) => map.serialize_entry(name, v)?,
                Cell::Bool(v) => map.serialize_entry(name, v)?,
                Cell::Date(v) => map.serialize_entry(name, &v.to_string())?,
                Cell::Timestamp(v) => map.serialize_entry(name, &instant(*v))?,
            }
        }
        map.end()
    }
}

impl RowWriter for JsonLines {
    fn write(&mut self, row: &[Cell]) -> DomainResult<()> {
        serde_json::to_writer(&mut self.out, &Object(&self.names, row)).map_err(io)?;
        self.out.write_all(b"\n").map_err(io)
    }

    fn finish(mut self: Box<Self>) -> DomainResult<()> {
        self.out.flush().map_err(io)
    }
}

/// Rows per Parquet row group: what is held in memory at most.
const ROW_GROUP: usize = 16_384;

/// One column's values of the current row group, and which rows have one.
enum Values {
    Text(Vec<parquet::data_type::ByteArray>),
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Date(Vec<i32>),
}

struct Parquet {
    out: Option<parquet::file::writer::SerializedFileWriter<BufWriter<File>>>,
    kinds: Vec<Kind>,
    values: Vec<Values>,
    present: Vec<Vec<i16>>,
    rows: usize,
}

/// Days since 1970-01-01.
fn epoch_days(d: Date) -> i32 {
    (d - Date::constant(1970, 1, 1)).get_days()
}

impl Parquet {
    fn new(path: &Path, columns: &[Column]) -> DomainResult<Self> {
        use parquet::basic::Compression;
        use parquet::file::properties::WriterProperties;
        let fields: String = columns
            .iter()
            .map(|c| {
                let ty = match c.kind {
                    Kind::Text => "BYTE_ARRAY {} (STRING)",
                    Kind::Int => "INT64 {}",
                    Kind::Float => "DOUBLE {}",
                    Kind::Bool => "BOOLEAN {}",
                    Kind::Date => "INT32 {} (DATE)",
                    Kind::Timestamp => "INT64 {} (TIMESTAMP(MILLIS,true))",
                };
                format!("OPTIONAL {};\n", ty.replace("{}", c.name))
            })
            .collect();
        let schema =
            parquet::schema::parser::parse_message_type(&format!("message export {{\n{fields}}}"))
                .map_err(io)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("MedPlat".to_owned())
            .build();
        let out = parquet::file::writer::SerializedFileWriter::new(
            buffered(path)?,
            Arc::new(schema),
            Arc::new(props),
        )
        .map_err(io)?;
        let kinds: Vec<Kind> = columns.iter().map(|c| c.kind).collect();
        let mut me = Self {
            out: Some(out),
            values: Vec::new(),
            present: vec![Vec::with_capacity(ROW_GROUP); kinds.len()],
            kinds,
            rows: 0,
        };
        me.values = me.empty_values();
        Ok(me)
    }

    fn empty_values(&self) -> Vec<Values> {
        self.kinds
            .iter()
            .map(|k| match k {
                Kind::Text => Values::Text(Vec::new()),
                Kind::Int | Kind::Timestamp => Values::Int(Vec::new()),
                Kind::Float => Values::Float(Vec::new()),
                Kind::Bool => Values::Bool(Vec::new()),
                Kind::Date => Values::Date(Vec::new()),
            })
            .collect()
    }

    fn flush(&mut self) -> DomainResult<()> {
        use parquet::data_type::{BoolType, ByteArrayType, DoubleType, Int32Type, Int64Type};
        if self.rows == 0 {
            return Ok(());
        }
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| DomainError::internal("closed"))?;
        let mut group = out.next_row_group().map_err(io)?;
        let values = std::mem::replace(&mut self.values, Vec::new());
        for (i, values) in values.iter().enumerate() {
            let mut column = group
                .next_column()
                .map_err(io)?
                .ok_or_else(|| DomainError::internal("parquet: a column short"))?;
            let defs = Some(self.present[i].as_slice());
            match values {
                Values::Text(v) => column.typed::<ByteArrayType>().write_batch(v, defs, None),
                Values::Int(v) => column.typed::<Int64Type>().write_batch(v, defs, None),
                Values::Float(v) => column.typed::<DoubleType>().write_batch(v, defs, None),
                Values::Bool(v) => column.typed::<BoolType>().write_batch(v, defs, None),
                Values::Date(v) => column.typed::<Int32Type>().write_batch(v, defs, None),
            }
            .map_err(io)?;
            column.close().map_err(io)?;
        }
        group.close().map_err(io)?;
        self.values = self.empty_values();
        self.present.iter_mut().for_each(Vec::clear);
        self.rows = 0;
        Ok(())
    }
}

impl RowWriter for Parquet {
    fn write(&mut self, row: &[Cell]) -> DomainResult<()> {
        for (i, cell) in row.iter().enumerate() {
            let there = !matches!(cell, Cell::Null);
            self.present[i].push(i16::from(there));
            match (&mut self.values[i], cell) {
                (_, Cell::Null) => {}
                (Values::Text(v), Cell::Text(s)) => v.push(s.as_str().into()),
                (Values::Int(v), Cell::Int(n)) => v.push(*n),
                (Values::Int(v), Cell::Timestamp(t)) => v.push(t.as_millisecond()),
                (Values::Float(v), Cell::Float(x)) => v.push(*x),
                (Values::Bool(v), Cell::Bool(b)) => v.push(*b),
                (Values::Date(v), Cell::Date(d)) => v.push(epoch_days(*d)),
                _ => return Err(DomainError::internal("a cell of the wrong type")),
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> DomainResult<()> {
        self.flush()?;
        if let Some(out) = self.out.take() {
            out.close().map_err(io)?;
        }
        Ok(())
    }
}

/// Rows of a worksheet, the header included (Excel's limit).
const EXCEL_ROWS: u32 = 1_048_576;
/// Characters of a cell (Excel's limit).
const EXCEL_CELL: usize = 32_767;

struct Excel {
    book: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
    columns: Vec<Column>,
    name: String,
    sheets: usize,
    /// The next row of the current sheet.
    row: u32,
    header: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
    instant: rust_xlsxwriter::Format,
}

impl Excel {
    fn new(path: &Path, columns: &[Column], name: &str) -> Self {
        use rust_xlsxwriter::{Color, Format, FormatBorder};
        Self {
            book: rust_xlsxwriter::Workbook::new(),
            path: path.to_owned(),
            columns: columns.to_vec(),
            name: name.chars().take(25).collect(),
            sheets: 0,
            row: EXCEL_ROWS,
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x00DB_EAFE))
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            instant: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        }
    }

    /// A new sheet with its header row, frozen.
    fn next_sheet(&mut self) -> DomainResult<()> {
        self.sheets += 1;
        let name = if self.sheets == 1 {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.sheets)
        };
        let sheet = self.book.add_worksheet_with_constant_memory().map_err(io)?;
        sheet.set_name(&name).map_err(io)?;
        for (c, column) in self.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(io)?;
            sheet
                .write_string_with_format(0, c, column.name, &self.header)
                .map_err(io)?;
            let width = match column.kind {
                Kind::Timestamp => 20.0,
                Kind::Date => 12.0,
                _ => (column.name.len() as f64 + 2.0).max(10.0),
            };
            sheet.set_column_width(c, width).map_err(io)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(io)?;
        self.row = 1;
        Ok(())
    }
}

fn excel_date(d: Date) -> DomainResult<rust_xlsxwriter::ExcelDateTime> {
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(io)?,
        d.month() as u8,
        d.day() as u8,
    )
    .map_err(io)
}

impl RowWriter for Excel {
    fn write(&mut self, row: &[Cell]) -> DomainResult<()> {
        if self.row >= EXCEL_ROWS {
            self.next_sheet()?;
        }
        let r = self.row;
        let index = self.sheets - 1;
        let sheet = self.book.worksheet_from_index(index).map_err(io)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(io)?;
            match cell {
                Cell::Null => continue,
                Cell::Text(s) if s.chars().count() > EXCEL_CELL => {
                    let cut: String = s.chars().take(EXCEL_CELL).collect();
                    sheet.write_string(r, c, cut)
                }
                Cell::Text(s) => sheet.write_string(r, c, s),
                Cell::Int(n) => sheet.write_number(r, c, *n as f64),
                Cell::Float(x) => sheet.write_number(r, c, *x),
                Cell::Bool(b) => sheet.write_boolean(r, c, *b),
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(r, c, &excel_date(*d)?, &self.date)
                }
                Cell::Timestamp(t) => {
                    let utc = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
                    let when = excel_date(utc.date())?
                        .and_hms(
                            utc.hour() as u16,
                            utc.minute() as u8,
                            f64::from(utc.second()),
                        )
                        .map_err(io)?;
                    sheet.write_datetime_with_format(r, c, &when, &self.instant)
                }
            }
            .map_err(io)?;
        }
        self.row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> DomainResult<()> {
        if self.sheets == 0 {
            self.next_sheet()?;
        }
        self.book.save(&self.path).map_err(io)
    }
}

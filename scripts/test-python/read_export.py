"""Reads a research export back with the tools researchers use and prints
what they see, as JSON, for the API tests to compare with the database:

    read_export.py csv|json|parquet|excel|fhir FILE

prints {"columns": [...], "types": {column: type}, "rows": [[...], ...],
"extra": {...}}: CSV and JSON lines through pandas, Parquet through pyarrow
(its column types), Excel through openpyxl (its sheets, header style, frozen
panes and cell types), FHIR NDJSON through fhir.resources' R4B models (each line
validated as its resourceType's model: rows are the resources as the model
writes them back, types the count of each resourceType). Dates come out as YYYY-MM-DD, instants as ISO 8601,
missing values as null.
"""

import datetime as dt
import json
import math
import sys


def plain(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return value


def with_pandas(kind, path):
    import pandas as pd

    if kind == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        rows = [[None if v == "" else v for v in row] for row in frame.itertuples(index=False)]
        types = {c: "text" for c in frame.columns}
    else:
        frame = pd.read_json(path, lines=True, dtype=False, convert_dates=False)
        rows = [[plain(v) for v in row] for row in frame.itertuples(index=False)]
        types = {c: str(t) for c, t in frame.dtypes.items()}
    return {"columns": list(frame.columns), "types": types, "rows": rows, "extra": {}}


def with_pyarrow(path):
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = table.column_names
    types = {f.name: str(f.type) for f in table.schema}
    data = table.to_pylist()
    rows = [[plain(r[c]) for c in columns] for r in data]
    meta = pq.ParquetFile(path).metadata
    return {
        "columns": columns,
        "types": types,
        "rows": rows,
        "extra": {"row_groups": meta.num_row_groups},
    }


def with_openpyxl(path):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False)
    columns = None
    rows = []
    types = {}
    sheets = []
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        sheets.append(
            {
                "name": sheet.title,
                "frozen": sheet.freeze_panes,
                "bold_header": all(c.font.bold for c in sheet[1]),
                "rows": sheet.max_row - 1,
            }
        )
        if columns is None:
            columns = header
        for line in sheet.iter_rows(min_row=2):
            row = []
            for name, cell in zip(header, line):
                value = cell.value
                if value is not None:
                    kind = (
                        "date" if cell.is_date else type(value).__name__
                    )
                    types.setdefault(name, kind)
                if isinstance(value, dt.datetime) and cell.number_format == "yyyy-mm-dd":
                    value = value.date()
                row.append(plain(value))
            rows.append(row)
    return {"columns": columns or [], "types": types, "rows": rows, "extra": {"sheets": sheets}}


def with_fhir_resources(path):
    # FHIR R4 (the R4B models: R4B changed none of the resources written).
    from fhir.resources.R4B import get_fhir_model_class

    rows = []
    types = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            raw = json.loads(line)
            kind = raw.get("resourceType")
            try:
                model = get_fhir_model_class(kind).model_validate(raw)
            except Exception as error:
                raise SystemExit(f"line {number}: not a valid {kind}: {error}")
            rows.append(json.loads(model.model_dump_json()))
            types[kind] = types.get(kind, 0) + 1
    return {"columns": [], "types": types, "rows": rows, "extra": {}}


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind in ("csv", "json"):
        out = with_pandas(kind, path)
    elif kind == "parquet":
        out = with_pyarrow(path)
    elif kind == "excel":
        out = with_openpyxl(path)
    elif kind == "fhir":
        out = with_fhir_resources(path)
    else:
        raise SystemExit(f"unknown format {kind}")
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

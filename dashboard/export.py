"""Downloads: the filtered statement table as CSV / JSON / Parquet, the manifest, the charts.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return; OWASP "CSV injection") get a leading apostrophe, so a comment reading
``=HYPERLINK(...)`` opens as text. Parquet and JSON keep the text exactly: no spreadsheet
evaluates them. Chart PNGs need the optional ``kaleido`` package; without it the page says so
and the chart toolbar's camera button still saves a PNG.
"""

from __future__ import annotations

import importlib.util
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import schema

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text columns are neutralised (numbers stay numbers: -0.5 is not a formula)."""
    out = frame.copy()
    for column in out.columns:
        if _is_text(out[column]):
            text = out[column].astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            if bool(risky.any()):
                out[column] = text.mask(risky, "'" + text)
    return out


def to_csv(frame: pd.DataFrame, *, first: bool = True) -> bytes:
    """UTF-8 CSV of a neutralised copy. The ``first`` part of a file has the header and a BOM
    (so spreadsheets pick the encoding); later parts of a streamed file have neither."""
    table = neutralize_frame(_table(frame))
    text = table.to_csv(index=False, header=first, date_format="%Y-%m-%dT%H:%M:%S%z")
    return (("\ufeff" if first else "") + text).encode("utf-8")


def to_json(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> bytes:
    """One JSON document: the run manifest and the statements (evidence kept as JSON text)."""
    table = _table(frame)
    records = json.loads(table.to_json(orient="records", date_format="iso", force_ascii=False))
    document = {"manifest": dict(manifest), "statements": records}
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def to_parquet(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> bytes:
    """Parquet with the manifest stored in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(_table(frame), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"reaction_lens_manifest"] = json.dumps(dict(manifest), default=str).encode("utf-8")
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buffer)
    return buffer.getvalue()


def manifest_json(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(manifest), ensure_ascii=False, indent=2, default=str).encode("utf-8")


def charts_html(figures: Sequence[go.Figure], *, title: str = "ReactionLens charts") -> bytes:
    """One self-contained HTML page with every chart (plotly.js included once, works offline)."""
    parts = [
        pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0), default_width="100%")
        for i, fig in enumerate(figures)
    ]
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escaped}</title></head><body style='font-family:sans-serif;margin:24px'>"
        f"<h1>{escaped}</h1>" + "\n".join(parts) + "</body></html>"
    )
    return page.encode("utf-8")


def png_available() -> bool:
    """Whether plotly can write PNG here (it needs the optional kaleido package)."""
    return importlib.util.find_spec("kaleido") is not None


def to_png(fig: go.Figure, *, width: int = 1100, height: int = 550) -> bytes:
    return bytes(pio.to_image(fig, format="png", width=width, height=height, scale=2))


def export_manifest(
    manifest: Mapping[str, Any], *, filters: Mapping[str, Any], rows: int, total: int
) -> dict[str, Any]:
    """The run manifest plus what this export holds (filters, rows kept of how many)."""
    return {**dict(manifest), "export": {"filters": dict(filters), "rows": rows, "of": total}}


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """The statement columns in schema order with schema dtypes (views use categoricals)."""
    return schema.validate(frame[list(schema.COLUMNS)])


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype) or column.dtype == object

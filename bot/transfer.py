"""Reading and writing opportunity files (JSON Lines and CSV) in the contract's fields.

Reading never touches the store: a file is parsed and every row validated first, so the caller
can write all the good rows in one transaction and report every bad one by its line number.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from bot.models import EXTRA_FIELDS, FIELDS, InvalidOpportunity, Opportunity, opportunity_from_row

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
KNOWN_FIELDS = set(FIELDS) | set(EXTRA_FIELDS)
MAX_FILE_BYTES = 1 << 30


class UnreadableFile(Exception):
    """Raised when a whole file cannot be read: missing, a folder, too big, or of an unknown format."""


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class FileReading:
    path: str
    opportunities: list[Opportunity] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unknown_fields: set[str] = field(default_factory=set)


def read_opportunities(path: str | Path) -> FileReading:
    """Parse and validate every row of one file; bad rows are collected, not raised."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(f"Cannot tell the format of {path}: name it .jsonl or .csv.")
    text = _read_text(path)
    reading = FileReading(str(path))
    rows = _jsonl_rows(text) if fmt == "jsonl" else _csv_rows(text)
    seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, RowError):
            reading.errors.append(row)
            continue
        reading.unknown_fields.update(k for k in row if k not in KNOWN_FIELDS)
        try:
            opp = opportunity_from_row(row)
        except InvalidOpportunity as e:
            reading.errors.append(RowError(line, str(e)))
            continue
        if opp.id in seen:
            reading.errors.append(RowError(line, f"id {opp.id!r} was already used on line {seen[opp.id]}"))
            continue
        seen[opp.id] = line
        reading.opportunities.append(opp)
    return reading


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableFile(f"{path} is larger than 1 GB; split it into smaller files.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise UnreadableFile(f"{path} cannot be read (permission denied).") from None
    # Undecodable bytes become U+FFFD, so only the rows that hold them are rejected.
    return data.decode("utf-8-sig", errors="replace")


def _bad_bytes(line: int) -> RowError:
    return RowError(line, "the row holds bytes that are not UTF-8 text")


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\ufffd" in line:
            yield number, _bad_bytes(number)
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as e:
            reason = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
            yield number, RowError(number, f"not valid JSON ({reason})")
            continue
        if not isinstance(row, dict):
            yield number, RowError(number, "a line must hold one JSON object")
            continue
        yield number, row


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield reader.line_num, RowError(reader.line_num, f"not valid CSV ({e})")
            continue
        line = reader.line_num
        if header is None:
            header = [c.strip() for c in cells]
            if "title" not in header:
                yield line, RowError(line, "the first row must name the columns, including title")
                return
            continue
        if not any(c.strip() for c in cells):
            continue
        if any("\ufffd" in c for c in cells):
            yield line, _bad_bytes(line)
        elif len(cells) > len(header):
            yield line, RowError(line, f"has {len(cells)} cells but the header names {len(header)} columns")
        else:
            yield line, {name: value for name, value in zip(header, cells) if value != ""}


def write_jsonl(opps: Iterable[Opportunity], out: TextIO) -> int:
    count = 0
    for opp in opps:
        out.write(json.dumps(opp.contract_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(opps: Iterable[Opportunity], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for opp in opps:
        writer.writerow({k: _csv_cell(v) for k, v in opp.contract_dict().items()})
        count += 1
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value

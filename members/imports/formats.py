"""Reading and writing the spreadsheets: CSV (comma or semicolon, UTF-8 or Windows-1252) and XLSX.

A French spreadsheet saved as CSV is most often semicolon-separated and in Windows-1252; one saved
by LibreOffice or Google Sheets is UTF-8, with commas or semicolons. Both read the same.
"""

import csv
import io
import unicodedata
import zipfile

import tablib
from openpyxl import load_workbook


class UnreadableFile(Exception):
    """The file is neither a CSV nor an XLSX the import can read; the message says why, in French."""


XLSX_MAGIC = b"PK\x03\x04"
FORMULA_START = ("=", "+", "-", "@")


def header_key(header) -> str:
    """A column header as compared: no accents, no case, single spaces (« Départements » = « departements »)."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return " ".join(text.replace("’", "'").lower().split())


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="strict")


def _read_csv(content: bytes) -> list[list]:
    try:
        text = _decode(content)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "Encodage non reconnu : enregistrez le fichier en CSV UTF-8 ou CSV (séparateur : point-virgule)."
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            "Classeur XLSX illisible : enregistrez-le à nouveau au format Excel (.xlsx)."
        ) from error
    sheet = workbook.worksheets[0]
    rows = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_dataset(content: bytes, columns: list[str]) -> tablib.Dataset:
    """The file's rows under the import's own column names (headers matched without accents or case).

    Unknown columns are left out; a missing column is refused (the template has them all)."""
    rows = _read_xlsx(content) if content.startswith(XLSX_MAGIC) else _read_csv(content)
    rows = [row for row in rows if any(str(cell).strip() for cell in row)]
    if not rows:
        raise UnreadableFile("Le fichier est vide.")
    wanted = {header_key(column): column for column in columns}
    positions = {}
    for index, header in enumerate(rows[0]):
        column = wanted.get(header_key(header))
        if column and column not in positions:
            positions[column] = index
    missing = [column for column in columns if column not in positions]
    if missing:
        raise UnreadableFile(
            "Colonnes manquantes : "
            + ", ".join(f"« {column} »" for column in missing)
            + ". Partez du modèle de fichier proposé."
        )
    dataset = tablib.Dataset(headers=columns)
    for row in rows[1:]:
        cells = [row[positions[column]] if positions[column] < len(row) else "" for column in columns]
        dataset.append([_cell(cell) for cell in cells])
    return dataset


def _cell(value):
    """A cell as typed: trimmed, and without the quote our exports put before a formula-like text
    (anpp_portal/exports.py), so that an export re-imports as it was."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value

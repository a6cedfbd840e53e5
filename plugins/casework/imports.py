"""Import of an existing registry from a spreadsheet (CSV or XLSX, e.g. exported from «Выпускник Плюс»).

A region moving to Portal uploads its file; the coordinator maps its columns to a record's fields on a
preview page that lists every row's problems; nothing is written until they confirm. The import then runs
as a background job (``portal.kit.enqueue``) in ONE transaction: every row becomes a record, or none does.
The file and the job's state live in :class:`RegistryImport` (revision ``cw003_imports``); the file is
emptied once the import is done or discarded, since it holds graduates' personal data.

Progress: on PostgreSQL the job writes how many rows it has written through a connection of its own while
its transaction is still open; SQLite has one writer at a time, so there the page shows "writing" until
the end.
"""
from __future__ import annotations

import csv
import enum
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Boolean, Enum, ForeignKey, Integer, LargeBinary, String, Text, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugins.casework.models import (Gender, GraduateRecord, LegalStatus, RecordStatus, ServiceMunicipality,
                                     SupportService, name_key)
from plugins.casework.monitoring import tallies
from portal.kit import (JOB_LOST, Institution, JobLease, Lifecycle, Municipality, Refusal, User, audit, db,
                        format_day, keep_alive, reap_lost_jobs, status_labels, today, utcnow)

MAX_BYTES = 5 * 1024 * 1024  # a registry of 20,000 graduates in CSV is about 3 MB
MAX_ROWS = 20_000
CHUNK = 500  # rows per INSERT (and per progress step)
SHOWN_PROBLEMS = 200  # rows with problems listed on the preview page

# --- the job's table -----------------------------------------------------------------------------------------


class ImportStatus(str, enum.Enum):
    uploaded = "uploaded"  # the coordinator maps the columns and reads the problems
    queued = "queued"  # confirmed; the job has not started yet
    running = "running"
    done = "done"
    failed = "failed"  # nothing was written
    discarded = "discarded"


IMPORT_STATUS_LABELS = status_labels(ImportStatus, {
    ImportStatus.uploaded: lazy_pgettext("casework import", "awaiting confirmation"),
    ImportStatus.queued: lazy_pgettext("casework import", "queued"),
    ImportStatus.running: lazy_pgettext("casework import", "running"),
    ImportStatus.done: lazy_pgettext("casework import", "done"),
    ImportStatus.failed: lazy_pgettext("casework import", "failed"),
    ImportStatus.discarded: lazy_pgettext("casework import", "discarded"),
})


class RegistryImport(JobLease, db.Model):
    """An uploaded registry file, the column mapping chosen for it and the state of its import job."""

    __tablename__ = "casework_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    # The service every record goes to; None: the service of each record's municipality.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("casework_service.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mapping: Mapped[str] = mapped_column(Text, default="[]")  # JSON: one field name (or "") per column
    include_duplicates: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ImportStatus] = mapped_column(Enum(ImportStatus, native_enum=False, length=20),
                                                 default=ImportStatus.uploaded)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_records: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    service: Mapped[SupportService | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def columns(self) -> list[str]:
        return json.loads(self.mapping or "[]")

    @property
    def percent(self) -> int:
        return round(100 * self.done_rows / self.total_rows) if self.total_rows else 0


IMPORTS = Lifecycle("casework.import", "casework_import")
IMPORTS.move("confirm", [ImportStatus.uploaded], ImportStatus.queued,
             refused=_l("This import has already been confirmed or discarded."))
IMPORTS.move("discard", [ImportStatus.uploaded], ImportStatus.discarded,
             refused=_l("This import has already been confirmed or discarded."))
IMPORTS.move("start", [ImportStatus.queued], ImportStatus.running)
IMPORTS.move("finish", [ImportStatus.running], ImportStatus.done)
IMPORTS.move("fail", [ImportStatus.queued, ImportStatus.running], ImportStatus.failed)

# --- reading the file ----------------------------------------------------------------------------------------

TOO_LARGE = _l("The file is larger than 5 MB. Split it into parts and import them one by one.")
EMPTY = _l("The file has no rows to import.")
TOO_MANY = _l("The file has more than 20,000 rows. Split it into parts and import them one by one.")
NOT_A_TABLE = _l("This is not a table Portal can read. Save it from your spreadsheet as CSV or XLSX and upload "
                 "it again.")
OLD_EXCEL = _l("This is an old Excel file (XLS). Save it as XLSX or CSV and upload it again.")


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # cells: str, or date/datetime/number from XLSX
    lines: list[int]  # each row's line (CSV) or row number (XLSX) in the file, for the coordinator


def read_table(filename: str, content: bytes) -> Table:
    """The file's header row and data rows, whatever the separator and encoding; Refusal for what is not a table."""
    if len(content) > MAX_BYTES:
        raise Refusal(TOO_LARGE, "file")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Refusal(OLD_EXCEL, "file")
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        raw = _xlsx_rows(content)
    else:
        raw = _csv_rows(content)
    numbered = [(line, row) for line, row in raw if any(_text(cell) for cell in row)]
    if not numbered:
        raise Refusal(EMPTY, "file")
    (_, header), data = numbered[0], numbered[1:]
    if not data:
        raise Refusal(EMPTY, "file")
    if len(data) > MAX_ROWS:
        raise Refusal(TOO_MANY, "file")
    width = len(header)
    while width and not _text(header[width - 1]):
        width -= 1
    if width == 0:
        raise Refusal(NOT_A_TABLE, "file")
    rows = [(list(row) + [None] * width)[:width] for _, row in data]
    return Table([_text(h) for h in header[:width]], rows, [line for line, _ in data])


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with tabs
        return content.decode("utf-16")
    if b"\x00" in content[:4096]:
        raise Refusal(NOT_A_TABLE, "file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1251")  # what Russian offices' Excel exports as CSV
        except UnicodeDecodeError:
            raise Refusal(NOT_A_TABLE, "file") from None


def _csv_rows(content: bytes):
    text = _decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ";"  # one column only: the header check below says what is missing
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise Refusal(NOT_A_TABLE, "file") from None


def _xlsx_rows(content: bytes):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise Refusal(NOT_A_TABLE, "file") from None
    try:
        sheet = book.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


# --- the record's fields and how a column's header names them -------------------------------------------------

FIELDS = {
    "full_name": _l("Full name (split into last name, first name, patronymic)"),
    "last_name": _l("Last name"),
    "first_name": _l("First name"),
    "middle_name": _l("Patronymic"),
    "birth_date": _l("Birth date"),
    "gender": _l("Gender"),
    "legal_status": _l("Legal status"),
    "municipality": _l("Municipality where they live"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "institution": _l("Institution or foster family they left"),
    "left_care_on": _l("Left care on"),
    "contacts": _l("Other contacts"),
}
# Normalised headers (lower case, ё → е, letters and digits only) that name each field.
HEADERS = {
    "full_name": ["фио", "фамилия имя отчество", "фамилия имя отчество выпускника", "фио выпускника",
                  "full name", "name", "graduate"],
    "last_name": ["фамилия", "last name", "surname", "family name"],
    "first_name": ["имя", "first name", "given name"],
    "middle_name": ["отчество", "middle name", "patronymic"],
    "birth_date": ["дата рождения", "др", "дата рожд", "birth date", "date of birth", "dob", "birthday", "born"],
    "gender": ["пол", "gender", "sex"],
    "legal_status": ["статус", "правовой статус", "категория", "social status", "legal status", "status"],
    "municipality": ["муниципалитет", "муниципальное образование", "мо", "район", "городской округ",
                     "муниципальный район", "район проживания", "место проживания", "municipality", "district"],
    "address": ["адрес", "адрес проживания", "фактический адрес", "address"],
    "phone": ["телефон", "тел", "контактный телефон", "мобильный телефон", "phone", "telephone", "mobile"],
    "email": ["email", "e mail", "эл почта", "электронная почта", "почта"],
    "institution": ["учреждение", "организация", "выпускник учреждения", "организация для детей сирот",
                    "откуда выпустился", "институциональное учреждение", "institution", "placement"],
    "left_care_on": ["дата выпуска", "дата выхода", "дата выбытия", "год выпуска", "left care", "left care on",
                     "graduated on", "date left care"],
    "contacts": ["контакты", "другие контакты", "родственники", "contacts", "other contacts"],
}
LENGTHS = {"last_name": 100, "first_name": 100, "middle_name": 100, "address": 300, "phone": 50, "email": 254,
           "contacts": 5000}


def _normal(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.lower().replace("ё", "е").replace("_", " ")).split())


_BY_HEADER = {header: name for name, headers in HEADERS.items() for header in headers}


def guess_mapping(headers: list[str]) -> list[str]:
    """The field each column most likely holds, from its header in Russian or English; "" for none."""
    taken: set[str] = set()
    found = []
    for header in headers:
        normal = _normal(header)
        name = _BY_HEADER.get(normal)
        if name is None:  # «Дата рождения выпускника», «Телефон (моб.)»: the longest known header it starts with
            starts = sorted((h for h in _BY_HEADER if len(h) > 3 and normal.startswith(h)), key=len, reverse=True)
            name = _BY_HEADER[starts[0]] if starts else None
        if name is None or name in taken:
            found.append("")
        else:
            taken.add(name)
            found.append(name)
    return found


NEEDS_NAME = _l("Choose the column with the full name, or the columns with the last name and the first name.")
NEEDS_BIRTH = _l("Choose the column with the birth date.")
TWICE = _l("«%(field)s» is chosen for two columns.")
BOTH_NAMES = _l("Choose either the full name or its parts, not both.")


def mapping_problems(mapping: list[str]) -> list[str]:
    """What is wrong with the mapping as a whole (the rows cannot be read until it is fixed)."""
    chosen = [name for name in mapping if name]
    problems = [str(TWICE % {"field": FIELDS[name]}) for name in sorted(set(chosen)) if chosen.count(name) > 1]
    if "full_name" in chosen and ({"last_name", "first_name", "middle_name"} & set(chosen)):
        problems.append(str(BOTH_NAMES))
    elif "full_name" not in chosen and not {"last_name", "first_name"} <= set(chosen):
        problems.append(str(NEEDS_NAME))
    if "birth_date" not in chosen:
        problems.append(str(NEEDS_BIRTH))
    return problems


# --- reading a row ---------------------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")


def parse_date(cell) -> date | None:
    """31.12.2005, 2005-12-31, 31/12/2005, an Excel date cell or an Excel day number; None when unreadable."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return _excel_day(int(cell))
    text = _text(cell)
    if not text:
        return None
    if text.isdigit() and 4 < len(text) <= 6:
        return _excel_day(int(text))
    text = text.split(" ")[0]  # «31.12.2005 0:00:00», as some exports write dates
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _excel_day(number: int) -> date | None:
    if not 1 < number < 100_000:
        return None
    return EXCEL_EPOCH + timedelta(days=number)


FEMALE = {"ж", "жен", "женский", "женщина", "f", "female", "w", "woman"}
MALE = {"м", "муж", "мужской", "мужчина", "m", "male", "man"}


def parse_gender(cell, middle_name: str) -> Gender | None:
    value = _normal(_text(cell))
    if value in FEMALE:
        return Gender.female
    if value in MALE:
        return Gender.male
    if _text(cell):
        return None
    middle = middle_name.lower()  # not given: the patronymic says it
    if middle.endswith(("вна", "чна", "кызы")):
        return Gender.female
    if middle.endswith(("вич", "ич", "оглы")):
        return Gender.male
    return None


def parse_legal_status(cell) -> LegalStatus | None:
    value = _normal(_text(cell))
    if not value:
        return LegalStatus.without_care  # the wider category, where the file says nothing
    if "сирот" in value or value in ("orphan", "сирота", "дс"):
        return LegalStatus.orphan
    if "попечен" in value or "without" in value or value in ("оп", "ооп", "допр", "лоп"):
        return LegalStatus.without_care
    return None


PLACE_WORDS = {"г", "город", "городской", "округ", "го", "муниципальный", "район", "р", "н", "мр", "мо"}


def place_key(name: str) -> str:
    """A municipality's name without «г.», «городской округ», «район»: «г. Белгород» is «Белгород»."""
    return " ".join(w for w in _normal(name).split() if w not in PLACE_WORDS)


# --- checking every row ------------------------------------------------------------------------------------------

NO_NAME = _l("No last name or first name.")
BAD_BIRTH = _l("Unreadable birth date «%(value)s» (write it as 31.12.2005).")
NO_BIRTH = _l("No birth date.")
FUTURE_BIRTH = _l("The birth date %(value)s is in the future.")
OLD_BIRTH = _l("The birth date %(value)s is before 1900.")
BAD_LEFT = _l("Unreadable date of leaving care «%(value)s».")
LEFT_BEFORE_BIRTH = _l("The date of leaving care is before the birth date.")
BAD_GENDER = _l("Unknown gender «%(value)s» (write ж or м).")
NO_GENDER = _l("No gender, and the patronymic does not tell it.")
BAD_STATUS = _l("Unknown legal status «%(value)s» (write «сирота» or «оставшийся без попечения родителей»).")
UNKNOWN_PLACE = _l("Unknown municipality «%(value)s».")
NO_PLACE = _l("No municipality: fill it in, or choose one service for the whole import.")
NO_SERVICE = _l("No support service serves %(municipality)s.")
NOT_YOURS = _l("%(municipality)s is served by «%(service)s», which you do not coordinate.")
TOO_LONG = _l("«%(field)s» is longer than %(length)s characters.")
SAME_AS_ROW = _l("Likely the same graduate as in line %(line)s (same name and birth date).")
SAME_AS_RECORD = _l("Likely the same graduate as the record of %(name)s (same name and birth date).")


@dataclass
class Row:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    duplicate: str = ""  # why it is likely a duplicate; such rows are skipped unless the coordinator says so

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.values.get("last_name"), self.values.get("first_name"),
                                    self.values.get("middle_name")) if p)


@dataclass
class Check:
    """What the preview page shows and the job writes: each row read and checked against the region."""

    headers: list[str]
    mapping: list[str]
    mapping_problems: list[str]
    rows: list[Row]
    duplicate_record_ids: list[int]  # existing records the rows may duplicate (named in the audit line)

    @property
    def with_errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def duplicates(self) -> list[Row]:
        return [row for row in self.rows if row.duplicate and not row.errors]

    @property
    def problems(self) -> list[Row]:
        return [row for row in self.rows if row.errors or row.duplicate]

    @property
    def can_import(self) -> bool:
        return not self.mapping_problems and not self.with_errors and bool(self.rows)

    def to_write(self, include_duplicates: bool) -> list[Row]:
        return [row for row in self.rows if not row.errors and (include_duplicates or not row.duplicate)]


@dataclass
class Places:
    """The region's municipalities, services and institutions, read once for every row (three queries)."""

    municipalities: dict  # place_key -> Municipality
    service_of: dict  # municipality id -> SupportService
    institutions: dict  # normalised name -> Institution id

    @classmethod
    def of(cls, region) -> Places:
        municipalities = db.session.scalars(select(Municipality).where(Municipality.region_id == region.id))
        links = db.session.execute(
            select(ServiceMunicipality.municipality_id, SupportService)
            .join(SupportService, SupportService.id == ServiceMunicipality.service_id)
            .where(SupportService.region_id == region.id)).all()
        institutions = db.session.execute(select(Institution.id, Institution.name)
                                          .where(Institution.region_id == region.id)).all()
        return cls({place_key(m.name): m for m in municipalities}, {m_id: s for m_id, s in links},
                   {_normal(name): i for i, name in institutions})


def check(job: RegistryImport, reach, table: Table | None = None) -> Check:
    """Read every row with the job's mapping and list its problems; nothing is written."""
    table = table or read_table(job.filename, job.content)
    mapping = (job.columns + [""] * len(table.headers))[:len(table.headers)]
    problems = mapping_problems(mapping)
    if problems:
        return Check(table.headers, mapping, problems, [], [])
    region = db.session.get(_region_model(), job.region_id)
    places = Places.of(region)
    day = today(region)
    rows = [_read_row(line, dict(zip(mapping, cells)), job, reach, places, day)
            for line, cells in zip(table.lines, table.rows)]
    existing = _mark_duplicates(region, rows)
    return Check(table.headers, mapping, [], rows, existing)


def _region_model():
    from portal.kit import Region

    return Region


def _read_row(line: int, cells: dict, job: RegistryImport, reach, places: Places, day: date) -> Row:
    cells.pop("", None)
    text = {name: _text(value) for name, value in cells.items()}
    values: dict = {}
    errors: list[str] = []
    if "full_name" in text:
        parts = text["full_name"].split(" ")
        values.update(last_name=parts[0] if parts else "", first_name=parts[1] if len(parts) > 1 else "",
                      middle_name=" ".join(parts[2:]))
    else:
        values.update(last_name=text.get("last_name", ""), first_name=text.get("first_name", ""),
                      middle_name=text.get("middle_name", ""))
    if not values["last_name"] or not values["first_name"]:
        errors.append(str(NO_NAME))
    born = parse_date(cells.get("birth_date"))
    if born is None:
        errors.append(str(BAD_BIRTH % {"value": text["birth_date"]}) if text.get("birth_date") else str(NO_BIRTH))
    elif born > day:
        errors.append(str(FUTURE_BIRTH % {"value": format_day(born)}))
    elif born.year < 1900:
        errors.append(str(OLD_BIRTH % {"value": format_day(born)}))
    values["birth_date"] = born
    left = None
    if text.get("left_care_on"):
        left = parse_date(cells.get("left_care_on"))
        if left is None:
            errors.append(str(BAD_LEFT % {"value": text["left_care_on"]}))
        elif born is not None and left < born:
            errors.append(str(LEFT_BEFORE_BIRTH))
    values["left_care_on"] = left
    gender = parse_gender(cells.get("gender"), values["middle_name"])
    if gender is None:
        errors.append(str(BAD_GENDER % {"value": text["gender"]}) if text.get("gender") else str(NO_GENDER))
    values["gender"] = gender
    status = parse_legal_status(cells.get("legal_status"))
    if status is None:
        errors.append(str(BAD_STATUS % {"value": text["legal_status"]}))
    values["legal_status"] = status
    values["municipality_id"], values["service_id"] = _place(text.get("municipality", ""), job, reach, places,
                                                             errors)
    institution = text.get("institution", "")
    values["institution_id"] = places.institutions.get(_normal(institution)) if institution else None
    values["placement"] = "" if values["institution_id"] or not institution else institution[:300]
    for name in ("address", "phone", "email", "contacts"):
        values[name] = text.get(name, "")
    for name, length in LENGTHS.items():
        if len(values.get(name) or "") > length:
            errors.append(str(TOO_LONG % {"field": FIELDS[name], "length": length}))
    return Row(line, values, errors)


def _place(name: str, job: RegistryImport, reach, places: Places, errors: list[str]):
    """(municipality id, service id) of a row: the chosen service, else the municipality's, within reach."""
    municipality = places.municipalities.get(place_key(name)) if name else None
    if name and municipality is None:
        errors.append(str(UNKNOWN_PLACE % {"value": name}))
    municipality_id = municipality.id if municipality else None
    if job.service_id is not None:
        return municipality_id, job.service_id
    if municipality is None:
        if not name:
            errors.append(str(NO_PLACE))
        return None, None
    service = places.service_of.get(municipality.id)
    if service is None:
        errors.append(str(NO_SERVICE % {"municipality": municipality.name}))
        return municipality_id, None
    if not reach.coordinates_service(service.id):
        errors.append(str(NOT_YOURS % {"municipality": municipality.name, "service": service.name}))
    return municipality_id, service.id


def _mark_duplicates(region, rows: list[Row]) -> list[int]:
    """Same birth date and same name_key: another row of the file, or a record the region has (one query)."""
    seen: dict[tuple, int] = {}
    births = set()
    for row in rows:
        if row.values["birth_date"] is None or not row.values["first_name"]:
            continue
        key = (name_key(row.values["last_name"], row.values["first_name"], row.values["middle_name"]),
               row.values["birth_date"])
        row.values["name_key"] = key[0]
        births.add(key[1])
        if key in seen:
            row.duplicate = str(SAME_AS_ROW % {"line": seen[key]})
        else:
            seen[key] = row.line
    if not births:
        return []
    existing = {}
    for record_id, key, born, last, first, middle in db.session.execute(
            select(GraduateRecord.id, GraduateRecord.name_key, GraduateRecord.birth_date, GraduateRecord.last_name,
                   GraduateRecord.first_name, GraduateRecord.middle_name)
            .where(GraduateRecord.region_id == region.id, GraduateRecord.merged_into_id.is_(None),
                   GraduateRecord.birth_date.in_(sorted(births)))):
        existing[(key, born)] = (record_id, " ".join(p for p in (last, first, middle) if p))
    named = []
    for row in rows:
        found = existing.get((row.values.get("name_key"), row.values["birth_date"]))
        if found is not None and not row.duplicate:
            row.duplicate = str(SAME_AS_RECORD % {"name": found[1]})
            named.append(found[0])
    return sorted(set(named))


# --- the job -----------------------------------------------------------------------------------------------------

FAILED = _l("The import stopped at line %(line)s and wrote nothing. Try again; if it fails again, tell the "
            "portal's administrators.")
CHANGED = _l("Since the preview, some rows got problems (e.g. a service was changed): nothing was written. "
             "Open the preview again.")


LOST = _l("The import stopped half-way (the server was restarted or its process ended). No record was written; "
         "confirm it again.")


def reap(now: datetime | None = None) -> int:
    """Imports whose job's process died are marked failed (``portal.kit.reap_lost_jobs``); nothing of them
    was written (one transaction). The caller commits."""
    return reap_lost_jobs(RegistryImport, queued=ImportStatus.queued, running=ImportStatus.running,
                          failed=ImportStatus.failed, now=now, done_rows=0)


def error_message(job: RegistryImport) -> str:
    """Why the job failed, in the reader's language (the job stores a code: it runs without a request)."""
    if job.error == "changed":
        return str(CHANGED)
    if job.error == JOB_LOST:
        return str(LOST)
    if job.error.startswith("failed:"):
        return str(FAILED % {"line": job.error.partition(":")[2]})
    return job.error


def confirm(job: RegistryImport, reach, include_duplicates: bool) -> Check:
    """Queue the confirmed import; Refusal when its rows still have problems or it was confirmed meanwhile."""
    checked = check(job, reach)
    if not checked.can_import:
        raise Refusal(_l("Some rows still have problems: fix them in the file and upload it again."))
    IMPORTS.apply(job, "confirm", region=job_region(job))
    job.include_duplicates = include_duplicates
    job.total_rows = len(checked.to_write(include_duplicates))
    job.done_rows = 0
    return checked


def job_region(job: RegistryImport):
    return db.session.get(_region_model(), job.region_id)


def run_import(import_id: int) -> None:
    """The background job: every checked row becomes a record in one transaction, or none does."""
    job = db.session.get(RegistryImport, import_id)
    if job is None or job.status != ImportStatus.queued:
        return
    region = job_region(job)
    IMPORTS.apply(job, "start", region=region, record=False)
    job.started_at = utcnow()
    db.session.commit()
    with keep_alive(RegistryImport, import_id):
        _write(job, import_id, region)


def _write(job: RegistryImport, import_id: int, region) -> None:
    from plugins.casework import scope

    line = 0
    try:
        importer = db.session.get(User, job.created_by_id) if job.created_by_id else None
        reach = scope._reach(importer, region) if importer is not None else None
        checked = check(job, reach) if reach is not None else None
        if checked is None or not checked.can_import:
            raise Refusal(CHANGED)
        rows = checked.to_write(job.include_duplicates)
        stamp = utcnow()
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            line = chunk[0].line
            write_rows(region, job, chunk, stamp)
            _progress(job.id, start + len(chunk))
        db.session.expire(job)  # the progress connection wrote done_rows
        IMPORTS.apply(job, "finish", region=region, subject=importer,
                      details={"records": len(rows), "file": job.filename})
        job.created_records = job.done_rows = len(rows)
        job.finished_at = utcnow()
        job.content = b""  # the file's personal data is not kept once it is in the registry
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        job = db.session.get(RegistryImport, import_id)
        IMPORTS.apply(job, "fail", region=region, details={"line": line})
        job.error = "changed" if isinstance(error, Refusal) else f"failed:{line}"
        job.done_rows = 0
        job.finished_at = utcnow()
        db.session.commit()
        if not isinstance(error, Refusal):
            raise


def write_rows(region, job: RegistryImport, rows: list[Row], stamp: datetime) -> None:
    """One multi-row INSERT for a chunk of rows (inside the import's transaction); the monitoring counts them."""
    ids = db.session.scalars(insert(GraduateRecord).returning(GraduateRecord.id), [{
        "region_id": region.id, "last_name": row.values["last_name"], "first_name": row.values["first_name"],
        "middle_name": row.values["middle_name"], "name_key": row.values["name_key"],
        "birth_date": row.values["birth_date"], "gender": row.values["gender"],
        "legal_status": row.values["legal_status"], "institution_id": row.values["institution_id"],
        "placement": row.values["placement"], "left_care_on": row.values["left_care_on"],
        "municipality_id": row.values["municipality_id"], "address": row.values["address"],
        "phone": row.values["phone"], "email": row.values["email"], "contacts": row.values["contacts"],
        "service_id": row.values["service_id"], "status": RecordStatus.identified,
        "created_by_id": job.created_by_id, "created_at": stamp, "updated_at": stamp,
    } for row in rows]).all()
    tallies.records_added(ids)


def _progress(import_id: int, done: int) -> None:
    """Rows written so far, committed at once through a connection of its own (PostgreSQL only, see above)."""
    if db.engine.dialect.name == "sqlite":
        return
    with db.engine.begin() as connection:
        connection.execute(update(RegistryImport.__table__).where(RegistryImport.__table__.c.id == import_id)
                           .values(done_rows=done))


def discard(job: RegistryImport) -> None:
    IMPORTS.apply(job, "discard", region=job_region(job))
    job.content = b""


def new_import(region, user, filename: str, content: bytes, service_id: int | None) -> RegistryImport:
    """Store the upload with the guessed mapping; Refusal when the file cannot be read as a table."""
    table = read_table(filename, content)
    job = RegistryImport(region_id=region.id, service_id=service_id, created_by_id=user.id,
                         filename=(filename or "registry")[-255:], content=content,
                         mapping=json.dumps(guess_mapping(table.headers)), total_rows=len(table.rows))
    db.session.add(job)
    db.session.flush()
    audit("casework.import.uploaded", target=f"casework_import:{job.id}", region=region,
          details={"file": job.filename, "rows": len(table.rows)})
    return job


def save_mapping(job: RegistryImport, mapping: list[str]) -> None:
    if job.status != ImportStatus.uploaded:
        raise Refusal(_l("This import has already been confirmed or discarded."))
    job.mapping = json.dumps([name if name in FIELDS else "" for name in mapping])


def visible_imports(region, user, reach):
    """The imports a coordinator may open: their own, their services', every one for the resource centre."""
    query = select(RegistryImport).where(RegistryImport.region_id == region.id)
    if not reach.whole_region:
        query = query.where((RegistryImport.created_by_id == user.id)
                            | RegistryImport.service_id.in_(sorted(reach.coordinates) or [0]))
    return query.order_by(RegistryImport.created_at.desc(), RegistryImport.id.desc())


def may_handle(job: RegistryImport, user, reach) -> bool:
    return job.region_id == reach.region_id and (
        reach.whole_region or job.created_by_id == user.id
        or (job.service_id is not None and job.service_id in reach.coordinates))


def may_import(reach) -> bool:
    """Service coordinators and the resource centre's coordinators import."""
    return reach.whole_region or bool(reach.coordinates)

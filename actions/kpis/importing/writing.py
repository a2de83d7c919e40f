"""Comparing the staged figures with the database, and writing them once.

``preview_staged`` says what writing would create, change and leave alone (and which
figures look unusual); ``write_staged`` does it, in one transaction. The figures are
COPYed into a temporary table and merged by one
``INSERT … ON CONFLICT … DO UPDATE … WHERE values differ``.

Figures for periods in an issued report are locked (``KPIPeriodLock``). The locks are
read once per import and compared, in Python, with the few distinct periods the file
holds; only when one of them is locked does a query look for the staged figures that
would add to or change a locked period. Those are refused, row by row, unless the
``LockRule`` allows them (an administrator who gave a reason); then each is written
with a ``KPIValueAmendment``, in the same statement as the upsert.

A new or changed figure that looks unusual next to its KPI's earlier figures
(``sense.unusual``) is a warning: the preview lists it, and ``write_staged`` writes
nothing while there is one, unless told that someone has confirmed them.
"""

from django.db import connection, transaction
from django.utils import timezone

from actions.models import KPI, KPIValue, KPIValueAmendment
from core.formatting import uk_date_short

from . import sense
from .locks import LockedFigure, Values, figure_dict, locked_dates, locked_samples, refusal
from .results import MAX_ERRORS, Checked, LockRule, Outcome, RowError, StagedFigure

SAMPLE_SIZE = 10
COUNCIL = KPIValue.Area.COUNCIL

# --- what looks unusual ----------------------------------------------------------------------


def _warnings(checked: Checked, candidates) -> list[RowError]:
    """``candidates``: (staged figure, its KPI, its last figures newest first, the
    previous period's end, value, numerator and denominator or None)."""
    found = []
    for figure, kpi, history, previous in candidates:
        for message in sense.unusual(
            unit=kpi.unit,
            value=figure.value,
            numerator=figure.numerator,
            denominator=figure.denominator,
            history=history,
            previous=previous,
        ):
            found.append(
                RowError(
                    figure.row,
                    checked.column_of(figure.period_end),
                    f"{kpi.code} for {uk_date_short(figure.period_end)} "
                    f"({KPIValue.Area(figure.area).label}): {message}",
                )
            )
    return found[:MAX_ERRORS]


# --- PostgreSQL ------------------------------------------------------------------------------

_STAGE_COLUMNS = "kpi_id, period_end, area, la_code, value, numerator, denominator, note, symbol, row_number"
_SAME = "v.kpi_id = s.kpi_id AND v.area = s.area AND v.la_code = s.la_code AND v.period_end = s.period_end"
_FIGURES = "(v.value, v.numerator, v.denominator, v.note, v.symbol)"
_STAGED = "(s.value, s.numerator, s.denominator, s.note, s.symbol)"
_CHANGED = f"(NOT v.is_derived AND {_FIGURES} IS DISTINCT FROM {_STAGED})"


def _stage_in_postgres(cursor, staged, figures: int, *, analyze: bool) -> None:
    # Dropped at commit, or explicitly when an outer transaction keeps it alive.
    cursor.execute("DROP TABLE IF EXISTS kpi_import_stage")
    cursor.execute(
        "CREATE TEMPORARY TABLE kpi_import_stage ("
        " kpi_id bigint NOT NULL, period_end date NOT NULL, area varchar(16) NOT NULL,"
        " la_code varchar(3) NOT NULL, value numeric(14, 4), numerator integer, denominator integer,"
        " note text NOT NULL, symbol varchar(3) NOT NULL, row_number integer NOT NULL"
        ") ON COMMIT DROP"
    )
    staged.seek(0)
    cursor.copy_expert(f"COPY kpi_import_stage ({_STAGE_COLUMNS}) FROM STDIN", staged, 1 << 20)
    if cursor.rowcount != figures:  # the counts below are only right if every figure arrived
        raise RuntimeError(f"staged {cursor.rowcount} figures of {figures}")
    if analyze:  # the preview joins the staged rows; the write only inserts them
        cursor.execute("ANALYZE kpi_import_stage")


def _values(row) -> Values:
    return Values(*row)


def _locked_postgres(cursor, locked: dict) -> tuple[list[LockedFigure], int]:
    """The staged figures that would add to or change a locked period (the first
    MAX_ERRORS, in row order), and how many there are. One query."""
    cursor.execute(
        "SELECT count(*) OVER (), s.row_number, k.code, s.period_end, s.area, s.la_code,"
        " s.value, s.numerator, s.denominator, s.note, s.symbol, v.id IS NOT NULL,"
        " v.value, v.numerator, v.denominator, v.note, v.symbol "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        f"LEFT JOIN actions_kpivalue v ON {_SAME} "
        f"WHERE s.period_end = ANY(%s::date[]) AND (v.id IS NULL OR {_CHANGED}) "
        "ORDER BY s.row_number LIMIT %s",
        [sorted(locked), MAX_ERRORS],
    )
    rows = cursor.fetchall()
    found = [
        LockedFigure(
            row,
            code,
            period_end,
            area,
            la_code,
            _values(figure[:5]),
            _values(figure[6:]) if figure[5] else None,
        )
        for _, row, code, period_end, area, la_code, *figure in rows
    ]
    return found, rows[0][0] if rows else 0


def _samples_postgres(cursor) -> dict:
    samples = {"created": [], "changed": []}
    cursor.execute(
        "SELECT s.row_number, k.code, s.period_end, s.area, s.la_code,"
        " s.value, s.numerator, s.denominator, s.note, s.symbol "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        f"LEFT JOIN actions_kpivalue v ON {_SAME} "
        "WHERE v.id IS NULL ORDER BY s.row_number LIMIT %s",
        [SAMPLE_SIZE],
    )
    for row, code, period_end, area, la_code, *figure in cursor.fetchall():
        samples["created"].append(
            {"row": row, "new": figure_dict(code, period_end, area, la_code, _values(figure))}
        )
    cursor.execute(
        "SELECT s.row_number, k.code, s.period_end, s.area, s.la_code,"
        " s.value, s.numerator, s.denominator, s.note, s.symbol,"
        " v.value, v.numerator, v.denominator, v.note, v.symbol "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        f"JOIN actions_kpivalue v ON {_SAME} "
        f"WHERE {_CHANGED} ORDER BY s.row_number LIMIT %s",
        [SAMPLE_SIZE],
    )
    for row, code, period_end, area, la_code, *values in cursor.fetchall():
        samples["changed"].append(
            {
                "row": row,
                "new": figure_dict(code, period_end, area, la_code, _values(values[:5])),
                "old": figure_dict(code, period_end, area, la_code, _values(values[5:])),
            }
        )
    return samples


# The new and changed figures (not other councils') of KPIs and areas that already have
# figures, with the last 12 before each and the one just before it.
_CANDIDATES = (
    "SELECT s.kpi_id, s.period_end, s.area, s.la_code, s.value, s.numerator, s.denominator, s.note,"
    "  s.symbol, s.row_number, h.recent, p.period_end, p.value, p.numerator, p.denominator "
    "FROM kpi_import_stage s "
    f"LEFT JOIN actions_kpivalue v ON {_SAME} "
    "CROSS JOIN LATERAL (SELECT array_agg(x.value ORDER BY x.period_end DESC) AS recent FROM ("
    "  SELECT x.period_end, x.value FROM actions_kpivalue x WHERE x.kpi_id = s.kpi_id AND x.area = s.area"
    "  AND x.la_code = '' AND x.period_end < s.period_end AND x.value IS NOT NULL"
    f"  ORDER BY x.period_end DESC LIMIT {sense.HISTORY}) x) h "
    "LEFT JOIN LATERAL (SELECT p.period_end, p.value, p.numerator, p.denominator FROM actions_kpivalue p"
    "  WHERE p.kpi_id = s.kpi_id AND p.area = s.area AND p.la_code = '' AND p.period_end < s.period_end"
    "  ORDER BY p.period_end DESC LIMIT 1) p ON true "
    f"WHERE s.area <> 'council' AND (v.id IS NULL OR {_CHANGED}) "
    "  AND (s.kpi_id, s.area) IN (SELECT e.kpi_id, e.area FROM actions_kpivalue e"
    "    WHERE e.area <> 'council' AND e.kpi_id IN (SELECT kpi_id FROM kpi_import_stage) GROUP BY 1, 2) "
    "ORDER BY s.row_number"
)


def _warnings_postgres(cursor, checked: Checked) -> list[RowError]:
    cursor.execute(_CANDIDATES)
    rows = cursor.fetchall()
    kpis = KPI.objects.in_bulk() if rows else {}
    candidates = []
    for *figure, recent, period_end, value, numerator, denominator in rows:
        staged = StagedFigure(*figure)
        previous = (period_end, value, numerator, denominator) if period_end else None
        candidates.append((staged, kpis[staged.kpi_id], recent or [], previous))
    return _warnings(checked, candidates)


def _preview_postgres(checked: Checked, rule: LockRule) -> Outcome:
    figures = checked.figures
    with transaction.atomic(), connection.cursor() as cursor:
        _stage_in_postgres(cursor, checked.staged, figures, analyze=True)
        locked = locked_dates(checked)
        found, total = _locked_postgres(cursor, locked) if locked else ([], 0)
        if total and not rule.allowed:
            cursor.execute("DROP TABLE kpi_import_stage")
            return refusal(checked, found, total, locked, rule)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE v.id IS NULL),"
            f" count(*) FILTER (WHERE v.id IS NOT NULL AND {_CHANGED}) "
            f"FROM kpi_import_stage s LEFT JOIN actions_kpivalue v ON {_SAME}"
        )
        created, updated = cursor.fetchone()
        samples = _samples_postgres(cursor)
        warnings = _warnings_postgres(cursor, checked)
        cursor.execute("DROP TABLE kpi_import_stage")
    if found:
        samples["locked"] = locked_samples(found, locked)
    return Outcome(created, updated, figures - created - updated, samples, locked=total, warnings=warnings)


# The merge: insert new figures, update changed ones (never a derived one), leave the
# rest alone; each row it returns is a figure created or changed.
_UPSERT = (
    "INSERT INTO actions_kpivalue AS v (kpi_id, period_end, area, la_code, value, numerator, denominator,"
    "   note, symbol, is_derived, source_import_id, updated_by_id, updated_at)"
    " SELECT kpi_id, period_end, area, la_code, value, numerator, denominator, note, symbol, false,"
    "   %s, %s, %s"
    " FROM kpi_import_stage"
    " ON CONFLICT (kpi_id, area, la_code, period_end) DO UPDATE SET"
    "   value = EXCLUDED.value, numerator = EXCLUDED.numerator,"
    "   denominator = EXCLUDED.denominator, note = EXCLUDED.note, symbol = EXCLUDED.symbol,"
    "   source_import_id = EXCLUDED.source_import_id, updated_by_id = EXCLUDED.updated_by_id,"
    "   updated_at = EXCLUDED.updated_at"
    f" WHERE NOT v.is_derived AND {_FIGURES} IS DISTINCT FROM"
    "   (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.note, EXCLUDED.symbol)"
)
_WRITE = " ".join(
    (
        "WITH upserted AS (",
        _UPSERT,
        " RETURNING (xmax = 0) AS created",
        ") SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), 0 FROM upserted",
    )
)
# The same, and an amendment for each figure written in a locked period. Every part of
# one statement reads the tables as they were before it, so ``o`` is the figure before
# the change (nothing, for one just added).
_WRITE_AMENDING = " ".join(
    (
        "WITH upserted AS (",
        _UPSERT,
        " RETURNING v.id, v.period_end, v.value, v.numerator, v.denominator, v.note, (xmax = 0) AS created"
        "), amended AS (",
        "INSERT INTO actions_kpivalueamendment (kpi_value_id, old_value, old_numerator,"
        "  old_denominator, old_note, new_value, new_numerator, new_denominator, new_note,"
        "  reason, changed_by_id, changed_at, source, source_import_id)"
        " SELECT u.id, o.value, o.numerator, o.denominator, coalesce(o.note, ''),"
        "  u.value, u.numerator, u.denominator, u.note, %s, %s, %s, %s, %s"
        " FROM upserted u LEFT JOIN actions_kpivalue o ON o.id = u.id"
        " WHERE u.period_end = ANY(%s::date[])"
        " RETURNING 1",
        ") SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),"
        " (SELECT count(*) FROM amended) FROM upserted",
    )
)


def _write_postgres(
    checked: Checked, *, kpi_import_id, user_id, rule: LockRule, accept_warnings: bool
) -> Outcome:
    figures = checked.figures
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # A report issued while this runs waits for it to commit (and this waits for the
        # report), so the locks read next are the ones in force when the figures land.
        cursor.execute("LOCK TABLE actions_kpiperiodlock IN SHARE MODE")
        locked = locked_dates(checked)
        _stage_in_postgres(cursor, checked.staged, figures, analyze=bool(locked))
        found, total = _locked_postgres(cursor, locked) if locked else ([], 0)
        if total and not rule.allowed:
            cursor.execute("DROP TABLE kpi_import_stage")
            return refusal(checked, found, total, locked, rule)
        if not accept_warnings and (warnings := _warnings_postgres(cursor, checked)):
            cursor.execute("DROP TABLE kpi_import_stage")
            return Outcome(0, 0, 0, warnings=warnings)
        if not total:
            cursor.execute(_WRITE, [kpi_import_id, user_id, now])
        else:
            amendment = [
                rule.reason,
                user_id,
                now,
                KPIValueAmendment.Source.IMPORT,
                kpi_import_id,
                sorted(locked),
            ]
            cursor.execute(_WRITE_AMENDING, [kpi_import_id, user_id, now, *amendment])
        created, updated, amended = cursor.fetchone()
        cursor.execute("DROP TABLE kpi_import_stage")
    return Outcome(created, updated, figures - created - updated, locked=amended)


NO_LOCKED_CHANGES = LockRule()


def preview_staged(checked: Checked, *, rule: LockRule = NO_LOCKED_CHANGES) -> Outcome:
    """What writing the staged figures would create, change and leave alone, and which
    figures look unusual; or, when the rule refuses figures in locked periods, those
    refusals."""
    return _preview_postgres(checked, rule)


def write_staged(
    checked: Checked,
    *,
    kpi_import_id: int | None,
    user_id: int | None,
    rule: LockRule = NO_LOCKED_CHANGES,
    accept_warnings: bool = False,
) -> Outcome:
    """Write the staged figures in one transaction; values that are already right are
    left alone (their provenance too). Figures in locked periods are written (each with
    its amendment) only if the rule allows; otherwise nothing is written and the
    outcome lists the refusals. Unusual figures stop the write (the outcome lists them
    as ``warnings``) unless ``accept_warnings``: someone has seen and confirmed them."""
    return _write_postgres(
        checked, kpi_import_id=kpi_import_id, user_id=user_id, rule=rule, accept_warnings=accept_warnings
    )

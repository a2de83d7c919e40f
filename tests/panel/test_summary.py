"""A report's summary: what moved between two frozen snapshots."""

from panel.snapshot_types import ActionRow, Commentary, MeasureRow, Question, Snapshot, ThemeSection
from panel.summary import report_summary


def action(pk, rag, status="on_track", title=None):
    return ActionRow(
        id=pk,
        commitment=f"W{pk}",
        title=title or f"Action {pk}",
        lead="Demo Lead",
        status=status,
        status_label=status.replace("_", " ").capitalize(),
        rag=rag,
        rag_label=rag.capitalize(),
    )


def kpi(code, rag, display, commentary=None):
    return MeasureRow(
        code=code,
        name=f"Measure {code}",
        rag=rag,
        rag_label=rag.capitalize(),
        display=display,
        commentary=Commentary(text=commentary) if commentary else None,
    )


def snapshot(actions, kpis, questions=()):
    return Snapshot(
        period_start="2026-04-01",
        period_end="2026-04-30",
        themes=(ThemeSection(code="W", name="Well-being", actions=tuple(actions), kpis=tuple(kpis)),),
        questions=tuple(questions),
    )


def test_counts_by_rating_show_how_each_moved_since_the_previous_report():
    before = snapshot([action(1, "green"), action(2, "green"), action(3, "amber")], [])
    now = snapshot([action(1, "red"), action(2, "green"), action(3, "green")], [])
    summary = report_summary(
        snapshot=now, previous=before, previous_title="Monthly progress report, May 2026"
    )
    counts = {row.rag: (row.count, row.before, row.change) for row in summary.actions}
    assert counts["red"] == (1, 0, "up 1")
    assert counts["green"] == (2, 2, "no change")
    assert counts["amber"] == (0, 1, "down 1")
    assert summary.previous_title == "Monthly progress report, May 2026"


def test_actions_that_turned_red_or_were_completed_are_listed_with_what_they_were():
    before = snapshot([action(1, "amber"), action(2, "green"), action(3, "red")], [])
    now = snapshot([action(1, "red"), action(2, "complete", status="completed"), action(3, "red")], [])
    summary = report_summary(snapshot=now, previous=before, previous_title="April")
    assert [(a.commitment, a.was) for a in summary.actions_turned_red] == [("W1", "Amber")]
    assert [a.commitment for a in summary.actions_completed] == ["W2"]


def test_measures_moving_into_and_out_of_red_carry_their_owners_commentary():
    before = snapshot([], [kpi("S01", "amber", "10%"), kpi("S02", "red", "40%")])
    now = snapshot(
        [],
        [
            kpi("S01", "red", "13%", commentary="Three placement moves were planned step-downs."),
            kpi("S02", "green", "20%", commentary="New recruitment drive."),
        ],
    )
    summary = report_summary(snapshot=now, previous=before, previous_title="April")
    (into,) = summary.measures_into_red
    assert (into.code, into.was, into.commentary) == (
        "S01",
        "10%",
        "Three placement moves were planned step-downs.",
    )
    (out,) = summary.measures_out_of_red
    assert (out.code, out.commentary) == ("S02", "New recruitment drive.")
    assert any("owners of the 1 measure that moved into red" in line for line in summary.decide)


def test_the_first_report_of_its_kind_has_counts_but_no_movements():
    summary = report_summary(snapshot=snapshot([action(1, "red")], [kpi("S01", "red", "1")]), previous=None)
    assert summary.previous_title == ""
    assert summary.actions_turned_red == () and summary.measures_into_red == ()
    red = next(row for row in summary.actions if row.rag == "red")
    assert (red.count, red.before, red.change) == (1, None, "")


def test_open_questions_are_carried_and_the_panel_is_asked_to_decide_on_them():
    question = Question(
        kind="Question", text="Why so few dental checks?", owner="Demo Lead", raised="2026-03-01"
    )
    summary = report_summary(
        snapshot=snapshot([], [], [question]), previous=snapshot([], []), previous_title="x"
    )
    assert summary.questions == (question,)
    assert any("the 1 open question are" in line for line in summary.decide)


def test_counts_in_words_are_plural_only_when_more_than_one():
    before = snapshot([action(n, "green") for n in range(1, 10)], [kpi("S01", "green", "1")])
    now = snapshot([action(n, "red") for n in range(1, 9)] + [action(9, "green")], [kpi("S01", "red", "2")])
    summary = report_summary(snapshot=now, previous=before, previous_title="April")
    text = " ".join(summary.note + summary.decide)
    assert "(s)" not in text
    assert "8 actions turned red" in text and "1 measure moved into red" in text
    assert "Which of the 8 actions that turned red" in text


def test_measures_are_never_counted_as_complete():
    summary = report_summary(
        snapshot=snapshot([action(1, "complete", status="completed")], [kpi("S01", "green", "1")]),
        previous=snapshot([], [kpi("S01", "green", "1")]),
        previous_title="April",
    )
    assert "complete" not in [row.rag for row in summary.measures]
    assert "complete" in [row.rag for row in summary.actions]
    complete = next(row for row in summary.counts if row.rag == "complete")
    assert complete.measures is None and complete.actions.count == 1

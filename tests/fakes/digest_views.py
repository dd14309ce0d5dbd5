"""Digest view models for template tests: every state a digest can show, any text inside."""

from __future__ import annotations

from prompts.digest_views import (
    BarView,
    CellState,
    CellView,
    CompareRow,
    CompareView,
    DigestView,
    FlagView,
    KitView,
    OpenerView,
    PhaseCellView,
    PhaseView,
    ProgrammeCellView,
    ProgrammeQuestionView,
    ProgrammeTeamView,
    ProgrammeView,
    ReportView,
    SourceView,
    TextView,
)
from prompts.views import RoundView

SOURCE = SourceView(file="003_44f246b57e54e745.txt", lines="640-652", quote="de grenzen")


def scale_bars(counts: tuple[int, ...] = (1, 0, 1, 1, 0)) -> list[BarView]:
    n = sum(counts) or 1
    return [
        BarView(
            value=str(i + 1),
            label=str(i + 1),
            anchor={0: "Helemaal niet", 4: "Helemaal wel"}.get(i),
            count=c,
            share=round(100 * c / n),
            signal=i < 2,
        )
        for i, c in enumerate(counts)
    ]


def round_view(title: str = "Start", team: str = "Team", total: int = 6) -> RoundView:
    return RoundView(
        id=1,
        team_name=team,
        phase="start",
        phase_label="Start",
        title=title,
        intro="Intro",
        status="closed",
        closes_local="vr 15 jan 2027, 17:00",
        anonymity="anonymous",
        answered=3,
        total=total,
        rate=50 if total else None,
        questions=[],
    )


def cells(text: str = "Vraag", answer: str = "<tekst> & meer") -> list[CellView]:
    flag = FlagView(
        pitfall="eigen-lezing-grenzen", title="Eigen lezing", question_id="a.scale",
        question=text, hits=1, n=3, share=33, source=SOURCE,
    )  # fmt: skip
    choice = [
        BarView(value="x", label=f"Optie {text}", count=2, share=67),
        BarView(value="y", label="Y", count=1, share=33),
    ]
    return [
        CellView(
            id="a.scale", kind="scale", text=f"Schaal {text}", n=3, bars=scale_bars(),
            low="Helemaal niet", high="Helemaal wel", median=3.0, mean=2.67, spread=1.25,
            lowest=1, highest=4, split=True, top=["1", "3", "4"], top_share=33, flag=flag,
        ),
        CellView(
            id="a.choice", kind="choice", text=f"Keuze {text}", n=3, bars=choice,
            top=[f"Optie {text}"], top_share=67,
        ),
        CellView(id="a.hidden", kind="choice", text="Verborgen", n=2, state=CellState.WITHHELD),
        CellView(id="a.none", kind="scale", text="Leeg", n=0, state=CellState.EMPTY),
        CellView(id="a.text", kind="text", text=f"Open {text}", n=3,
                 texts=[TextView(text=answer), TextView(text="Tweede", count=2)]),
    ]  # fmt: skip


def kit(text: str = "Waarom zitten we hier?") -> KitView:
    return KitView(
        id="waarom-zitten-we-hier",
        title=f"Oefening: {text}",
        intro="Intro",
        steps=["Stap 1.", "Stap 2."],
        openers=[OpenerView(text=text, source=SOURCE)],
        because=["Schaal"],
        source=SOURCE,
    )


def digest(text: str = "Vraag", answer: str = "<tekst> & meer", total: int = 6) -> DigestView:
    return DigestView(
        round=round_view(total=total),
        team_id="t",
        label="Start",
        period="ma 11 jan 2027 – vr 15 jan 2027",
        opens_at="2027-01-11T09:30+01:00",
        closes_at="2027-01-15T17:00+01:00",
        anonymity_label="anoniem",
        threshold=3,
        cells=cells(text, answer),
        flags=[],
        summary=[f"Let op: {text}"],
        withheld=["Verborgen"],
        empty=["Leeg"],
        kit=[kit()],
    )


def compare(text: str = "<b>") -> CompareView:
    phases = [
        PhaseView(round_id=i, phase=p, label=p.title(), period="p", opens_at="2027-01-11T09:30")
        for i, p in ((1, "start"), (2, "freshup"), (3, "wrapup"))
    ]
    cells_ = [
        PhaseCellView(id="a", kind="scale", text=text, n=3, bars=scale_bars(), median=2.0,
                      lowest=1, highest=4, split=True, round_id=1, label="Start"),
        PhaseCellView(id="a", kind="scale", text=text, n=4, bars=scale_bars((0, 0, 2, 2, 0)),
                      median=3.5, lowest=3, highest=4, round_id=2, label="Freshup",
                      shift=1.5, shift_text="+1,5"),
        PhaseCellView(id="a", kind="scale", text=text, n=1, state=CellState.WITHHELD,
                      round_id=3, label="Wrapup"),
    ]  # fmt: skip
    choice = [
        PhaseCellView(id="b", kind="choice", text="K", n=2, round_id=1, label="Start",
                      bars=[BarView(value="x", label="X", count=1, share=50),
                            BarView(value="y", label="Y", count=1, share=50)],
                      top=["X", "Y"], top_share=50),
        PhaseCellView(id="b", kind="choice", text="K", round_id=2, label="Freshup",
                      state=CellState.NOT_ASKED),
        PhaseCellView(id="b", kind="choice", text="K", round_id=3, label="Wrapup",
                      state=CellState.EMPTY),
    ]  # fmt: skip
    rows = [
        CompareRow(id="a", kind="scale", text=text, low="laag", high="hoog",
                   values=["1", "2", "3", "4", "5"], cells=cells_),
        CompareRow(id="b", kind="choice", text="K", values=["X", "Y"], cells=choice),
    ]  # fmt: skip
    return CompareView(team_id="t", team_name="T", threshold=3, phases=phases, rows=rows)


def report(text: str = "Vraag", answer: str = "<tekst> & meer") -> ReportView:
    return ReportView(
        team_id="t",
        team_name="Team",
        programme_name="Programma",
        anonymity="anonymous",
        anonymity_label="anoniem",
        threshold=3,
        generated="wo 2 jun 2027, 10:00",
        generated_at="2027-06-02T10:00+02:00",
        period="ma 11 jan 2027 – vr 28 mei 2027",
        rounds=[digest(text, answer)],
        compare=compare(),
        summary=["Laatste ronde"],
        kit=[kit()],
    )


def programme() -> ProgrammeView:
    cell = ProgrammeCellView(
        team_id="t", team_name="T", label="Start", state=CellState.SHOWN, n=4, threshold=3,
        median=2.5, spread=0.5,
    )  # fmt: skip
    hidden = cell.model_copy(update={"state": CellState.WITHHELD, "median": None, "n": 2})
    return ProgrammeView(
        programme_id="p",
        programme_name="P",
        generated="nu",
        generated_at="2027-06-02T10:00+02:00",
        teams=[ProgrammeTeamView(id="t", name="T", rounds=3, answered=9, invited=12, rate=75)],
        questions=[ProgrammeQuestionView(id="q", text="Q", difference=1.5, cells=[cell, hidden])],
    )

"""What the dashboard shows of a comparison: tables with intervals and the report's own charts.

The charts are the analysis floor's (``analysis.charts``), drawn with the settings compared in
place of policies: the runs' ``policy`` column is set to each setting's label (``Today``, ``Your
choice``), so every chart, colour rule and interval rule has one home. Tables give each KPI as
'mean (interval)' for both settings and the paired difference, seed by seed.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from analysis.charts import outcomes, resources
from analysis.formatting import format_kpi, format_kpi_difference, set_range
from analysis.derived_kpis import with_derived_kpis
from analysis.labels import shown_first
from analysis.stats import mean_ci
from analysis.uncertainty import (NAV_COST, PEOPLE_IN_WORK, best_set, cost_sentence, ensemble_differences,
                                  ensemble_summary, how_sure)
from analysis.workbook import workbook_bytes
from infra.provenance import git_commit, model_code, versions
from domain.schema import CONFIG_PREFIX, COUNT, HOURS, NOK, RATIO, SHARE, WEEKS, kpi, positions_kpi
from domain.terms import NEED_LEVELS, ROLES
from inclusim.dashboard.runner import VARIANT, Outcome
from inclusim.dashboard.safe import literal

#: The dashboard's KPIs, in sections: (section title, KPIs).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Users in work", ("ever_employed_share", "employed_share_w52", "employed_share_w156", "retention_52",
                       *(f"ever_employed_share_{level}" for level in NEED_LEVELS))),
    ("Dropout", ("dropout_share", *(f"dropout_share_{level}" for level in NEED_LEVELS))),
    ("Advisers' time", ("hours_per_candidate", "caseholder_pressure", "adviser_weeks_over_budget_share",
                        "reviews_postponed_share")),
    ("Mentors and subsidies", ("mentor_hours_support", "mentor_hours_subsidised", "mentor_burnouts",
                               "mentor_subsidy_nok", "wage_subsidy_nok", "subsidy_cost_per_employment")),
    # what each side spends: positions by role, their cost a year and over the run, grants, in all
    ("Staff and cost", (*(positions_kpi(role) for role in ROLES), "position_cost_nok_per_year", "position_cost_nok",
                        "mentor_subsidy_nok", "wage_subsidy_nok", NAV_COST, PEOPLE_IN_WORK)),
    # the users on the same caseloads outside the target group: what close follow-up of the few costs the many
    ("Users outside the target group", ("ordinary_job_by_w52_share", "ordinary_job_by_end_share",
                                        "ordinary_left_without_job_share", "ordinary_weeks_without_plan_share",
                                        "ordinary_reviews_missed_per_user_year")),
)
#: The headline figure of the summary line.
HEADLINE = "employed_share_w156"


#: The space between two groups of a number's digits ('18 155 500').
DIGIT_GROUP = re.compile(r"(?<=\d) (?=\d{3}\b)")


def markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (the dashboard's tables are Markdown): a header row, then one line per row.
    Every cell shows its text as it is (``safe.literal``: a cell may come from a file, e.g. a sweep's
    policy names); a number's groups of digits are held together (no-break spaces), so '18 155 500'
    never breaks."""
    def line(cells) -> str:
        return "| " + " | ".join(literal(DIGIT_GROUP.sub("\u00a0", str(cell))) for cell in cells) + " |\n"

    return line(columns) + "|" + " --- |" * len(columns) + "\n" + "".join(line(row) for row in rows)


def frame_markdown(table: pd.DataFrame) -> str:
    """A DataFrame with a text index (e.g. the terminal summary) as a Markdown table."""
    return markdown_table(["", *map(str, table.columns)],
                          [[index, *row] for index, row in zip(table.index, table.to_numpy().tolist(), strict=True)])


def best_runs(result: Outcome) -> Outcome:
    """The runs of the best parameter set (all runs when the ensemble was not run), for the charts."""
    runs = best_set(result.runs)
    return Outcome(runs, result.weekly[result.weekly["run_id"].isin(runs["run_id"])], result.labels)


def as_policies(result: Outcome, names: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs and weekly tables with each setting's label (or its name in ``names``, e.g. translated)
    as its ``policy``, for the charts."""
    labels = result.runs[VARIANT].map(lambda label: (names or {}).get(label, label))
    runs = with_derived_kpis(result.runs).assign(policy=labels.to_numpy())
    return runs, result.weekly


def kpi_rows(result: Outcome, baseline: str, kpis) -> list[dict]:
    """One row per KPI: its plain name, 'mean (interval)' per setting and the paired difference
    from ``baseline`` (or '' when only one setting was run). With the calibrated ensemble run, the
    mean and interval are over the best set's seeds and the range over the parameter sets follows
    in square brackets (``analysis.uncertainty``)."""
    runs = with_derived_kpis(result.runs)
    runs = runs.assign(policy=runs[VARIANT].to_numpy())      # the settings stand where policies stand
    present = [name for name in kpis if name in runs]
    summary = ensemble_summary(runs, present, by=["policy"]).set_index(["policy", "kpi"])
    others = [label for label in result.labels if label != baseline]
    diffs = (ensemble_differences(runs, present, baseline).set_index("kpi")
             if baseline in result.labels and others else None)
    rows = []
    for name in present:
        row = {"kpi": name, "label": kpi(name).label}
        for label in result.labels:
            cell = summary.loc[(label, name)]
            row[label] = (format_kpi(name, cell["mean"], cell["low"], cell["high"])
                          + set_range(name, cell["set_low"], cell["set_high"]))
        if diffs is not None:
            diff = diffs.loc[name]
            row["difference"] = ("" if math.isnan(diff["difference"])
                                 else format_kpi_difference(name, diff["difference"], diff["low"], diff["high"])
                                 + set_range(name, diff["set_low"], diff["set_high"], sign=True))
        rows.append(row)
    return rows


#: The unit a KPI's numbers have in the table to download: shares in per cent.
_CSV_UNITS = {SHARE: "%", WEEKS: "weeks", HOURS: "hours", NOK: "NOK", COUNT: "count", RATIO: "ratio"}


def result_table(result: Outcome, baseline: str, names: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison as numbers, for a spreadsheet: (figures, settings).

    ``figures``: one row per KPI (section, figure, unit, then mean, low and high of each setting and
    of the paired difference, and the range over the calibrated parameter sets when the ensemble
    was run), shares in per cent and differences in percentage points, NaN where there is no number.
    ``settings``: every setting of the runs (their ``cfg.`` columns) for each setting compared, the
    ones that differ first, and the versions the runs were made with. Texts in the caller's language."""
    from analysis.i18n import tr

    runs = with_derived_kpis(result.runs)
    runs = runs.assign(policy=runs[VARIANT].to_numpy())
    shown = [names.get(label, label) for label in result.labels]
    others = [label for label in result.labels if label != baseline]
    parts = ("mean", "low", "high", "set low", "set high")
    columns = [tr("Section"), tr("Figure"), tr("Unit")]
    for name in shown:
        columns += [f"{name}: {tr(part)}" for part in parts]
    if others:
        columns += [f"{tr('Difference')}: {tr(part)}" for part in parts]
    rows = []
    for section, kpis in SECTIONS:
        present = [name for name in kpis if name in runs]
        if not present:
            continue
        summary = ensemble_summary(runs, present, by=["policy"]).set_index(["policy", "kpi"])
        diffs = (ensemble_differences(runs, present, baseline).set_index("kpi")
                 if baseline in result.labels and others else None)
        for name in present:
            scale = 100.0 if kpi(name).is_share else 1.0
            row = [tr(section), tr(kpi(name).label), tr(_CSV_UNITS.get(kpi(name).unit, kpi(name).unit))]
            for label in result.labels:
                cell = summary.loc[(label, name)]
                row += [float(cell[part]) * scale for part in ("mean", "low", "high", "set_low", "set_high")]
            if diffs is not None:
                diff = diffs.loc[name]
                row += [float(diff[part]) * scale for part in ("difference", "low", "high", "set_low", "set_high")]
            rows.append(row)
    figures_table = pd.DataFrame(rows, columns=columns)
    # every setting of the runs, those that differ between the settings compared first
    setting_rows = []
    for column in (column for column in runs.columns if column.startswith(CONFIG_PREFIX)):
        values = [runs.loc[runs[VARIANT] == label, column].iloc[0] for label in result.labels]
        differs = len({str(value) for value in values}) > 1
        setting_rows.append((not differs, column.removeprefix(CONFIG_PREFIX), tr("yes") if differs else "",
                             *(_plain(value) for value in values)))
    # what made the numbers: the model code's fingerprint (as in a run folder) and the versions
    made_by = {"model_code": model_code(), "git_commit": git_commit(), **versions()}
    for name, value in made_by.items():
        setting_rows.append((True, name, "", *(value for _ in result.labels)))
    setting_rows.sort(key=lambda row: row[0])
    settings = pd.DataFrame([row[1:] for row in setting_rows], columns=[tr("Setting"), tr("Differs"), *shown])
    return figures_table, settings


def _plain(value):
    """A setting's value as a spreadsheet cell: a number stays a number, anything else is text."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return value
    if hasattr(value, "item"):       # a numpy number
        return value.item()
    return str(value)


def result_csv(result: Outcome, baseline: str, names: dict, lang: str) -> str:
    """The figures of :func:`result_table` and, after them, the settings that differ, as CSV: in
    bokmål ';' between fields and a decimal comma, as a Norwegian spreadsheet reads them; in
    English ',' and '.'."""
    from analysis.i18n import tr

    figures_table, settings = result_table(result, baseline, names)
    comma = lang == "nb"

    def cell(value) -> str:
        if isinstance(value, float):
            if not math.isfinite(value):
                return ""
            text = f"{value:.4f}".rstrip("0").rstrip(".")
            return text.replace(".", ",") if comma else text
        return str(value)

    rows = figures_table.to_numpy().tolist()
    width = len(figures_table.columns)
    per_setting = (width - 3) // 5      # the settings compared and the difference have 5 columns each
    for setting, differs, *values in settings.to_numpy().tolist():
        if differs:
            row = [tr("Settings that differ"), setting, ""]
            for value in values[:per_setting]:
                row += [value, "", "", "", ""]
            rows.append((row + [""] * width)[:width])
    table = pd.DataFrame([[cell(value) for value in row] for row in rows], columns=figures_table.columns)
    return table.to_csv(index=False, sep=";" if comma else ",")


def result_xlsx(result: Outcome, baseline: str, names: dict) -> bytes:
    """The figures and the settings of :func:`result_table` as an xlsx workbook (a sheet each),
    numbers as numbers; the sheets' names in the caller's language."""
    from analysis.i18n import tr

    figures_table, settings = result_table(result, baseline, names)
    return workbook_bytes({tr("Figures"): figures_table, tr("Settings"): settings}, number_format={tr("Figures"): 4})


def cost_line(result: Outcome, label: str, baseline: str) -> str:
    """What one more person in work at the end costs NAV under ``label`` against ``baseline``
    (``analysis.uncertainty.cost_sentence``), in the caller's language."""
    runs = with_derived_kpis(result.runs)
    return cost_sentence(runs.assign(policy=runs[VARIANT].to_numpy()), label, baseline)


def certainty_line(result: Outcome, label: str, baseline: str, subject: str, against: str) -> str:
    """How sure the headline difference (users in work after 3 years) of ``label`` from ``baseline`` is, in
    one plain sentence in the caller's language (``analysis.uncertainty.how_sure``); ``subject`` and
    ``against`` name the two settings in it."""
    from analysis.i18n import tr

    runs = result.runs.assign(policy=result.runs[VARIANT].to_numpy())
    diffs = ensemble_differences(runs, [HEADLINE], baseline)
    row = diffs[diffs["policy"] == label].iloc[0]
    return how_sure(subject, tr("users in work after 3 years"), against, float(row["difference"]), float(row["low"]),
                    float(row["high"]), float(row["set_low"]), float(row["set_high"]))


def headline(result: Outcome, label: str) -> tuple[float, float, float]:
    """Mean and interval of the headline KPI (users in work at 3 years) for one setting (the best
    parameter set's seeds when the ensemble was run)."""
    runs = best_set(result.runs)
    est = mean_ci(runs.loc[runs[VARIANT] == label, HEADLINE])
    return est.mean, est.low, est.high


def figures(result: Outcome, baseline: str, names: dict | None = None) -> dict:
    """The charts of a comparison, by name: employment over time, outcomes by need level, adviser
    hours against the budget, mentor load and subsidy cost. ``names``: what to call each setting."""
    runs, weekly = as_policies(best_runs(result), names)
    baseline = (names or {}).get(baseline, baseline)
    by_need = [f"ever_employed_share_{level}" for level in NEED_LEVELS] + \
              [f"dropout_share_{level}" for level in NEED_LEVELS]
    # the settings in their own order (today first), so each keeps its colour in either language
    with shown_first((names or {}).get(label, label) for label in result.labels):
        return {
            "employment": outcomes.employment_over_time(weekly, runs),
            "need": outcomes.policy_comparison(runs, kpis=by_need, baseline=baseline),
            "hours": resources.adviser_hours(runs, weekly),
            "mentors": resources.mentor_and_subsidy(runs),
        }


def adviser_week_table(advisers) -> pd.DataFrame:
    """One row per adviser and activity: the hours booked in the adviser's latest planned week,
    with the role, the weekly hours and this week's demand / hours (read off the adviser agents)."""
    from domain.terms import ACTIVITIES

    rows = []
    for number, adviser in enumerate(advisers, start=1):
        week = adviser.last_week
        if week is None:
            continue
        for activity in ACTIVITIES:
            rows.append({"adviser": number, "role": str(adviser.role), "activity": activity,
                         "hours": float(week.booked[activity]), "budget": adviser.hours_week,
                         "pressure": week.pressure})
    return pd.DataFrame(rows, columns=["adviser", "role", "activity", "hours", "budget", "pressure"])


def adviser_week_chart(table: pd.DataFrame, week: int):
    """Each adviser's week: hours booked by activity (stacked bars), the weekly hours as a line, and
    the advisers whose demand was above their hours marked."""
    from matplotlib.patches import Patch

    from analysis.charts.style import ACTIVITY_COLOURS, WARNING_COLOUR, new_figure, styled
    from analysis.i18n import tr
    from domain.terms import ACTIVITIES, ACTIVITY_NAMES, ROLE_NAMES

    @styled
    def draw():
        fig = new_figure(11, 4.6)
        ax = fig.subplots()
        if table.empty:
            ax.set_axis_off()
            ax.text(0.5, 0.5, tr("No week planned yet: press Step."), ha="center", va="center")
            return fig
        wide = table.pivot_table(index=["adviser", "role"], columns="activity", values="hours", aggfunc="sum")
        x = range(len(wide))
        bottom = [0.0] * len(wide)
        for activity in ACTIVITIES:
            heights = wide.get(activity, pd.Series(0.0, index=wide.index)).to_numpy()
            ax.bar(x, heights, bottom=bottom, color=ACTIVITY_COLOURS[activity], width=0.8, lw=0)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        budget = table.groupby("adviser")["budget"].first().to_numpy()
        ax.step([i - 0.5 for i in x] + [len(wide) - 0.5], list(budget) + [budget[-1]], where="post",
                color=WARNING_COLOUR, lw=1.5, ls="--")
        over = table.groupby("adviser")["pressure"].first().to_numpy() > 1.0
        for i in [i for i, flag in enumerate(over) if flag]:
            ax.text(i, bottom[i] + 0.5, "!", ha="center", color=WARNING_COLOUR, fontweight="bold")
        roles = [role for _adviser, role in wide.index]
        ax.set_xticks(list(x), [f"{i + 1}" for i in x], fontsize=7)
        ax.set_xlabel(tr("Advisers: {groups}", groups=", ".join(
            f"{tr(ROLE_NAMES[role])} {roles.index(role) + 1}-{len(roles) - roles[::-1].index(role)}"
            for role in dict.fromkeys(roles))))
        ax.set_ylabel(tr("Hours booked this week"))
        ax.set_title(tr("Each adviser's week {week}", week=week))
        handles = [Patch(facecolor=ACTIVITY_COLOURS[a], label=tr(ACTIVITY_NAMES[a])) for a in ACTIVITIES]
        handles.append(Patch(facecolor="none", edgecolor=WARNING_COLOUR, ls="--",
                             label=tr("Weekly hours; ! demand above the hours")))
        fig.legend(handles=handles, loc="outside upper center", ncols=3, fontsize=8)
        return fig

    return draw()

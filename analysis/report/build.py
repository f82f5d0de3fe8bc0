"""Everything the report shows, built in memory: the design of the sweep, the tables (numbers and
the text the page shows), the charts that the design allows with their readings, the config and
where the results came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis import charts
from analysis.charts.data import HORIZON_COLUMN, at_setting
from analysis.formatting import format_kpi_difference, lever_value, set_range, setting_text, with_text
from analysis.i18n import current_language, tr
from analysis.derived_kpis import ORDINARY_MAIN, kpis_present, last_checkpoint_kpi, with_derived_kpis
from analysis.labels import DEFAULT_BASELINE, kpi_label, lever_label, lever_short, method_name, order_policies, sort_rows
from analysis.by_office import has_offices, office_results, office_spread
from analysis.report import readings
from analysis.report.sources import config_of, provenance_of, read_metas
from analysis.stats import LEVEL, PARAMETER_SET, interval_method, reference_setting, swept_levers
from analysis.charts import sensitivity_charts, waterfall_chart
from analysis.shapley import parts_sweep, split_parts_sweep
from analysis.sensitivity_indices import contrast_texts, is_sensitivity, point_values
from analysis.sensitivity_indices import indices as sensitivity_indices
from analysis.uncertainty import best_set, cost_sentence, ensemble_differences, ensemble_summary, has_ensemble, how_sure
from analysis.summary import kpi_by_group
from domain.schema import CONFIG_PREFIX, DIFFERENCE_KPIS, SUMMARY_KPIS

#: Levers chart 5 is drawn against when a sweep varies them (also the preferred heatmap axes).
TRADEOFF_LEVERS = ("cfg.office.caseload_ordinary", "cfg.office.hybrid_slots")
#: Headers of the report's tables, in English (the rest of the page's text is in the templates); the
#: page shows them in its language (:func:`column_title`).
COLUMN_TITLES = {
    "outcome_interval": "Outcome (mean and {level} % interval)",
    "replications": "Replications",
    "method": "Interval",
    "policy": "Policy",
    "baseline": "Compared with",
    "outcome": "Outcome",
    "difference": "Difference ({level} % interval)",
    "pairs": "Seeds paired",
    "over_sets": "Over the parameter sets ({level} % interval)",
    "sign_robust": "Sign the same in every set",
    "setting": "Setting",
    "values": "Values in this sweep",
    "value": "Value",
}


def column_title(key: str) -> str:
    """The header of a report table's column (:data:`COLUMN_TITLES`) in the current language."""
    return tr(COLUMN_TITLES[key], level=int(LEVEL * 100))


@dataclass
class ChartEntry:
    key: str
    title: str
    figure: object | None = None       # matplotlib Figure, None when the chart was skipped
    reading: list[str] = field(default_factory=list)
    skipped: str | None = None
    files: tuple[Path, ...] = ()
    setting: str = ""                  # which lever setting the chart shows, when the sweep has levers


@dataclass
class Report:
    sweep_dir: Path
    title: str
    design: dict
    tables: dict[str, pd.DataFrame]       # numbers as the statistics functions returned them
    rendered: dict[str, pd.DataFrame]     # the same tables as text, exactly as the HTML shows them
    charts: list[ChartEntry]
    provenance: dict
    config: dict
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # shown near the top of the page, marked
    verdicts: list[str] = field(default_factory=list)   # how sure each policy's headline difference is, and its cost
    lang: str = "en"                                     # the language of its text (``analysis.i18n``)


#: The columns of the users table the report uses (time to first job, results by office): reading only
#: these keeps the report's memory small for sweeps of large worlds.
CANDIDATE_COLUMNS = ("run_id", "candidate_id", "office_index", "entry_week", "first_job_week", "n_dropouts")


def _read_optional(path: Path, columns=None) -> pd.DataFrame | None:
    if not path.exists():
        return None
    if columns is not None:
        present = set(pq.read_schema(path).names)
        columns = [c for c in columns if c in present]
    return pd.read_parquet(path, columns=columns)


def make_report(sweep_dir: Path, baseline: str = DEFAULT_BASELINE) -> Report:
    """Everything the report of a collected sweep shows, in memory: figures, tables (numbers and
    text), readings. Raises ``FileNotFoundError`` when the sweep has not been collected."""
    sweep_dir = Path(sweep_dir)
    runs_path = sweep_dir / "runs.parquet"
    if not runs_path.exists():
        raise FileNotFoundError(f"{runs_path} not found: collect the sweep first (it is written when a sweep ends)")
    runs = pd.read_parquet(runs_path)
    if runs.empty:
        raise ValueError(f"{runs_path} has no runs")
    runs["policy"] = runs["policy"].astype(str)
    runs = with_derived_kpis(runs)
    weekly = _read_optional(sweep_dir / "weekly.parquet")
    candidates = _read_optional(sweep_dir / "candidates.parquet", CANDIDATE_COLUMNS)
    notes: list[str] = []

    policies = order_policies(runs["policy"].unique())
    if baseline not in policies:
        notes.append(tr("This sweep has no '{baseline}' runs; differences are taken from '{first}' instead.",
                        baseline=baseline, first=policies[0]))
        baseline = policies[0]
    levers = swept_levers(runs)
    ref = reference_setting(runs, levers)
    all_runs = runs
    if has_ensemble(runs):
        sets = runs[PARAMETER_SET].nunique()
        notes.append(tr("The sweep ran every setting under {sets} parameter sets of the calibrated ensemble "
                        "(conf/ensemble/). Tables give each result over the seeds of the best set (the defaults) and, in "
                        "brackets or their own column, the 5 % to 95 % quantiles of the parameter sets' means: where "
                        "the result lies over parameter values that all meet the calibration targets. The best set can "
                        "sit at the edge of that range; quote both. A difference whose sign changes between sets is "
                        "marked as not robust. The charts show the best set.", sets=sets))
        runs = best_set(runs)
        weekly = None if weekly is None else weekly[weekly["run_id"].isin(runs["run_id"])]
        candidates = None if candidates is None else candidates[candidates["run_id"].isin(runs["run_id"])]
    if levers:
        nine = _ordinary_tradeoff_numbers(runs, levers)
        notes.append(tr("Charts {shown} show one setting of the swept levers, each at its middle value: {setting}. "
                        "Charts {levers} show the levers; the tables show every setting.",
                        shown=", ".join(["1-4", "6", "8", "9a" if nine else "9"]), levers=", ".join(["5", "7", *nine]),
                        setting=setting_text(ref)))

    design = {
        "policies": policies, "baseline": baseline, "n_runs": len(all_runs),
        "runs_per_policy": runs["policy"].value_counts().reindex(policies).astype(int).to_dict(),
        "seeds": sorted(runs["seed"].unique().tolist()),
        "levers": {lv: sorted(runs[lv].unique().tolist()) for lv in levers},
        "reference": ref, "horizon": sorted(runs[HORIZON_COLUMN].unique().tolist()) if HORIZON_COLUMN in runs else [],
        "replications": int(runs.groupby(["policy"] + levers).size().min()),
    }

    tables, rendered = _tables(all_runs, levers, baseline)
    if has_offices(candidates):
        tables["by_office"] = office_results(candidates, runs)
        rendered["by_office"] = office_spread(tables["by_office"])
    warnings = (_few_replications(runs, levers) + _nothing_to_show(runs, tables["summary"])
                + readings.unequal_staff(runs, levers))
    verdicts = _verdicts(all_runs, tables["differences"], levers, ref, baseline, policies)
    entries = _charts(runs, weekly, candidates, levers, ref, baseline)
    if is_sensitivity(all_runs):
        notes.append(tr("This is a sensitivity sweep: every point of the Morris and Sobol designs of "
                        "conf/sensitivity.yaml under each policy. Tables and charts 1-9 pool the points (a global "
                        "average over the uncertain assumptions); charts 10 and 11 give the indices."))
        entries += _sensitivity(all_runs, baseline, tables, notes)
    found = parts_sweep(runs)
    if found is not None:
        entries += _parts(runs, found, tables, notes)
    for entry in entries:
        if entry.figure is not None:
            for name, frame in getattr(entry.figure, "inclusim_data", {}).items():
                tables[f"chart_{entry.key}_{name}"] = frame

    metas = read_metas(sweep_dir, all_runs["run_id"])
    provenance = provenance_of(sweep_dir, all_runs, metas, levers)
    config = config_of(runs, metas, baseline, ref, levers)
    return Report(sweep_dir=sweep_dir, title=(tr("inclusim sweep report: {name}", name=sweep_dir.name)
                                              if (sweep_dir / "runs").is_dir() else
                                              tr("inclusim run report: {name}", name=f"{sweep_dir.parent.name}/{sweep_dir.name}")),
                  design=design,
                  tables=tables, rendered=rendered, charts=entries, provenance=provenance, config=config,
                  notes=notes, warnings=warnings, verdicts=verdicts, lang=current_language())


def _verdicts(runs: pd.DataFrame, differences: pd.DataFrame, levers: list[str], ref: dict, baseline: str,
              policies: list[str]) -> list[str]:
    """For each policy but the baseline, at the reference setting of the levers: one plain sentence on how
    sure its difference in users in work at the last checkpoint is (``analysis.uncertainty.how_sure``,
    over seeds and, when run, over the parameter sets), and one on what an extra person in work costs."""
    name = last_checkpoint_kpi(runs)
    if name is None or differences.empty:
        return []
    at_ref = runs
    rows = differences[differences["kpi"] == name]
    for lever in levers:
        at_ref = at_ref[at_ref[lever] == ref[lever]]
        rows = rows[rows[lever] == ref[lever]]
    week = int(name.rsplit("_w", 1)[1])
    out = []
    for policy in policies:
        row = rows[rows["policy"] == policy]
        if policy == baseline or row.empty:
            continue
        row = row.iloc[0]
        out.append(how_sure(policy, tr("users in work at week {week}", week=week), baseline, float(row["difference"]),
                            float(row["low"]), float(row["high"]), float(row.get("set_low", np.nan)),
                            float(row.get("set_high", np.nan))))
        if "nav_cost_nok" in at_ref:        # runs made before the cost was counted have none
            out.append(cost_sentence(at_ref, policy, baseline, subject=policy))
    return out


def _few_replications(runs: pd.DataFrame, levers: list[str]) -> list[str]:
    """A warning when a policy (at a setting of the levers) has fewer than 2 runs: it has no interval."""
    sizes = runs.groupby(["policy"] + levers, sort=False).size()
    single = sizes[sizes < 2]
    if single.empty:
        return []
    names = [key if not levers else tr("{policy} at {setting}", policy=key[0],
                                       setting=setting_text(dict(zip(levers, key[1:], strict=True))))
             for key in single.index]
    shown = "; ".join(names[:4]) + (tr("; and {n} more", n=len(names) - 4) if len(names) > 4 else "")
    return [tr("One replication: no interval; run more seeds, e.g. 'seed=range(1,11)'. A single run for: {shown}. Its "
               "figures have no interval, and the readings make no claim about differences or bands there.", shown=shown)]


def _no_users(runs: pd.DataFrame, column: str = "n_candidates") -> str:
    """' Every run has 0 users (n_candidates = 0).' when that is so, else ''; ``column``: the count of
    users to look at (``ordinary_n_users`` for the users outside the target group)."""
    if column in runs and not (runs[column].fillna(0) > 0).any():
        return " " + tr("Every run has 0 users ({column} = 0).", column=column)
    return ""


def _nothing_to_show(runs: pd.DataFrame, summary: pd.DataFrame) -> list[str]:
    """A warning when no run has a value for any KPI of the summary."""
    if np.isfinite(summary["mean"].to_numpy(dtype=float)).any():
        return []
    return [tr("Nothing to show for the outcomes: no run has a value for any KPI of the summary.") + _no_users(runs)]


# --- tables --------------------------------------------------------------------------------------

def _tables(runs: pd.DataFrame, levers: list[str], baseline: str):
    """The summary and the paired differences (``analysis.uncertainty``: over seeds, and over the
    parameter sets when the sweep ran the ensemble; differences within each
    setting of the levers), as numbers and as the text the page shows."""
    kpis = kpis_present(runs, SUMMARY_KPIS)
    summary = ensemble_summary(runs, kpis, ["policy"] + levers)
    diffs = ensemble_differences(runs, kpis_present(runs, DIFFERENCE_KPIS), baseline, within=levers)
    return ({"summary": summary, "differences": diffs},
            {"summary": _summary_text(summary, kpis, levers), "differences": _differences_text(diffs, levers)})


def _summary_text(summary: pd.DataFrame, kpis: list[str], levers: list[str]) -> pd.DataFrame:
    """Without levers: one row per KPI, one column per policy, and rows of replications and of how the
    intervals were made. With levers: one row per policy and setting, its replications and interval
    method, and one column per KPI. Empty when no KPI has a value."""
    if not kpis:
        return pd.DataFrame()
    text = with_text(summary)
    labels = [kpi_label(k) for k in kpis]
    by = ["policy"] + levers
    replications = text.groupby(by)["n"].max().astype(int)
    methods = replications.map(lambda n: method_name(interval_method(n)))
    if not levers:
        wide = kpi_by_group(text, kpis, "policy")
        wide.index = labels
        wide.index.name = column_title("outcome_interval")
        wide.loc[column_title("replications")] = [str(replications.get(p, 0)) for p in wide.columns]
        wide.loc[column_title("method")] = [methods.get(p, "") for p in wide.columns]
        return wide.reset_index()
    shorts = [lever_short(lv) for lv in levers]
    wide = text.pivot(index=by, columns="kpi", values="text").reindex(columns=kpis)
    wide.insert(0, "method", methods)
    wide.insert(0, "n", replications.astype(str))
    wide = sort_rows(wide.reset_index(), levers + ["policy"])
    for lv in levers:
        wide[lv] = wide[lv].map(lever_value)
    rename = {**dict(zip(kpis, labels, strict=True)), **dict(zip(levers, shorts, strict=True)),
              "n": column_title("replications"), "method": column_title("method"), "policy": column_title("policy")}
    columns = [column_title("policy"), *shorts, column_title("replications"), column_title("method"), *labels]
    return wide.rename(columns=rename)[columns].reset_index(drop=True)


def _differences_text(diffs: pd.DataFrame, levers: list[str]) -> pd.DataFrame:
    """One row per setting, policy and KPI: the difference from the baseline and its interval."""
    if diffs.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        **{lever_short(lv): diffs[lv].map(lever_value) for lv in levers},
        column_title("policy"): diffs["policy"], column_title("baseline"): diffs["baseline"],
        column_title("outcome"): diffs["kpi"].map(kpi_label),
        column_title("difference"): [format_kpi_difference(name, d, lo, hi) for name, d, lo, hi in
                                     zip(diffs["kpi"], diffs["difference"], diffs["low"], diffs["high"], strict=True)],
        column_title("pairs"): diffs["pairs"].astype(int).astype(str),
        **({} if not (diffs["sets"] > 0).any() else {
            column_title("over_sets"): [set_range(name, lo, hi, sign=True).strip(" []") or tr("n/a") for name, lo, hi in
                                        zip(diffs["kpi"], diffs["set_low"], diffs["set_high"], strict=True)],
            column_title("sign_robust"): [tr("yes") if robust else tr("no: the sign is not robust")
                                          for robust in diffs["sign_robust"]]})})


# --- charts --------------------------------------------------------------------------------------

def _parts(runs: pd.DataFrame, found: tuple[str, list[str]], tables: dict, notes: list[str]) -> list[ChartEntry]:
    """Chart 12 of a sweep over every subset of a policy's parts (``inclusim explain``): the contrast
    against every part off (the saksbehandler office on the same staff) split into a share per part."""
    policy, parts = found
    outcomes = [k for k in (last_checkpoint_kpi(runs), "people_in_work_end", "ever_employed_share_small") if k]
    try:
        split = split_parts_sweep(runs, outcomes)
    except ValueError as exc:
        notes.append(tr("The sweep's parts cannot be split: {problem}", problem=str(exc)))
        return []
    tables["parts_split"] = split
    notes.append(tr("This sweep runs {policy} with every subset of its parts switched off ({parts}); with every "
                    "part off it is the {baseline} office on the same staff. Chart 12 splits the contrast into a "
                    "share per part.", policy=policy, parts=", ".join(waterfall_chart.part_label(p) for p in parts),
                    baseline=DEFAULT_BASELINE))
    entries = []
    for name in dict.fromkeys(split["outcome"]):
        part = split[split["outcome"] == name]
        scale, unit = (1.0, "people") if name == "people_in_work_end" else (100.0, "points")
        shares = "; ".join(f"{waterfall_chart.part_label(r.share)} {format_kpi_difference(name, r.mean, r.low, r.high)}"
                           for r in part.itertuples() if r.share != "total")
        total = part[part["share"] == "total"].iloc[0]
        reading = [tr("{policy} against every part off: {total}. Each part's share, with its 90 % interval over the "
                      "seeds: {shares}.", policy=policy, shares=shares,
                      total=format_kpi_difference(name, total["mean"], total["low"], total["high"]))]
        figure = waterfall_chart.contrast_waterfall(part, float(part["baseline_level"].iloc[0]), policy,
                                                    DEFAULT_BASELINE, name, scale, unit)
        entries.append(ChartEntry(f"parts_{name}", tr("12. Why {policy} differs from ordinary case work: {outcome}, "
                                                      "split into its parts", policy=policy, outcome=kpi_label(name)),
                                  figure, reading))
    return entries


def _sensitivity(runs: pd.DataFrame, baseline: str, tables: dict, notes: list[str]) -> list[ChartEntry]:
    """Charts 10 and 11 of a sensitivity sweep, with the words per policy contrast as their reading."""
    morris_table, sobol_table, problems = sensitivity_indices(runs, baseline)
    notes.extend(problems)
    values = point_values(runs, baseline)
    tables.update({"sensitivity_points": values, "sensitivity_morris": morris_table, "sensitivity_sobol": sobol_table})
    texts = contrast_texts(values, morris_table, sobol_table, baseline)
    none = tr("No complete design in this sweep.")
    return [ChartEntry("morris", tr("10. Sensitivity: the assumptions each contrast rests on (Morris)"),
                       sensitivity_charts.morris_ranking(morris_table), texts)
            if not morris_table.empty else ChartEntry("morris", tr("10. Sensitivity (Morris)"), skipped=none),
            ChartEntry("sobol", tr("11. Sensitivity: Sobol indices of the most influential groups"),
                       sensitivity_charts.sobol_indices(sobol_table),
                       [tr("S1: the share of a contrast's variance over the design that a group explains alone; "
                           "ST: alone and through its interactions with the other groups (95 % half-widths).")])
            if not sobol_table.empty else ChartEntry("sobol", tr("11. Sensitivity (Sobol)"), skipped=none)]


def _has_values(fig) -> bool:
    """True when a frame the chart drew from has a finite mean (or difference)."""
    return any(np.isfinite(frame[column].to_numpy(dtype=float)).any()
               for frame in fig.inclusim_data.values() for column in ("mean", "difference") if column in frame)


def _has_users(fig) -> bool:
    """True when the pathway chart counts a user somewhere."""
    mean = fig.inclusim_data["mean"]
    return bool((mean.select_dtypes("number").drop(columns="week").to_numpy() > 0).any())


def _entry(key: str, title: str, draw, read, setting: str, missing: str | None = None, nothing: str = "",
           shows=_has_values) -> ChartEntry:
    """The chart ``draw()`` with its reading ``read(fig)``; skipped, saying so, when the table it
    needs is missing (``missing`` says which) or when it has nothing to show (``shows(fig)`` is false; ``nothing``
    says why, e.g. that the runs had no users)."""
    if missing:
        return ChartEntry(key, title, skipped=missing)
    fig = draw()
    if not shows(fig):
        return ChartEntry(key, title, skipped=tr("Nothing to show: no run has a value for what this chart draws.")
                          + nothing)
    return ChartEntry(key, title, fig, read(fig), setting=setting)


def _charts(runs, weekly, candidates, levers, ref, baseline) -> list[ChartEntry]:
    """The charts the sweep's design allows, each with its reading; the others with why they are not drawn."""
    sel = at_setting(runs, ref)
    setting = tr("Shown at {setting}.", setting=setting_text(ref)) if ref else ""
    has_weekly = weekly is not None and len(weekly) > 0
    no_weekly = (None if has_weekly else tr("{file} is missing.", file="weekly.parquet") if weekly is None
                 else tr("{file} has no rows.", file="weekly.parquet"))
    no_candidates = None if candidates is not None else tr("{file} is missing.", file="candidates.parquet")
    entry = partial(_entry, setting=setting, nothing=_no_users(sel))
    return [
        entry("outcomes", tr("1. Outcomes by policy"),
              lambda: charts.policy_comparison(sel, baseline=baseline, within=levers or None),
              lambda fig: readings.outcomes(fig, baseline)),
        entry("employment", tr("2. Employment week by week"), lambda: charts.employment_over_time(weekly, sel),
              lambda fig: readings.employment(fig, baseline), missing=no_weekly),
        entry("first_job", tr("3. Time to first job"), lambda: charts.time_to_first_job(candidates, sel),
              readings.first_job, missing=no_candidates),
        entry("adviser_hours", tr("4. Adviser hours by activity and role"),
              lambda: charts.adviser_hours(sel, weekly if has_weekly else None),
              lambda fig: readings.hours(fig, sel)),
        *_tradeoff_charts(runs, levers, ref),
        entry("pathway", tr("6. Where users are on the pathway"), lambda: charts.pathway_occupancy(weekly, sel),
              lambda _fig: readings.pathway(weekly, sel), missing=no_weekly, shows=_has_users),
        *_heatmap_charts(runs, levers, ref),
        entry("mentors_subsidies", tr("8. Mentor load and subsidy cost"), lambda: charts.mentor_and_subsidy(sel),
              readings.mentors),
        *_ordinary_charts(runs, sel, levers, ref, baseline, setting),
    ]


def _held_at(fixed: dict) -> str:
    return tr("Other levers held at {setting}.", setting=setting_text(fixed)) if fixed else ""


def _shows_outcome(fig) -> bool:
    """True when a trade-off chart has a finite mean of its outcome (its load alone is not enough)."""
    return bool(np.isfinite(fig.inclusim_data["outcome"]["mean"].to_numpy(dtype=float)).any())


def _tradeoff_entry(runs, lever, ref, key: str, title: str, outcome: str | None = None, outcome_name: str | None = None,
                    users: str = "n_candidates", shows=_has_values) -> ChartEntry:
    """A trade-off chart (``charts.caseload_tradeoff``) of ``outcome`` against ``lever``, the other levers
    held at the reference setting, with its reading; ``users``: the column that counts the users it is about."""
    fixed = {k: v for k, v in ref.items() if k != lever}
    return _entry(key, title, partial(charts.caseload_tradeoff, runs, lever, outcome=outcome, fixed=fixed),
                  partial(readings.tradeoff, lever=lever, outcome_name=outcome_name), _held_at(fixed),
                  nothing=_no_users(at_setting(runs, fixed), users), shows=shows)


def _tradeoff_charts(runs, levers, ref) -> list[ChartEntry]:
    """Chart 5 for each trade-off lever the sweep varies (5a, 5b when it varies both)."""
    trade = [lv for lv in TRADEOFF_LEVERS if lv in levers]
    if not trade:
        names = [lv.removeprefix(CONFIG_PREFIX) for lv in TRADEOFF_LEVERS]
        first, second = (tr("the {lever} ({name})", lever=lever_short(lv).lower(), name=name)
                         for lv, name in zip(TRADEOFF_LEVERS, names, strict=True))
        why = (tr("this sweep varies no lever besides policy and seed") if not levers else
               tr("this sweep varies neither {first} nor {second}", first=first, second=second))
        return [ChartEntry("tradeoff", tr("5. Caseload trade-off"),
                           skipped=tr("Not drawn: {why}. A sweep over {first} or {second} draws it.", why=why,
                                      first=names[0], second=names[1]))]
    return [_tradeoff_entry(runs, lever, ref, f"tradeoff_{lever.rsplit('.', 1)[-1]}",
                            tr("{number}. Trade-off: {lever}", number=f"5{'ab'[i]}" if len(trade) > 1 else "5",
                               lever=lever_label(lever).lower()))
            for i, lever in enumerate(trade)]


def _ordinary_tradeoff_numbers(runs, levers) -> list[str]:
    """The numbers of chart 9's trade-offs, '9b' (and '9c'), one per trade-off lever the sweep varies;
    none when the runs have no column of results for the users outside the target group."""
    if ORDINARY_MAIN not in runs:
        return []
    return [f"9{'bc'[i]}" for i, _lever in enumerate(lv for lv in TRADEOFF_LEVERS if lv in levers)]


def _ordinary_charts(runs, sel, levers, ref, baseline, setting) -> list[ChartEntry]:
    """Chart 9, the users outside the target group: their outcomes by policy at the reference setting
    (9, or 9a), and their job by the end against each trade-off lever the sweep varies (9b, 9c)."""
    title = tr("Users outside the target group")
    if ORDINARY_MAIN not in runs:
        return [ChartEntry("ordinary", f"9. {title}", skipped=tr(
            "Not drawn: these runs have no results for the users outside the target group (they were made before "
            "those users were simulated); run the sweep again to see them."))]
    numbers = _ordinary_tradeoff_numbers(runs, levers)
    trade = [lv for lv in TRADEOFF_LEVERS if lv in levers]
    main = _entry("ordinary", f"{'9a' if numbers else '9'}. {title}",
                  lambda: charts.ordinary_users(sel, baseline=baseline, within=levers or None),
                  lambda fig: readings.ordinary(fig, sel, baseline), setting, nothing=_no_users(sel, "ordinary_n_users"))
    return [main, *(_tradeoff_entry(runs, lever, ref, f"ordinary_tradeoff_{lever.rsplit('.', 1)[-1]}",
                                    tr("{number}. {title}: trade-off, {lever}", number=number, title=title,
                                       lever=lever_label(lever).lower()),
                                    outcome=ORDINARY_MAIN, users="ordinary_n_users", shows=_shows_outcome,
                                    outcome_name=tr("the share of those on the caseloads at the start with a job "
                                                    "by the end"))
                    for number, lever in zip(numbers, trade, strict=True))]


def _heatmap_charts(runs, levers, ref) -> list[ChartEntry]:
    """Chart 7 (the last employment checkpoint, and the workload) over the first two levers, the
    trade-off levers preferred."""
    if len(levers) < 2:
        return [ChartEntry("heatmap", tr("7. A KPI over two levers"), skipped=tr(
            "Not drawn: it needs two swept levers and this sweep varies 1 lever besides policy and seed." if levers else
            "Not drawn: it needs two swept levers and this sweep varies no levers besides policy and seed."))]
    preferred = [lv for lv in TRADEOFF_LEVERS if lv in levers]
    x_lever, y_lever = (preferred + [lv for lv in levers if lv not in preferred])[:2]
    fixed = {k: v for k, v in ref.items() if k not in (x_lever, y_lever)}
    outcome = last_checkpoint_kpi(runs) or "ever_employed_share"
    entries = []
    for key, number, name in (("heatmap", "7a", outcome), ("heatmap_load", "7b", "caseholder_pressure")):
        entries.append(_entry(key, tr("{number}. {kpi} over two levers", number=number, kpi=kpi_label(name)),
                              partial(charts.lever_heatmap, runs, name, x_lever, y_lever, fixed=fixed),
                              partial(readings.heatmap, name=name, x_lever=x_lever, y_lever=y_lever),
                              _held_at(fixed), nothing=_no_users(at_setting(runs, fixed))))
    return entries

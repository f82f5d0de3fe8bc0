"""``inclusim staffing``: the command, the terminal table, and the written table and Pareto chart.

    inclusim staffing [budget_fte=N] [office=FILE] [seeds=N] [workers=K] [search=auto|grid|optuna]
                      [mixes=N] [slots=2,3,4,5] [mixed_policy=auto|brobygger|hybrid] [ensemble_interval=true]
                      [out=DIR] [any config override, e.g. horizon_weeks=104 office.leader_support=0.9]

:func:`write_outputs` writes ``staffing.csv`` and ``staffing.xlsx`` (one row per mix run; the workbook also
holds the search's settings), ``pareto.png`` / ``.svg`` and ``run.yaml`` (what was searched, with which
costs) to the output folder.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.charts.style import add_note, new_figure, policy_colours, save_figure, styled, yerr
from analysis.i18n import language, localise_number, tr
from analysis.workbook import workbook_bytes
from domain.config import Config
from inclusim.compose import CommandSettings
from domain.params import ConfigError
from inclusim.staffing import Plan, StaffingResult, add_ensemble_interval, load_plan, search

#: The command's own settings and how each is read; every other key=value is a config override.
OWN_KEYS = {"budget_fte": int, "seeds": int, "workers": int, "search": str, "mixes": int, "slots": "ints",
            "mixed_policy": str, "ensemble_interval": bool, "out": Path, "top": int}


def _convert(key: str, value: str):
    kind = OWN_KEYS[key]
    try:
        if kind is int:
            return int(value)
        if kind == "ints":
            return tuple(int(v) for v in value.strip("[]").split(","))
        if kind is bool:
            if value.lower() not in ("true", "false"):
                raise ValueError
            return value.lower() == "true"
        return kind(value)
    except ValueError:
        what = {int: "a whole number", "ints": "whole numbers separated by commas", bool: "true or false"}[kind]
        raise ConfigError(f"{key} = {value!r}: must be {what}") from None


def parse(args: list[str]) -> tuple[dict, list[str]]:
    """(the command's own settings, the config overrides) of ``inclusim staffing`` arguments."""
    own, rest = {}, []
    for arg in args:
        key, sep, value = arg.partition("=")
        if arg.startswith("-") or not sep:
            raise ConfigError(f"{arg!r}: inclusim staffing takes key=value settings, e.g. budget_fte=15 seeds=5 "
                              f"office=examples/urban_office.yaml")
        if key in OWN_KEYS:
            own[key] = _convert(key, value)
        else:
            rest.append(arg)
    for key in ("seeds", "workers", "mixes", "top"):
        if key in own and own[key] < 1:
            raise ConfigError(f"{key} = {own[key]}: must be at least 1")
    return own, rest


def base_config(overrides: list[str]) -> tuple[Config, CommandSettings]:
    """The office the search starts from: ``inclusim <overrides>`` as one run (an office file expanded),
    and the command's settings (language, output folder)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    from inclusim.compose import compose_config_and_settings
    from inclusim.office import expand_office_files
    from inclusim.preflight import check

    overrides = expand_office_files(overrides)
    try:
        sweeps = [o.input_line for o in OverridesParser.create().parse_overrides(overrides) if o.is_sweep_override()]
    except HydraException as exc:
        raise ConfigError(" ".join(str(exc).split())) from None
    if sweeps:
        raise ConfigError(f"{sweeps[0]}: inclusim staffing searches one office; give one value per setting")
    check(overrides)
    return compose_config_and_settings(overrides)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "office"


def default_folder(settings: CommandSettings, office: str, budget_fte: int) -> Path:
    """Where a staffing search of ``office`` writes without ``out=``: per office and budget, and per
    language (a run in bokmål keeps the English files of the same search, and the other way round)."""
    suffix = "" if settings.lang == "en" else f"_{settings.lang}"
    return Path(settings.output_root) / "staffing" / f"{_slug(office)}_{budget_fte}fte{suffix}"


def main(args: list[str]) -> int:
    own, overrides = parse(args)
    base, settings = base_config(overrides)
    plan = load_plan()
    changes = {k: own[k] for k in ("seeds", "slots", "mixes", "mixed_policy") if k in own}
    plan = plan.with_changes(**changes, position_cost=base.cost.position_prices())
    workers = own.get("workers", 2)
    with language(settings.lang):       # every line in the office's language (lang=nb: bokmål)
        print(tr("inclusim staffing: office {office}, policy {policy}, {users} users on caseloads, {weeks} weeks",
                 office=repr(base.office.name), policy=base.policy.name,
                 users=base.office.n_advisers * base.office.caseload_ordinary, weeks=base.horizon_weeks))
        result = search(base, own.get("budget_fte"), seeds=plan.seeds, workers=workers, how=own.get("search", "auto"),
                        plan=plan, progress=lambda text: print(f"  {text}", flush=True))
        if own.get("ensemble_interval"):
            from inclusim.study import load_ensemble

            ensemble = load_ensemble()
            if len(ensemble) < 2:
                raise ConfigError("ensemble_interval: conf/ensemble/ holds fewer than 2 parameter sets")
            print("  " + tr("the calibrated ensemble: {n} more parameter sets for today's staff and the Pareto mixes",
                            n=len(ensemble) - 1))
            add_ensemble_interval(result, base, ensemble, workers, plan)
        out = own.get("out") or default_folder(settings, base.office.name, result.budget_fte)
        written = write_outputs(result, out, plan)
        print(terminal_table(result, own.get("top", 8)))
        names = {"table": tr("table:"), "workbook": tr("workbook:"), "chart": tr("chart:"), "about": tr("about:")}
        for name, path in written.items():
            print(f"{names[name]:<9} {path}")
    return 0


# -- the terminal table ----------------------------------------------------------------------------
def _run_length(weeks: int) -> str:
    """'3 years' for a run of 156 weeks, 'week 30' for one that is not a whole number of years."""
    if weeks % 52:
        return tr("week {week}", week=weeks)
    return tr("{n} years", n=weeks // 52) if weeks > 52 else tr("1 year")


def _cell(row, name: str, scale: float = 1.0, digits: int = 1) -> str:
    mean, low, high = (row.get(f"{name}{s}", math.nan) for s in ("", "_low", "_high"))
    if not np.isfinite(mean):
        return "-"
    def number(value: float) -> str:
        return localise_number(f"{value / scale:.{digits}f}")

    text = number(mean)
    if np.isfinite(low) and np.isfinite(high):
        text += " (" + tr("{low} to {high}", low=number(low), high=number(high)) + ")"
    elif name == "cost_per_extra":
        text += " (" + tr("unbounded") + ")"   # Fieller: the extra users in work are not clearly above 0
    sets = row.get(f"{name}_sets_low", math.nan)
    if np.isfinite(sets):
        text += " [" + tr("{low} to {high}", low=number(sets), high=number(row[f"{name}_sets_high"])) + "]"
    return text


def best_mixes(result: StaffingResult, top: int = 8) -> pd.DataFrame:
    """Today's staff and the ``top`` mixes with most users in work at the end, as a table of text in the
    caller's language: the positions by role, the way of working, the caseload, users in work, the extra
    in work, NAV's cost, the cost per extra person in work, overload, and whether the mix is on the Pareto
    front. Every column is named in words (no abbreviations)."""
    table = result.table
    shown = pd.concat([table[table["today"]], table[~table["today"]].head(top)])
    end = _run_length(result.horizon_weeks)
    rows = []
    for _, row in shown.iterrows():
        hybrid = int(row["hybrid"])
        rows.append({
            tr("Staff"): tr("today") if row["today"] else "",
            tr("Ordinary advisers"): str(int(row["ordinary"])),
            tr("Hybrid advisers (close-follow-up places each)"): f"{hybrid} ({int(row['slots'])})" if hybrid else "0",
            tr("Job specialists"): str(int(row["specialists"])),
            tr("Way of working"): str(row["policy"]),
            tr("Users per adviser"): str(int(row["caseload"])),
            tr("In work at 1 year"): _cell(row, "in_work_1y"),
            tr("In work at {end}", end=end): _cell(row, "in_work_end"),
            tr("Extra in work at {end}", end=end): "" if row["today"] else _cell(row, "extra_in_work"),
            tr("NAV cost, million NOK"): _cell(row, "nav_cost", 1e6),
            tr("NOK per extra person in work, thousands"): "" if row["today"] else _cost_cell(row),
            tr("Adviser-weeks over the hours, %"): localise_number(f"{100 * row['over_budget']:.0f}"),
            tr("Pareto front"): tr("yes") if row["pareto"] else "",
        })
    return pd.DataFrame(rows)


def mix_words(row) -> str:
    """A mix in words, in the caller's language: '9 ordinary, 6 job specialists' ('2 hybrid (3 places)' too)."""
    parts = [tr("{n} ordinary", n=int(row["ordinary"]))]
    if int(row["hybrid"]):
        parts.append(tr("{n} hybrid ({slots} places)", n=int(row["hybrid"]), slots=int(row["slots"])))
    if int(row["specialists"]):
        parts.append(tr("{n} job specialists", n=int(row["specialists"])))
    return ", ".join(parts)


def _cost_cell(row) -> str:
    """The cost per extra person in work: less cost for more in work said in words, not as a negative cost."""
    if np.isfinite(row.get("cost_per_extra", math.nan)) and row["cost_per_extra"] < 0:
        return tr("more in work for less")
    return _cell(row, "cost_per_extra", 1e3, 0)


def table_note(result: StaffingResult) -> str:
    """What the table of :func:`best_mixes` shows and how the mixes were searched, in one paragraph."""
    how = tr("every mix") if result.search == "grid" else tr("a search (Optuna) that proposes the mixes most worth running")
    sets = (" " + tr("[5-95 % over the parameter sets]")) if "n_sets" in result.table else ""
    return " ".join([
        tr("Staff mixes of {budget} positions: {run} of {space} run ({how}), {seeds} seeds each, {seconds} s.",
           budget=result.budget_fte, run=len(result.table) - 1, space=result.space_size, how=how,
           seeds=len(result.seeds), seconds=f"{result.seconds:.0f}"),
        tr("Users in work (of today's users), mean (90 % interval over seeds){sets}; NAV cost over the run: positions, "
           "mentor grants, wage subsidies; over the hours: share of adviser-weeks with more work than hours; Pareto "
           "front: no other mix has more in work at 1 year and at the end for less cost and less overload.", sets=sets)])


def terminal_table(result: StaffingResult, top: int = 8) -> str:
    """:func:`best_mixes` as text for the terminal, under :func:`table_note`."""
    with pd.option_context("display.width", 250, "display.max_colwidth", 60):
        body = best_mixes(result, top).to_string(index=False)
    return table_note(result) + "\n" + body


# -- the written outputs -------------------------------------------------------------------------
def write_outputs(result: StaffingResult, out_dir: str | Path, plan: Plan | None = None) -> dict[str, Path]:
    """Write ``staffing.csv``, the Pareto chart (``pareto.png`` and ``.svg``) and ``run.yaml`` to ``out_dir``."""
    plan = plan or load_plan()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table_path = out / "staffing.csv"
    result.table.to_csv(table_path, index=False)
    (out / "staffing.xlsx").write_bytes(staffing_xlsx(result, plan))
    png, _svg = save_figure(pareto_chart(result, plan), out / "pareto")
    about = {"budget_fte": result.budget_fte, "today": result.today.label, "seeds": result.seeds,
             "horizon_weeks": result.horizon_weeks, "search": result.search, "mixes_run": len(result.table) - 1,
             "space_size": result.space_size, "mixed_policy": result.mixed_policy, "slots": list(plan.slots),
             "position_cost_nok_per_year": plan.position_cost, "seconds": round(result.seconds, 1)}
    (out / "run.yaml").write_text(yaml.safe_dump(about, sort_keys=False))
    return {"table": table_path, "workbook": out / "staffing.xlsx", "chart": png, "about": out / "run.yaml"}


def staffing_xlsx(result: StaffingResult, plan: Plan) -> bytes:
    """Every mix run, numbers as numbers (shares in per cent), and the search's settings, as an xlsx workbook."""
    table = result.table.copy()
    for column in [c for c in table.columns if c.startswith("over_budget")]:
        table[column] = 100 * table[column]
    about = pd.DataFrame([(tr("positions (budget)"), result.budget_fte), (tr("today's staff"), result.today.label),
                          (tr("seeds"), ", ".join(map(str, result.seeds))), (tr("weeks simulated"), result.horizon_weeks),
                          (tr("search"), result.search), (tr("mixes run"), len(table) - 1),
                          (tr("mixes the budget allows"), result.space_size), (tr("mixed policy"), result.mixed_policy),
                          *((tr("NOK a position-year: {role}", role=role), value)
                            for role, value in plan.position_cost.items())],
                         columns=[tr("Setting"), tr("Value")])
    return workbook_bytes({tr("Mixes"): table, tr("Settings"): about})


@styled
def pareto_chart(result: StaffingResult, plan: Plan, label_top: int = 3):
    """Users in work at 1 year and at the end of the run against NAV cost and overload: every mix
    run in grey, the Pareto mixes in their policy's colour with 90 % intervals, today's staff as a star
    with dotted lines through it; the ``label_top`` Pareto mixes with most users in work at the end are named."""
    table = result.table
    end = _run_length(result.horizon_weeks)
    fig = new_figure(11.5, 8.0)
    axes = fig.subplots(2, 2, sharey="row")
    colours = policy_colours(sorted(set(table["policy"])))
    front = table[table["pareto"] & ~table["today"]]
    today = table[table["today"]]
    labelled = front.head(label_top)["mix"]   # the table is sorted by users in work at the end
    ys = (("in_work_1y", tr("Users in work at 1 year")), ("in_work_end", tr("Users in work at {end}", end=end)))
    xs = (("nav_cost", 1e6, tr("NAV cost to {end}, million NOK", end=end)),
          ("over_budget", 0.01, tr("Adviser-weeks over the weekly hours to {end}, %", end=end)))
    for r, (y, ylabel) in enumerate(ys):
        for c, (x, scale, xlabel) in enumerate(xs):
            ax = axes[r][c]
            ax.scatter(table[x] / scale, table[y], s=14, color="#BBBBBB", zorder=1, label=tr("other mixes run"))
            ax.axhline(today[y].iloc[0], color="#888888", ls=":", lw=1, zorder=0)
            ax.axvline(today[x].iloc[0] / scale, color="#888888", ls=":", lw=1, zorder=0)
            for policy in [p for p in colours if p in set(front["policy"])]:
                group = front[front["policy"] == policy]
                ax.errorbar(group[x] / scale, group[y], yerr=yerr(group[y], group[f"{y}_low"], group[f"{y}_high"]),
                            xerr=yerr(group[x], group[f"{x}_low"], group[f"{x}_high"]) / scale, fmt="o",
                            color=colours[policy], ms=6, lw=1, capsize=2, zorder=3, label=tr("Pareto: {policy}", policy=policy))
            ax.errorbar(today[x] / scale, today[y], yerr=yerr(today[y], today[f"{y}_low"], today[f"{y}_high"]),
                        xerr=yerr(today[x], today[f"{x}_low"], today[f"{x}_high"]) / scale, fmt="*", color="black",
                        ms=13, lw=1, capsize=2, zorder=4, label=tr("today's staff"))
            for _, row in front[front["mix"].isin(labelled)].iterrows() if c == 0 else ():
                ax.annotate(mix_words(row), (row[x] / scale, row[y]), xytext=(5, 4), textcoords="offset points",
                            fontsize=7.5, color="#333333")
            for _, row in today.iterrows():
                ax.annotate(tr("today"), (row[x] / scale, row[y]), xytext=(6, -11), textcoords="offset points",
                            fontsize=8, fontweight="bold")
            ax.set_xlabel(xlabel)
            if c == 0:
                ax.set_ylabel(ylabel)
    axes[0][0].legend(loc="upper left", fontsize=8)
    fig.suptitle(tr("Staff mixes of {budget} positions: users in work against NAV cost and overload",
                    budget=result.budget_fte), fontweight="bold")
    costs = ", ".join(f"{role} {value / 1e6:g}" for role, value in plan.position_cost.items())
    add_note(fig, tr("Means over seeds {first}-{last} with 90 % intervals; users in work counted on today's users. NAV "
                     "cost: positions (million NOK a position-year, ASSUMPTION: {costs}), mentor grants and wage "
                     "subsidies. Pareto: no other mix has more users in work at 1 year and at the end for less cost and less "
                     "overload (adviser-weeks over the weekly hours). Named: "
                     "the {top} Pareto mixes with most users in work at the end. Dotted lines: today's staff.",
                     first=result.seeds[0], last=result.seeds[-1], costs=costs, top=label_top))
    return fig


__all__ = ["base_config", "best_mixes", "main", "parse", "pareto_chart", "staffing_xlsx", "table_note", "terminal_table",
           "write_outputs"]

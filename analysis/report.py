"""A self-contained HTML report of a sweep: charts, tables, the config used and where it came from.

``build_report(sweep_dir)`` reads the collected tables of a sweep (``runs.parquet`` and, when there,
``weekly.parquet``, ``candidates.parquet``, ``runs/<hash>/meta.json``, ``multirun.yaml``) and writes
``sweep_dir/report/``::

    report.html            one file, figures embedded (base64 PNG), opens anywhere without a network
    figures/<chart>.png    each chart, also as .svg, to paste elsewhere
    tables/<name>.csv      every table and every chart's numbers, at full precision

Every number comes from ``analysis.stats`` (means with 90 % bootstrap intervals over replications,
policy differences paired by seed); the readings under each chart are generated from the same
numbers. :func:`make_report` builds everything in memory and returns a :class:`Report` whose
``tables`` are the DataFrames the HTML shows, so a test can check them against the statistics.

A sweep of policies and seeds alone gets charts 1-4, 6 and 8; a sweep that also varies the caseload
or the hybrid slots gets chart 5 for each; a sweep varying two levers gets the heatmaps (chart 7).
With levers, charts 1-4, 6 and 8 show one reference setting (each lever at its middle value).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import math
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import charts as C
from analysis.stats import (LEVEL, format_interval, order_policies, paired_differences, reference_setting,
                            summarise, swept_levers)

#: KPIs in the summary table, in this order (those missing or all-NaN in a sweep are left out).
SUMMARY_KPIS = [
    "ever_employed_share", "employed_share_w26", "employed_share_w52", "employed_share_w104", "employed_share_w156",
    "ever_employed_share_small", "ever_employed_share_medium", "ever_employed_share_large",
    "dropout_share", "apprentice_share", "education_share", "lockin_share",
    "median_weeks_to_first_job_if_employed", "retention_26", "retention_52",
    "hours_per_candidate", "hours_per_employment", "adviser_weeks_over_budget_share", "caseholder_pressure",
    "mentor_hours_per_employment", "subsidy_cost_per_employment",
]
#: KPIs compared policy by policy against the baseline, paired by seed.
DIFFERENCE_KPIS = [
    "ever_employed_share", "employed_share_w52", "employed_share_w104", "employed_share_w156",
    "dropout_share", "apprentice_share", "education_share", "retention_52",
    "hours_per_candidate", "hours_per_employment", "caseholder_pressure", "subsidy_cost_per_employment",
]
#: Levers chart 5 is drawn against when a sweep varies them.
TRADEOFF_LEVERS = ("cfg.office.caseload_ordinary", "cfg.policy.hybrid_slots")
DEFAULT_BASELINE = "saksbehandler"


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


# --- formatting ----------------------------------------------------------------------------------

def _is_money(kpi: str) -> bool:
    return "cost" in kpi or kpi.endswith("_nok")


def format_kpi(kpi: str, m: float, lo: float, hi: float) -> str:
    """A KPI's mean and interval as the report prints them: shares in per cent, money in whole NOK."""
    if C.is_share(kpi):
        return format_interval(m, lo, hi, pct=True, digits=1)
    if _is_money(kpi):
        if not math.isfinite(m):
            return "n/a"
        return f"{_nok(m)} ({_nok(lo)} to {_nok(hi)})"
    digits = 2 if "pressure" in kpi else 1
    return format_interval(m, lo, hi, pct=False, digits=digits)


def format_difference(kpi: str, d: float, lo: float, hi: float) -> str:
    """A paired difference as printed: percentage points for shares, NOK for money, else units."""
    if not math.isfinite(d):
        return "n/a"
    if C.is_share(kpi):
        return f"{100 * d:+.1f} points ({100 * lo:+.1f} to {100 * hi:+.1f})"
    if _is_money(kpi):
        return f"{_nok(d, sign=True)} ({_nok(lo, sign=True)} to {_nok(hi, sign=True)})"
    digits = 2 if "pressure" in kpi else 1
    return f"{d:+.{digits}f} ({lo:+.{digits}f} to {hi:+.{digits}f})"


def _nok(v: float, sign: bool = False) -> str:
    if not math.isfinite(v):
        return "n/a"
    s = f"{v:+,.0f}" if sign else f"{v:,.0f}"
    return s.replace(",", " ")


def _pct(v: float, digits: int = 1) -> str:
    return f"{100 * v:.{digits}f} %" if math.isfinite(v) else "n/a"


def _pct_range(lo: float, hi: float, digits: int = 1) -> str:
    return f"{100 * lo:.{digits}f} to {100 * hi:.{digits}f}"


def _lever_value(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else str(v)


def _setting_text(setting: dict) -> str:
    return ", ".join(f"{C.lever_label(k).lower()} = {_lever_value(v)}" for k, v in setting.items())


# --- loading -------------------------------------------------------------------------------------

def _read_optional(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.exists() else None


def _read_metas(sweep_dir: Path, run_ids) -> dict[str, dict]:
    metas = {}
    root = sweep_dir / "runs"
    wanted = set(map(str, run_ids))
    if not root.is_dir():
        return metas
    for d in sorted(root.iterdir()):
        f = d / "meta.json"
        if not f.exists():
            continue
        try:
            meta = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        run_id = str(meta.get("run_id", d.name))
        if run_id in wanted:
            metas[run_id] = meta
    return metas


def _sweep_command(sweep_dir: Path) -> dict:
    f = sweep_dir / "multirun.yaml"
    if not f.exists():
        return {}
    try:
        import yaml
        doc = yaml.safe_load(f.read_text()) or {}
    except Exception:  # noqa: BLE001 - the command is a nicety; a report without it is still whole
        return {}
    hydra = doc.get("hydra", {}) or {}
    overrides = hydra.get("overrides", {}) or {}
    params = (hydra.get("sweeper", {}) or {}).get("params") or {}
    return {"task": list(overrides.get("task", []) or []), "sweeper_params": dict(params)}


def _repo_commit() -> str:
    here = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5)
        if out.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


# --- building ------------------------------------------------------------------------------------

def make_report(sweep_dir: Path, baseline: str = DEFAULT_BASELINE) -> Report:
    """Everything the report shows, in memory: figures, tables (numbers and text), readings."""
    sweep_dir = Path(sweep_dir)
    runs_path = sweep_dir / "runs.parquet"
    if not runs_path.exists():
        raise FileNotFoundError(f"{runs_path} not found: collect the sweep first (it is written when a sweep ends)")
    runs = pd.read_parquet(runs_path)
    if runs.empty:
        raise ValueError(f"{runs_path} has no runs")
    runs["policy"] = runs["policy"].astype(str)
    runs = runs.assign(caseholder_pressure=C.caseholder_pressure(runs))
    weekly = _read_optional(sweep_dir / "weekly.parquet")
    candidates = _read_optional(sweep_dir / "candidates.parquet")
    notes: list[str] = []

    policies = order_policies(runs["policy"].unique())
    if baseline not in policies:
        notes.append(f"This sweep has no '{baseline}' runs; differences are taken from '{policies[0]}' instead.")
        baseline = policies[0]
    levers = swept_levers(runs)
    ref = reference_setting(runs, levers)
    sel = C.at_setting(runs, ref)
    if levers:
        notes.append("Charts 1-4, 6 and 8 show one setting of the swept levers, each at its middle value: "
                     f"{_setting_text(ref)}. Charts 5 and 7 show the levers; the tables show every setting.")

    design = {
        "policies": policies, "baseline": baseline, "n_runs": len(runs),
        "runs_per_policy": runs["policy"].value_counts().reindex(policies).astype(int).to_dict(),
        "seeds": sorted(runs["seed"].unique().tolist()), "levers": {lv: sorted(runs[lv].unique().tolist())
                                                                  for lv in levers},
        "reference": ref, "horizon": sorted(runs["cfg.horizon_weeks"].unique().tolist())
        if "cfg.horizon_weeks" in runs else [],
        "replications": int(runs.groupby(["policy"] + levers).size().min()),
    }

    tables, rendered = _tables(runs, levers, baseline)
    charts = _charts(runs, sel, weekly, candidates, levers, ref, baseline)
    for entry in charts:
        if entry.figure is not None:
            for name, frame in getattr(entry.figure, "inclusim_data", {}).items():
                tables[f"chart_{entry.key}_{name}"] = frame

    metas = _read_metas(sweep_dir, runs["run_id"])
    provenance = _provenance(sweep_dir, runs, metas, levers)
    config = _config(runs, metas, baseline, ref, levers)
    title = f"inclusim sweep report: {sweep_dir.name}"
    return Report(sweep_dir=sweep_dir, title=title, design=design, tables=tables, rendered=rendered,
                  charts=charts, provenance=provenance, config=config, notes=notes)


def _kpis_present(runs: pd.DataFrame, kpis: list[str]) -> list[str]:
    return [k for k in kpis if k in runs and runs[k].notna().any()]


def _tables(runs: pd.DataFrame, levers: list[str], baseline: str):
    """The summary (``summarise``) and the paired differences (``paired_differences``, within each
    setting of the levers), with their text versions."""
    by = ["policy"] + levers
    kpis = _kpis_present(runs, SUMMARY_KPIS)
    summary = summarise(runs, kpis, by=by)
    dkpis = _kpis_present(runs, DIFFERENCE_KPIS)
    if levers:
        parts = []
        for key, grp in runs.groupby(levers, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            d = paired_differences(grp, dkpis, baseline=baseline)
            for i, (lv, val) in enumerate(zip(levers, key, strict=True)):
                d.insert(i, lv, val)
            parts.append(d)
        diffs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    else:
        diffs = paired_differences(runs, dkpis, baseline=baseline)

    # text versions, exactly as shown
    s = summary.copy()
    s["text"] = [format_kpi(k, m, lo, hi) for k, m, lo, hi in zip(s["kpi"], s["mean"], s["low"], s["high"],
                                                                  strict=True)]
    if levers:
        wide = s.pivot(index=by, columns="kpi", values="text").reindex(columns=kpis)
        wide.insert(0, "n", s.groupby(by)["n"].max().astype(int).astype(str))
        wide = wide.reset_index()
        rank = {p: i for i, p in enumerate(order_policies(wide["policy"]))}
        wide = wide.sort_values(levers + ["policy"], key=lambda c: c.map(rank) if c.name == "policy" else c)
        for lv in levers:
            wide[lv] = wide[lv].map(_lever_value)
        summary_text = wide.rename(columns={**{k: C.kpi_label(k) for k in kpis}, "n": "Replications",
                                            **{lv: C.lever_short(lv) for lv in levers}, "policy": "Policy"})
        summary_text = summary_text[["Policy"] + [C.lever_short(lv) for lv in levers] + ["Replications"]
                                    + [C.kpi_label(k) for k in kpis]].reset_index(drop=True)
    else:
        wide = s.pivot(index="kpi", columns="policy", values="text").reindex(kpis)
        wide = wide[[p for p in order_policies(wide.columns)]]
        wide.index = [C.kpi_label(k) for k in wide.index]
        wide.index.name = "Outcome (mean and 90 % interval)"
        nrow = s.groupby("policy")["n"].max()
        wide.loc["Replications"] = [str(int(nrow.get(p, 0))) for p in wide.columns]
        summary_text = wide.reset_index()
    d = diffs.copy()
    if len(d):
        d["text"] = [format_difference(k, x, lo, hi) for k, x, lo, hi in
                     zip(d["kpi"], d["difference"], d["low"], d["high"], strict=True)]
        diff_text = pd.DataFrame({
            **{C.lever_short(lv): d[lv].map(_lever_value) for lv in levers},
            "Policy": d["policy"], "Compared with": d["baseline"], "Outcome": d["kpi"].map(C.kpi_label),
            "Difference (90 % interval)": d["text"], "Seeds paired": d["pairs"].astype(int).astype(str)})
    else:
        diff_text = pd.DataFrame()
    return ({"summary": summary, "differences": diffs},
            {"summary": summary_text, "differences": diff_text})


def _charts(runs, sel, weekly, candidates, levers, ref, baseline) -> list[ChartEntry]:
    entries: list[ChartEntry] = []
    setting = f"Shown at {_setting_text(ref)}." if ref else ""

    fig = C.policy_comparison(sel, baseline=baseline, within=levers or None)
    entries.append(ChartEntry("outcomes", "1. Outcomes by policy", fig, _read_outcomes(fig, baseline),
                              setting=setting))

    if weekly is not None and len(weekly):
        fig = C.employment_over_time(weekly, sel)
        entries.append(ChartEntry("employment", "2. Employment week by week", fig,
                                  _read_employment(fig, baseline), setting=setting))
    else:
        entries.append(ChartEntry("employment", "2. Employment week by week", skipped="weekly.parquet is missing."))

    if candidates is not None and len(candidates):
        fig = C.time_to_first_job(candidates, sel)
        entries.append(ChartEntry("first_job", "3. Time to first job", fig, _read_first_job(fig),
                                  setting=setting))
    else:
        entries.append(ChartEntry("first_job", "3. Time to first job", skipped="candidates.parquet is missing."))

    fig = C.adviser_hours(sel, weekly if weekly is not None and len(weekly) else None)
    entries.append(ChartEntry("adviser_hours", "4. Adviser hours by activity and role", fig,
                              _read_hours(fig, sel), setting=setting))

    trade = [lv for lv in TRADEOFF_LEVERS if lv in levers]
    if trade:
        for i, lv in enumerate(trade):
            fixed = {k: v for k, v in ref.items() if k != lv}
            fig = C.caseload_tradeoff(runs, lv, fixed=fixed)
            short = lv.rsplit(".", 1)[-1]
            num = f"5{'ab'[i]}" if len(trade) > 1 else "5"
            entries.append(ChartEntry(f"tradeoff_{short}", f"{num}. Trade-off: {C.lever_label(lv).lower()}", fig,
                                      _read_tradeoff(fig, lv),
                                      setting=f"Other levers held at {_setting_text(fixed)}." if fixed else ""))
    else:
        why = ("this sweep varies no lever besides policy and seed" if not levers else
               "this sweep varies neither the caseload (office.caseload_ordinary) nor the hybrid slots "
               "(policy.hybrid_slots)")
        entries.append(ChartEntry("tradeoff", "5. Caseload trade-off", skipped=f"Not drawn: {why}. A sweep over "
                                  "office.caseload_ordinary or policy.hybrid_slots draws it."))

    if weekly is not None and len(weekly):
        fig = C.pathway_occupancy(weekly, sel)
        entries.append(ChartEntry("pathway", "6. Where users are on the pathway", fig,
                                  _read_pathway(weekly, sel), setting=setting))
    else:
        entries.append(ChartEntry("pathway", "6. Where users are on the pathway", skipped="weekly.parquet is missing."))

    if len(levers) >= 2:
        xl, yl = _heatmap_levers(levers)
        fixed = {k: v for k, v in ref.items() if k not in (xl, yl)}
        outcome = C.last_checkpoint_kpi(runs) or "ever_employed_share"
        for key, num, kpi in (("heatmap", "7a", outcome), ("heatmap_load", "7b", "caseholder_pressure")):
            fig = C.lever_heatmap(runs, kpi, xl, yl, fixed=fixed)
            entries.append(ChartEntry(key, f"{num}. {C.kpi_label(kpi)} over two levers", fig,
                                      _read_heatmap(fig, kpi, xl, yl),
                                      setting=f"Other levers held at {_setting_text(fixed)}." if fixed else ""))
    else:
        entries.append(ChartEntry("heatmap", "7. A KPI over two levers",
                                  skipped=f"Not drawn: it needs two swept levers and this sweep varies "
                                  f"{len(levers) or 'no'} lever{'s' if len(levers) != 1 else ''} besides policy "
                                  "and seed."))

    fig = C.mentor_and_subsidy(sel)
    entries.append(ChartEntry("mentors_subsidies", "8. Mentor load and subsidy cost", fig,
                              _read_mentors(fig), setting=setting))
    return entries


def _heatmap_levers(levers: list[str]) -> tuple[str, str]:
    preferred = [lv for lv in TRADEOFF_LEVERS if lv in levers]
    rest = [lv for lv in levers if lv not in preferred]
    pick = (preferred + rest)[:2]
    return pick[0], pick[1]


# --- readings: short plain-language text generated from the charts' numbers -----------------------

def _read_outcomes(fig, baseline: str) -> list[str]:
    summ, diffs = fig.inclusim_data["summary"], fig.inclusim_data["differences"]
    out = []
    main = next((k for k in ("employed_share_w156", "employed_share_w104", "employed_share_w52")
                 if (summ["kpi"] == k).any()), None)
    if main is None:
        return out
    week = main.rsplit("w", 1)[-1]

    def row(pol, kpi):
        r = summ[(summ["policy"] == pol) & (summ["kpi"] == kpi)]
        return r.iloc[0] if len(r) else None

    b = row(baseline, main)
    if b is not None:
        out.append(f"Under {baseline}, {_pct(b['mean'])} ({_pct_range(b['low'], b['high'])}) of users are employed "
                   f"at week {week}.")
    for pol in order_policies(summ["policy"].unique()):
        if pol == baseline:
            continue
        r = row(pol, main)
        d = diffs[(diffs["policy"] == pol) & (diffs["kpi"] == main)] if len(diffs) else pd.DataFrame()
        if r is None:
            continue
        text = f"{pol} reaches {_pct(r['mean'])} ({_pct_range(r['low'], r['high'])}) employed at week {week}"
        if len(d):
            d = d.iloc[0]
            text += ", " + _diff_phrase(d, baseline) + f", paired over {int(d['pairs'])} seeds"
        out.append(text + ".")
    if len(diffs):
        drop = diffs[diffs["kpi"] == "dropout_share"]
        if len(drop):
            parts = [f"{r['policy']} {_diff_phrase(r, baseline, short=True)}" for _, r in drop.iterrows()]
            out.append("Dropout from work training compared with " + baseline + ": " + "; ".join(parts) + ".")
    ever = summ[summ["kpi"] == "ever_employed_share"].sort_values("mean", ascending=False)
    if len(ever) > 1:
        top = ever.iloc[0]
        out.append(f"Most users ever employed: {top['policy']}, {_pct(top['mean'])} "
                   f"({_pct_range(top['low'], top['high'])}).")
    return out


def _diff_phrase(d, baseline: str, short: bool = False) -> str:
    diff, lo, hi = float(d["difference"]), float(d["low"]), float(d["high"])
    pts = f"{abs(100 * diff):.1f} points ({100 * lo:+.1f} to {100 * hi:+.1f})"
    if lo <= 0 <= hi:
        return (f"no clear difference ({100 * diff:+.1f} points, {100 * lo:+.1f} to {100 * hi:+.1f})" if short else
                f"no clear difference from {baseline} ({100 * diff:+.1f} points, interval {100 * lo:+.1f} to "
                f"{100 * hi:+.1f})")
    word = "more" if diff > 0 else "fewer"
    if short:
        return f"{'higher' if diff > 0 else 'lower'} by {pts}"
    return f"{pts} {word} than {baseline}"


def _first_week_below_half(curve: pd.DataFrame, col: str) -> int | None:
    """First week at which the survival curve column is at or below one half (None if never)."""
    hit = curve.loc[curve[col] <= 0.5, "weeks"]
    return int(hit.iloc[0]) if len(hit) else None


def _read_employment(fig, baseline: str) -> list[str]:
    band = fig.inclusim_data["band"]
    if band.empty:
        return []
    last = band["week"].max()
    end = band[band["week"] == last]
    parts = [f"{r.policy} {_pct(r.mean)} ({_pct_range(r.low, r.high)})"
             for r in end.set_index("policy").reindex(order_policies(end["policy"])).reset_index().itertuples()]
    out = [f"In a job at week {last}: " + "; ".join(parts) + "."]
    best = end.sort_values("mean").iloc[-1]["policy"]
    if best != baseline and (band["policy"] == baseline).any():
        a = band[band["policy"] == best].set_index("week")
        b = band[band["policy"] == baseline].set_index("week")
        apart = (a["low"] > b["high"]).reindex(b.index).fillna(False)
        # the first week from which the bands stay apart to the end
        stays = apart[::-1].cumprod()[::-1].astype(bool)
        if stays.any():
            w = int(stays[stays].index.min())
            out.append(f"From week {w} on, the bands of {best} and {baseline} no longer overlap.")
    return out


def _read_first_job(fig) -> list[str]:
    band = fig.inclusim_data["band"]
    if band.empty:
        return []
    out = []
    h = int(band["weeks"].max())
    at = 52 if h >= 52 else h
    rows = band[band["weeks"] == at]
    parts = [f"{r.policy} {_pct(r.mean)} ({_pct_range(r.low, r.high)})"
             for r in rows.set_index("policy").reindex(order_policies(rows["policy"])).reset_index().itertuples()]
    out.append(f"Still without a first job {at} weeks after coming onto the caseload: " + "; ".join(parts) + ".")
    meds = []
    for pol in order_policies(band["policy"].unique()):
        b = band[band["policy"] == pol].sort_values("weeks")
        m, lo, hi = (_first_week_below_half(b, col) for col in ("mean", "low", "high"))
        if m is None:
            meds.append(f"{pol} not within {h} weeks")
        else:
            meds.append(f"{pol} {m} weeks ({lo} to {hi if hi is not None else f'more than {h}'})")
    out.append("Half the users have had a first job after: " + "; ".join(meds) + ".")
    return out


def _read_hours(fig, runs) -> list[str]:
    out = []
    pc = fig.inclusim_data.get("per_candidate", pd.DataFrame())
    pe = fig.inclusim_data.get("per_employment", pd.DataFrame())
    for tab, what in ((pc, "per user"), (pe, "per user employed")):
        total = "hours_per_candidate" if what == "per user" else "hours_per_employment"
        t = tab[tab["kpi"] == total]
        if len(t):
            parts = [f"{r.policy} {r.mean:.0f} h ({r.low:.0f} to {r.high:.0f})"
                     for r in t.set_index("policy").reindex(order_policies(t["policy"])).reset_index().itertuples()]
            out.append(f"Adviser hours {what} over the run: " + "; ".join(parts) + ".")
    if len(pc):
        acts = pc[pc["kpi"] != "hours_per_candidate"]
        for pol in order_policies(acts["policy"].unique())[:4]:
            a = acts[acts["policy"] == pol].sort_values("mean", ascending=False)
            tot = a["mean"].sum()
            if len(a) and tot > 0:
                top = a.iloc[0]
                act = top["kpi"].removeprefix("hours_per_candidate_")
                out.append(f"Under {pol}, {C.ACTIVITY_LABELS.get(act, act).lower()} takes the largest share of "
                           f"these hours ({100 * top['mean'] / tot:.0f} %).")
    role = fig.inclusim_data.get("by_role")
    if role is not None and len(role):
        t = role[role["kpi"] == "total"]
        budget = C._single_value(runs, "cfg.office.adviser_hours_week")
        rank = {p: i for i, p in enumerate(order_policies(t["policy"]))}
        t = t.sort_values(["policy", "role"], key=lambda c: c.map(rank) if c.name == "policy" else c)
        who = {"saksbehandler": "ordinary advisers", "hybrid": "hybrid advisers", "jobbspesialist": "job specialists"}
        parts = [f"{who.get(r.role, r.role)} under {r.policy} {r.mean:.1f} h ({r.low:.1f} to {r.high:.1f})"
                 for r in t.itertuples()]
        head = "Booked hours per adviser per week" + (f" (weekly hours {budget:g} h)" if budget else "")
        out.append(head + ": " + "; ".join(parts) + ".")
    return out


def _read_tradeoff(fig, lever: str) -> list[str]:
    data = fig.inclusim_data
    outcome, load, over = data["outcome"], data["load"], data["over_budget"]
    out = []
    name = C.lever_label(lever).lower()
    kpi = outcome["kpi"].iloc[0] if len(outcome) else ""
    for pol in order_policies(outcome["policy"].unique()):
        o = outcome[outcome["policy"] == pol].sort_values(lever)
        if len(o) < 2:
            continue
        a, b = o.iloc[0], o.iloc[-1]
        fmt = (lambda r: f"{_pct(r['mean'])} ({_pct_range(r['low'], r['high'])})") if C.is_share(kpi) else \
            (lambda r: f"{r['mean']:.2f} ({r['low']:.2f} to {r['high']:.2f})")
        text = (f"{pol}: {C.kpi_label(kpi).lower()} goes from {fmt(a)} at {name} {_lever_value(a[lever])} to "
                f"{fmt(b)} at {_lever_value(b[lever])}")
        ov = over[over["policy"] == pol][lever]
        first = ov.iloc[0] if len(ov) else None
        if first is None or (isinstance(first, float) and math.isnan(first)):
            text += "; the case-holding advisers stay within their hours across these values"
        else:
            lr = load[(load["policy"] == pol) & (load[lever] == first)].iloc[0]
            at_first = first == o[lever].iloc[0]
            text += (f"; the case-holding advisers are over their hours {'already ' if at_first else ''}at "
                     f"{_lever_value(first)} (workload {lr['mean']:.2f}, {lr['low']:.2f} to {lr['high']:.2f})")
        out.append(text + ".")
    out.append("Workload is the hours the case-holding advisers' work called for divided by their weekly hours, "
               "averaged over adviser-weeks; the marked point is the first swept value with a mean above 1.")
    return out


def _read_pathway(weekly, runs) -> list[str]:
    occ = C.occupancy_by_week(weekly, runs)
    if occ.empty:
        return []
    last = occ["week"].max()
    end = occ[occ["week"] == last].copy()
    names = [n for n, _s, _c in C.STATE_GROUPS]
    total = end[names].sum(axis=1)
    for n in names:
        end[n] = end[n] / total.where(total > 0)
    keep = ["In a job", "Work training", "Ordinary follow-up", "Left NAV follow-up"]
    summ = summarise(end, keep, by="policy")
    out = []
    for pol in order_policies(summ["policy"].unique()):
        s = summ[summ["policy"] == pol].set_index("kpi")
        parts = [f"{k[0].lower() + k[1:]} {_pct(s.loc[k, 'mean'], 0)} "
                 f"({_pct_range(s.loc[k, 'low'], s.loc[k, 'high'], 0)})" for k in keep if k in s.index]
        out.append(f"{pol}, week {last}: " + ", ".join(parts) + " of the users counted so far.")
    return out


def _read_heatmap(fig, kpi: str, xl: str, yl: str) -> list[str]:
    cells = fig.inclusim_data["cells"]
    out = []
    share = C.is_share(kpi)

    def val(r):
        if share:
            return f"{_pct(r['mean'])} ± {100 * r['half_width']:.1f}"
        return f"{r['mean']:.2f} ± {r['half_width']:.2f}"

    for pol in order_policies(cells["policy"].unique()):
        c = cells[cells["policy"] == pol].dropna(subset=["mean"])
        if c.empty:
            continue
        hi, lo = c.loc[c["mean"].idxmax()], c.loc[c["mean"].idxmin()]
        where = lambda r: (f"{C.lever_label(xl).lower()} {_lever_value(r[xl])}, "  # noqa: E731
                           f"{C.lever_label(yl).lower()} {_lever_value(r[yl])}")
        out.append(f"{pol}: highest {val(hi)} at {where(hi)}; lowest {val(lo)} at {where(lo)}.")
    return out


def _read_mentors(fig) -> list[str]:
    s = fig.inclusim_data["summary"]
    out = []
    for kpi, what in (("subsidy_cost_per_employment", "Subsidy cost per user employed"),
                      ("mentor_hours_per_employment", "Mentor hours per user employed")):
        t = s[s["kpi"] == kpi]
        if t.empty:
            continue
        t = t.set_index("policy").reindex(order_policies(t["policy"])).reset_index()
        if kpi.startswith("subsidy"):
            parts = [f"{r.policy} NOK {_nok(r.mean)} ({_nok(r.low)} to {_nok(r.high)})" for r in t.itertuples()]
        else:
            parts = [f"{r.policy} {r.mean:.0f} h ({r.low:.0f} to {r.high:.0f})" for r in t.itertuples()]
        out.append(f"{what}: " + "; ".join(parts) + ".")
    return out


# --- provenance and config -----------------------------------------------------------------------

def _provenance(sweep_dir: Path, runs: pd.DataFrame, metas: dict, levers: list[str]) -> dict:
    commits = runs["git_commit"].astype(str).value_counts().to_dict() if "git_commit" in runs else {}
    version_sets: dict[str, int] = {}
    for m in metas.values():
        key = json.dumps(m.get("versions", {}), sort_keys=True)
        version_sets[key] = version_sets.get(key, 0) + 1
    wall = sum(float(m.get("wall_seconds", 0) or 0) for m in metas.values())
    index_cols = ["run_id", "config_hash", "policy", "seed"] + levers
    index = runs[[c for c in index_cols if c in runs]].copy()
    index = index.sort_values(["policy", "seed"] + levers, key=lambda c: c.map(
        {p: i for i, p in enumerate(order_policies(runs["policy"]))}) if c.name == "policy" else c)
    import matplotlib
    import scipy
    return {
        "sweep_dir": str(sweep_dir.resolve()),
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "report_commit": _repo_commit(),
        "run_commits": commits,
        "run_versions": [(json.loads(k), n) for k, n in version_sets.items()],
        "report_versions": {"python": platform.python_version(), "numpy": np.__version__,
                            "pandas": pd.__version__, "scipy": scipy.__version__,
                            "matplotlib": matplotlib.__version__},
        "n_runs": len(runs), "n_config_hashes": int(runs["config_hash"].nunique()) if "config_hash" in runs else 0,
        "n_meta": len(metas), "wall_seconds": wall, "command": _sweep_command(sweep_dir),
        "run_index": index.reset_index(drop=True),
    }


def _config(runs: pd.DataFrame, metas: dict, baseline: str, ref: dict, levers: list[str]) -> dict:
    """The config of one run (the baseline at the reference setting), flattened, and which keys vary."""
    pick = C.at_setting(runs, ref)
    pick = pick[pick["policy"] == baseline] if (pick["policy"] == baseline).any() else pick
    run_id = str(pick.sort_values("seed")["run_id"].iloc[0])
    meta = metas.get(run_id)
    if meta and isinstance(meta.get("config"), dict):
        flat = _flatten(meta["config"])
        source = f"runs/{run_id}/meta.json"
    else:
        row = runs[runs["run_id"] == run_id].iloc[0]
        flat = {c.removeprefix("cfg."): row[c] for c in runs.columns if c.startswith("cfg.")}
        source = "cfg.* columns of runs.parquet"
    varying = {}
    for c in runs.columns:
        if not c.startswith("cfg."):
            continue
        vals = runs[c].map(lambda v: v if isinstance(v, (str, int, float, bool, type(None))) else repr(v)).unique()
        if len(vals) > 1:
            varying[c.removeprefix("cfg.")] = sorted(map(str, vals), key=_natural)
    scenario = {k: str(runs[k].iloc[0]) for k in ("office", "population", "labour_market") if k in runs}
    return {"run_id": run_id, "source": source, "flat": flat, "varying": varying, "scenario": scenario,
            "overrides": meta.get("overrides") if meta else None, "levers": levers}


def _natural(s: str):
    try:
        return (0, float(s), s)
    except ValueError:
        return (1, 0.0, s)


# --- writing -------------------------------------------------------------------------------------

def build_report(sweep_dir: Path, out_dir: Path | None = None) -> Path:
    """Write the report of a sweep: ``report.html`` plus figures (PNG, SVG) and CSV tables beside it.

    ``out_dir`` defaults to ``sweep_dir/report``. Returns the path of ``report.html``.
    """
    report = make_report(Path(sweep_dir))
    return write_report(report, Path(out_dir) if out_dir is not None else Path(sweep_dir) / "report")


def write_report(report: Report, out_dir: Path, dpi: int = 150) -> Path:
    """Write a :class:`Report` to ``out_dir`` (figures at ``dpi``); returns the path of ``report.html``."""
    out_dir = Path(out_dir)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    (out_dir / "tables").mkdir(parents=True, exist_ok=True)
    for entry in report.charts:
        if entry.figure is not None:
            entry.files = C.save_figure(entry.figure, out_dir / "figures" / entry.key, dpi=dpi)
    for name, frame in report.tables.items():
        frame.to_csv(out_dir / "tables" / f"{name}.csv", index=False)
    report.provenance["run_index"].to_csv(out_dir / "tables" / "runs_index.csv", index=False)
    target = out_dir / "report.html"
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(render_html(report, out_dir), encoding="utf-8")
    tmp.replace(target)
    return target


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1d1d;
margin:0;background:#fafafa;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.6em;margin:0.2em 0 0.1em}h2{font-size:1.25em;margin-top:2em;border-bottom:2px solid #eee;
padding-bottom:4px}h3{font-size:1.05em;margin-top:1.4em}
.lead{color:#444;margin-top:0}.note{background:#fff8e6;border-left:4px solid #E69F00;padding:8px 12px;margin:10px 0}
.skipped{background:#f3f3f3;border-left:4px solid #999;padding:8px 12px;color:#444}
figure{margin:12px 0 4px}figure img{width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:0.9em;color:#555}
.reading{margin:6px 0 0 0;padding-left:20px}.reading li{margin:2px 0}
.files{font-size:0.85em;color:#666}.setting{color:#555;font-style:italic;margin:-6px 0 6px}
.tablewrap{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;font-size:0.88em}th,td{padding:4px 9px;border-bottom:1px solid #e6e6e6;
text-align:right;vertical-align:top}th{background:#f4f4f4;position:sticky;top:0}
td:first-child,th:first-child{text-align:left}td.text,th.text{text-align:left}
code{font-size:0.9em;background:#f4f4f4;padding:1px 4px;border-radius:3px}
nav ul.toc{columns:2;font-size:0.92em;list-style:none;padding-left:8px}td{white-space:nowrap}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dl.kv dt{font-weight:600}dl.kv dd{margin:0}
"""


def _esc(v) -> str:
    return html.escape(str(v))


def _table_html(frame: pd.DataFrame, table_id: str, text_cols: tuple[str, ...] = ()) -> str:
    if frame is None or frame.empty:
        return "<p class='skipped'>No rows.</p>"
    head = "".join(f"<th class='{'text' if c in text_cols else ''}'>{_esc(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for c, v in zip(frame.columns, row, strict=True):
            cls = "text" if c in text_cols else ""
            blank = v is None or (isinstance(v, float) and math.isnan(v))
            cells.append(f"<td class='{cls}'>{_esc('' if blank else v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div class='tablewrap'><table id='{_esc(table_id)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _policy_tag(p: str) -> str:
    return f"<span class='swatch' style='background:{C.policy_colour(p)}'></span>{_esc(p)}"


def render_html(report: Report, out_dir: Path) -> str:
    d, prov, cfg = report.design, report.provenance, report.config
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
             f"content='width=device-width, initial-scale=1'><title>{_esc(report.title)}</title>"
             f"<style>{CSS}</style></head><body><main>"]
    parts.append(f"<h1>{_esc(report.title)}</h1>")
    levers = d["levers"]
    lever_txt = ("; levers swept: " + "; ".join(f"{C.lever_label(k).lower()} ({', '.join(map(_lever_value, v))})"
                                                for k, v in levers.items())) if levers else "; no other lever swept"
    parts.append(f"<p class='lead'>{d['n_runs']} runs: {len(d['policies'])} policies "
                 f"({', '.join(_policy_tag(p) for p in d['policies'])}) &times; {len(d['seeds'])} seeds"
                 f"{_esc(lever_txt)}; at least {d['replications']} replications per setting; "
                 f"{'/'.join(str(h) for h in d['horizon'])} weeks simulated. Every figure is a mean over "
                 f"replications with its {int(LEVEL * 100)} % bootstrap interval; differences between policies are "
                 f"paired by seed (the same seed gives the same users and firms under every policy).</p>")
    for n in report.notes:
        parts.append(f"<p class='note'>{_esc(n)}</p>")
    # contents
    parts.append("<nav><h2>Contents</h2><ul class='toc'>")
    for e in report.charts:
        tag = " (not drawn)" if e.skipped else ""
        parts.append(f"<li><a href='#chart-{_esc(e.key)}'>{_esc(e.title)}</a>{tag}</li>")
    parts.append("<li><a href='#tables'>Summary tables</a></li><li><a href='#config'>Scenario and config</a></li>"
                 "<li><a href='#provenance'>Provenance</a></li></ul></nav>")
    # key findings: the first reading of the outcome chart
    first = next((e for e in report.charts if e.key == "outcomes"), None)
    if first and first.reading:
        parts.append("<h2>In short</h2><ul class='reading'>" +
                     "".join(f"<li>{_esc(r)}</li>" for r in first.reading) + "</ul>")
    # charts
    parts.append("<h2>Charts</h2>")
    for e in report.charts:
        parts.append(f"<section id='chart-{_esc(e.key)}'><h3>{_esc(e.title)}</h3>")
        if e.setting:
            parts.append(f"<p class='setting'>{_esc(e.setting)}</p>")
        if e.skipped:
            parts.append(f"<p class='skipped'>{_esc(e.skipped)}</p></section>")
            continue
        png = next((f for f in e.files if f.suffix == ".png"), None)
        data = base64.b64encode(png.read_bytes()).decode("ascii") if png else ""
        parts.append(f"<figure><img src='data:image/png;base64,{data}' alt='{_esc(e.title)}'>"
                     f"<figcaption>Reading (generated from the numbers drawn):</figcaption></figure>")
        parts.append("<ul class='reading'>" + "".join(f"<li>{_esc(r)}</li>" for r in e.reading) + "</ul>")
        rel = [f.relative_to(out_dir).as_posix() for f in e.files]
        csvs = [f"tables/chart_{e.key}_{k}.csv" for k in getattr(e.figure, "inclusim_data", {})]
        parts.append("<p class='files'>Files: " + ", ".join(f"<a href='{_esc(r)}'>{_esc(r)}</a>" for r in rel + csvs)
                     + "</p></section>")
    # tables
    parts.append("<h2 id='tables'>Summary tables</h2>")
    parts.append(f"<h3>Outcomes, mean and {int(LEVEL * 100)} % interval over replications</h3>")
    summ = report.rendered["summary"]
    parts.append(_table_html(summ, "summary-table", text_cols=(summ.columns[0],)))
    if levers:
        parts.append("<p class='files'>" + "; ".join(f"{_esc(C.lever_short(k))} = {_esc(C.lever_label(k).lower())} "
                                                     f"(<code>{_esc(k.removeprefix('cfg.'))}</code>)" for k in levers)
                     + ".</p>")
    parts.append("<p class='files'>Numbers at full precision: <a href='tables/summary.csv'>tables/summary.csv</a></p>")
    parts.append(f"<h3>Differences from {_esc(d['baseline'])}, paired by seed</h3>")
    parts.append("<p>Each difference is the policy's value minus the baseline's value for the same seed"
                 + (" and the same lever setting" if levers else "") +
                 ", averaged over seeds; shares are in percentage points. An interval that spans 0 means no "
                 "clear difference.</p>")
    dt_ = report.rendered["differences"]
    parts.append(_table_html(dt_, "differences-table", text_cols=tuple(c for c in dt_.columns
                                                                       if c in ("Policy", "Compared with", "Outcome"))))
    parts.append("<p class='files'>Numbers at full precision: "
                 "<a href='tables/differences.csv'>tables/differences.csv</a></p>")
    # config
    parts.append("<h2 id='config'>Scenario and config</h2><dl class='kv'>")
    for k, v in cfg["scenario"].items():
        parts.append(f"<dt>{_esc(k.replace('_', ' '))}</dt><dd>{_esc(v)}</dd>")
    cmd = prov["command"]
    if cmd.get("task"):
        parts.append(f"<dt>command-line overrides</dt><dd><code>{_esc(' '.join(cmd['task']))}</code></dd>")
    if cmd.get("sweeper_params"):
        sp = " ".join(f"{k}={v}" for k, v in cmd["sweeper_params"].items())
        parts.append(f"<dt>sweep in the experiment</dt><dd><code>{_esc(sp)}</code></dd>")
    parts.append("</dl>")
    if cfg["varying"]:
        vt = pd.DataFrame({"Setting": list(cfg["varying"]),
                           "Values in this sweep": [", ".join(v) for v in cfg["varying"].values()]})
        parts.append("<h3>Settings that differ between runs</h3>")
        parts.append(_table_html(vt, "varying-table", text_cols=("Setting", "Values in this sweep")))
    flat = pd.DataFrame({"Setting": list(cfg["flat"]), "Value": [json.dumps(v) if isinstance(v, (list, dict))
                                                                  else str(v) for v in cfg["flat"].values()]})
    parts.append(f"<details><summary>Full config of run {_esc(cfg['run_id'])} ({len(flat)} settings, from "
                 f"{_esc(cfg['source'])})</summary>")
    parts.append(_table_html(flat, "config-table", text_cols=("Setting", "Value")) + "</details>")
    # provenance
    parts.append("<h2 id='provenance'>Provenance</h2><dl class='kv'>")
    rows = [("sweep folder", prov["sweep_dir"]), ("report generated", prov["generated"]),
            ("report built at commit", prov["report_commit"]),
            ("runs", f"{prov['n_runs']} ({prov['n_config_hashes']} distinct config hashes; "
                     f"{prov['n_meta']} meta.json files read)"),
            ("policies and runs", ", ".join(f"{p}: {n}" for p, n in d["runs_per_policy"].items())),
            ("seeds", f"{len(d['seeds'])} ({', '.join(map(str, d['seeds'][:30]))}"
                      f"{' ...' if len(d['seeds']) > 30 else ''})"),
            ("replications per setting", f"at least {d['replications']}"),
            ("simulation time of all runs", f"{prov['wall_seconds']:.1f} s"),
            ("report tools", ", ".join(f"{k} {v}" for k, v in prov["report_versions"].items()))]
    for k, v in rows:
        parts.append(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>")
    commits = "; ".join(f"{c} ({n} runs)" for c, n in prov["run_commits"].items()) or "not recorded"
    parts.append(f"<dt>git commit of the runs</dt><dd>{_esc(commits)}</dd>")
    for vers, n in prov["run_versions"]:
        parts.append(f"<dt>versions ({n} runs)</dt><dd>{_esc(', '.join(f'{k} {v}' for k, v in vers.items()))}</dd>")
    parts.append("</dl>")
    if any(c == "unknown" or c.endswith("-dirty") for c in prov["run_commits"]):
        parts.append("<p class='note'>Some runs record no clean git commit ('unknown' or '-dirty'): the exact code "
                     "that produced them cannot be recovered from the commit alone.</p>")
    idx = prov["run_index"].copy()
    idx.columns = [C.lever_short(c) if c.startswith("cfg.") else c for c in idx.columns]
    parts.append(f"<details><summary>Every run with its config hash ({len(idx)})</summary>")
    parts.append(_table_html(idx.astype(str), "runs-table", text_cols=("run_id", "config_hash", "policy"))
                 + "</details>")
    parts.append("<p class='files'>All tables and chart data: the <code>tables/</code> folder beside this file; "
                 "figures as PNG and SVG in <code>figures/</code>.</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time
    ap = argparse.ArgumentParser(description="Write the HTML report of a collected sweep.")
    ap.add_argument("sweep_dir", type=Path)
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: SWEEP_DIR/report)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    path = build_report(args.sweep_dir, args.out)
    print(f"report: {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

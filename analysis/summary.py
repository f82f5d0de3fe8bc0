"""The summary of a sweep: KPIs by policy (or by setting) as mean and 90 % interval over replications.

:func:`write_summary` saves the numbers (``summary.parquet``, ``summary.csv``: one row per group and
KPI) and returns the table the terminal prints: KPIs x groups when there are few groups
(:func:`summary_table`), one row per group with a few key KPIs when there are many
(:func:`settings_table`). The KPIs are ``domain.schema.SUMMARY_KPIS`` and ``KEY_KPIS``; derived
KPIs (``caseholder_pressure``) are computed here (``analysis.derived_kpis``). The table and its headings are
in the current language (``analysis.i18n``): in bokmål the rows (or columns) are the KPIs' plain names,
in English their keys, as in ``summary.csv``.

Runs are grouped by their configuration, not by the text of the overrides that made them: two runs
are replications of one setting when every ``cfg.*`` value but the seed is the same
(:func:`with_settings`), however the command line was written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.formatting import natural_key, with_text
from analysis.i18n import DEFAULT_LANGUAGE, current_language, tr
from analysis.derived_kpis import kpis_present, with_derived_kpis
from analysis.labels import kpi_label, order_policies, setting_label
from analysis.stats import BOOTSTRAP_FROM, LEVEL, PARAMETER_SET, uncertainty_columns
from analysis.uncertainty import ensemble_summary, has_ensemble
from domain.schema import CONFIG_PREFIX, KEY_KPIS, SUMMARY_KPIS, config_column
from infra.store import atomic_write_bytes, atomic_write_parquet

#: With more groups than this, the terminal shows one row per group instead of one column.
WIDE_LIMIT = 6
#: The line to print above the terminal table (English source of :func:`summary_heading`).
SUMMARY_HEADING_TEXT = ("Summary: mean over replications ({level} % interval: Student t below {bootstrap} "
                        "replications, bootstrap from {bootstrap}, cut at 0 and 100 %); shares in %, NOK in thousands")
SUMMARY_HEADING = SUMMARY_HEADING_TEXT.format(level=int(LEVEL * 100), bootstrap=BOOTSTRAP_FROM)
#: The line added below it when the sweep ran the calibrated ensemble (``analysis.uncertainty``).
ENSEMBLE_HEADING = ("Mean and interval over the seeds of the best parameter set (the defaults); in brackets, the 5 % "
                    "to 95 % quantiles of the means of the {sets} parameter sets of the calibrated ensemble: where the "
                    "result lies over parameter values that all meet the targets (quote both)")


def summary_heading(sets: int | None = None) -> str:
    """The heading above the terminal table in the current language; with ``sets`` (parameter sets of
    the calibrated ensemble), the second line that says what the brackets are."""
    text = tr(SUMMARY_HEADING_TEXT, level=int(LEVEL * 100), bootstrap=BOOTSTRAP_FROM)
    return text + ("\n" + tr(ENSEMBLE_HEADING, sets=sets) if sets else "")


def summary_text(table: pd.DataFrame) -> str:
    """What the terminal prints: the heading (:func:`summary_heading`) and the table."""
    return table.attrs.get("heading", summary_heading()) + "\n" + table.to_string()


def _kpi_names(kpis) -> list[str]:
    """The KPIs as the terminal shows them: their keys in English, their plain names otherwise."""
    return list(kpis) if current_language() == DEFAULT_LANGUAGE else [kpi_label(k) for k in kpis]
#: The column :func:`with_settings` adds: one label per distinct configuration (seed aside).
SETTING = "setting"


def with_settings(runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with a ``setting`` column: runs whose configurations differ only in the seed share it.

    The label is the ``variant`` text (the overrides besides the seed) of the setting's run with the
    lowest seed, or the policy; should two configurations carry the same text, a short hash of the
    configuration tells them apart.
    """
    if SETTING in runs or runs.empty:
        return runs
    uncertain = set(uncertainty_columns(runs))   # parameter sets and sensitivity points are replications
    columns = sorted(c for c in runs.columns
                     if c.startswith(CONFIG_PREFIX) and c != config_column("seed") and c not in uncertain)
    key = pd.util.hash_pandas_object(runs[columns].astype(str), index=False).map("{:016x}".format)
    text = runs["variant"] if "variant" in runs else runs["policy"]
    order = runs.assign(_key=key, _text=text.astype(str)).sort_values(["seed"], kind="stable")
    labels = order.groupby("_key", sort=False)["_text"].first()
    clashes = labels[labels.duplicated(keep=False)].index
    labels.loc[clashes] = [f"{labels[k]} [{k[:6]}]" for k in clashes]
    return runs.assign(**{SETTING: key.map(labels).to_numpy()})


def group_column(runs: pd.DataFrame) -> str:
    """``policy`` when each policy was run in one setting, else ``setting`` (see :func:`with_settings`)."""
    if runs.empty:
        return "policy"
    runs = with_settings(runs)
    return "policy" if runs.groupby("policy")[SETTING].nunique().max() <= 1 else SETTING


def order_groups(groups, by: str) -> list:
    """Policies in display order; settings in natural order ('slots=2' before 'slots=10')."""
    return order_policies(groups) if by == "policy" else sorted(groups, key=natural_key)


def kpi_by_group(long: pd.DataFrame, kpis: list[str], by: str) -> pd.DataFrame:
    """One row per KPI (in ``kpis`` order), one column per group, the ``text`` of a
    :func:`analysis.formatting.with_text` table."""
    wide = long.pivot(index="kpi", columns=by, values="text").reindex(kpis)
    wide = wide[order_groups(wide.columns, by)]
    wide.columns.name = None
    wide.index.name = None
    return wide


def _named(table: pd.DataFrame, axis: str) -> pd.DataFrame:
    """``table`` with its KPI keys on ``axis`` ('index' or 'columns') as :func:`_kpi_names` gives them."""
    names = dict(zip(getattr(table, axis), _kpi_names(getattr(table, axis)), strict=True))
    return table.rename(**{axis: names})


def summary_table(runs: pd.DataFrame, kpis: list[str] | None = None, by: str = "policy") -> pd.DataFrame:
    """Wide summary: one row per KPI, one column per group, 'mean (interval)' in the terminal's
    compact form (shares in per cent, NOK in thousands)."""
    runs = with_derived_kpis(runs)
    kpis = kpis_present(runs, kpis or SUMMARY_KPIS)
    table = kpi_by_group(with_text(ensemble_summary(runs, kpis, [by]), compact=True), kpis, by)
    if by != "policy":      # settings by their levers' names, in the language of the table
        table = table.rename(columns=lambda name: setting_label(str(name)))
    return _named(table, "index")


def settings_table(runs: pd.DataFrame, by: str = "variant", kpis: list[str] | None = None) -> pd.DataFrame:
    """One row per setting (group) in natural order, a few KPIs as columns, 'mean (interval)' compact."""
    runs = with_derived_kpis(runs)
    kpis = kpis_present(runs, kpis or KEY_KPIS)
    long = with_text(ensemble_summary(runs, kpis, [by]), compact=True)
    table = long.pivot(index=by, columns="kpi", values="text")[kpis]
    table = table.loc[order_groups(table.index, by)]
    table.columns.name = None
    table.index.name = None
    return _named(table, "columns")


def terminal_summary(runs: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """KPIs x groups when there are few groups; one row per group when there are many. ``by``
    defaults to :func:`group_column`. With the calibrated ensemble ``attrs["heading"]`` holds the lines
    to print above it (:func:`summary_heading`); :func:`summary_text` gives heading and table."""
    runs = with_settings(runs)
    by = by or group_column(runs)
    table = summary_table(runs, by=by) if runs[by].nunique() <= WIDE_LIMIT else settings_table(runs, by=by)
    if has_ensemble(runs):
        table.attrs["heading"] = summary_heading(runs[PARAMETER_SET].nunique())
    return table


def write_summary(sweep_dir: Path, by: str | None = None) -> pd.DataFrame:
    """Save the summary of a collected sweep (``summary.parquet`` and ``summary.csv``: group, kpi,
    mean, low, high, n, and set_low, set_high, sets over the calibrated ensemble's parameter sets when
    the sweep ran them, see ``analysis.uncertainty``) and return the table to print (:func:`terminal_summary`)."""
    sweep_dir = Path(sweep_dir)
    runs = with_settings(with_derived_kpis(pd.read_parquet(sweep_dir / "runs.parquet")))
    by = by if by in runs else group_column(runs)
    long = ensemble_summary(runs, kpis_present(runs, SUMMARY_KPIS), [by])
    atomic_write_parquet(long, sweep_dir / "summary.parquet")
    atomic_write_bytes(sweep_dir / "summary.csv", long.to_csv(index=False).encode())
    return terminal_summary(runs, by=by)

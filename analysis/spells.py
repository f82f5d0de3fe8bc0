"""Employment spells from a run's event table: when each user held a job, week by week.

A spell starts in the week a user moves into an employed state (``domain.states.EMPLOYED_STATES``:
employed, in post-hire follow-up, retained) from one that is not, and ends in the week the user
moves out of them; a spell still open at the end of the run ends at ``horizon + 1`` (the user is
counted as employed in the last week). Events within one week keep their recorded order. Notes
(events that do not change the state) do not start or end anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.states import EMPLOYED_STATES

EMPLOYED_NAMES = frozenset(state.name for state in EMPLOYED_STATES)


def employment_spells(events: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """One row per employment spell: candidate_id, start (first week employed), end (first week not)."""
    if events is None or events.empty:
        return pd.DataFrame({"candidate_id": pd.Series(dtype="int64"), "start": pd.Series(dtype="int64"),
                             "end": pd.Series(dtype="int64")})
    ordered = events.reset_index(drop=True)
    ordered = ordered.iloc[np.argsort(ordered["candidate_id"].to_numpy(), kind="stable")]
    was = ordered["from_state"].astype(str).isin(EMPLOYED_NAMES).to_numpy()
    now = ordered["to_state"].astype(str).isin(EMPLOYED_NAMES).to_numpy()
    starts = ordered.loc[now & ~was, ["candidate_id", "week"]].rename(columns={"week": "start"})
    ends = ordered.loc[was & ~now, ["candidate_id", "week"]].rename(columns={"week": "end"})
    starts["k"] = starts.groupby("candidate_id").cumcount()
    ends["k"] = ends.groupby("candidate_id").cumcount()
    spells = starts.merge(ends, on=["candidate_id", "k"], how="left")
    spells["end"] = spells["end"].fillna(horizon + 1).astype("int64")
    return spells[["candidate_id", "start", "end"]].reset_index(drop=True)


def weeks_employed(spells: pd.DataFrame, window_start: pd.Series, length: int) -> pd.Series:
    """Weeks each user (the index of ``window_start``: candidate_id) was employed in the ``length``
    weeks from their own ``window_start``; users without a spell get 0."""
    window = pd.DataFrame({"candidate_id": window_start.index, "from": window_start.to_numpy(dtype="int64")})
    joined = spells.merge(window, on="candidate_id", how="inner")
    overlap = (np.minimum(joined["end"], joined["from"] + length) - np.maximum(joined["start"], joined["from"]))
    joined["weeks"] = overlap.clip(lower=0)
    total = joined.groupby("candidate_id")["weeks"].sum()
    return total.reindex(window_start.index, fill_value=0).astype(float)


def employed_at(spells: pd.DataFrame, week: pd.Series) -> pd.Series:
    """Whether each user (the index of ``week``: candidate_id) was employed in their own ``week``."""
    asked = pd.DataFrame({"candidate_id": week.index, "at": week.to_numpy(dtype="int64"), "row": range(len(week))})
    joined = spells.merge(asked, on="candidate_id", how="inner")
    hit = joined.loc[(joined["start"] <= joined["at"]) & (joined["at"] < joined["end"]), "row"]
    return pd.Series(np.isin(np.arange(len(week)), hit.to_numpy()), index=week.index)


__all__ = ["EMPLOYED_NAMES", "employed_at", "employment_spells", "weeks_employed"]

"""Pairing of runs across policies by seed (``analysis.pairing``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.pairing import correlation_table, paired_correlations


def test_the_correlation_is_taken_across_seeds_per_policy_pair():
    seeds = np.arange(1, 21)
    base = np.sin(seeds)                       # what a seed gives every policy
    runs = pd.concat([
        pd.DataFrame({"policy": "saksbehandler", "seed": seeds, "k": base}),
        pd.DataFrame({"policy": "hybrid", "seed": seeds, "k": 2 * base + 1}),           # perfectly paired
        pd.DataFrame({"policy": "jobbspesialist", "seed": seeds, "k": -base}),          # anti-paired
    ])
    pairs = paired_correlations(runs, ["k"])
    rho = {(a, b): r for a, b, r in pairs[["a", "b", "correlation"]].itertuples(index=False)}
    assert np.isclose(rho[("saksbehandler", "hybrid")], 1.0)
    assert np.isclose(rho[("saksbehandler", "jobbspesialist")], -1.0)
    assert set(pairs["n_seeds"]) == {20}
    assert correlation_table(pairs).shape == (3, 1)

"""Shared fixtures: small, fast configurations."""

from __future__ import annotations

import pytest

from sim.config import Config, merge


def small_config(**over) -> Config:
    """A small office (4 advisers, 40 users each) over one year: fast, yet every mechanism is active."""
    base = {"horizon_weeks": 52, "office": {"n_advisers": 4, "caseload_ordinary": 40, "n_job_specialists": 1},
            "labour_market": {"n_firms": 60}}
    cfg = merge(Config(), base)
    return merge(cfg, over) if over else cfg


@pytest.fixture
def small():
    return small_config


def bare_model(**over):
    """A tiny model with no arrivals and nobody in training at the start, for rule tests."""
    from sim.model import InclusionModel

    base = {"horizon_weeks": 30, "office": {"n_advisers": 2, "caseload_ordinary": 20, "n_job_specialists": 1},
            "population": {"inflow_per_week": 0.0, "entry_in_training_share": 0.0, "pool_exit_hazard": 0.0,
                           "own_job_hazard": 0.0, "p_refuse_mentor": 0.0},
            "labour_market": {"n_firms": 20}}
    cfg = merge(Config(), base)
    if over:
        cfg = merge(cfg, over)
    return InclusionModel(cfg)


def place_in_training(model, cand, mode="hybrid", firm=None, match=0.8):
    """Put a user straight into work training under a follow-up mode (entry shortcut)."""
    from sim.states import State

    adviser = model.job_specialists[0] if mode == "jobbspesialist" else cand.owner
    model._assign_followup(cand, adviser, mode)
    firm = firm or next(f for f in model.firms if f.has_room() and not f.exploitative)
    firm.placements += 1
    cand.employer = firm
    cand.match = match
    cand.move_to(State.TRAINING, "test_placement")
    model._setup_training(cand, model.modes[mode])
    return cand

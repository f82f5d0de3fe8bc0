"""``hydra/sweeper=inclusim``: the basic sweeper (cartesian product of the swept values), with the
seeds of each configuration run as batches inside fewer jobs (``inclusim.batching``).

``hydra.sweeper.seeds_per_job``: 0 (default) picks the batch size from the local launcher's
``n_jobs`` (about four jobs per worker); 1 runs one seed per job, as the basic sweeper does.
Cluster launchers (no ``n_jobs``) get one seed per job unless ``seeds_per_job`` is set.

When the ``inclusim`` command has checked every run of the sweep before Hydra started
(``inclusim.preflight``), Hydra's own check, which composes every job's config once more, is
skipped (it took about 0.1 s a job).

(No ``from __future__ import annotations`` here: Hydra loads plugin modules without registering them
in ``sys.modules`` while it scans, and dataclasses then cannot resolve string annotations.)
"""

from dataclasses import dataclass
from typing import Dict, Optional

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class InclusimSweeperConf:
    _target_: str = "hydra_plugins.inclusim_sweeper.sweeper.InclusimSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = None
    seeds_per_job: int = 0


ConfigStore.instance().store(group="hydra/sweeper", name="inclusim", node=InclusimSweeperConf, provider="inclusim")


class InclusimSweeper(BasicSweeper):
    def __init__(self, max_batch_size=None, params=None, seeds_per_job: int = 0) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.seeds_per_job = int(seeds_per_job)

    def get_job_batch(self):
        from inclusim.batching import group_replications, workers_of

        jobs = super().get_job_batch()
        assert self.config is not None
        n_jobs = self.config.hydra.launcher.get("n_jobs", None)
        return group_replications(jobs, workers_of(None if n_jobs is None else int(n_jobs)), self.seeds_per_job)

    def validate_batch_is_legal(self, batch) -> None:
        from inclusim.preflight import checked

        if not checked():
            super().validate_batch_is_legal(batch)

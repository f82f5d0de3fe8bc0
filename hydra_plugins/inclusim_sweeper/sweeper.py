"""``hydra/sweeper=inclusim``: the cartesian product of the swept values, as Hydra's basic sweeper
makes it, with the seeds of each configuration run as batches inside fewer jobs
(``inclusim.batching``). Built on Hydra's public ``Sweeper`` plugin base class.

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
from pathlib import Path
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.plugins.sweeper import Sweeper
from omegaconf import OmegaConf


@dataclass
class InclusimSweeperConf:
    _target_: str = "hydra_plugins.inclusim_sweeper.sweeper.InclusimSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = None
    seeds_per_job: int = 0


ConfigStore.instance().store(group="hydra/sweeper", name="inclusim", node=InclusimSweeperConf, provider="inclusim")


class InclusimSweeper(Sweeper):
    """Every combination of the swept values, the seeds of one configuration batched into a job,
    launched ``max_batch_size`` jobs at a time (all at once by default)."""

    def __init__(self, max_batch_size=None, params=None, seeds_per_job: int = 0) -> None:
        super().__init__()
        self.max_batch_size = max_batch_size
        self.params = dict(params or {})
        self.seeds_per_job = int(seeds_per_job)
        self.hydra_context = None
        self.config = None
        self.launcher = None

    def setup(self, *, hydra_context, task_function, config) -> None:
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(hydra_context=hydra_context,
                                                                task_function=task_function, config=config)

    def jobs(self, arguments: List[str]) -> List[List[str]]:
        """The sweep's jobs: one override list per job, seeds batched (``inclusim.batching``)."""
        from inclusim.batching import group_replications, sweep_jobs, workers_of

        assert self.config is not None and self.hydra_context is not None
        lines = [f"{key}={value}" for key, value in self.params.items()] + list(arguments)
        runs = sweep_jobs(lines, config_loader=self.hydra_context.config_loader)
        n_jobs = self.config.hydra.launcher.get("n_jobs", None)
        return group_replications(runs, workers_of(None if n_jobs is None else int(n_jobs)), self.seeds_per_job)

    def sweep(self, arguments: List[str]) -> Any:
        from inclusim.preflight import checked

        assert self.config is not None and self.launcher is not None
        jobs = self.jobs(arguments)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        size = len(jobs) if self.max_batch_size in (None, -1) else int(self.max_batch_size)
        returns = []
        for start in range(0, len(jobs), max(size, 1)):
            batch = jobs[start:start + size]
            if not checked():
                self.validate_batch_is_legal(batch)
            results = self.launcher.launch(batch, initial_job_idx=start)
            for result in results:
                _ = result.return_value     # a job that failed raises its error here
            returns.append(results)
        return returns

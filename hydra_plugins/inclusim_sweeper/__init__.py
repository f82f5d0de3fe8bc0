"""The inclusim sweeper: Hydra's basic sweeper with the seeds of a configuration batched per job."""

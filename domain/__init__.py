"""The ground floor: inclusim's domain vocabulary, one definition each.

Pathway states and state sets (``states``), roles, activities, need levels, sectors and the
decisions a policy can take (``terms``), the run tables with their columns and the KPI catalogue
(``schema``), the run-folder format (``store``), named random streams (``rng``) and the config
schema with every parameter's unit, source and range (``params``, ``config``, ``modes``).

Nothing here imports from the floors above (agents, scenarios, sim, analysis, inclusim); the
import contracts in ``pyproject.toml`` check it.
"""

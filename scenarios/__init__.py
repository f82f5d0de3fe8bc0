"""Scenarios: follow-up policies (``scenarios.policies``) and world builders (``scenarios.office_agents``)."""

"""Saksbehandlermodellen: rule-driven case work with a large caseload [001:646-652].

Everyone is followed the ordinary way: an activity review may start a quick placement without
mapping [001:834]; the adviser meets the workplace about every third month [001:960], phones
monthly [000:72], grants the mentor subsidy in a rush [001:1000] and reacts to crises after a lag
[001:1666]. How a case is worked: ``policy.modes.saksbehandler`` (``domain.modes.saksbehandler_mode``).
"""

from scenarios.policies.base import Policy, register


@register
class Saksbehandler(Policy):
    name = "saksbehandler"

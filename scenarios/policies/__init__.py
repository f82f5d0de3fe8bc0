"""Follow-up policies as plug-ins.

A policy decides *who gets which follow-up mode*: which users an ordinary activity review sends
into a quick placement, which users a hybrid adviser takes into close follow-up, who is referred
to a job specialist, and what happens when a case proves too light or too heavy. It never sets an
outcome rate: employment, dropout and time load follow from what the advisers and mentors then do.

Adding a policy: write one module here with a ``Policy`` subclass decorated with ``@register``,
import it below, and add ``conf/policy/<name>.yaml``.
"""

from scenarios.policies.base import Policy, make_policy, register, registered_policies

# importing the modules registers the policies
from scenarios.policies import saksbehandler, hybrid, jobbspesialist, brobygger  # noqa: E402,F401

__all__ = ["Policy", "make_policy", "register", "registered_policies"]

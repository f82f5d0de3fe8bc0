"""Follow-up policies as plug-ins: one module each, found by name.

Adding a policy: write one module in this folder with a ``Policy`` subclass decorated with
``@register`` (and, if it has settings of its own, a ``PolicyConfig`` subclass as its
``settings_class``, whose ``modes`` name the ways of working it uses, new ones included), and add
``conf/policy/<name>.yaml`` starting with ``defaults: [<name>_schema, _self_]``. Every module in
this folder is imported here, so nothing else needs an edit.
"""

from __future__ import annotations

import importlib
import pkgutil

from scenarios.policies.base import Policy, PolicyError, StaffView, make_policy, register, registered_policies

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Policy", "PolicyError", "StaffView", "make_policy", "register", "registered_policies"]

"""The weekly phases, one module each, in the order ``InclusionModel.step`` runs them.

Each module has one entry point ``run(model, week)``; the docstring of each says what happens in
that phase and which rules it uses. ``docs/odd.md`` maps every submodel to its module.
"""

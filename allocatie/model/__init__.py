"""The MIP of one round: admissible pairs, the model and its building blocks.

`allocatie.model.bouw` builds the `AllocatieModel` from an `Instance`; the other
modules are its parts (admissibility, locks, min-max rows, start points, the
infeasibility diagnosis). The strategy (`allocatie.strategie`) solves it.
"""

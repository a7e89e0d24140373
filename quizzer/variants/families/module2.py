"""Module 2 families (Q9-Q20): capacity, regularisation, batches, optimisers, initialisation.

The families live in topic modules to keep each file small; this module only
lists them, in question order, for the registry.
"""

from __future__ import annotations

from . import batches, capacity, initialisation, optimisers, penalties, regularisation

__all__ = ["FAMILIES"]

FAMILIES = [
    *capacity.FAMILIES,              # Q9, Q10
    *regularisation.FAMILIES,        # Q11, Q12
    *batches.FAMILIES_Q13,           # Q13
    *optimisers.FAMILIES_Q14_Q16[:2],  # Q14
    *penalties.FAMILIES,             # Q15
    *optimisers.FAMILIES_Q14_Q16[2:],  # Q16
    *optimisers.FAMILIES_Q17,        # Q17
    *capacity.BIAS_VARIANCE,         # Q18
    *batches.FAMILIES_Q19,           # Q19
    *initialisation.FAMILIES,        # Q20
]

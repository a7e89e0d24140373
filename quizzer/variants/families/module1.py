"""Module 1 families (Q1-Q8): perceptrons, linear layers, activations, batch norm.

The families live in topic modules to keep each file small; this module only
lists them, in question order, for the registry.
"""

from __future__ import annotations

from . import activations, batchnorm, linear, perceptron

__all__ = ["FAMILIES"]

FAMILIES = [*perceptron.FAMILIES, *linear.FAMILIES, *activations.FAMILIES, *batchnorm.FAMILIES]

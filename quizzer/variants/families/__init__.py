"""The variant families, grouped by topic; ``module1`` and ``module2`` list them by course module."""

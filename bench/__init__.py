"""Benchmarks (each script prints a ratio or a rate) and the synthetic classes they run on.

A package so that ``bench.synthetic`` is found from the checkout by the tests
(pytest puts the repository on the path), by the scripts here and by
``docs/screenshots.py``; it is not part of the installed ``quizzer``.
"""

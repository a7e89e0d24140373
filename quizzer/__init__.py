"""Quizzer: auto-graded exam practice for short-answer and numeric questions.

The package is kept light to import: heavy libraries (NumPy,
SQLAlchemy, Jinja) are imported by the modules that use them, never from here, so that
``quizzer --help`` starts fast.
"""

__version__ = "0.1.0"

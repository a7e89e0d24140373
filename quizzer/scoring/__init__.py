"""Grading free-text answers: rubric concepts, misconceptions, similarity, guards."""

from .result import CriterionResult, GradeResult
from .scorer import Scorer

__all__ = ["Scorer", "GradeResult", "CriterionResult"]

"""The question bank: YAML files in, validated ``Question`` values out."""

from .loader import load_bank, question_files
from .model import MODERATED_KIND, SAMPLE_KINDS, Bank, Criterion, Explanation, Question, Sample
from .validate import content_hash

__all__ = [
    "load_bank", "question_files", "content_hash",
    "Bank", "Criterion", "Explanation", "Question", "Sample", "SAMPLE_KINDS", "MODERATED_KIND",
]

"""The quiz: planning by mode, and running a session, independent of the terminal."""

from .plan import MODES, Item, QuizOptions
from .session import Outcome, Presented, QuizEngine, QuizRun, utcnow

__all__ = ["MODES", "Item", "QuizOptions", "QuizEngine", "QuizRun", "Presented", "Outcome", "utcnow"]

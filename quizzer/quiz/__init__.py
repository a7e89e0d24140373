"""The quiz: planning by mode, and running a session, independent of the terminal.

Nothing here reads a keyboard or prints; ``quizzer.terminal.console`` is the
front end that does, and the tests drive ``QuizEngine`` directly.
"""

from .plan import MODES, Item, QuizOptions
from .session import Outcome, Presented, QuizEngine, QuizRun, utcnow

__all__ = ["MODES", "Item", "QuizOptions", "QuizEngine", "QuizRun", "Presented", "Outcome", "utcnow"]

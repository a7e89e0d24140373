"""The quiz: planning by mode, and running a session, independent of the terminal.

Nothing here reads a keyboard or prints; ``quizzer.terminal.console`` is the
front end that does, and the tests drive ``quiz.session.QuizEngine`` directly.
``plan.py`` chooses the questions, ``session.py`` runs them.

The package itself holds only the names of the modes, so that the ``quiz``
command's option list is this one tuple without loading the quiz to show its help.
"""

MODES = ("practice", "exam", "review", "weak")

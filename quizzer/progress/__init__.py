"""A student's progress: what they have mastered, and when each question comes back.

``mastery`` holds the one rule for how well a question, topic or module is known
(the latest three answers), ``schedule`` the spaced-repetition rule for when a
question is due again (FSRS), and ``summary`` puts both together for ``quizzer
stats``. The quiz (weak and review modes) and the reports use the same two rules.
"""

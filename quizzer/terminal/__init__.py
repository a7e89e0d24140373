"""The quiz and the bank in a terminal, with rich: what is shown and what is read.

``render`` draws questions, grades, summaries and progress (plain text when the
output is piped), ``prompt`` reads lines (with editing where readline exists),
and ``console`` runs a quiz session (``quizzer.quiz``) through the two.
"""

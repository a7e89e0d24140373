"""Moderation: a teacher checks the doubtful marks, corrects them, and the scorer
learns from it.

The flow: ``queue`` picks the stored answers worth a teacher's time and orders
them by risk (the scorer's own doubts first, then marks that disagree with very
similar answers, then answers unlike anything graded), ``groups`` puts
near-identical answers together so one decision marks them all, ``decisions``
turns a teacher's marks into store changes (splitting a total over the
criteria, refusing marks a criterion cannot have), and the store keeps each
override with who, when, before and after. The terminal flow and the
spreadsheet round trip are two skins over these.
"""

"""The sizes Quizzer accepts, in one place, each checked before any work is done.

They are far above anything a course needs and far below what would tie up a
laptop: a bank question file is a few kilobytes, a long short answer a few
hundred words. Anything beyond is refused with a message naming the file or row
and the limit, never a slow run, a full memory or a traceback.
"""

from __future__ import annotations

__all__ = ["MAX_BANK_FILE_BYTES", "MAX_BANK_BYTES", "MAX_BANK_FILES", "MAX_YAML_NODES", "MAX_CSV_CELL",
           "MAX_CSV_BYTES", "MAX_ANSWER_CHARS", "MAX_SAMPLES", "MAX_COMMENT_CHARS"]

MAX_BANK_FILE_BYTES = 1_000_000  # one question's YAML file (the course's largest is ~12 kB)
MAX_BANK_BYTES = 20_000_000  # all files of a bank together
MAX_BANK_FILES = 2_000  # question files in one bank
MAX_YAML_NODES = 50_000  # scalars, lists and mappings in one bank file, aliases refused (the largest has 550)
MAX_SAMPLES = 500  # graded sample answers on one question
MAX_CSV_BYTES = 200_000_000  # an answers CSV or roster
MAX_CSV_CELL = 100_000  # characters in one CSV cell
MAX_COMMENT_CHARS = 5_000  # characters of a teacher's comment for the student (a long paragraph)
MAX_ANSWER_CHARS = 5_000  # characters of a free-text answer that are read, graded and stored (~800 words)
MAX_MARKS = 100  # a question's marks, so also a criterion's marks and a sample's score (in half marks)
MAX_MODULE = 999  # a question's module number
MAX_GRADED_FILE_BYTES = 5_000_000  # a graded set's calibration.yaml or test.yaml (the shipped one is ~390 kB)
MAX_GRADED_NODES = 200_000  # values in one graded-set file (the shipped calibration.yaml has 11,403)
__all__ += ["MAX_MARKS", "MAX_MODULE", "MAX_GRADED_FILE_BYTES", "MAX_GRADED_NODES"]
MAX_NAME_CHARS = 200  # a user name (a roster id, a --user): what the store's name column holds
__all__ += ["MAX_NAME_CHARS"]

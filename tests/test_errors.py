"""QuizzerError kinds keep their class and fields across a worker process."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from quizzer.errors import AnswerError, BankError, ChangedSince, NotFound, Problem, QuizzerError, StoreError
from quizzer.quiz.session import TimeUp

EXAMPLES = [
    QuizzerError("The store is locked.", "close the other quiz"),
    QuizzerError("No hint here."),
    NotFound("No question 'Q99'.", "see `quizzer bank list`"),
    AnswerError("'abc' is not a number", "type a number such as 0.25"),
    BankError([Problem(Path("questions/module1/q1.yaml"), "marks must be a number", line=7,
                       question_id="Q1", field="marks"),
               Problem(None, "no topics.yaml")]),
    StoreError("The progress store is locked by another program.", "close the other quiz, then run again"),
    TimeUp(),
    ChangedSince("Answer 12 (Q7) now has 1 marks, not the 2 shown.", "export the queue again"),
]


def _kinds(base: type) -> set[type]:
    return {base} | {kind for sub in base.__subclasses__() for kind in _kinds(sub)}


def _raise(error: QuizzerError) -> None:
    raise error


def test_every_kind_has_an_example():
    assert {type(e) for e in EXAMPLES} >= {k for k in _kinds(QuizzerError) if k.__module__.startswith("quizzer.")}


@pytest.fixture(scope="module")
def worker():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.mark.parametrize("sent", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_error_raised_in_a_worker_comes_back_as_its_own_kind_with_its_fields(worker, sent):
    with pytest.raises(QuizzerError) as raised:
        worker.submit(_raise, sent).result()
    received = raised.value
    assert type(received) is type(sent)
    assert vars(received) == vars(sent)
    assert received.args == sent.args and str(received) == str(sent)

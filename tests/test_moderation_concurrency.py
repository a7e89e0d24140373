"""A quiz writing answers while teachers moderate loses nothing (issue #14).

Three processes share one store, on a real SQLite file and a real PostgreSQL
server: a student's practice quizzes, run through the real quiz engine and
scorer, one after another; and two teachers, each loading the review queue and
committing decisions on what is already there, the answers the quiz has just
written included. Two teachers, so that one sometimes marks what the other has
just marked: that is ``ChangedSince``, which a teacher meets by loading the
queue again; any other exception is a failure. Afterwards every answer the quiz
wrote is in the store exactly once, every decision committed is kept and in
force, and the running summaries are what the answers say.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
import traceback
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from .summaries import before_and_after_a_rebuild

RUN_SECONDS = 3.0
TEACHERS = ("teacher-a", "teacher-b")
STUDENT = "ann"


# the processes ---------------------------------------------------------------
def _bank():
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.variants import family_ids

    return load_bank(resource_path("questions"), families=family_ids())


def _practise(engine, user: str, rnd: random.Random, keep_going) -> list[dict]:
    """Practice quizzes of five questions, answered with the bank's own answers (a
    few skipped), until ``keep_going(quizzes done)`` says stop; returns what was recorded."""
    from quizzer.quiz.plan import QuizOptions

    written: list[dict] = []
    quizzes = 0
    while keep_going(quizzes):
        quizzes += 1
        run = engine.start(QuizOptions(user=user, mode="practice", count=5, numeric=False,
                                       seed=rnd.randrange(2**31)))
        session = run.begin().id
        for position in run.pending():
            presented = run.present(position)
            question = presented.question
            if rnd.random() < 0.1:
                run.skip(presented)
                text = ""
            else:
                text = rnd.choice([question.model_answer, *(s.text for s in question.samples)])
                run.submit(presented, text)
            written.append({"session_id": session, "position": position, "question_id": question.id,
                            "answer": text, "at": time.time()})
        run.finish()
    return written


def _student(url: str, start, done, seconds: float, out: str) -> None:
    from quizzer.quiz.session import QuizEngine
    from quizzer.store import Store

    report: dict = {"written": [], "errors": []}
    try:
        bank = _bank()
        with Store(url) as store:
            engine = QuizEngine(bank, store)
            engine.scorer()  # built before the clock starts, as warm_up does while the student reads
            start.wait(60)
            until = time.monotonic() + seconds
            report["written"] = _practise(engine, STUDENT, random.Random(7), lambda _: time.monotonic() < until)
            engine.close()
    except BaseException:  # anything at all is a failure, reported to the test
        report["errors"].append(traceback.format_exc())
    finally:
        done.set()
    Path(out).write_text(json.dumps(report))


def _pick(queue, rnd: random.Random, newest: bool):
    """A group from the top of the queue (where the other teacher works too), or the
    one holding the newest answer (the quiz's)."""
    if newest:
        return max(queue.groups, key=lambda g: max(g.response_ids))
    return rnd.choice(queue.groups[:3])


def _next_mark(score: float, maximum: float) -> float:
    return score + 0.5 if score + 0.5 <= maximum else 0.0


def _moderate(store, bank, teacher: str, rnd: random.Random, done, report: dict) -> None:
    from quizzer.errors import ChangedSince
    from quizzer.moderation.decisions import Decision, commit, decide
    from quizzer.moderation.queue import Filters, load_queue
    from quizzer.quiz.session import utcnow

    turn = 0
    while not done.is_set():  # as long as the quiz goes on
        queue = load_queue(bank, store, Filters(everything=True))
        if not queue.groups:
            time.sleep(0.02)
            continue
        group = _pick(queue, rnd, newest=turn % 2 == 1)
        turn += 1
        lead = group.lead.response
        changes, _ = decide([item.response for item in group.items],
                            Decision(total=_next_mark(lead.score, lead.max_score), comment=f"{teacher} {turn}"))
        try:
            ids = commit(store, changes, teacher, utcnow())
        except ChangedSince:
            report["changed_since"] += 1  # the other teacher came first: look again
            continue
        report["committed"].append({"at": time.time(), "overrides": ids,
                                    "responses": [c.response_id for c in changes],
                                    "scores": [c.score for c in changes]})


def _teacher(url: str, teacher: str, seed: int, start, done, out: str) -> None:
    from quizzer.store import Store

    report: dict = {"committed": [], "changed_since": 0, "errors": []}
    try:
        bank = _bank()
        with Store(url) as store:
            start.wait(60)
            _moderate(store, bank, teacher, random.Random(seed), done, report)
    except BaseException:
        report["errors"].append(traceback.format_exc())
    Path(out).write_text(json.dumps(report))


# the test --------------------------------------------------------------------
def _earlier_answers(url: str) -> None:
    """Some practice before the teachers start, by the student and two others."""
    from quizzer.quiz.session import QuizEngine
    from quizzer.store import Store

    with Store(url) as store:
        engine = QuizEngine(_bank(), store)
        for n, user in enumerate((STUDENT, "bo", "cy")):
            _practise(engine, user, random.Random(n), lambda quizzes: quizzes < 2)
        engine.close()


def _run_together(url: str, folder: Path) -> tuple[dict, list[dict]]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no connection shared by fork
    start = context.Barrier(1 + len(TEACHERS))  # all begin together, once each has loaded what it needs
    done = context.Event()  # the quiz has stopped: so do the teachers
    outs = [folder / f"{name}.json" for name in ("student", *TEACHERS)]
    processes = [context.Process(target=_student, args=(url, start, done, RUN_SECONDS, str(outs[0])))]
    processes += [context.Process(target=_teacher, args=(url, t, n, start, done, str(outs[n + 1])))
                  for n, t in enumerate(TEACHERS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
    hung = [p.pid for p in processes if p.is_alive()]
    for p in processes:
        if p.is_alive():
            p.terminate()
            p.join(5)
    assert not hung, f"processes {hung} did not finish"
    assert [p.exitcode for p in processes] == [0, 0, 0]
    reports = [json.loads(o.read_text()) for o in outs]
    return reports[0], reports[1:]


def _summaries_are_the_answers(store) -> None:
    """The running summaries equal a rebuild from the answers: no count lost in the race."""
    before, after = before_and_after_a_rebuild(store, seconds=False)
    for name in ("question_progress", "criterion_progress", "sessions"):  # a misconception's last_seen and
        assert before[name] == after[name], name                           # words follow the writers' order


def _check_answers(store, before: int, written: list[dict]) -> None:
    stored = store.responses()
    assert len(stored) == before + len(written)
    sessions = {w["session_id"] for w in written}
    mine = Counter((r.session_id, r.position, r.question_id, r.answer) for r in stored if r.session_id in sessions)
    wanted = Counter((w["session_id"], w["position"], w["question_id"], w["answer"]) for w in written)
    assert mine == wanted  # every answer the quiz wrote, each once, and nothing else in its sessions
    assert all(n == 1 for n in wanted.values())


def _check_overrides(store, committed: list[dict]) -> None:
    made = {}  # override id -> (response id, score)
    for c in committed:
        made.update({oid: (rid, score) for oid, rid, score in zip(c["overrides"], c["responses"], c["scores"],
                                                                 strict=True)})
    kept = {o.id: o for o in store.overrides(active_only=False)}
    assert set(kept) == set(made)  # each decision committed is kept, and no other
    assert all((kept[oid].response_id, kept[oid].new_score) == made[oid] for oid in made)
    latest: dict[int, int] = {}
    for oid, (rid, _) in made.items():
        latest[rid] = max(latest.get(rid, 0), oid)
    responses = {r.id: r for r in store.responses()}
    for rid, oid in latest.items():  # the last decision on each answer is the one in force
        assert responses[rid].override_id == oid and responses[rid].score == made[oid][1]
    assert {r.id for r in responses.values() if r.moderated} == set(latest)


@pytest.mark.slow
def test_a_quiz_writing_while_teachers_moderate_loses_nothing(db_url, tmp_path):
    from quizzer.store import Store

    _earlier_answers(db_url)
    with Store(db_url) as store:
        before = len(store.responses())
    written, teachers = _run_together(db_url, tmp_path)
    errors = written["errors"] + [e for t in teachers for e in t["errors"]]
    assert errors == [], "\n".join(errors)
    committed = [c for t in teachers for c in t["committed"]]
    answers = written["written"]
    assert len(answers) >= 10 and len(committed) >= 4  # both sides really worked
    first, last = answers[0]["at"], answers[-1]["at"]
    assert any(first < c["at"] < last for c in committed), (first, last, [c["at"] for c in committed])  # together
    with Store(db_url) as store:
        _check_answers(store, before, answers)
        _check_overrides(store, committed)
        live = {r.id for r in store.responses() if r.session_id in {w["session_id"] for w in answers}}
        assert live & {rid for c in committed for rid in c["responses"]}  # answers written meanwhile were marked
        _summaries_are_the_answers(store)


@pytest.mark.postgres
def test_an_answer_caught_in_a_deadlock_is_written_again_not_lost(postgres_server, monkeypatch):
    """PostgreSQL breaks a deadlock by undoing one of the transactions in it. Here
    another connection holds the student's summary row and then wants the session
    row the quiz's answer holds: the quiz's transaction is the one undone (its
    wait is the shorter), and the store runs it again instead of losing the answer."""
    import threading

    import psycopg

    from quizzer.store import NewResponse, Store, failures

    from .postgres import PostgresServer

    url = postgres_server.create_database()
    ties = []
    seen = failures.retryable
    monkeypatch.setattr(failures, "retryable", lambda exc: ties.append(seen(exc)) or ties[-1])
    answer = NewResponse(0, "Q1", "h", "XOR is not linearly separable", 1.0, 2.0,
                         [{"id": "a", "awarded": 1.0, "max": 2.0}])
    with Store(url) as store, psycopg.connect(PostgresServer._dsn(url)) as other:
        now = datetime.now().astimezone()
        first = store.start_session(STUDENT, kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=now)
        store.record_answer(first.id, answer, now)
        second = store.start_session(STUDENT, kind="quiz", mode="practice", seed=2, plan=[{}], settings={}, now=now)
        other.execute("SET deadlock_timeout = '30s'")  # so the quiz's side notices the deadlock first
        other.execute("SELECT 1 FROM question_progress WHERE question_id = 'Q1' FOR UPDATE")
        outcome: list = []
        quiz = threading.Thread(target=lambda: outcome.append(store.record_answer(second.id, answer, now)))
        quiz.start()
        for _ in range(200):  # until the quiz waits for the summary row
            if other.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]:
                break
            time.sleep(0.02)
        other.execute("UPDATE quiz_sessions SET mode = mode WHERE id = %s", (second.id,))  # the deadlock
        other.commit()
        quiz.join(30)
        assert outcome == [0] and ties == [True]  # undone once, then written
        assert [r.session_id for r in store.responses()] == [first.id, second.id]
        assert store.session(second.id).answered == 1


@pytest.mark.postgres
def test_two_teachers_rebuilding_one_students_summaries_take_turns(postgres_server):
    """Two decisions on one student's answers rebuild the same summary rows. The
    second rebuild waits for the first instead of meeting its new rows: before the
    store made them take turns, PostgreSQL refused it with a duplicate key."""
    import threading

    from quizzer.store import NewResponse, Store, summaries

    url = postgres_server.create_database()
    with Store(url) as store:
        now = datetime.now().astimezone()
        session = store.start_session(STUDENT, kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=now)
        store.record(session.id, NewResponse(0, "Q1", "h", "an answer", 1.0, 2.0,
                                             [{"id": "a", "awarded": 1.0, "max": 2.0}]), now)
        user_id = store.find_user(STUDENT)
        failed: list[BaseException] = []

        def second() -> None:
            try:
                with store.engine.begin() as db:
                    summaries.rebuild(db, user_id=user_id, question_id="Q1")
            except BaseException as exc:
                failed.append(exc)

        with store.engine.begin() as first:
            summaries.rebuild(first, user_id=user_id, question_id="Q1")
            other = threading.Thread(target=second)
            other.start()
            other.join(0.5)  # it waits for this transaction
            assert other.is_alive()
        other.join(30)
        assert failed == []
        _summaries_are_the_answers(store)  # and the rows are what the answers say

"""Cross-validation inside the calibration half: develop on fold A, measure on fold B.

The held-out calibration half (600 answers) is split by a fixed rule, the parity of
the first byte of the SHA-256 of each answer's id, into fold A (read while
developing) and fold B (only its figures are printed). A change to the scorer counts
only if fold B improves too: fold B then plays, inside the calibration half, the part
the frozen test half plays for the whole project. Only ``calibration.yaml`` is read.

    python bench/folds.py            # both folds' figures, by kind
    python bench/folds.py --show A   # also fold A's disagreements, with their texts
    python bench/folds.py --blind B  # the bank as if its wordings had never seen fold B
    python bench/folds.py --blind A --show A   # develop: fold A's misses with A unseen
    python bench/folds.py --summary  # one line to judge a change by

The rubric's wordings were tuned on the whole calibration half, fold B included, so
fold B flatters the scorer. ``--blind`` removes, mechanically, every wording, role
word and misconception that is found in some fold B answer of its question and in
no fold A answer, sample, model answer or explanation of it: what is left is what
the authors could have written without fold B, so fold B's figures then estimate
how the scorer does on answers it has never seen. No text of fold B is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import replace

from quizzer.bank import Question, load_bank
from quizzer.bank.graded import GradedAnswer, _read_half
from quizzer.config import resource_path
from quizzer.scoring import Scorer
from quizzer.scoring.concepts import Reading, compile_phrase
from quizzer.scoring.evaluate import Evaluation, Item, evaluate_items, grade_items
from quizzer.scoring.result import GradeResult
from quizzer.variants import family_ids


def fold_of(answer_id: str) -> str:
    return "A" if hashlib.sha256(answer_id.encode()).digest()[0] % 2 == 0 else "B"


def _blind(question: Question, seen: list[str], unseen: list[str], scorer: Scorer) -> Question:
    """``question`` without the wordings only fold B's answers use."""
    lexicon = scorer.lexicon
    seen_r = [Reading(t, lexicon) for t in seen]
    unseen_r = [Reading(t, lexicon) for t in unseen]

    def keep(wording: str) -> bool:
        phrase = compile_phrase(wording, lexicon)
        if phrase is None:
            return True
        if any(next(iter(r.all_matches(phrase)), None) for r in seen_r):
            return True
        return not any(next(iter(r.all_matches(phrase)), None) for r in unseen_r)

    rubric = []
    for c in question.rubric:
        concepts = tuple(tuple(w for w in alts if keep(w)) or alts[:1] for alts in c.concepts)
        rubric.append(replace(c, concepts=concepts, misconceptions=tuple(m for m in c.misconceptions if keep(m))))
    roles = tuple((name, tuple(w for w in words if keep(w)) or words[:1]) for name, words in question.roles)
    return replace(question, rubric=tuple(rubric), roles=roles)


def _bank(blind: str | None, answers: list[GradedAnswer]) -> dict[str, Question]:
    bank = {q.id: q for q in load_bank(resource_path("questions"), families=family_ids())}
    if blind:
        probe = Scorer(list(bank.values()))
        for qid, q in list(bank.items()):
            mine = [a for a in answers if a.question_id == qid]
            seen = [*q.model_answers, *(s.text for s in q.samples), *q.explanation.sections_text(),
                    *(a.text for a in mine if fold_of(a.id) != blind)]
            bank[qid] = _blind(q, seen, [a.text for a in mine if fold_of(a.id) == blind], probe)
    return bank


def measure(blind: str | None) -> tuple[dict[str, list[Item]], dict[str, list[GradeResult]], Scorer]:
    """Each fold's items and grades, with the bank blind to fold ``blind`` (or not)."""
    answers = _read_half(resource_path("heldout") / "saq" / "calibration.yaml")
    bank = _bank(blind, answers)
    scorer = Scorer(list(bank.values()))
    folds: dict[str, list[Item]] = {"A": [], "B": []}
    for a in answers:
        folds[fold_of(a.id)].append(Item(bank[a.question_id], a.text, a.score, a.kind, a.id))
    return folds, {name: grade_items(scorer, items) for name, items in folds.items()}, scorer


def _line(name: str, figures: Evaluation) -> str:
    return (f"{name}: n={figures.count} exact {figures.exact:.1%} within-half {figures.within_half:.1%} "
            f"QWK {figures.qwk:.3f}\n   " + "  ".join(f"{k} {v.exact:.0%} {v.mean_error:+.2f}"
                                                    for k, v in figures.kinds.items()))


def _show(items: list[Item], results: list[GradeResult], kind: str) -> None:
    for item, r in zip(items, results, strict=True):
        if r.score != item.score and (not kind or item.kind == kind):
            print(f"\n--- {item.id} [{item.kind}] expected {item.score} got {r.score}\n{item.text}")
            for c in r.criteria:
                print(f"   {c.id}: {c.awarded}/{c.max} {c.reason} matched={list(c.matched)}")
            if r.flags:
                print("   flags:", r.flags)


def summary() -> dict[str, float]:
    """The figures a change is judged by: fold A blind to itself (to develop on), fold
    B blind to itself (the estimate), and both folds with the bank as it is."""
    out = {}
    for blind in (None, "A", "B"):
        folds, graded, scorer = measure(blind)
        for name in ("A", "B") if blind is None else (blind,):
            figures = evaluate_items(scorer, folds[name], worst=0, results=graded[name])
            tag = f"{name}{'-blind' if blind else ''}"
            out[f"{tag} exact"] = round(figures.exact, 4)
            out[f"{tag} qwk"] = round(figures.qwk, 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", choices=["A"], help="print fold A's disagreements")
    parser.add_argument("--kind", default="", help="with --show: only this kind")
    parser.add_argument("--summary", action="store_true", help="one line: blind and plain figures of both folds")
    parser.add_argument("--blind", choices=["A", "B"], help="drop the wordings only this fold uses")
    args = parser.parse_args()
    if args.summary:
        print(json.dumps(summary()))
        return
    folds, graded, scorer = measure(args.blind)
    for name, items in folds.items():
        print(_line(f"fold {name}", evaluate_items(scorer, items, worst=0, results=graded[name])))
        if name == "A" and args.show:
            _show(items, graded[name], args.kind)


if __name__ == "__main__":
    main()

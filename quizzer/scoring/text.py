"""Turn free text into tokens that know their clause and their polarity.

This is the scorer's reading of an answer. Words are lower-cased, contractions are
opened (``can't`` -> ``can not``), compounds are joined (``non-linear``,
``non linear`` and ``nonlinear`` all become ``nonlinear``) and British spellings
folded (``regularisation`` -> ``regularization``). Each token records how many
negations precede it in its clause: "XOR is *not* linearly separable" marks
``linearly`` and ``separable`` as negated, while in "ReLU does not saturate, so
gradients flow" the comma ends the negation before ``gradients``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Token", "tokenize", "NEGATORS", "STOPWORDS", "is_number"]

NEGATORS = frozenset({
    "not", "no", "never", "none", "neither", "nor", "without", "unable",
    "impossible", "fail", "fails", "failed", "failing", "nothing", "nobody", "lack", "lacks",
    "lacking", "lacked", "nowhere",
    # verbs that deny what follows them: "ReLU prevents the gradient from vanishing"
    # says the gradient does not vanish, "averaging ignores the noise" that the noise
    # does not count; a rubric phrase written with one of them is read the same way
    "prevent", "prevents", "prevented", "preventing", "eliminate", "eliminates", "eliminated",
    "eliminating", "ignore", "ignores", "ignored", "ignoring", "avoid", "avoids", "avoided",
    "avoiding", "instead", "rather",
    # a claim reported as wrong: "a common mistake is thinking deep networks are unnecessary"
    "myth", "misconception", "wrongly", "incorrectly", "mistake",
})
# "without" is a preposition: it negates the few words after it ("without bias"),
# not the rest of the clause ("without bias the boundary must pass through the origin");
# "instead of" and "rather than" deny the phrase that follows them ("one sample
# instead of the whole dataset").
SHORT_SCOPE = {"without": 1, "instead": 2, "rather": 2}
# "instead" and "rather" negate only as "instead of" and "rather than", "mistake" only
# as "the mistake is / to / of ..." (the perceptron "keeps making mistakes" is a fact).
NEGATING_ONLY_BEFORE = {"instead": {"of"}, "rather": {"than"}, "mistake": {"is", "to", "of"}}
# "not only", "no matter" and friends do not negate what follows.
NOT_NEGATING_NEXT = {"not": {"only", "just", "merely"}, "no": {"matter", "doubt"}}
# Words that end a negation's reach: punctuation is handled separately.
CLAUSE_WORDS = frozenset({
    "but", "so", "because", "since", "while", "whereas", "although", "though", "however",
    "which", "and", "therefore", "thus", "hence", "whereby", "instead", "unlike",
    "then", "if", "when", "whilst", "yet", "where", "that", "as", "who", "whose", "until", "unless",
})
STOPWORDS = frozenset("""
a an the is are was were be been being am of by to in on at for with as it its this that these those
can could will would should may might must do does did doing done has have had having there their
they them we you i she his her our your my me us just also very really quite which who whom whose
what from into onto about than then so such some if when while because since thus hence therefore
and or but however although though whereas yet where how why whether each every get gets got getting
make makes made let lets way ways like via per often usually basically actually simply any
""".split())
COMPOUND_PREFIXES = frozenset({"non", "multi", "mini", "sub", "hyper", "semi", "over", "under", "pre", "co", "un"})
_PREFIX_HYPHEN = re.compile(r"\b(" + "|".join(sorted(COMPOUND_PREFIXES)) + r")-(?=[a-z])")
CONTRACTIONS = (
    (re.compile(r"\bcan['’]?t\b"), "can not"),
    # typed without the apostrophe: "doesnt", "isnt", "dont" ("wont" is a word of its own)
    (re.compile(r"\b(does|do|did|is|are|was|were|has|have|had|could|would|should|must|need)nt\b"), r"\1 not"),
    (re.compile(r"\bwon['’]?t\b"), "will not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"n['’]t\b"), " not"),
)
BRITISH_EXCEPTIONS = frozenset({
    "otherwise", "precise", "concise", "exercise", "promise", "advise", "likewise", "compromise",
    "surprise", "expertise", "noise", "raise", "premise", "franchise", "merchandise", "paradise",
    "enterprise", "clockwise", "disguise", "increase", "decrease", "revise", "supervise",
    "supervised", "unsupervised", "devise", "incise", "chastise", "excise", "despise",
})
_BRITISH = re.compile(r"^(\w{4,})is(e|es|ed|ing|ation|ations|er|ers)$")
# Numbers (0.25, 1e-6, 10^9 pieces), words with digits (w1x1), or plain words.
_WORD = re.compile(r"\d*\.\d+(?:e-?\d+)?|\d+(?:e-?\d+)?|[a-z][a-z0-9]*")
# Sentence and clause punctuation; a dot between digits is a decimal point, not an end.
_PUNCT = re.compile(r"(?<!\d)\.(?!\d)|[!?;:,()\[\]\n]|\.(?=\s|$)|(?<=[a-z])\.(?=\d)")
_SENTENCE_END = frozenset({".", "!", "?", ";", "\n"})


@dataclass(frozen=True)
class Token:
    """One word of an answer: its text, where it is, and whether it is negated."""

    word: str  # normalised surface form (lower case, spelling folded)
    sentence: int  # index of the sentence it stands in
    clause: int  # index of the clause (negation does not cross clauses)
    negated: bool  # an odd number of negations precede it in its clause
    is_negator: bool = False


def is_number(word: str) -> bool:
    return bool(word) and (word[0].isdigit() or (word[0] == "." and len(word) > 1))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("−", "-").replace("–", "-").replace("—", "-")
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    # prefixes join their word (non-linear -> nonlinear); other hyphens separate words
    text = _PREFIX_HYPHEN.sub(r"\1", text)
    return re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)


def fold_spelling(word: str) -> str:
    """British -ise/-isation spellings to -ize, leaving words like 'noise' alone."""
    if word in BRITISH_EXCEPTIONS:
        return word
    match = _BRITISH.match(word)
    return f"{match.group(1)}iz{match.group(2)}" if match else word


# A line break that only wraps a sentence ("XOR is not linearly\nseparable"), as a
# terminal, a text box or a typed-up paper answer makes, is a space; a blank line,
# or a line that starts a list item, still ends what came before.
_SOFT_WRAP = re.compile(r"(?<!\n)[ \t]*\n(?![ \t]*(?:\n|[-*\u2022\u00b7>]\s|\d{1,2}[.)]\s))")


def unwrap_lines(text: str) -> str:
    """``text`` with the line breaks that only wrap a sentence made spaces (every
    part of the scorer reads the answer so, the keyword-list guard included)."""
    return _SOFT_WRAP.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def _raw_pieces(text: str) -> list[str]:
    """Words and the punctuation that separates clauses, in order."""
    pieces: list[str] = []
    position = 0
    for match in _PUNCT.finditer(text):
        pieces.extend(_WORD.findall(text[position:match.start()]))
        pieces.append(match.group(0) if match.group(0) in _SENTENCE_END else ",")
        position = match.end()
    pieces.extend(_WORD.findall(text[position:]))
    return pieces


def _join_compounds(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        # "over fitting" is one word, "over the threshold" is not
        if (out and out[-1] in COMPOUND_PREFIXES and piece[:1].isalpha() and len(piece) > 2
                and piece not in STOPWORDS and piece not in NEGATORS):
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def _continues_list(pieces: list[str], index: int) -> bool:
    """Whether the comma at ``index`` only separates items of a short list, so that a
    negation before it covers the items after it: "no saturation, vanishing or
    exploding gradients". Each item is at most four words (the last three) with no
    clause word; the list must end with an item joined by "or", "nor" or "and"."""
    end = index + 1
    while end < len(pieces) and pieces[end] != "," and pieces[end] not in _SENTENCE_END:
        end += 1
    item = pieces[index + 1:end]
    if not item or len(item) > 4 or any(w in CLAUSE_WORDS - {"and"} for w in item):
        return False
    if any(w in {"or", "nor", "and"} for w in item):
        return len(item) <= 3  # "..., and L2 is smooth" is a new clause, not a last item
    return end < len(pieces) and pieces[end] == "," and _continues_list(pieces, end)


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with sentence, clause and negation recorded."""
    pieces = _join_compounds(_raw_pieces(_normalise(text)))
    tokens: list[Token] = []
    sentence = clause = 0
    negations = 0
    short: list[int] = []  # remaining reach of each short-scope negator in force
    in_list = False  # inside a negated list: its closing "and" does not end the negation
    for index, piece in enumerate(pieces):
        if piece in _SENTENCE_END or piece == ",":
            sentence += piece in _SENTENCE_END
            clause += 1
            in_list = piece == "," and bool(negations or short) and _continues_list(pieces, index)
            if not in_list:
                negations, short = 0, []
            continue
        if piece in CLAUSE_WORDS and not (in_list and piece == "and"):
            clause += 1
            negations, short = 0, []
        word = fold_spelling(piece)
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        negator = word in NEGATORS and following not in NOT_NEGATING_NEXT.get(word, ()) and (
            word not in NEGATING_ONLY_BEFORE or following in NEGATING_ONLY_BEFORE[word])
        tokens.append(Token(word, sentence, clause, (negations + len(short)) % 2 == 1, negator))
        if word not in STOPWORDS and not negator:
            short = [reach - 1 for reach in short if reach > 1]
        if negator and word in SHORT_SCOPE:
            short.append(SHORT_SCOPE[word])
        elif negator:
            negations += 1
    return tokens

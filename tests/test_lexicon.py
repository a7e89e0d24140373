"""The stems the scorer compares, fixed: a stemmer that stems differently changes marks.

The expected stems were written by running the pinned pure-Python Snowball English
stemmer (snowballstemmer 3.1.1) once and checking each by hand. A new snowballstemmer
release, or another implementation slipping in, that stems any of them differently
fails here before it moves a single mark.
"""

from __future__ import annotations

import pytest

from quizzer.scoring.lexicon import Lexicon

STEMS = {
    # plurals
    "weights": "weight", "biases": "bias", "neurons": "neuron", "classes": "class", "gradients": "gradient",
    "layers": "layer", "parties": "parti", "skies": "sky", "epochs": "epoch", "minima": "minima",
    # -ing
    "training": "train", "running": "run", "vanishing": "vanish", "exploding": "explod", "averaging": "averag",
    "lying": "lie", "dying": "die", "hopping": "hop",
    # -ed
    "trained": "train", "stopped": "stop", "saturated": "satur", "multiplied": "multipli", "scaled": "scale",
    "updated": "updat",
    # -ly (quickly and rapidly then read as their synonym group's first word, fast)
    "quickly": "fast", "rapidly": "fast", "linearly": "linear", "exponentially": "exponenti",
    "smoothly": "smooth", "early": "earli", "only": "onli", "generously": "generous",
    # -ation (the British spellings through STEM_ALIASES)
    "activation": "activ", "normalization": "normal", "regularization": "regular", "regularisation": "regular",
    "generalization": "general", "initialisation": "initi", "validation": "valid", "approximation": "approxim",
    # irregular forms, left alone (geese only loses its final e)
    "ran": "ran", "went": "went", "children": "children", "mice": "mice", "better": "better", "feet": "feet",
    "geese": "gees", "was": "was", "news": "news",
    # the bank's own words
    "gradient": "gradient", "sigmoid": "sigmoid", "perceptron": "perceptron", "separable": "separ",
    "separate": "separ", "separation": "separ", "overfitting": "overfit", "momentum": "momentum",
    "dropout": "dropout", "derivative": "deriv", "backpropagation": "backpropag", "convolutional": "convolut",
    "variance": "varianc", "explosion": "explod", "explode": "explod", "xavier": "xavier",
    "boundary": "boundari", "threshold": "threshold", "velocity": "veloc", "capacity": "capac",
}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon()


def test_every_word_stems_as_it_did_when_the_marks_were_set(lexicon):
    assert {word: lexicon.stem(word) for word in STEMS} == STEMS

"""Exchange with learning platforms: the bank written as Moodle XML, QTI 1.2 or GIFT.

``items`` turns the bank and its numeric variants into plain items (names from
``names``, HTML from ``markup``); one module per format lays them out; ``write``
is the entry point the CLI calls.
"""

from .items import EssayItem, ExportSet, FamilyGroup, NumericItem, NumericPart, collect, variant_seed
from .names import ExportedName, essay_name, parse_name, variant_name
from .selection import Selection, select_questions
from .write import FORMATS, Exported, export_bank, render

__all__ = [
    "export_bank", "render", "collect", "FORMATS", "Exported", "Selection", "select_questions",
    "ExportSet", "EssayItem", "FamilyGroup", "NumericItem", "NumericPart", "variant_seed",
    "ExportedName", "essay_name", "variant_name", "parse_name",
]

"""Printable exams: build from a roster, write sheets and keys, grade answers back."""

from .build import Exam, ExamSpec, SheetItem, StudentSheet, build_exam
from .manifest import read_manifest
from .roster import Student, numbered_students, read_roster
from .write import write_exam

__all__ = ["Exam", "ExamSpec", "SheetItem", "StudentSheet", "Student", "build_exam", "read_manifest",
           "read_roster", "numbered_students", "write_exam"]

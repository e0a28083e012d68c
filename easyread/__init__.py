"""Easy-read questions mapped to quality frameworks, kept as YAML data with stable ids."""

from .loader import load_library
from .model import (
    ContentError,
    Framework,
    Library,
    Problem,
    Question,
    Statement,
    Theme,
    text_for,
)
from .validate import fallbacks, validate_content

__all__ = [
    "ContentError",
    "Framework",
    "Library",
    "Problem",
    "Question",
    "Statement",
    "Theme",
    "fallbacks",
    "load_library",
    "text_for",
    "validate_content",
]

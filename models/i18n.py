"""The one label catalogue: every text the console and the e-mail show, in English and Chinese.

Labels live in `models/labels/<area>.py`, one dict per area, merged here. Pages call `ui.t(key)`;
the e-mail calls `label(key, lang)`. A test checks that every key used in the code is here with both
languages, so a missing translation fails the build, not the user.
"""

from __future__ import annotations

import importlib
import pkgutil

import models.labels

LANGS = ("en", "zh")


def _collect() -> dict[str, tuple[str, str]]:
    """Merge `LABELS` of every module in models/labels (one per area); a key defined twice is an error."""
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(models.labels.__path__), key=lambda m: m.name):
        labels = importlib.import_module(f"models.labels.{info.name}").LABELS
        twice = sorted(set(merged) & set(labels))
        if twice:
            raise ValueError(f"models/labels/{info.name}.py redefines label(s) {', '.join(twice)}")
        merged.update(labels)
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _collect()


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label in the language, with {placeholders} filled; an unknown key shows itself, visibly."""
    pair = CATALOGUE.get(key)
    text = key if pair is None else pair[0 if lang == "en" else 1]
    return text.format(**values) if values else text


def exception_label(exc_type: str, lang: str = "en") -> str:
    key = f"exc.{exc_type}"
    return label(key, lang) if key in CATALOGUE else exc_type

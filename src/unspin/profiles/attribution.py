"""Which spinner wrote this?  The profile a document fits best, or none.

A profile's ``fit`` is the log-likelihood ratio (bits) of the document's lowercase words and
phrases as that spinner's output against the same words unspun: every word or phrase it writes
counts for it, every word it always replaces counts against it (``Profile.fits``).  The best profile is
named when its fit reaches NONE_BELOW bits; clean text, and text from a spinner none of the
profiles knows, fit none (they use the words the profiles' spinners replace).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unspin.errors import UnspinError
from unspin.profiles.fileformat import read
from unspin.profiles.profile import Profile

NONE_BELOW = 8.0  # bits: a best fit under this names no profile
SUFFIXES = (".tsv", ".tsv.gz", ".profile", ".profile.gz")


@dataclass(frozen=True)
class Attribution:
    """The profile a document fits best (None: none fits) and every profile's fit (bits)."""

    profile: str | None
    fit: float
    fits: dict[str, float]


def load_folder(folder: str | Path) -> dict[str, Profile]:
    """Every profile in ``folder`` (files ending in .tsv, .tsv.gz, .profile), by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UnspinError("E030", f"{folder} is not a folder of profiles")
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.endswith(SUFFIXES):
            profile = read(path)
            if profile.name in found:
                raise UnspinError("E030", f"two profiles in {folder} are called {profile.name!r}")
            found[profile.name] = profile
    if not found:
        raise UnspinError("E030", f"{folder} holds no profile (files ending in {', '.join(SUFFIXES)})")
    return found


def fits(document, profiles: dict[str, Profile]) -> dict[str, float]:
    """Each profile's fit to one document (or one piece of it: fits add up over pieces)."""
    return {name: profile.fit(document) for name, profile in profiles.items()}


def attribute(fits_by_name: dict[str, float], none_below: float = NONE_BELOW) -> Attribution:
    """The best-fitting profile, or None when no fit reaches ``none_below`` bits."""
    if not fits_by_name:
        return Attribution(None, 0.0, {})
    name = max(fits_by_name, key=lambda n: (fits_by_name[n], n))
    best = fits_by_name[name]
    return Attribution(name if best >= none_below else None, round(best, 2),
                       {n: round(f, 2) for n, f in fits_by_name.items()})

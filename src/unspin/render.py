"""Human-readable views of a Restoration: inline diff, coloured on a terminal."""

from __future__ import annotations

from unspin.types import Edit, Restoration, splice

RED, GREEN, DIM, RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m"


def render_diff(result: Restoration, color: bool = False) -> str:
    """The text with each edit shown as ``[-spun-]{+restored+}`` (or in colour)."""
    return splice(result.text, [(edit.start, edit.end, shown(edit, color)) for edit in result.edits])


def shown(edit: Edit, color: bool = False) -> str:
    """One edit as the diff view writes it."""
    if color:
        return f"{RED}{edit.spun}{RESET}{GREEN}{edit.restored}{RESET}{DIM}({edit.confidence:.2f}){RESET}"
    return f"[-{edit.spun}-]{{+{edit.restored}+}}"

"""Find and replace in the code text area: Scintilla's target search, in the text area's byte
positions. A part of `ScintillaView` (scintilla_view.py), kept apart because it is self-contained:
it needs only the view's `_sci` (the ScintillaEdit) and its `selection()`."""

from __future__ import annotations

from pyside6_scintilla import Scintilla, ScintillaEdit

# Indicators 8+ belong to the container (Scintilla.IndicatorNumbers.Container); 8 and 9 are the
# view's diagnostics.
INDICATOR_FIND = 10


class FindInText:
    _sci: ScintillaEdit

    def selection(self) -> tuple[int, int]:
        raise NotImplementedError  # ScintillaView's

    @staticmethod
    def _search_flags(match_case: bool, whole_word: bool, regex: bool) -> int:
        option = Scintilla.FindOption
        flags = 0
        if match_case:
            flags |= option.MatchCase
        if whole_word:
            flags |= option.WholeWord
        if regex:
            flags |= option.RegExp | option.Cxx11RegEx  # ECMAScript syntax, what users type
        return flags

    def _search(self, needle: str, start: int, end: int, flags: int) -> tuple[int, int] | None:
        sci = self._sci
        sci.setSearchFlags(flags)
        sci.setTargetRange(start, end)
        found = sci.searchInTarget(len(needle.encode("utf-8")), needle)
        return (sci.targetStart(), sci.targetEnd()) if found >= 0 else None

    def find(self, needle: str, *, forward: bool = True, match_case: bool = False, whole_word: bool = False,
             regex: bool = False, wrap: bool = True) -> bool:
        """Select the next (or previous) match after the selection; wraps around the document."""
        if not needle:
            return False
        flags = self._search_flags(match_case, whole_word, regex)
        sel_start, sel_end = self.selection()
        length = self._sci.length()
        if forward:
            found = self._search(needle, sel_end, length, flags)
            if found is None and wrap:
                found = self._search(needle, 0, sel_end, flags)
        else:
            found = self._search(needle, sel_start, 0, flags)
            if found is None and wrap:
                found = self._search(needle, length, sel_start, flags)
        if found is None:
            return False
        self._sci.ensureVisibleEnforcePolicy(self._sci.lineFromPosition(found[0]))
        self._sci.setSel(found[0], found[1])
        self._sci.scrollRange(found[0], found[1])
        return True

    def replace_selection_match(self, needle: str, replacement: str, *, match_case: bool = False,
                                whole_word: bool = False, regex: bool = False) -> bool:
        """Replace the selection if it is a match of `needle` (regex groups \\1 expand); True if done."""
        start, end = self.selection()
        if start == end:
            return False
        flags = self._search_flags(match_case, whole_word, regex)
        if self._search(needle, start, end, flags) != (start, end):
            return False
        self._sci.setTargetRange(start, end)
        encoded = len(replacement.encode("utf-8"))
        if regex:
            self._sci.replaceTargetRE(encoded, replacement)
        else:
            self._sci.replaceTarget(encoded, replacement)
        self._sci.setSel(self._sci.targetEnd(), self._sci.targetEnd())
        return True

    def replace_all(self, needle: str, replacement: str, *, match_case: bool = False, whole_word: bool = False,
                    regex: bool = False) -> int:
        """Replace every match in one undo step; returns how many were replaced."""
        if not needle:
            return 0
        sci = self._sci
        flags = self._search_flags(match_case, whole_word, regex)
        encoded = len(replacement.encode("utf-8"))
        count = 0
        pos = 0
        sci.beginUndoAction()
        try:
            while (found := self._search(needle, pos, sci.length(), flags)) is not None:
                sci.setTargetRange(*found)
                if regex:
                    sci.replaceTargetRE(encoded, replacement)
                else:
                    sci.replaceTarget(encoded, replacement)
                count += 1
                pos = sci.targetEnd()
                if found[0] == found[1]:  # an empty regex match: step over one character
                    if pos >= sci.length():
                        break
                    pos = sci.positionAfter(pos)
        finally:
            sci.endUndoAction()
        return count

    def highlight_matches(self, needle: str, *, match_case: bool = False, whole_word: bool = False,
                          regex: bool = False, limit: int = 5000) -> int:
        """Mark every match (up to `limit`) with the find indicator; returns the number found."""
        sci = self._sci
        sci.setIndicatorCurrent(INDICATOR_FIND)
        sci.indicatorClearRange(0, sci.length())
        if not needle:
            return 0
        flags = self._search_flags(match_case, whole_word, regex)
        count, pos = 0, 0
        while count < limit and (found := self._search(needle, pos, sci.length(), flags)) is not None:
            sci.indicatorFillRange(found[0], found[1] - found[0])
            count += 1
            pos = found[1] if found[1] > found[0] else found[1] + 1
            if pos > sci.length():
                break
        return count

    def clear_match_highlights(self) -> None:
        self._sci.setIndicatorCurrent(INDICATOR_FIND)
        self._sci.indicatorClearRange(0, self._sci.length())

    def find_highlight_at(self, pos: int) -> bool:
        return bool(self._sci.indicatorAllOnFor(pos) & (1 << INDICATOR_FIND))

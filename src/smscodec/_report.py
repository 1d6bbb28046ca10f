"""The campaign report of ``smscodec analyze``, computed chunk by chunk with the batch kernels.

Theory of operation
-------------------
:class:`Campaign` takes the messages a chunk at a time (a list of ``str`` or a pyarrow
string Array) and keeps only totals, so a file of any size is reported in bounded memory.
Per chunk:

* **Totals** under the report's options (``encoding``, ``smart``, ``languages``): one
  :func:`smscodec.batch.analyze` call.  A missing value (None, an Arrow null) counts 0
  parts, as in the batch API, and is reported apart.
* **Savings** of ``--smart`` and ``--languages``, each compared with sending the texts as
  written with the default tables.  Smart encoding never touches a message that is GSM-7
  as it stands (it replaces look-alikes only to let a message go as GSM-7), so the smart
  counts need a second batch call over the UCS-2 messages only.  National language tables
  can change any message, so they take a full pass of their own, only when asked for.
* **What blocks GSM-7**: for every message that is UCS-2 under the report's options, its
  *blockers*: the distinct characters no enabled table carries (with ``--smart``, those
  that have no look-alike either: the others would be replaced once the blockers are
  gone).  They are found without a Python loop over characters: the UCS-2 messages' UTF-8
  octets are scanned with numpy for lead octets (and the few ASCII blockers), the code
  points decoded there, looked up in a table of blockers, and deduplicated per message.
  Each character is then credited with what replacing **it alone** would save: the
  message's parts minus the parts of the message with that character replaced (by its
  ``--smart`` look-alike where it has one, else by ``?``, a one-septet GSM-7 character),
  re-counted under the same options.  Only two kinds of (message, character) pair need
  that re-count: a character that is the message's only blocker (the message may become
  GSM-7), and one whose replacement changes the message's length in UTF-16 units (an
  astral character, a look-alike of other than one character).  Anything else leaves the
  message UCS-2 with the same units, hence the same parts: it saves 0, exactly.

``record()`` gives the report as a JSON-ready dict; :func:`render` draws it as text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import _numbers, _pyarrow_arrays, batch, pricing
from ._backend import load
from ._plan import plan as _plan_of
from ._tables import CHAR_CLASSES, CLASSES
from .errors import SmsCodecError
from .policies import SplitPolicy
from .smart import SMART_MAP

if TYPE_CHECKING:
    from . import _blockers_py as _blockers
else:
    _blockers = load("blockers")

__all__ = ["LANGUAGES_CAVEAT", "Campaign", "Destinations", "ReportOptions", "first_refused", "render"]

#: What every ``--languages`` saving comes with.
LANGUAGES_CAVEAT = (
    "national language tables need a route that sends their shift elements in a user data "
    "header (SMPP, or binary messages with a UDH); Vonage's SMS API cannot request them for "
    "text messages"
)
#: The stand-in for a character that has no look-alike: one septet of the default alphabet.
STAND_IN = "?"
_UNICODE_SIZE = 0x110000
# Entries of the blocker table that are no blocker numbers.
_CARRIED = -2
_UNSEEN = -1


@dataclass(frozen=True)
class ReportOptions:
    """The segment options of a report, and how to count.

    Attributes:
        encoding: ``"auto"``, ``"gsm7"`` or ``"ucs2"``.
        reference_bits: 8 or 16.
        smart: the totals include smart encoding.
        languages: national language tables the route supports; the totals use them.
        threads: threads for the batch kernels (None: 1).
        policy: the split policy (:mod:`smscodec.policies`): a built-in name or a
            :class:`~smscodec.SplitPolicy`; every count of the report uses it.
    """

    encoding: str = "auto"
    reference_bits: int = 8
    smart: bool = False
    languages: tuple[str | int, ...] = ()
    threads: int | None = None
    policy: str | SplitPolicy = "3gpp"

    def segment_options(self, *, smart: bool | None = None, languages: bool | None = None) -> dict[str, Any]:
        """Keyword arguments of the batch API: these options, or with ``smart`` /
        ``languages`` switched."""
        return {
            "encoding": self.encoding,
            "reference_bits": self.reference_bits,
            "smart": self.smart if smart is None else smart,
            "languages": (self.languages if languages is None else self.languages if languages else ()),
            "threads": self.threads,
            "policy": self.policy,
        }


@dataclass
class _Totals:
    messages: int = 0
    missing: int = 0
    segments: int = 0
    ucs2: int = 0
    histogram: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    plain: int = 0  # as written, default tables
    smart: int = 0
    languages: int = 0
    both: int = 0
    mixed: int = 0  # UCS-2 messages with no single blocker (no one table pair carries them all)


def _is_arrow(texts: object) -> bool:
    return type(texts).__module__.startswith("pyarrow")


def _take(texts: Any, index: npt.NDArray[np.intp]) -> Any:
    """Elements ``index`` of a chunk, as the same kind of container (list or Arrow array)."""
    if not _is_arrow(texts):
        return [texts[i] for i in index.tolist()]
    import pyarrow as pa

    # An Arrow index array over the numpy one's memory: given a numpy array, take
    # converts it element by element, and pa.array would import pandas.
    return texts.take(_pyarrow_arrays.from_numpy(index, pa.int64()))


@dataclass(frozen=True)
class Blocking:
    """The characters that keep each message of a chunk from GSM-7 (``--output``'s
    ``blocking`` column): message ``owner[k]`` holds code point ``cps[k]``, grouped by
    message and in code point order within one; a message not listed has none."""

    size: int
    owner: npt.NDArray[np.intp]
    cps: npt.NDArray[np.int64]

    def to_list(self) -> list[str]:
        """Each message's characters as one string (``""`` for none)."""
        blocking = [""] * self.size
        if not len(self.owner):
            return blocking
        # Every message's characters back to back in one string, cut where the message
        # changes (slicing a str is far cheaper than a numpy split per message).
        chars_in_order = self._text()
        starts, ends = _runs(self.owner)
        for row, lo, hi in zip(self.owner[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
            blocking[row] = chars_in_order[lo:hi]
        return blocking

    def _text(self) -> str:
        # All the code points as one str, through the UTF-32 codec (C speed; a lone
        # surrogate, which a caller's str may hold, kept as chr() would keep it).
        return self.cps.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")

    def to_arrow(self) -> Any:
        """The same as a pyarrow ``string`` array, from the code points without a str
        per message: each message's UTF-8 octets counted from its code points
        (RFC 3629 §3: 1 to 4 octets by range)."""
        import pyarrow as pa

        cps = self.cps
        data = self._text().encode("utf-8")
        width = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
        offsets = np.zeros(self.size + 1, dtype=np.int32)
        octets = np.bincount(self.owner, weights=width, minlength=self.size).astype(np.int64)
        np.cumsum(octets, out=offsets[1:])
        return pa.Array.from_buffers(
            pa.string(), self.size, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )


def _runs(keys: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Where each run of equal values of the sorted ``keys`` starts and ends."""
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.r_[starts[1:], len(keys)]


def _plain_arrow(texts: Any) -> Any:
    """An Arrow chunk as one ``string`` or ``large_string`` array (string views and
    chunked arrays made so), whose buffers are UTF-8 and offsets."""
    import pyarrow as pa

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        texts = texts.cast(pa.large_string())
    return texts


def _utf8(
    texts: Any, wanted: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """UTF-8 octets of messages of ``texts`` back to back, where each one ends, its index
    in ``texts``, and which of them ``wanted`` marks.  An Arrow array gives its own
    buffers, every message (nothing is copied; a null's slot may hold stray octets); a
    list gives the messages ``wanted`` marks, encoded."""
    if _is_arrow(texts):
        import pyarrow as pa

        texts = _plain_arrow(texts)
        _, offsets_buffer, data_buffer = texts.buffers()[:3]
        width = np.int32 if pa.types.is_string(texts.type) else np.int64
        offsets = np.frombuffer(offsets_buffer, dtype=width)[texts.offset : texts.offset + len(texts) + 1]
        offsets = offsets.astype(np.int64)
        data = (
            np.frombuffer(data_buffer, dtype=np.uint8)
            if data_buffer is not None
            else np.zeros(0, dtype=np.uint8)
        )
        return data[offsets[0] : offsets[-1]], offsets[1:] - offsets[0], np.arange(len(texts)), wanted
    rows = np.flatnonzero(wanted)
    # Lone surrogates cannot come from a file; from a caller's list they are kept (as
    # the three octets a surrogate would take), so they show as the blockers they are.
    encoded = [texts[i].encode("utf-8", "surrogatepass") for i in rows.tolist()]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), ends, rows, np.ones(len(rows), dtype=bool)


class Sample:
    """The ``size`` messages with the most parts met so far (ties: the most units, then
    the first met), for the HTML report's drawings: bounded, whatever the input's size.

    Each kept message is ``(-parts, -units, index in the input, text, cut, encoding)``;
    a text longer than :data:`SAMPLE_CHARS` is kept cut to that (``cut`` True).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.kept: list[tuple[int, int, int, str, bool, int]] = []

    def add(
        self,
        texts: Any,
        segments: npt.NDArray[np.int32],
        units: npt.NDArray[np.int32],
        codes: npt.NDArray[np.uint8],
        base: int,
    ) -> None:
        """Offer one chunk (its results, and ``base``: its first message's index)."""
        if not self.size or not len(segments):
            return
        # Only messages at least as long as the shortest one kept can enter (missing
        # values, 0 parts, never do).
        floor = -self.kept[-1][0] if len(self.kept) >= self.size else 1
        candidates = np.flatnonzero(segments >= floor)
        if len(candidates) > self.size:
            # The fewest parts a message needs to be among the chunk's ``size`` longest: from
            # a histogram (np.partition degrades on the many equal values of a chunk).
            parts = segments[candidates]
            at_least = np.cumsum(np.bincount(parts)[::-1])[::-1]
            kth = int(np.flatnonzero(at_least >= self.size)[-1])
            candidates = candidates[parts >= kth]
        order = np.lexsort((candidates, -units[candidates], -segments[candidates].astype(np.int64)))
        for i in candidates[order[: self.size]].tolist():
            text = texts[i].as_py() if _is_arrow(texts) else texts[i]
            if isinstance(text, str):
                cut = len(text) > SAMPLE_CHARS
                row = (-int(segments[i]), -int(units[i]), base + i, text[:SAMPLE_CHARS], cut, int(codes[i]))
                self.kept.append(row)
        self.kept.sort(key=lambda row: row[:3])
        del self.kept[self.size :]

    def items(self) -> list[dict[str, Any]]:
        """The kept messages, most parts first, as JSON-ready dicts."""
        return [
            {
                "index": index,
                "text": text,
                "segments": -parts,
                "units": -units,
                "encoding": "gsm7" if code == 0 else "ucs2",
                "truncated": cut,
            }
            for parts, units, index, text, cut, code in self.kept
        ]


#: The longest text a :class:`Sample` keeps whole (255 parts of 153 septets is less).
SAMPLE_CHARS = 40_000


class Campaign:
    """Report totals, fed one chunk of messages at a time.

    Args:
        options: the segment options of the report.
        sample: how many of the messages with the most parts to keep (0: none), for
            the HTML report; ``record()`` then lists them under ``sample``.
    """

    def __init__(self, options: ReportOptions, *, sample: int = 0) -> None:
        self.options = options
        self.totals = _Totals()
        self.sample = Sample(sample)
        # The characters that block GSM-7 under these options, as a table over every code
        # point: _CARRIED for a character that does not block, _UNSEEN for a blocker not
        # met yet, else the blocker's number (its index in the lists below).
        plan = _plan_of(
            options.encoding, b"", options.reference_bits, options.smart, options.languages, options.policy
        )
        self._tables = (plan.locks, plan.singles)
        ids = np.full(_UNICODE_SIZE, _UNSEEN, dtype=np.int32)
        ids[[ord(ch) for ch in CHAR_CLASSES if self._in_tables(ch)]] = _CARRIED
        if options.smart and plan.smart is not None:
            # Look-alikes are replaced once the message has no other blocker.
            ids[list(plan.smart)] = _CARRIED
        self._ids = ids
        # A message whose only blocker is replaced by characters the tables carry goes as
        # GSM-7: the batch kernels count that as smart encoding with a map of the blockers
        # (and, with --smart, the look-alikes), without building the changed texts; not
        # where the policy or the plan leaves smart encoding to the scalar API.
        smart_plan = _plan_of(
            options.encoding, b"", options.reference_bits, True, options.languages, options.policy
        )
        self._smart_recount = options.encoding == "auto" and smart_plan.batch_smart
        self._look_alikes = (
            {chr(cp): text for cp, text in plan.smart.items()} if options.smart and plan.smart else {}
        )
        # Per blocker, by number: code point, replacement, whether the replacement
        # changes the UTF-16 length, whether the tables carry it, and the totals.
        self._chars: list[int] = []
        self._replacements: list[str] = []
        self._resized = np.zeros(0, dtype=bool)
        self._carried = np.zeros(0, dtype=bool)
        self._messages = np.zeros(0, dtype=np.int64)
        self._only = np.zeros(0, dtype=np.int64)
        self._saved = np.zeros(0, dtype=np.int64)

    @property
    def blockers(self) -> dict[str, tuple[int, int, int]]:
        """Every blocker met: character -> (UCS-2 messages it blocks in, of which it is
        the only blocker, parts replacing it alone would save)."""
        return {
            chr(cp): (int(self._messages[k]), int(self._only[k]), int(self._saved[k]))
            for k, cp in enumerate(self._chars)
        }

    # --- feeding ----------------------------------------------------------------------

    def add(self, texts: Any, *, details: bool = False) -> dict[str, Any]:
        """Count one chunk into the totals.

        Args:
            texts: a list or tuple of ``str`` (None for a missing value), or a pyarrow
                Array or ChunkedArray of strings.
            details: also give, per message, the characters that block GSM-7 and (with
                ``smart``) the text as it would be sent.

        Returns:
            The chunk's per-message results under the report's options, as
            :func:`smscodec.batch.analyze` gives them (numpy arrays ``segments``,
            ``units``, ``remaining``, ``encoding``); with ``details``, also
            ``blocking`` (a :class:`Blocking`: each message's blocking characters in code
            point order, as a list of str or a pyarrow array) and, with ``smart``,
            ``sent`` (a list: the text as sent, None for a missing value).

        Raises:
            What :func:`smscodec.batch.analyze` raises for the chunk.
        """
        if not _is_arrow(texts) and not isinstance(texts, list):
            texts = list(texts)
        opts = self.options
        result: dict[str, Any] = batch.analyze(texts, **opts.segment_options())
        segments, codes = result["segments"], result["encoding"]
        t = self.totals
        self.sample.add(texts, segments, result["units"], codes, t.messages)
        t.messages += len(segments)
        t.segments += int(segments.sum(dtype=np.int64))
        t.ucs2 += int(np.count_nonzero(codes == 1))
        t.missing += int(np.count_nonzero(segments == 0))
        counts = np.bincount(segments)
        if len(counts) > len(t.histogram):
            counts[: len(t.histogram)] += t.histogram
            t.histogram = counts.astype(np.int64)
        else:
            t.histogram[: len(counts)] += counts
        as_written = None
        pairs = None
        if opts.encoding == "auto":
            as_written = self._savings(texts, segments, codes)
            pairs = self._rank(texts, segments, codes)
        if details:
            result["blocking"] = self._blocking(len(codes), pairs)
            if opts.smart:
                result["sent"] = self._sent(texts, as_written, pairs)
        return result

    def _blocking(self, n: int, pairs: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None) -> Blocking:
        if pairs is None or not len(pairs[0]):
            return Blocking(n, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64))
        owner, chars = pairs
        cps = np.asarray(self._chars, dtype=np.int64)[chars]
        order = np.lexsort((cps, owner))
        return Blocking(n, owner[order], cps[order])

    def _sent(
        self,
        texts: Any,
        as_written: npt.NDArray[np.uint8] | None,
        pairs: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None,
    ) -> list[str | None]:
        """The texts as sent with smart encoding: the look-alikes replaced in a message
        that is not GSM-7 as written and has no blocker left (every character it then
        holds is in an enabled table), as the scalar API's ``SegmentInfo.text`` has it."""
        values: list[str | None] = texts.to_pylist() if _is_arrow(texts) else list(texts)
        if as_written is None:
            return values
        blocked = np.zeros(len(values), dtype=bool)
        if pairs is not None:
            blocked[pairs[0]] = True
        opts = self.options
        plan = _plan_of(opts.encoding, b"", opts.reference_bits, True, opts.languages, opts.policy)
        table = plan.smart or {}
        if plan.smart_always:
            # A policy such as "twilio" replaces every look-alike, blocked or not.
            return [None if text is None else text.translate(table) for text in values]
        for i in np.flatnonzero((as_written == 1) & ~blocked).tolist():
            text = values[i]
            if text is not None:
                values[i] = text.translate(table)
        return values

    def _savings(
        self, texts: Any, segments: npt.NDArray[np.int32], codes: npt.NDArray[np.uint8]
    ) -> npt.NDArray[np.uint8] | None:
        """Count the savings totals; return the encodings without smart encoding (same
        languages), when the options have it."""
        opts, t = self.options, self.totals
        if opts.smart or opts.languages:
            plain = batch.analyze(texts, **opts.segment_options(smart=False, languages=False))
            p_seg, p_codes = plain["segments"], plain["encoding"]
        else:
            p_seg, p_codes = segments, codes
        p_total = int(p_seg.sum(dtype=np.int64))
        t.plain += p_total
        if opts.smart and not opts.languages:
            t.smart += int(segments.sum(dtype=np.int64))
        else:
            t.smart += p_total - self._smart_saving(texts, p_seg, p_codes, languages=False)
        if not opts.languages:
            return p_codes if opts.smart else None
        if not opts.smart:
            l_seg, l_codes = segments, codes
        else:
            lang = batch.analyze(texts, **opts.segment_options(smart=False, languages=True))
            l_seg, l_codes = lang["segments"], lang["encoding"]
        l_total = int(l_seg.sum(dtype=np.int64))
        t.languages += l_total
        if opts.smart:
            t.both += int(segments.sum(dtype=np.int64))
            return l_codes
        t.both += l_total - self._smart_saving(texts, l_seg, l_codes, languages=True)
        return None

    def _smart_saving(
        self, texts: Any, segments: npt.NDArray[np.int32], codes: npt.NDArray[np.uint8], *, languages: bool
    ) -> int:
        # Smart encoding changes only messages that are not GSM-7 as they stand.
        index = np.flatnonzero(codes == 1)
        if not len(index):
            return 0
        smart = batch.count_segments(
            _take(texts, index), **self.options.segment_options(smart=True, languages=languages)
        )
        return int(segments[index].sum(dtype=np.int64) - smart.sum(dtype=np.int64))

    def _rank(
        self, texts: Any, segments: npt.NDArray[np.int32], codes: npt.NDArray[np.uint8]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
        """Credit the chunk's blockers; return its (message, blocker number) pairs."""
        ucs2 = codes == 1
        if not np.any(ucs2):
            return None
        owner, chars = self._blocker_pairs(texts, ucs2)
        d = len(self._chars)
        per_message = np.bincount(owner, minlength=len(codes))
        self.totals.mixed += int(np.count_nonzero(ucs2 & (per_message == 0)))
        if not len(owner):
            return owner, chars
        only = per_message[owner] == 1
        self._messages += np.bincount(chars, minlength=d)
        self._only += np.bincount(chars[only], minlength=d)
        # Re-count what can change: a message's only blocker, and a replacement that
        # changes the UTF-16 length (which can save parts in a message that stays UCS-2).
        recount = np.flatnonzero(only | self._resized[chars])
        if not len(recount):
            return owner, chars
        rows, cols = owner[recount], chars[recount]
        after = np.empty(len(rows), dtype=np.int64)
        fast = only[recount] & self._carried[cols] if self._smart_recount else np.zeros(len(rows), dtype=bool)
        if np.any(fast):
            # Distinct messages (a message has one only blocker), ascending.
            keys = np.unique(cols[fast]).tolist()
            mapping = dict(self._look_alikes)
            mapping.update({chr(self._chars[c]): self._replacements[c] for c in keys})
            options = self.options.segment_options()
            options["smart"] = mapping
            after[fast] = batch.count_segments(_take(texts, rows[fast]), **options)
        slow = np.flatnonzero(~fast)
        if len(slow):
            after[slow] = self._count_replaced(texts, rows[slow], cols[slow])
        gain = segments[rows].astype(np.int64) - after
        self._saved += np.bincount(cols, weights=gain, minlength=d).astype(np.int64)
        return owner, chars

    def _count_replaced(self, texts: Any, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> Any:
        """Parts of each message ``rows[k]`` with blocker ``cols[k]`` replaced, built and counted."""
        cps, replacements = self._chars, self._replacements
        if _is_arrow(texts):
            # Arrow's own replace_substring, once per blocker (few: these are mostly
            # characters above U+FFFF), on the rows it is replaced in; no str objects.
            import pyarrow as pa
            import pyarrow.compute as pc

            texts = _plain_arrow(texts)
            order = np.argsort(cols, kind="stable")
            ordered = cols[order]
            starts, ends = _runs(ordered)
            pieces = [
                pc.replace_substring(
                    _take(texts, rows[order[lo:hi]]), pattern=chr(cps[c]), replacement=replacements[c]
                )
                for c, lo, hi in zip(ordered[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)
            ]
            after = np.empty(len(rows), dtype=np.int64)
            after[order] = batch.count_segments(pa.chunked_array(pieces), **self.options.segment_options())
            return after
        originals = [texts[i] for i in rows.tolist()]
        changed = [
            text.replace(chr(cps[c]), replacements[c])
            for text, c in zip(originals, cols.tolist(), strict=True)
        ]
        return batch.count_segments(changed, **self.options.segment_options())

    def _blocker_pairs(
        self, texts: Any, ucs2: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """The distinct (message, blocker) pairs of the messages ``ucs2`` marks: message
        indexes in ``texts`` (ascending) and blocker numbers; blockers met for the first
        time are numbered."""
        data, ends, rows, scan = _utf8(texts, ucs2)
        positions, cps = _blockers.blocker_pairs(data, ends, scan.view(np.uint8), self._ids, _CARRIED)
        where = np.frombuffer(positions, dtype=np.int64)
        points = np.frombuffer(cps, dtype=np.uint32)
        owner = rows[where]
        ids = self._ids[points]
        unseen = ids == _UNSEEN
        if np.any(unseen):
            self._number(np.unique(points[unseen]))
            ids = self._ids[points]
        return owner, ids.astype(np.intp)

    def _number(self, cps: npt.NDArray[np.uint32]) -> None:
        """Give the blockers ``cps`` (met for the first time) their numbers."""
        first = len(self._chars)
        self._ids[cps] = np.arange(first, first + len(cps), dtype=np.int32)
        for cp in cps.tolist():
            self._chars.append(cp)
            self._replacements.append(self._replacement(cp))
        resized = [
            cp > 0xFFFF or len(r) != 1 or ord(r) > 0xFFFF
            for cp, r in zip(self._chars[first:], self._replacements[first:], strict=True)
        ]
        # Left to the built texts: a lone surrogate (refused in a map) and a character
        # above U+FFFF (a map with such a key leaves every message holding one to the
        # scalar API, one option plan each).
        carried = [
            (cp < 0xD800 or 0xDFFF < cp <= 0xFFFF) and all(self._in_tables(ch) for ch in r)
            for cp, r in zip(self._chars[first:], self._replacements[first:], strict=True)
        ]
        grow = np.zeros(len(cps), dtype=np.int64)
        self._resized = np.concatenate([self._resized, np.array(resized, dtype=bool)])
        self._carried = np.concatenate([self._carried, np.array(carried, dtype=bool)])
        self._messages = np.concatenate([self._messages, grow])
        self._only = np.concatenate([self._only, grow])
        self._saved = np.concatenate([self._saved, grow])

    def _in_tables(self, ch: str) -> bool:
        """Whether an enabled table (default, national) carries ``ch``."""
        cls = CHAR_CLASSES.get(ch)
        if cls is None:
            return False
        lk, ss = CLASSES[cls]
        return bool(lk & self._tables[0] or ss & self._tables[1])

    def _replacement(self, cp: int) -> str:
        if self.options.smart:
            return STAND_IN  # the blockers left with --smart have no look-alike
        return SMART_MAP.get(chr(cp), STAND_IN)

    # --- the report -------------------------------------------------------------------

    def record(self, *, price: Decimal | None = None, top: int = 15) -> dict[str, Any]:
        """The report as a JSON-ready dict (decimal amounts as strings).

        Args:
            price: price per part, for every cost and saving (None: parts only).
            top: how many blocking characters to list.
        """
        t, opts = self.totals, self.options
        hist = {str(k): int(v) for k, v in enumerate(t.histogram.tolist()) if k and v}

        def money(parts: int) -> str | None:
            return None if price is None else str(parts * price)

        record: dict[str, Any] = {
            "messages": t.messages,
            "segments": t.segments,
            "gsm7": t.messages - t.ucs2 - t.missing,
            "ucs2": t.ucs2,
            "missing": t.missing,
            "ucs2_share": (t.ucs2 / t.messages) if t.messages else 0.0,
            "histogram": hist,
            "options": {
                "encoding": opts.encoding,
                "reference_bits": opts.reference_bits,
                "smart": opts.smart,
                "languages": list(opts.languages),
                "policy": opts.policy if isinstance(opts.policy, str) else opts.policy.name,
            },
        }
        if price is not None:
            record["price_per_segment"] = str(price)
            record["cost"] = str(t.segments * price)
        ranked = sorted(self.blockers.items(), key=lambda kv: (-kv[1][2], -kv[1][1], -kv[1][0], kv[0]))
        record["forcing_chars"] = [
            {
                "char": ch,
                "codepoint": f"U+{ord(ch):04X}",
                "name": unicodedata.name(ch, ""),
                "replacement": self._replacement(ord(ch)),
                "messages": messages,
                "only_blocker": only,
                "segments_saved": saved,
                "cost_saved": money(saved),
            }
            for ch, (messages, only, saved) in ranked[:top]
        ]
        record["forcing_compared_with"] = {
            "segments": t.segments,
            "cost": money(t.segments),
            "description": "the totals of this report: each character's saving re-counts the "
            "messages it blocks with that one character replaced, under the same options",
        }
        record["ucs2_no_single_blocker"] = t.mixed
        savings: dict[str, Any] = {}
        if opts.encoding == "auto":
            baseline = {
                "segments": t.plain,
                "cost": money(t.plain),
                "description": "the texts as written, default GSM-7 tables",
            }

            def saving(parts: int, smart: bool, languages: bool) -> dict[str, Any]:
                # applied: the totals are exactly this; included: the totals use this
                # option (with another one too, when not applied).
                return {
                    "segments": t.plain - parts,
                    "cost": money(t.plain - parts),
                    "applied": smart == opts.smart and languages == bool(opts.languages),
                    "included": (opts.smart or not smart) and (bool(opts.languages) or not languages),
                    "compared_with": baseline,
                }

            savings["smart"] = saving(t.smart, True, False)
            if opts.languages:
                savings["languages"] = {
                    "languages": list(opts.languages),
                    **saving(t.languages, False, True),
                    "caveat": LANGUAGES_CAVEAT,
                }
                savings["smart_and_languages"] = {**saving(t.both, True, True), "caveat": LANGUAGES_CAVEAT}
        record["savings"] = savings
        if self.sample.size:
            record["sample"] = self.sample.items()
        return record


# --- text ---------------------------------------------------------------------------------


def _options_label(options: dict[str, Any]) -> str:
    words = []
    if options["encoding"] != "auto":
        words.append(f"--encoding {options['encoding']}")
    if options["smart"]:
        words.append("--smart")
    if options["languages"]:
        words.append("--languages " + ",".join(str(x) for x in options["languages"]))
    if options.get("policy", "3gpp") != "3gpp":
        words.append(f"--policy {options['policy']}")
    return " ".join(words)


def _with_cost(parts: int, cost: str | None) -> str:
    unit = "part" if abs(parts) == 1 else "parts"
    return f"{parts:,} {unit}" + (f" ({cost})" if cost is not None else "")


def render(record: dict[str, Any]) -> str:
    """The report of :meth:`Campaign.record` as text, for a terminal."""
    lines: list[str] = []
    add = lines.append
    messages = record["messages"]
    label = _options_label(record["options"])
    add(f"messages        {messages:,}")
    per = f"  ({record['segments'] / messages:.2f} per message)" if messages else ""
    add(f"parts           {record['segments']:,}{per}")
    add(f"GSM-7           {record['gsm7']:,}")
    add(f"UCS-2           {record['ucs2']:,}  ({record['ucs2_share']:.1%} of messages)")
    if record["missing"]:
        add(f"missing         {record['missing']:,}  (empty values: counted 0 parts)")
    if "cost" in record:
        add(f"cost            {record['cost']}  at {record['price_per_segment']} per part")
    add(f"options         {label or 'none (texts as written, default GSM-7 tables)'}")
    if "destinations" in record:
        lines.extend(_destination_lines(record["destinations"]))
    add("")
    add("parts per message")
    hist = record["histogram"]
    width = max((len(k) for k in hist), default=1)
    most = max(hist.values(), default=1)
    for parts, n in hist.items():
        add(f"  {parts:>{width}}  {n:>9,}  {'#' * max(1, round(40 * n / most))}")
    forcing = record["forcing_chars"]
    if forcing:
        add("")
        still = " still" if record["options"]["smart"] or record["options"]["languages"] else ""
        add(
            f"characters that{still} force UCS-2{' with ' + label if label else ''}, by the parts "
            "replacing each alone would save"
        )
        base = record["forcing_compared_with"]
        add(
            f"  (compared with the totals above, {_with_cost(base['segments'], base['cost'])}; "
            + (
                "each replaced by '?', a one-septet GSM-7 character)"
                if record["options"]["smart"]
                else "each replaced by its --smart look-alike, else by '?', a one-septet GSM-7 character)"
            )
        )
        priced = base["cost"] is not None
        cost_head = f"  {'cost saved':>12}" if priced else ""
        add(f"  {'character':<44} {'parts saved':>11}{cost_head}  {'only blocker in':>15}  {'blocks in':>10}")
        for item in forcing:
            name = f"{item['codepoint']} {item['char']!r} {item['name']}".rstrip()
            cost = f"  {item['cost_saved']:>12}" if priced else ""
            add(
                f"  {name[:44]:<44} {item['segments_saved']:>11,}{cost}  "
                f"{item['only_blocker']:>15,}  {item['messages']:>10,}"
            )
    if record["ucs2_no_single_blocker"]:
        add(
            f"  {record['ucs2_no_single_blocker']:,} UCS-2 messages have no single blocking character: "
            "no one pair of the enabled tables carries all of their characters"
        )
    savings = record["savings"]
    add("")
    if not savings:
        add(f"savings         none computed: --encoding {record['options']['encoding']} fixes the encoding")
        return "\n".join(lines) + "\n"
    base = next(iter(savings.values()))["compared_with"]
    add(
        f"savings, each compared with the texts as written with the default GSM-7 tables "
        f"({_with_cost(base['segments'], base['cost'])})"
    )
    names = {
        "smart": "--smart",
        "languages": "--languages " + ",".join(str(x) for x in record["options"]["languages"]),
        "smart_and_languages": "both",
    }
    for key, item in savings.items():
        amount = _with_cost(item["segments"], item["cost"])
        if item["applied"]:
            verb = f"saved {amount}: the totals above include it"
        elif item["included"]:
            verb = f"alone would save {amount}; the totals above include it"
        else:
            verb = f"would save {amount}"
        add(f"  {names[key]:<28} {verb}")
    if "languages" in savings:
        add(f"  note: {LANGUAGES_CAVEAT}")
    return "\n".join(lines) + "\n"


# --- cost by destination ------------------------------------------------------------------


def _no_empty(numbers: Any) -> Any:
    """A pyarrow column with its empty strings made nulls: no destination either."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(numbers.type) or pa.types.is_large_string(numbers.type):
        empty = _pyarrow_arrays.numpy_of(pc.binary_length(numbers), null=-1) == 0
        return pc.if_else(
            _pyarrow_arrays.from_numpy(empty, pa.bool_()), pa.nulls(1, numbers.type)[0], numbers
        )
    return numbers


class Destinations:
    """Messages, parts and cost by destination country (``--prices``), fed a chunk at a time.

    Each chunk's numbers are mapped to countries with :func:`smscodec.pricing.countries_of`
    (a number met before costs a dictionary lookup) and tallied with ``np.bincount`` over
    small country numbers; the cost is ``price x parts`` per country at the end, exact.

    Args:
        prices: the price table.
        source: the name of the price file, for the report.
    """

    def __init__(self, prices: pricing.PriceTable, source: str) -> None:
        self.prices = prices
        self.source = source
        # Country (None: no destination) -> its number; per number, the tallies.
        self._index: dict[str | None, int] = {None: 0}
        self._names: list[str | None] = [None]
        self._messages = np.zeros(1, dtype=np.int64)
        self._parts = np.zeros(1, dtype=np.int64)
        # Per country number: the price of one part as an integer of 10**-scale, or -1
        # when the table does not price it (for the per-message costs of --output).
        exponents = [
            e.default.as_tuple().exponent for e in prices.countries.values() if e.default is not None
        ]
        self.scale = max([0, *(-int(x) for x in exponents)])
        self._units: list[int] = [-1]
        self._costs: dict[tuple[int, int], str | None] = {}
        # The values that are no phone number (--bad-numbers unpriced): their slot, made
        # when the first is met, and where that first one was.
        self._invalid_slot = -1
        self.first_invalid: dict[str, str] | None = None

    def _number(self, country: str | None) -> int:
        number = self._slot(country)
        self._index[country] = number
        return number

    def _slot(self, country: str | None) -> int:
        # A new row of tallies (not entered in the country index: see _number).
        number = len(self._names)
        self._names.append(country)
        entry = self.prices.countries.get(country) if country is not None else None
        price = None if entry is None else entry.default
        self._units.append(-1 if price is None else int(price.scaleb(self.scale)))
        self._messages = np.append(self._messages, 0)
        self._parts = np.append(self._parts, 0)
        return number

    def note_invalid(self, where: str, why: str) -> None:
        """Remember where the first value that is no phone number was (for the report)."""
        if self.first_invalid is None:
            self.first_invalid = {"where": where, "why": why}

    def add(
        self,
        numbers: Any,
        segments: npt.NDArray[np.int32],
        *,
        details: bool = False,
        invalid: list[int] | None = None,
    ) -> dict[str, Any]:
        """Tally one chunk: ``numbers[i]`` (a str, or None / "" for none) got ``segments[i]``
        parts; ``numbers`` is a list or a pyarrow Array.  ``invalid``: the indices whose
        value is no phone number (given as None in ``numbers``), tallied as such.

        Returns:
            With ``details``: ``country`` (a list of ISO codes, None for no destination),
            ``cost`` (a list of decimal strings, None when unpriced), ``cost_units`` (int64:
            the cost in units of ``10 ** -cost_scale``, -1 when unpriced; None when an
            amount would not fit) and ``cost_scale``; else an empty dict.

        Raises:
            PricingError: a value that is no phone number (``to[i]: ...``, ``i`` the index
                in ``numbers``).
        """
        countries: list[str | None] | None = None
        ids = None if isinstance(numbers, list) else self._arrow_ids(numbers)
        if ids is None:
            if isinstance(numbers, list):
                countries = pricing.countries_of([n or None for n in numbers])
            else:  # a pyarrow Array: an empty string is no destination either
                countries = pricing.countries_of(_no_empty(numbers))
            index = self._index
            for country in set(countries):
                if country not in index:
                    self._number(country)
            ids = np.fromiter(map(index.__getitem__, countries), dtype=np.intp, count=len(countries))
        if invalid:
            if self._invalid_slot < 0:
                # A row of its own, outside the country index (None there stays "no
                # destination").
                self._invalid_slot = self._slot(None)
            ids[np.asarray(invalid, dtype=np.intp)] = self._invalid_slot
        size = len(self._names)
        self._messages += np.bincount(ids, minlength=size)
        # float64 weights hold integer sums exactly up to 2**53 parts per chunk.
        self._parts += np.bincount(ids, weights=segments, minlength=size).astype(np.int64)
        if not details:
            return {}
        cost_units = None  # the amounts would not fit int64: the strings only
        if max(self._units) * int(segments.max(initial=0)) < 2**62:
            units = np.asarray(self._units, dtype=np.int64)[ids]
            cost_units = np.where(units >= 0, units * segments.astype(np.int64), -1)
        costs = self._costs
        scale = self.scale
        strings: list[str | None] = []
        append = strings.append
        for key in zip(ids.tolist(), segments.tolist(), strict=True):
            text = costs.get(key, "")
            if text == "":
                unit = self._units[key[0]]
                text = costs[key] = None if unit < 0 else str(Decimal(unit * key[1]).scaleb(-scale))
            append(text)
        if countries is None:
            names = self._names
            countries = [names[k] for k in ids.tolist()]
        return {"country": countries, "cost": strings, "cost_units": cost_units, "cost_scale": scale}

    def _arrow_ids(self, numbers: Any) -> npt.NDArray[np.intp] | None:
        """The country numbers of a pyarrow column of numbers, placed a column at a time
        (what ``pricing.countries_of`` gives, without a Python object per row; a dictionary
        column through its dictionary); None for a column of another type, or holding a
        value that is no phone number (then ``countries_of`` says which, value by value)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(numbers, pa.ChunkedArray):
            numbers = numbers.combine_chunks()
        kind = numbers.type
        if pa.types.is_dictionary(kind):
            of_values = self._arrow_ids(numbers.dictionary)
            if of_values is None:
                return None
            # A null index (no destination) becomes -1, so slot 0 after the shift.
            index = _pyarrow_arrays.numpy_of(numbers.indices, null=-1).astype(np.intp) + 1
            return np.r_[np.intp(0), of_values][index]  # type: ignore[no-any-return]
        if pa.types.is_integer(kind):
            numbers = pc.cast(numbers, pa.string())
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return None
        # Every row's own value (a campaign's numbers are mostly distinct: a dictionary of
        # them cost more than placing them all); a missing value or an empty string is no
        # destination (slot 0).
        present = _pyarrow_arrays.numpy_of(pc.binary_length(numbers), null=0) > 0
        values = (
            numbers if present.all() else pc.filter(numbers, _pyarrow_arrays.from_numpy(present, pa.bool_()))
        )
        codes, names, errors = _numbers.regions_arrow(values)
        if errors:
            return None
        # The regions met (a few hundred at most) -> country numbers.
        numbers_of = np.zeros(len(names), dtype=np.intp)
        for code in np.unique(codes).tolist():
            region = names[code]
            number = self._index.get(region)
            numbers_of[code] = self._number(region) if number is None else number
        ids = np.zeros(len(numbers), dtype=np.intp)
        ids[present] = numbers_of[codes]
        return ids

    def record(self) -> dict[str, Any]:
        """The per-country table, as a JSON-ready dict (amounts as decimal strings)."""
        with localcontext(Context(prec=100)):  # exact, whatever the caller's context
            return self._record()

    def _record(self) -> dict[str, Any]:
        table = self.prices.countries
        rows = []
        total = low = high = Decimal(0)
        unpriced_messages = unpriced_parts = invalid_messages = 0
        for number, country in enumerate(self._names):
            messages, parts = int(self._messages[number]), int(self._parts[number])
            if not messages:
                continue
            if number == self._invalid_slot:
                invalid_messages = messages
            entry = table.get(country) if country is not None else None
            priced = entry is not None and entry.default is not None
            row: dict[str, Any] = {
                "country": country,
                "name": entry.name if entry is not None else None,
                "messages": messages,
                "parts": parts,
                "cost": None,
                "low": None,
                "high": None,
                "unpriced": 0 if priced else messages,
                "why": None,
            }
            if priced:
                assert entry is not None
                assert entry.default is not None
                assert entry.low is not None
                assert entry.high is not None
                cost, lo, hi = entry.default * parts, entry.low * parts, entry.high * parts
                row.update(cost=str(cost), low=str(lo), high=str(hi))
                total, low, high = total + cost, low + lo, high + hi
            else:
                unpriced_messages += messages
                unpriced_parts += parts
                row["why"] = (
                    "not a phone number"
                    if number == self._invalid_slot
                    else "no destination"
                    if country is None
                    else "not in the price table"
                    if entry is None
                    else "listed without a price"
                )
            rows.append(row)
        # Dearest first; the unpriced after, by messages.
        rows.sort(
            key=lambda r: (r["cost"] is None, -Decimal(r["cost"] or 0), -r["messages"], r["country"] or "~")
        )
        return {
            "prices": self.source,
            "currency": self.prices.currency,
            "cost": str(total),
            "low": str(low),
            "high": str(high),
            "unpriced_messages": unpriced_messages,
            "unpriced_parts": unpriced_parts,
            "invalid_messages": invalid_messages,
            "first_invalid": self.first_invalid,
            "countries": rows,
        }


def _destination_lines(dest: dict[str, Any]) -> list[str]:
    currency = f" {dest['currency']}" if dest["currency"] else ""
    lines = [
        "",
        f"cost by destination  {dest['cost']}{currency}  (each country's default price, {dest['prices']})",
        f"  {dest['low']} to {dest['high']} over the prices of the countries' networks",
    ]
    rows = dest["countries"]
    width = min(max((len(_country_label(r)) for r in rows), default=7), 48)
    lines.append(f"  {'country':<{width}}  {'messages':>9}  {'parts':>9}  {'cost':>14}  {'unpriced':>8}")
    for row in rows:
        cost = row["cost"] if row["cost"] is not None else "-"
        lines.append(
            f"  {_country_label(row)[:width]:<{width}}  {row['messages']:>9,}  {row['parts']:>9,}  "
            f"{cost:>14}  {row['unpriced']:>8,}"
        )
    unpriced = dest["unpriced_messages"]
    if unpriced:
        messages = "1 message" if unpriced == 1 else f"{unpriced:,} messages"
        verb = "is not priced: it is" if unpriced == 1 else "are not priced: they are"
        lines.append(
            f"  {messages} ({_with_cost(dest['unpriced_parts'], None)}) {verb} not in the cost above"
        )
    invalid = dest.get("invalid_messages", 0)
    if invalid:
        first = dest["first_invalid"]
        messages = "1 message goes" if invalid == 1 else f"{invalid:,} messages go"
        lines.append(
            f"  {messages} to a value that is no phone number; the first: {first['where']}: {first['why']}"
        )
    return lines


def _country_label(row: dict[str, Any]) -> str:
    if row["country"] is None:
        return "(not a phone number)" if row["why"] == "not a phone number" else "(no destination)"
    label = f"{row['country']} {row['name'] or ''}".rstrip()
    return label if row["why"] is None else f"{label} ({row['why']})"


# --- locating a refused message -----------------------------------------------------------


def first_refused(texts: Any, options: ReportOptions) -> tuple[int, Exception] | None:
    """The index of the first message of ``texts`` the batch API refuses under
    ``options``, and the error it raises for that message alone; None if none is refused.

    The batch API raises for the lowest refused index, naming it as an index of the
    call's own input; this halves the chunk until one message is left (about 2x the
    chunk's counting, and only on the error path), which works for every container and
    every error the kernels can raise (TypeError, EncodingError, DecodeError).
    """
    kwargs = options.segment_options()

    def refused(lo: int, hi: int) -> bool:
        try:
            batch.count_segments(texts[lo:hi], **kwargs)
        except (SmsCodecError, TypeError):
            return True
        return False

    lo, hi = 0, len(texts)
    if not refused(lo, hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if refused(lo, mid):
            hi = mid
        else:
            lo = mid
    try:
        batch.count_segments(texts[lo:hi], **kwargs)
    except (SmsCodecError, TypeError) as exc:
        return lo, exc
    raise AssertionError("a refused message passed on its own")  # pragma: no cover

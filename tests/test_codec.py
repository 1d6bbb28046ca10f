"""The ``gsm-7`` codec through Python's codecs machinery, with Python's error conventions."""

from __future__ import annotations

import codecs
import io
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smscodec
from smscodec import encode_gsm7
from smscodec.codec import NAMES

GSM_TEXT = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà\f^{}\\[~]|€"


def test_api_examples() -> None:
    assert "€".encode("gsm-7") == b"\x1b\x65"
    assert b"\x00".decode("gsm-7") == "@"


@pytest.mark.parametrize(
    "name", ["gsm-7", "gsm7", "gsm03.38", "gsm0338", "GSM-7", "Gsm 03.38", "GSM_7", "gsm_0338"]
)
def test_aliases(name: str) -> None:
    info = codecs.lookup(name)
    assert info.name == "gsm-7"
    assert "Ç€".encode(name) == b"\x09\x1b\x65"
    assert b"\x09\x1b\x65".decode(name) == "Ç€"


@pytest.mark.parametrize("name", ["gsm", "gsm-8", "gsm03.40", "ucs2-gsm"])
def test_other_names_unknown(name: str) -> None:
    with pytest.raises(LookupError):
        codecs.lookup(name)


def test_names_constant() -> None:
    assert frozenset({"gsm7", "gsm03.38", "gsm0338"}) == NAMES


@given(st.text(alphabet=GSM_TEXT, max_size=200))
def test_round_trip(text: str) -> None:
    data = text.encode("gsm-7")
    assert data == encode_gsm7(text)
    assert data.decode("gsm-7") == text
    assert codecs.decode(data, "gsm7") == text
    assert codecs.encode(text, "gsm7") == data


# --- encoding errors ----------------------------------------------------------------------


def test_encode_strict_raises_unicode_encode_error() -> None:
    with pytest.raises(UnicodeEncodeError) as info:
        "ab😀😀c`".encode("gsm-7")
    exc = info.value
    assert (exc.encoding, exc.start, exc.end) == ("gsm-7", 2, 4)  # a run of two, like CPython's codecs
    assert exc.object == "ab😀😀c`"
    assert "GSM 03.38" in exc.reason


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ("replace", b"a??b?c"),
        ("ignore", b"abc"),
        ("xmlcharrefreplace", b"a&#128512;&#231;b&#96;c"),
        # A backslash is an extension character: 0x1B 0x2F.
        ("backslashreplace", b"a\x1b/U0001f600\x1b/xe7b\x1b/x60c"),
        (
            "namereplace",
            b"a\x1b/N\x1b(GRINNING FACE\x1b)\x1b/N\x1b(LATIN SMALL LETTER C WITH CEDILLA\x1b)b"
            b"\x1b/N\x1b(GRAVE ACCENT\x1b)c",
        ),
    ],
)
def test_encode_standard_handlers(errors: str, expected: bytes) -> None:
    assert "a😀çb`c".encode("gsm-7", errors) == expected


def test_encode_surrogateescape_gives_raw_bytes() -> None:
    # The handler returns bytes for U+DC80-U+DCFF: they go out as they are.
    assert "a\udcff".encode("gsm-7", "surrogateescape") == b"a\xff"
    with pytest.raises(UnicodeEncodeError):
        "a😀".encode("gsm-7", "surrogateescape")


def test_encode_custom_handler() -> None:
    seen: list[tuple[int, int]] = []

    def handler(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeEncodeError)
        seen.append((exc.start, exc.end))
        return "<" + "".join(f"{ord(c):X}" for c in exc.object[exc.start : exc.end]) + ">", exc.end

    codecs.register_error("smscodec-test-hexrepl", handler)
    assert "xçy😀".encode("gsm-7", "smscodec-test-hexrepl") == b"x<E7>y<1F600>"
    assert seen == [(1, 2), (3, 4)]


def test_encode_handler_unencodable_replacement() -> None:
    codecs.register_error("smscodec-test-bad", lambda exc: ("ç", exc.end))  # type: ignore[attr-defined]
    with pytest.raises(UnicodeEncodeError):
        "ç".encode("gsm-7", "smscodec-test-bad")


def test_encode_handler_can_rewind_and_skip() -> None:
    # A negative position counts from the end (Python's convention).
    codecs.register_error("smscodec-test-end", lambda exc: ("!", -1))
    assert "aç-xyz".encode("gsm-7", "smscodec-test-end") == b"a!z"
    codecs.register_error("smscodec-test-far", lambda exc: ("", 99))
    with pytest.raises(IndexError):
        "aç".encode("gsm-7", "smscodec-test-far")


def test_unknown_handler_is_lookup_error() -> None:
    with pytest.raises(LookupError):
        "ç".encode("gsm-7", "no-such-handler")


# --- decoding errors ----------------------------------------------------------------------


def test_decode_strict_raises_unicode_decode_error() -> None:
    with pytest.raises(UnicodeDecodeError) as info:
        b"ab\x80c".decode("gsm-7")
    exc = info.value
    assert (exc.encoding, exc.start, exc.end, exc.object) == ("gsm-7", 2, 3, b"ab\x80c")
    with pytest.raises(UnicodeDecodeError) as info:
        b"ab\x1b".decode("gsm-7")
    assert (info.value.start, info.value.end) == (2, 3)
    assert "escape" in info.value.reason


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ("replace", "a\ufffdb\ufffd\ufffdc\ufffd"),
        ("ignore", "abc"),
        ("backslashreplace", "a\\x80b\\x1b\\xffc\\x1b"),
    ],
)
def test_decode_standard_handlers(errors: str, expected: str) -> None:
    assert b"a\x80b\x1b\xffc\x1b".decode("gsm-7", errors) == expected


def test_decode_surrogateescape_cannot_escape_a_septet() -> None:
    # Python's handler escapes only bytes >= 0x80: a lone escape (0x1B) stays an error.
    assert b"a\x80\xff".decode("gsm-7", "surrogateescape") == "a\udc80\udcff"
    with pytest.raises(UnicodeDecodeError):
        b"a\x1b".decode("gsm-7", "surrogateescape")


def test_decode_surrogateescape_round_trip() -> None:
    data = b"a\x80\xfe\x1b\x65z"
    text = data.decode("gsm-7", "surrogateescape")
    assert text == "a\udc80\udcfe€z"
    assert text.encode("gsm-7", "surrogateescape") == data


def test_decode_custom_handler() -> None:
    codecs.register_error("smscodec-test-hash", lambda exc: ("#", exc.end))  # type: ignore[attr-defined]
    assert b"\x80ok\x1b".decode("gsm-7", "smscodec-test-hash") == "#ok#"


def test_decode_accepts_buffers() -> None:
    assert codecs.decode(bytearray(b"\x10\x1b\x65"), "gsm-7") == "Δ€"
    assert codecs.decode(memoryview(b"\x00\x01"), "gsm-7") == "@£"
    assert str(bytearray(b"\x02"), "gsm-7") == "$"


# --- incremental and streams --------------------------------------------------------------


def test_iterencode_iterdecode() -> None:
    chunks = ["Hello ", "€", "", "Δ world {x}"]
    data = b"".join(codecs.iterencode(chunks, "gsm-7"))
    assert data == encode_gsm7("".join(chunks))
    assert "".join(codecs.iterdecode([data[i : i + 1] for i in range(len(data))], "gsm-7")) == "".join(chunks)


@pytest.mark.parametrize("split", range(9))
def test_escape_split_across_chunks(split: int) -> None:
    data = b"a\x1b\x65\x1b\x1b\x1b\x28z"  # "a€ {z": the escape pairs may be cut anywhere
    chunks = [data[:split], data[split:]]
    assert "".join(codecs.iterdecode(chunks, "gsm-7")) == "a€ {z"


def test_incremental_decoder_holds_trailing_escape() -> None:
    decoder = codecs.getincrementaldecoder("gsm-7")()
    assert decoder.decode(b"ab\x1b") == "ab"
    assert decoder.getstate() == (b"\x1b", 0)
    assert decoder.decode(b"\x65") == "€"
    assert decoder.decode(b"\x1b\x1b") == " "  # a complete pair needs no holding back
    assert decoder.decode(b"\x1b\x1b\x1b") == " "
    with pytest.raises(UnicodeDecodeError) as info:
        decoder.decode(b"", final=True)
    assert info.value.object == b"\x1b"


def test_incremental_decoder_final_replace() -> None:
    decoder = codecs.getincrementaldecoder("gsm-7")("replace")
    assert decoder.decode(b"x\x1b") == "x"
    assert decoder.decode(b"", final=True) == "\ufffd"
    decoder.reset()
    assert decoder.decode(b"\x80\x1b", final=True) == "\ufffd\ufffd"


def test_incremental_encoder() -> None:
    encoder = codecs.getincrementalencoder("gsm-7")("replace")
    assert encoder.encode("a€") + encoder.encode("😀", final=True) == b"a\x1be?"
    strict = codecs.getincrementalencoder("gsm-7")()
    with pytest.raises(UnicodeEncodeError):
        strict.encode("ç")


def test_stream_writer_and_reader() -> None:
    text = "Grüße {aus} Köln €5 ΔΩ\n" * 20
    raw = io.BytesIO()
    writer = codecs.getwriter("gsm-7")(raw)
    for line in text.splitlines(keepends=True):
        writer.write(line)
    assert raw.getvalue() == encode_gsm7(text)
    raw.seek(0)
    reader = codecs.getreader("gsm-7")(raw)
    assert reader.read(5) == text[:5]
    assert reader.readline() == text.splitlines(keepends=True)[0][5:]
    assert reader.read() == "".join(text.splitlines(keepends=True)[1:])


@pytest.mark.parametrize("size", [1, 2, 3])
def test_stream_reader_escape_at_read_boundary(size: int) -> None:
    reader = codecs.getreader("gsm-7")(io.BytesIO(b"x\x1b\x65y\x1b"))
    parts = []
    while part := reader.read(size):
        parts.append(part)
    # The escape is never decoded alone; a lone one at the very end is left unread, as
    # CPython's own stream readers leave a truncated sequence.
    assert "".join(parts) == "x€y"


def test_text_file_round_trip(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "gsm.bin"
    with open(path, "w", encoding="gsm-7", newline="") as fh:
        fh.write("Zürich {ΔΩ} €\r\n")
    with open(path, encoding="gsm-7", newline="") as fh:
        assert fh.read() == "Zürich {ΔΩ} €\r\n"


def test_registered_by_import() -> None:
    assert smscodec.__name__ == "smscodec"
    assert codecs.lookup("gsm-7").incrementaldecoder is not None

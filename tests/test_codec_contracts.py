"""Hostile input to the ``gsm-7`` Python codec (``smscodec.codec``).

Through the codec protocol the errors are ``UnicodeEncodeError``/``UnicodeDecodeError``,
as ``str.encode`` callers expect, never the library's own errors.
"""

from __future__ import annotations

from hypothesis import given

from hostile import hostile, texts


@hostile
@given(text=texts)
def test_codec_speaks_unicode_errors(text: str) -> None:
    # Through the Python codec, Unicode*Error (the codec protocol), never our own errors.
    try:
        raw = text.encode("gsm-7")
    except UnicodeEncodeError:
        return
    assert raw.decode("gsm-7") == text

"""The Vonage SMS API, sans I/O: build and validate send payloads, parse responses,
delivery receipts and inbound messages, verify webhook signatures.

Nothing here opens a socket: every function takes and returns dicts, strings and bytes,
so any HTTP client or web framework can carry them.
"""

from __future__ import annotations

# --- send side (payloads, auth, responses, status codes) ---

# --- webhooks (receipts, inbound, reassembly, verification, delivery tracking) ---

__all__: list[str] = [
    # send side
    # webhooks
]

"""Signed updates: pinned Ed25519 keys, signatures and (later) the manifest client."""

"""The signature database: tool files on disk, their schema, and the rules that keep them safe.

Signature files are data written by support staff and delivered by updates, so everything in
here treats them as untrusted input: strict schema, bounded sizes, no code, no free regex.
"""

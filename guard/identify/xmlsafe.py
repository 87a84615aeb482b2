"""Read a few elements out of an untrusted XML document without any of XML's traps.

Installer manifests (ClickOnce ``.application``, ``AppxManifest.xml``, a macOS package's
``PackageInfo``) are small, plain documents that never need a DOCTYPE. The scam caller's
copy may carry one anyway, with an entity that expands a billion times or points at a
local file. So this uses the standard library's expat parser directly (no tree is built,
only the wanted elements' attributes and text are kept) and refuses, at the first sign, any
document type declaration or entity declaration: Python 3.11's expat does resolve internal
entities (newer expat limits the blow-up, but we do not rely on the version bundled), and
defusedxml would do no more than these two handlers do. External entities are never fetched
by pyexpat unless asked. Input size and the number of elements kept are capped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from guard.errors import ScamGuardError

MAX_XML_BYTES = 4 * 1024 * 1024
MAX_ELEMENTS = 10_000
MAX_TEXT_CHARS = 1000


# Real manifests nest a dozen deep; a document nested thousands deep with wanted elements
# inside would cost depth x elements in ancestor chains (a few KB compressed, gigabytes here).
MAX_DEPTH = 64


class UnsafeXml(ValueError, ScamGuardError):
    """The document declares a DOCTYPE or entities, is too large or is not well-formed."""


@dataclass
class Element:
    """One wanted element: its local name (namespace dropped), its attributes (local names)
    and its text (shortened), plus the chain of its ancestors' local names."""

    name: str
    attrs: dict[str, str]
    parents: tuple[str, ...] = ()
    text: str = ""
    _chunks: list[str] = field(default_factory=list, repr=False)


def _local(name: str) -> str:
    """``urn:x:y local`` (expat's namespace form) or ``prefix:local`` -> ``local``."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def find_elements(data: bytes, wanted: set[str]) -> list[Element]:
    """The elements whose local name is in ``wanted``, in document order. Raises UnsafeXml."""
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXml(f"is larger than {MAX_XML_BYTES:,} bytes")
    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[Element] = []
    stack: list[tuple[str, Element | None]] = []

    def refuse(*_args: object) -> None:
        raise UnsafeXml("declares a document type or entities, which a manifest never needs")

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:  # each wanted element keeps its ancestors' names
            raise UnsafeXml(f"nests elements more than {MAX_DEPTH} deep")
        local = _local(name)
        element = None
        if local in wanted and len(found) < MAX_ELEMENTS:
            element = Element(
                local,
                {_local(k): v[:MAX_TEXT_CHARS] for k, v in attrs.items()},
                tuple(n for n, _ in stack),
            )
            found.append(element)
        stack.append((local, element))

    def end(_name: str) -> None:
        _local_name, element = stack.pop()
        if element is not None:
            element.text = "".join(element._chunks).strip()[:MAX_TEXT_CHARS]
            element._chunks.clear()

    def text(chunk: str) -> None:
        if stack:
            element = stack[-1][1]
            if element is not None and sum(map(len, element._chunks)) < MAX_TEXT_CHARS:
                element._chunks.append(chunk)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        why = expat.errors.messages.get(exc.code, "error")
        raise UnsafeXml(f"is not well-formed XML ({why})") from None
    return found

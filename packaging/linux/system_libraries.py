"""The shared libraries the Linux builds take from the system instead of carrying a copy.

PyInstaller copies every library a build links against, down to libX11 and glib, from the
build machine. On a desktop these are part of the system: every Debian and Ubuntu desktop
has them, their sonames promise a stable ABI, and a bundled copy can even disagree with the
system around it (an older fontconfig than the system's configuration files, a second
glib beside the desktop's GIO modules), which is why AppImage's exclude list leaves the same
libraries to the system. Leaving them out takes about 20 MiB off the tray build (issue 15).

``SYSTEM_LIBRARIES`` maps each soname left out to the Debian package that provides it
(Ubuntu 24.04's "t64" name as the alternative where the package was renamed); the spec
leaves them out of both builds and ``build_deb.py`` adds the packages to the .deb's
``Depends``, so dpkg and apt see that they are there. Not left out: Qt, ICU, Python and the
xcb helper libraries Qt needs that a desktop may lack (libxcb-cursor0 is missing on a
default Ubuntu), which travel with the build. tests/packaging/test_builds.py checks that
every library a build's programs and libraries name (ELF ``NEEDED``) is in the build, in
this list, or in the C library itself.
"""

from __future__ import annotations

# soname -> Debian package (Debian 12's name, then any alternative after " | ").
SYSTEM_LIBRARIES: dict[str, str] = {
    # C++ runtime and compression
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libz.so.1": "zlib1g",
    "libbz2.so.1.0": "libbz2-1.0",
    "liblzma.so.5": "liblzma5",
    "liblz4.so.1": "liblz4-1",
    "libzstd.so.1": "libzstd1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    # Graphics: never bundled (PyInstaller leaves the GL and xcb libraries to the system)
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libxcb.so.1": "libxcb1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    # The xcb helpers Qt's X11 plugin needs: bundled when the build machine has them, named
    # here for a build machine without them (this one lacks these two)
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    # X11 and fonts
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16 | libpng16-16t64",
    "libexpat.so.1": "libexpat1",
    # glib, D-Bus and what they bring
    "libglib-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgthread-2.0.so.0": "libglib2.0-0 | libglib2.0-0t64",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libffi.so.8": "libffi8",
    "libdbus-1.so.3": "libdbus-1-3",
    "libsystemd.so.0": "libsystemd0",
    "libcap.so.2": "libcap2",
    "libgcrypt.so.20": "libgcrypt20",
    "libgpg-error.so.0": "libgpg-error0",
    "libbsd.so.0": "libbsd0",
    "libmd.so.0": "libmd0",
    "libuuid.so.1": "libuuid1",
    # Kerberos (Qt's network library links it for Negotiate sign-in)
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libkrb5.so.3": "libkrb5-3",
    "libk5crypto.so.3": "libk5crypto3",
    "libkrb5support.so.0": "libkrb5support0",
    "libcom_err.so.2": "libcom-err2",
    "libkeyutils.so.1": "libkeyutils1",
    # Python's own: TLS and hashes, SQLite, line editing
    "libssl.so.3": "libssl3 | libssl3t64",
    "libcrypto.so.3": "libssl3 | libssl3t64",
    "libsqlite3.so.0": "libsqlite3-0",
    "libreadline.so.8": "libreadline8 | libreadline8t64",
    "libtinfo.so.6": "libtinfo6",
    # Printing (the card, issue 17): Qt's CUPS plugin links libcups; every desktop that
    # prints has it, and it brings TLS, Avahi and more (7 MiB) that the build need not carry
    "libcups.so.2": "libcups2 | libcups2t64",
}

# Libraries only a system library above needs (libcups's own): left out as well, and not
# named in Depends, because the system package that needs them brings the right ones (their
# names differ between releases: Ubuntu 24.04 has libunistring5, Debian 12 libunistring2).
BROUGHT_BY_SYSTEM: frozenset[str] = frozenset(
    {
        "libavahi-client.so.3", "libavahi-common.so.3", "libgnutls.so.30", "libp11-kit.so.0",
        "libidn2.so.0", "libunistring.so.2", "libtasn1.so.6", "libnettle.so.8",
        "libhogweed.so.6", "libgmp.so.10",
    }
)  # fmt: skip

# Part of the C library (libc6): never bundled by PyInstaller, always there.
C_LIBRARY = frozenset(
    {
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
        "libutil.so.1", "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
    }
)  # fmt: skip


def left_to_system(file_name: str) -> bool:
    """Whether a library (by its file name in the build) comes from the system."""
    return file_name in SYSTEM_LIBRARIES or file_name in BROUGHT_BY_SYSTEM


def depends() -> list[str]:
    """The Debian packages providing ``SYSTEM_LIBRARIES``, each once, sorted."""
    return sorted(set(SYSTEM_LIBRARIES.values()))

"""phonenumbers without its geocoder, carrier and time-zone tables (replaces the contrib hook,
which collects every submodule): ScamGuard only parses and validates numbers
(guard/providers/phone.py), and those tables are 4.5 MiB of each program's 10 MiB of Python.
The region metadata (``phonenumbers.data``, ``shortdata``) is loaded by name, so it is all
collected."""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("geodata", "carrierdata", "tzdata", "geocoder", "carrier", "timezone")


def _used(name: str) -> bool:
    return not any(
        name == f"phonenumbers.{u}" or name.startswith(f"phonenumbers.{u}.") for u in UNUSED
    )


hiddenimports = collect_submodules("phonenumbers", filter=_used)

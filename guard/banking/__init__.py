"""Bank and payment sites and apps, per country: the data (``signatures/banking/*.toml``),
its validation, and the matcher that says whether a foreground window is one of them.

A live remote session while a bank is open is the moment the money is taken; this package
only answers "is this window a bank?". What happens then is the engine's decision.
"""

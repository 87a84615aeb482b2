"""Provider profiles: whose name, colours and real phone numbers the warning shows.

Profiles are data (``signatures/providers/*.toml``), validated field by field like tool
signatures, because a wrong number in a scam warning would send a victim to a scammer.
"""

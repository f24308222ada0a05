"""`python -m net_skill.testing`: serve the fake API (see `net_skill.testing.fakeapi.main`)."""

from net_skill.testing.fakeapi import main

main()

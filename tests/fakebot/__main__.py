"""`python -m tests.fakebot --port 8081 --token 123456:TEST-token`: run the fake server."""

from tests.fakebot.server import main

main()

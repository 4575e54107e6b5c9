"""`python -m bot` is the `guopei-bot` command."""

from bot.cli import main

main()

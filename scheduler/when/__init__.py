"""The parts of the /remind time parser, one idea each; scheduler/timeparse.py is the entry
(``from scheduler.timeparse import parse_reminder``) and its docstring lists them."""

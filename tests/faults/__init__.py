"""Fault injection: corrupt artifacts, a store that goes away, slow clients, killed processes.

The quick variant runs in the normal pytest; `python -m tests.faults --full` runs the long one and
prints the table of faults the README shows.
"""

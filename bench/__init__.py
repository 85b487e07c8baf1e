"""Latency, throughput, memory and start-up benchmark: Vraagbaak next to a default `rasa init` bot.

Run with `make bench` (or `.venv/bin/python -m bench --help` for the options). The results go to
the terminal and to the generated block of docs/benchmarks.md; library output goes to log files
under .build/bench/logs/.
"""

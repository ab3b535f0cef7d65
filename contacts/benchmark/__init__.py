"""The engine benchmark (``manage.py benchmark``, DESIGN §8).

``scenario`` lays down realistic nested contacts and their FULL updates; ``reference_sql``
and ``reference_serializers`` are the yardsticks the engine is measured against (they write
rows directly on purpose, only in the benchmark's throw-away organizations); ``contenders``
and ``http`` time the engine in-process and over HTTP; ``rounds`` interleaves them and
keeps their statistics; ``statements`` counts the statements of a request; ``scale``
measures the batch by organization size; ``database`` vacuums, fills and drops; ``report``
and ``verdicts`` turn the figures into text, JSON and PASS/FAIL against the targets.
"""

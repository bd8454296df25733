"""The matching engine: pure Python + numpy/scipy. Imports nothing from Django or koppel."""

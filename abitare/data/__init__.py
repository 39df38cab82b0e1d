"""Datasets: the dictionary, the shipped synthetic data, staff's own exports, the generator."""

from abitare.data.dictionary import AMBITO, comune_names, load_comuni, load_dictionary, resolve_comune
from abitare.data.io import SHIPPED_DIR, detect_table, load_table, read_table, table_file, write_table

__all__ = [
    "AMBITO",
    "SHIPPED_DIR",
    "comune_names",
    "detect_table",
    "load_comuni",
    "load_dictionary",
    "load_table",
    "read_table",
    "resolve_comune",
    "table_file",
    "write_table",
]

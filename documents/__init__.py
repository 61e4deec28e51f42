"""The letter engine: a letter's HTML in, its PDF out (the faces cut for letters, the layout, the cut of a
batch into one file per letter).

Apart from activities/ because it does none of the process's I/O (no database, no Temporal, no letters
kept: its one file is its own cache of faces); it only makes PDFs, and the letter activities call it and
keep what it makes. Apart, its reliance on WeasyPrint's internals (`layout_reuse`, `pdfcut`) is read,
tested and checked again on an upgrade without the rest, and the import-linter contract in pyproject.toml
keeps the store and the process out of it.
"""

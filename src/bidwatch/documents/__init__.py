"""Bid files themselves (issue 17): reading DOCX/PDF safely and comparing the bidders of one tender.

条例 第40条 deems collusion proven when different bidders' files were prepared by the same unit or person
(一) or are abnormally identical (四); both are most often shown by the files: one editing origin (Word's
revision-session ids, document ids, author and company properties, a PDF's /ID), the same slips, the same
pictures, the same text and tables beyond the tender's own. Modules:

- :mod:`~bidwatch.documents.safety` — limits, zip-bomb and path checks, the uploaded zip unpacked safely;
- :mod:`~bidwatch.documents.reading` — one DOCX or PDF read into a :class:`DocumentRecord`;
- :mod:`~bidwatch.documents.worker` — reading in worker processes with a time limit per file;
- :mod:`~bidwatch.documents.normalise` — undoing disguise (zero-width characters, homoglyphs, full-width);
- :mod:`~bidwatch.documents.compare` — the pairwise findings with their legal basis and evidence;
- :mod:`~bidwatch.documents.batch` — a tender's zip end to end, and the files written;
- :mod:`~bidwatch.documents.cli` — ``bidwatch docs compare``.

The web platform calls :func:`bidwatch.documents.batch.compare_archive` (in a background task) and
stores its findings; this package imports neither Django nor pandas.
"""

from __future__ import annotations

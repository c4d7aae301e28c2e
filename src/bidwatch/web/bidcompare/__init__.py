"""The bid-file comparison page (issue 17 item 3): a tender's bid files uploaded, compared in the
background by :mod:`bidwatch.documents`, the pairs of bidders shown with their evidence."""

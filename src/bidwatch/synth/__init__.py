"""Realistic synthetic tender datasets (Hunan, 2022-2025) with planted schemes.

>>> from bidwatch.synth import generate, write_synthetic
>>> tables, labels = generate(300, seed=1, texts=False)       # doctest: +SKIP
>>> clean, labels = generate(300, seed=1, background="none")  # doctest: +SKIP
>>> write_synthetic("out/ds", 400, 7, texts=0.05, fmt="csv")  # doctest: +SKIP

``labels`` (labels.csv) has ``tender_id, scheme, company_ids, mechanism, project_id, detail``;
``tables.near_misses`` (near_misses.csv) lists deliberate look-alikes that are *not* labelled;
``tables.texts`` maps bid_id -> document text (texts/<bid_id>.txt, path in bid_files.text_path).

The default world (``background="real"``, ``bidwatch synth --background real``) also carries the
lawful, unlabelled coincidences of real exports (``bidwatch.synth.background`` gives the rates and
why): default document authors (``Windows 用户``, ``Administrator``, ``Lenovo-PC``, ... in generated
spellings) and virtual-adapter MACs (VMware/VirtualBox/Hyper-V/QEMU/Parallels OUIs, locally
administered) shared by many unrelated firms; one public IP for an industrial park's firms or a
trading-centre hall; bids at the ceiling, at round discounts of it, rounded to 万元 or thousands;
fixed-fee services tenders; county expert pools; ``tenders.bid_list`` = ``candidates`` (top 3 bids
only) or ``none`` (no bids). ``background="none"`` is the clean world described below, where nothing
coincides unless planted.

What a scanner must know about the (clean) data:

* Fingerprints belong to a firm: each firm has 1-3 computers (machine_code, MAC, disk_serial), one
  CA lock and one pricing-tool licence, reused over its bids. Only a value shared by *different*
  firms in one tender is a signal. MACs come in four notations (``AA-BB-..``, ``aa:bb:..``,
  ``AABB..``, ``aabb..``): normalise before comparing. Authors ``Administrator``, ``admin`` and
  ``微软用户`` are generic and shared by many bids. About 3% of ordinary tenders have two bidders
  on one office IP: unlabelled on purpose.
* Planted price patterns (3-4 bids, arithmetic or geometric, equal within 0.1%) are consecutive in
  price order; no ordinary tender has a consecutive triple whose gaps (or ratios) agree within 2%,
  and no two ordinary bids of a tender have the same price.
* Document texts: 3-gram Jaccard after dropping 3-grams common to every bid of the tender is
  about 0.12 for ordinary pairs (p99 < 0.2) and 0.55-0.8 for planted copies. Line-level template
  removal leaves the 投标函 paragraph (it differs only by the price), giving ~0.19 for ordinary
  pairs. Mixed packages carry the other bidder's name and phone.
* Links between firms: same ``companies.legal_rep_id`` (also the people legal_rep row), or a people
  row ``role=shareholder`` whose ``person_id`` is another firm's ``company_id`` with ``share_pct``
  >= 50. Company-level plants (related_bidders, shared_contact_details, sanctioned_bidder) label
  every tender where the firms meet (detail ``same companies, other tender``).
* Sanctions: ~20% name the firm by ``uscc`` only (company_id empty); a few name a person. Planted
  bans are debarment/blacklist active on the bid-deadline date (start_on <= date <= end_on, empty
  end = open-ended). Ordinary debarment/blacklist/dishonest_debtor records never cover a bid of
  the firm; penalty and bribery_record records may.
* A panel is the set of experts in ``evaluations`` for a tender (5; only valid bids are scored).
  Ordinary expert noise is ~2 points; no expert sits on more than 3 panels of one tenderer.
* Contract splitting is planted per (buyer, project); ordinary untendered contracts are one per
  small project, so grouping by buyer alone can reach a threshold by chance (not labelled).
* Dates are compared as dates: a bid period of exactly 20 days and a contract signed exactly 30
  days after the award are near misses, not plants. ``company_ids`` of process-level labels
  (exclusion, works_before_award) is the winner; of expert_repeat_panel it is empty.
"""

from __future__ import annotations

from bidwatch.synth.generate import SyntheticTables, generate, write_synthetic
from bidwatch.synth.plant import MECHANISMS, NEAR_MISSES

__all__ = ["MECHANISMS", "NEAR_MISSES", "SyntheticTables", "generate", "write_synthetic"]

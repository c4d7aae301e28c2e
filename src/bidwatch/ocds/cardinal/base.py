"""The indicator protocol and the one-pass fold every indicator shares.

An indicator is a class with a ``code`` (``"R003"``), a ``phase`` saying which part of a release it
reads, and up to four hooks:

- ``fold(ctx)`` — called once per release that is not skipped (cancelled tender, excluded
  ``procurementMethodDetails``), with the shared :class:`Context`; ``TENDER`` indicators are called
  before bids and awards are read, ``AWARDS`` ones after the awards are read, ``BIDS`` ones after the
  one shared pass over the bids;
- ``flush()`` — batched counts go to their counters (every :data:`FLUSH_EVERY` releases and at the
  end of a range);
- ``merge(other)`` — the same indicator's state from a later part of the file (parallel reading);
- ``finalize(state, out)`` — after the fold: fences and flags of the whole file.

The fold (:func:`fold`) reads each release once: the tender fields every indicator filters on,
then (when a registered indicator reads them) the awards — the active ones, whether all are final,
the sole supplier — and one loop over the bids that sorts them into the lists the indicators read
(:class:`Context`). Each indicator keeps its own state; flags go into the shared ``OCID`` and
``Tenderer`` results in fold order, so the output (its key order included) is the same as the
single-function fold this replaced.

The loop that runs is the fused one (:mod:`.fuse`): the hooks' bodies written into
:func:`fold_calls` in place of the calls. For a hook to be written in, its ``fold`` reads the
context only as ``ctx.field`` (the fields of its phase, :data:`PHASE_FIELDS`), never passes
``ctx`` or ``self`` on, never rebinds an attribute (``flush`` empties its lists in place), and
has no ``return`` inside a loop, no nested function or comprehension; otherwise it is called.
"""

from __future__ import annotations

import os

from bidwatch.ocds.cardinal.numbers import round4
from bidwatch.ocds.reader import Problem, type_name
from bidwatch.ocds.settings import Settings, split_pipe

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")

# Phases: what an indicator's ``fold`` may read.
TENDER = 0  # the release and its tender (called before bids and awards are read)
AWARDS = 1  # ... and the awards
BIDS = 2  # ... and the shared pass over the bids

# Kinds of submitted bid (``Context.main_kinds``).
OTHER = 0
VALID = 1
DISQUALIFIED = 2

FLUSH_EVERY = 1024

MAP_NAMES = ("ocid_buyer_r038", "ocid_procuringentity_r038", "ocid_tenderer", "ocid_tenderer_r024",
             "ocid_tenderer_r028", "ocid_tenderer_r030", "ocid_tenderer_r035", "ocid_tenderer_r058")


def flag(res: dict, key: str, code: str, value: float) -> None:
    """Set ``res[key][code] = value`` (one group's result)."""
    d = res.get(key)
    if d is None:
        res[key] = {code: value}
    else:
        d[code] = value


def active_supplier_ids(actives: list) -> set[str]:
    """The supplier ids of the active awards."""
    ids = set()
    for a in actives:
        sup = a.get("suppliers")
        if type(sup) is list:
            for s0 in sup:
                if type(s0) is dict:
                    sid = s0.get("id")
                    if type(sid) is str:
                        ids.add(sid)
    return ids


class Wrong:
    """Collects 'wrong type' problems (field ignored), at most a few per line."""

    __slots__ = ("count", "last_line", "problems")

    def __init__(self, problems: list[Problem] | None):
        self.problems = problems
        self.last_line = -1
        self.count = 0

    def __call__(self, no: int, path: str, value, expected: str) -> None:
        if self.problems is None:
            return
        if no != self.last_line:
            self.last_line = no
            self.count = 0
        self.count += 1
        if self.count <= 5:
            self.problems.append(
                Problem(no, f"{path} is {type_name(value)}, expected {expected}", skipped=False))


class Context:
    """What the fold knows of the current release; one object, its fields overwritten per release.

    Always set: ``no`` (line), ``release``, ``ocid``, ``tender`` (a dict or None), ``pmd``
    (``procurementMethodDetails``, a string or None), ``price_ok`` (the procurement method compares
    prices: ``[no_]price_comparison_procurement_methods``), ``res_ocid`` / ``res_tenderer`` (the
    OCID and Tenderer results), ``maps`` (Cardinal's ``--map`` tables, or None), ``wrong``.

    From the ``AWARDS`` phase: ``awards`` (a list or None), ``actives`` (the active awards),
    ``final`` (awards and bids present, every award with a status cancelled, unsuccessful or
    active), ``only_supplier`` (the supplier id of the only active award, if it has one supplier),
    ``sole`` (the same, when the awards are final), ``details`` (``bids/details``, a list or None).

    From the ``BIDS`` phase, over the submitted bids (status a string, not invited or withdrawn):
    ``n_sub`` and ``n_disq`` (bids submitted, disqualified); ``sub_ids``, ``disq_ids`` (tenderer ids
    of the submitted and of the disqualified bids, consortium members included); ``valid1`` and
    ``valid1_bids`` (the tenderer and the bid of each valid one-tenderer bid); ``valid_multi`` (the
    members of valid consortium bids); ``multi_bids`` (``(len(valid1) before it, members, bid)`` of
    each valid consortium bid, so that bid order can be restored; both empty tuples when there is
    none); ``currency`` (the main currency,
    None until observed). Amounts (numbers, as floats, with a currency) are read on price-comparison
    releases when an enabled indicator ``reads_amounts``: ``main_amounts`` and ``main_kinds`` (amount
    and ``VALID`` / ``DISQUALIFIED`` / ``OTHER`` of the bids in the main currency), ``main_valid1``
    (``(amount, tenderer)`` of the valid one-tenderer bids in the main currency), ``other_amounts``
    (of the bids in another currency; an empty tuple when there is none).
    """

    __slots__ = ("no", "release", "ocid", "tender", "pmd", "price_ok", "awards", "actives", "final", "sole",
                 "only_supplier",
                 "details", "n_sub", "n_disq", "sub_ids", "disq_ids", "valid1", "valid1_bids", "valid_multi",
                 "multi_bids", "other_amounts", "main_amounts", "main_kinds", "main_valid1", "currency", "res_ocid",
                 "res_tenderer", "maps", "wrong")


#: The :class:`Context` fields a hook of each phase may read (set before its hooks run).
PHASE_FIELDS = {
    TENDER: frozenset(("no", "release", "ocid", "tender", "pmd", "price_ok", "res_ocid", "res_tenderer", "maps",
                       "wrong", "currency")),
}
PHASE_FIELDS[AWARDS] = PHASE_FIELDS[TENDER] | {"awards", "actives", "final", "sole", "only_supplier", "details"}
PHASE_FIELDS[BIDS] = PHASE_FIELDS[AWARDS] | {
    "n_sub", "n_disq", "sub_ids", "disq_ids", "valid1", "valid1_bids", "valid_multi", "multi_bids", "other_amounts",
    "main_amounts", "main_kinds", "main_valid1"}


class Indicator:
    """Base class of an indicator (or of a calculation shared by indicators). Subclasses set
    ``code`` and ``phase`` and override the hooks they need; ``__init__`` resolves the settings."""

    code = ""
    phase = TENDER
    #: fill the ``ocid_tenderer`` map (Cardinal does for R025, R038, R048)
    maps_tenderers = False
    #: reads the amounts (``Context.main_amounts``, ``main_kinds``, ``main_valid1``, ``other_amounts``)
    reads_amounts = False
    #: can name the main currency (``first_currency``)
    observes_currency = False
    #: the calculations it needs, created before it
    uses: tuple[type[Indicator], ...] = ()

    def __init__(self, settings: Settings, map_: bool):
        self.map = map_

    @classmethod
    def enabled(cls, settings: Settings) -> bool:
        return settings.enabled(cls.code)

    def fold(self, ctx: Context) -> None:
        """Not called unless overridden."""

    def first_currency(self, ctx: Context) -> str | None:
        return None

    def flush(self) -> None:
        pass

    def merge(self, other: Indicator) -> None:
        pass

    def finalize(self, state: State, out: Output) -> None:
        pass


class Output:
    """The result being built by ``finalize``: the four groups, ``Meta`` and the maps."""

    def __init__(self, state: State):
        self.ocid = state.ocid
        self.buyer: dict = {}
        self.procuring_entity: dict = {}
        self.tenderer = state.tenderer
        self.meta: dict[str, dict] = {}
        self.maps = state.maps


class Plan:
    """The indicators to run (in fold order) and the settings every release is filtered on;
    resolved once, shared by the processes reading parts of a file."""

    def __init__(self, settings: Settings, map_: bool, registry: tuple[type[Indicator], ...]):
        self.settings = settings
        self.map = map_
        chosen: list[type[Indicator]] = []
        for cls in registry:
            if cls.enabled(settings):
                for dep in cls.uses:
                    if dep not in chosen:
                        chosen.append(dep)
                if cls not in chosen:
                    chosen.append(cls)
        # Fold order: by phase, then as in the registry.
        self.classes = tuple(sorted(chosen, key=lambda c: (c.phase, registry.index(c))))
        self.map_tenderers = map_ and any(c.maps_tenderers for c in self.classes)
        self.excl = split_pipe(settings.exclusions.get("procurement_method_details"))
        self.npc = split_pipe(settings.no_price_comparison_procurement_methods)
        self.pc = split_pipe(settings.price_comparison_procurement_methods)
        self.currency = settings.currency
        self.need_currency = self.currency is None and any(c.observes_currency for c in self.classes)
        # BIDWATCH_OCDS_FUSE=0: call each hook per release (to compare, or to debug a hook)
        self.fuse = os.environ.get("BIDWATCH_OCDS_FUSE", "1") != "0"

    def new_state(self) -> State:
        return State([cls(self.settings, self.map) for cls in self.classes], self.map)


class State:
    """The fold's state: the flags set so far, the maps, and each indicator's own state."""

    def __init__(self, parts: list[Indicator], map_: bool = False):
        self.parts = parts
        self.map = map_
        self.ocid: dict = {}  # results of the OCID group
        self.tenderer: dict = {}  # results of the Tenderer group (set during the fold)
        self.maps: dict = {name: {} for name in MAP_NAMES}
        self.currency: str | None = None
        self.lines = 0
        self.last_line = 0
        self.releases = 0  # releases folded (counted for the read summary)

    def part(self, cls: type[Indicator]) -> Indicator:
        for p in self.parts:
            if type(p) is cls:
                return p
        raise KeyError(cls.__name__)

    def merge(self, other: State) -> None:
        """Merge the state ``other`` (a later part of the file) into this one."""
        for mine, theirs in ((self.ocid, other.ocid), (self.tenderer, other.tenderer)):
            for key, values in theirs.items():
                d = mine.get(key)
                if d is None:
                    mine[key] = values
                else:
                    d.update(values)
        for p, q in zip(self.parts, other.parts):
            p.merge(q)
        for name, table in other.maps.items():
            mine = self.maps[name]
            for key, value in table.items():
                if isinstance(value, set) and key in mine:
                    mine[key] |= value
                else:
                    mine[key] = value


def fold(releases, plan: Plan, st: State, problems: list[Problem] | None, cur: str | None,
         probe: bool = False) -> str | None:
    """Fold releases into the state ``st``; return the main currency at the end. With ``probe``,
    stop as soon as the main currency is known (nothing else is kept).

    Runs the fused fold of the plan's indicators (:mod:`.fuse`: their hooks written into the loop)
    when it could be made, else :func:`fold_calls`; both give the same state."""
    if plan.fuse and not probe:
        from bidwatch.ocds.cardinal.fuse import fused_fold

        fused = fused_fold(plan.classes)
        if fused is not None:
            return fused(releases, plan, st, problems, cur)
    return fold_calls(releases, plan, st, problems, cur, probe)


def fold_calls(releases, plan: Plan, st: State, problems: list[Problem] | None, cur: str | None,
               probe: bool = False) -> str | None:
    """:func:`fold` calling each indicator's hook per release. Also the template of the fused fold
    (:mod:`.fuse`): its locals are named as the :class:`Context` fields they hold, and each
    ``ctx.field = field`` is left out there, so an inlined hook reads the local instead."""
    wrong = Wrong(problems)
    parts = st.parts
    folding = [p for p in parts if type(p).fold is not Indicator.fold]
    tender_hooks = [p.fold for p in folding if p.phase == TENDER]
    award_hooks = [p.fold for p in folding if p.phase == AWARDS]
    bid_hooks = [p.fold for p in folding if p.phase == BIDS]
    observers = [p.first_currency for p in parts if p.observes_currency]
    flushers = [p.flush for p in parts if type(p).flush is not Indicator.flush]
    map_tenderers = plan.map_tenderers
    need_bids = bool(bid_hooks) or map_tenderers
    need_awards = need_bids or bool(award_hooks)
    reads_amounts = any(p.reads_amounts for p in parts)
    excl, npc, pc = plan.excl, plan.npc, plan.pc
    m_tenderer = st.maps["ocid_tenderer"]

    ctx = Context()
    res_ocid = ctx.res_ocid = st.ocid
    res_tenderer = ctx.res_tenderer = st.tenderer
    maps = ctx.maps = st.maps if plan.map else None
    ctx.wrong = wrong
    currency = ctx.currency = cur
    dict_, list_, str_, int_, float_ = dict, list, str, int, float
    since_flush = 0
    n = no = 0

    for no, release in releases:
        n += 1
        ocid = release["ocid"]
        tender = release.get("tender")
        if type(tender) is dict_:
            if tender.get("status") == "cancelled":
                continue
            pmd = tender.get("procurementMethodDetails")
            if type(pmd) is str_:
                if pmd in excl:
                    continue
                price_ok = (pmd in pc) if pc else (pmd not in npc)
            else:
                pmd = None
                price_ok = not pc
        else:
            if tender is not None:
                wrong(no, "/tender", tender, "object")
            tender = None
            pmd = None
            price_ok = not pc
        ctx.no = no
        ctx.release = release
        ctx.ocid = ocid
        ctx.tender = tender
        ctx.pmd = pmd
        ctx.price_ok = price_ok

        if not probe:
            for hook in tender_hooks:
                hook(ctx)

        if not need_awards:
            continue

        bids = release.get("bids")
        details = None
        if type(bids) is dict_:
            details = bids.get("details")
            if type(details) is not list_:
                if details is not None:
                    wrong(no, "/bids/details", details, "array")
                details = None
        elif bids is not None:
            wrong(no, "/bids", bids, "object")
        awards = release.get("awards")
        if type(awards) is not list_:
            if awards is not None:
                wrong(no, "/awards", awards, "array")
            awards = None

        # Awards: the active ones, and whether all awards with a status are final.
        actives = []
        all_final = True
        if awards is not None:
            for a in awards:
                if type(a) is dict_:
                    ast = a.get("status")
                    if ast == "active":
                        actives.append(a)
                    elif type(ast) is str_:
                        if ast != "cancelled" and ast != "unsuccessful":
                            all_final = False
                    elif ast is not None:
                        wrong(no, "/awards[]/status", ast, "string")
                else:
                    wrong(no, "/awards[]", a, "object")
        final = all_final and awards is not None and details is not None
        only_supplier = None  # the supplier of the only active award, if it has one supplier
        if len(actives) == 1:
            sup = actives[0].get("suppliers")
            if type(sup) is list_ and len(sup) == 1:
                s0 = sup[0]
                if type(s0) is dict_:
                    only_supplier = s0.get("id")
                    if type(only_supplier) is not str_:
                        only_supplier = None
        sole = only_supplier if final else None
        ctx.awards = awards
        ctx.actives = actives
        ctx.final = final
        ctx.sole = sole
        ctx.only_supplier = only_supplier
        ctx.details = details

        if probe:
            if details is not None:
                for observe in observers:
                    found = observe(ctx)
                    if found is not None:
                        return found
            continue

        for hook in award_hooks:
            hook(ctx)

        if details is None or not need_bids:
            continue

        if currency is None:
            for observe in observers:
                currency = observe(ctx)
                if currency is not None:
                    ctx.currency = currency
                    break

        # The one pass over the bids.
        need_amount = reads_amounts and price_ok
        n_sub = n_disq = 0
        sub_ids: list = []
        disq_ids: list = []
        valid1: list = []
        valid1_bids: list = []
        valid_multi: list | tuple = ()  # consortium bids are rare: lists made on the first one
        multi_bids: list | tuple = ()
        other_amounts: list | tuple = ()  # made on the first bid in another currency
        main_amounts: list = []
        main_kinds: list = []
        main_valid1: list = []
        for bid in details:
            if type(bid) is not dict_:
                wrong(no, "/bids/details[]", bid, "object")
                continue
            bst = bid.get("status")
            if bst == "valid":
                kind = VALID
            elif bst == "disqualified":
                kind = DISQUALIFIED
            elif type(bst) is str_:
                if bst == "invited" or bst == "withdrawn":
                    continue  # not submitted: no indicator reads it
                kind = OTHER
            else:
                if bst is not None:
                    wrong(no, "/bids/details[]/status", bst, "string")
                continue
            n_sub += 1
            tl = bid.get("tenderers")
            tid = multi = None
            if type(tl) is list_:
                if len(tl) == 1:
                    t0 = tl[0]
                    if type(t0) is dict_:
                        tid = t0.get("id")
                        if type(tid) is not str_:
                            tid = None
                else:
                    multi = [t.get("id") for t in tl if type(t) is dict_ and type(t.get("id")) is str_]
            elif tl is not None:
                wrong(no, "/bids/details[]/tenderers", tl, "array")
            if tid is not None:
                sub_ids.append(tid)
                if kind == VALID:
                    valid1.append(tid)
                    valid1_bids.append(bid)
                elif kind == DISQUALIFIED:
                    n_disq += 1
                    disq_ids.append(tid)
            elif multi:
                sub_ids.extend(multi)
                if kind == VALID:
                    if not multi_bids:
                        valid_multi = []
                        multi_bids = []
                    valid_multi.extend(multi)
                    multi_bids.append((len(valid1), multi, bid))
                elif kind == DISQUALIFIED:
                    n_disq += 1
                    disq_ids.extend(multi)
            elif kind == DISQUALIFIED:
                n_disq += 1
            if need_amount:
                v = bid.get("value")
                if type(v) is dict_:
                    amount = v.get("amount")
                    ta = type(amount)
                    if ta is int_:
                        amount = float_(amount)
                    elif ta is not float_:
                        if amount is not None:
                            wrong(no, "/bids/details[]/value/amount", amount, "number")
                        continue
                    bid_currency = v.get("currency")
                    if type(bid_currency) is not str_:
                        continue
                    if bid_currency == currency:
                        main_amounts.append(amount)
                        main_kinds.append(kind)
                        if kind == VALID and tid is not None:
                            main_valid1.append((amount, tid))
                    else:
                        if not other_amounts:
                            other_amounts = []
                        other_amounts.append(amount)
        ctx.n_sub = n_sub
        ctx.n_disq = n_disq
        ctx.sub_ids = sub_ids
        ctx.disq_ids = disq_ids
        ctx.valid1 = valid1
        ctx.valid1_bids = valid1_bids
        ctx.valid_multi = valid_multi
        ctx.multi_bids = multi_bids
        ctx.other_amounts = other_amounts
        ctx.main_amounts = main_amounts
        ctx.main_kinds = main_kinds
        ctx.main_valid1 = main_valid1

        for hook in bid_hooks:
            hook(ctx)

        if map_tenderers and sub_ids:
            ts = m_tenderer.get(ocid)
            if ts is None:
                ts = m_tenderer[ocid] = set()
            ts.update(sub_ids)

        since_flush += 1
        if since_flush >= FLUSH_EVERY:
            since_flush = 0
            for f in flushers:
                f()

    for f in flushers:
        f()
    if not probe:
        st.releases += n
        st.last_line = max(st.last_line, no)
    st.currency = currency
    return currency


def finalize(st: State, meta: bool) -> dict:
    """Every indicator's ``finalize`` (in code order), then Cardinal's result object."""
    out = Output(st)
    for p in sorted(st.parts, key=lambda p: p.code):
        p.finalize(st, out)
    result: dict = {}
    for name, res in zip(GROUPS, (out.ocid, out.buyer, out.procuring_entity, out.tenderer)):
        if res:
            result[name] = res
    if meta:
        result["Meta"] = {code: {k: round4(v) for k, v in values.items()}
                          for code, values in out.meta.items()}
    if st.map:
        result["Maps"] = {
            name: {k: (sorted(v) if isinstance(v, set) else v) for k, v in table.items()}
            for name, table in st.maps.items()
        }
    return result

"""Comparing the bid files of one tender, pair of bidders by pair (issue 17 item 3).

条例 第40条 deems bids collusive (视为串通投标) when, among others, (一) different bidders' files were
prepared by the same unit or person, or (四) their files are abnormally identical (异常一致). Each
finding here is an alert of the collusion family with that basis and the exact evidence (values, and
page or paragraph in both files):

``doc_same_origin`` (第40条(一)) — a trace of one editing origin that the pair shares beyond the
    tender's template: Word revision-session ids (``w:rsid``), document ids (w14/w15 docId, WPS ICV,
    PDF /ID, XMP DocumentID/InstanceID), author, last modified by, company, template. A default user
    name of a system or ghost image (雨林木风-PC) alone is a low lead, as in the scan's ``same_preparer``;
    Word ids alone are at most medium when the tender came as PDF only (the agency's form file has them).
``doc_same_errors`` (第40条(四)) — the same uncommon errors: a run of characters that only the pair
    writes, one character away from the form that the tender or a clear majority writes (设记 for 设计),
    the changed character odd with both neighbours, the characters next to it as usual; never across
    two paragraphs or cells, never a lawful variant (我司/我方, 其它/其他: :data:`LAWFUL_WORDS`).
``doc_same_images`` (第40条(四)) — the same picture (perceptual hash, confirmed by a gradient hash and the
    colours: survives re-compression, scaling and conversion between DOCX and PDF, not a look-alike logo)
    in both files, not in the tender and not common in the batch.
``doc_similar_text`` (第40条(四)) — near-identical text after the tender's own text is removed: character
    shingles and MinHash of :mod:`bidwatch.shingling` (as the scan's ``similar_documents``), verified by
    the exact Jaccard similarity.
``doc_same_tables`` (第40条(四)) — identical table rows carrying figures (e.g. priced bill-of-quantities
    lines) that the tender does not contain and most bidders do not share.

Generic-value discounting: a value used by more than half of the bidders of the batch (and by at least
three), listed in the settings (``[collusion] generic_fingerprints``, ``[documents] generic_values``), or
found in the tender's own document identifies nobody, and neither does the tenderer's or agency's name.
Each match carries its spread (how many bidders of the batch have it), and what was discounted is listed
apart, so a reader sees why a shared "Administrator" raised nothing. Everything is undisguised first (:mod:`bidwatch.documents.normalise`).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from bidwatch.documents.generic import is_default_author
from bidwatch.documents.normalise import comparable_text, comparable_value, undisguise
from bidwatch.documents.reading import DocumentRecord
from bidwatch.shingling import band_keys, jaccard, minhash_signature, shared_passages, shingles

SAME_ORIGIN = "条例 第40条第(一)项"
IDENTICAL = "条例 第40条第(四)项"
LAW = "招标投标法实施条例"

INDICATORS: dict[str, dict[str, str]] = {
    "doc_same_origin": {"name_zh": "投标文件编辑来源相同（视为同一单位或个人编制）",
                        "name_en": "Bid files from the same editing origin", "legal_basis": f"{LAW} 第40条第(一)项"},
    "doc_same_errors": {"name_zh": "投标文件出现相同的罕见错误", "name_en": "The same uncommon errors in bid files",
                        "legal_basis": f"{LAW} 第40条第(四)项"},
    "doc_same_images": {"name_zh": "投标文件含相同图片", "name_en": "The same images in bid files",
                        "legal_basis": f"{LAW} 第40条第(四)项"},
    "doc_similar_text": {"name_zh": "投标文件正文异常一致（已去除招标文件内容）",
                         "name_en": "Near-identical bid text (tender's own text removed)",
                         "legal_basis": f"{LAW} 第40条第(四)项"},
    "doc_same_tables": {"name_zh": "投标文件表格异常一致", "name_en": "Identical table rows in bid files",
                        "legal_basis": f"{LAW} 第40条第(四)项"},
}

#: origin fields: a shared non-generic value alone is a finding (the names as the collusion indicators
#: call the same traces, ``collusion.FIELD_ZH``: 文件作者 ...)
ORIGIN_FIELDS: dict[str, str] = {
    "rsid": "修订会话标识（rsid）",
    "w14_doc_id": "文档标识（w14:docId）",
    "w15_doc_id": "文档标识（w15:docId）",
    "wps_icv": "WPS文档标识（ICV）",
    "pdf_id": "PDF文件标识（/ID）",
    "pdf_instance_id": "PDF版本标识（/ID）",
    "xmp_document_id": "XMP文档标识（DocumentID）",
    "xmp_instance_id": "XMP实例标识（InstanceID）",
    "xmp_original_document_id": "XMP原始文档标识（OriginalDocumentID）",
    "author": "文件作者",
    "last_modified_by": "最后修改人",
    "company": "单位（文档属性）",
    "template": "模板",
}
#: shared by many honest files: listed beside an origin finding, never a finding alone
SUPPORTING_FIELDS: dict[str, str] = {
    "application": "编辑软件", "app_version": "软件版本", "creator": "创建程序", "producer": "PDF生成程序",
    "created": "创建时间",
}
_ID_FIELDS = {"rsid", "w14_doc_id", "w15_doc_id", "wps_icv", "pdf_id", "pdf_instance_id", "xmp_document_id",
              "xmp_instance_id", "xmp_original_document_id", "rsid_root"}
#: ids that Word and WPS keep when a file is filled in from a form file: a tenderer's or agency's Word form
#: (投标文件格式.docx) gives every bidder who fills it the same ones, which only the tender's Word file tells apart
WORD_ID_FIELDS = {"rsid", "w14_doc_id", "w15_doc_id", "wps_icv"}
#: name-like properties: a system's default user name is a low lead, the tenderer's or agency's name nobody's
NAME_FIELDS = {"author", "last_modified_by", "company", "manager"}
WEAK_REASON = ("系统、品牌机或装机镜像的默认用户名（可带计算机名后缀），许多无关电脑相同，单独仅为弱线索 / a default user name "
               "of a system, OEM or ghost image (with its computer-name suffix): a low lead on its own")
TENDERER_REASON = ("招标人或招标代理机构的名称（见招标文件），来自其提供的格式文件 / the tenderer's or agency's name "
                   "(in the tender's document): from the form file it gave out")
PDF_TENDER_NOTE = ("招标文件仅提供了PDF：无法判断相同的Word标识（rsid、docId）是同一编制人所留，还是来自招标人或代理机构提供的"
                   "同一Word格式文件，仅凭此类标识的发现最高为中风险；请提供招标文件的Word版本（如投标文件格式.docx） / the tender "
                   "was given as PDF only: shared Word ids cannot be told from a shared Word form file, so findings "
                   "resting on them alone are at most medium; give the tender's Word file (e.g. its form file)")


@dataclass
class Settings:
    generic_values: frozenset[str]
    #: ``[collusion] default_author_stems``: default user names of systems and images (:mod:`.generic`)
    default_author_stems: tuple[str, ...] = ()
    generic_share: float = 0.5
    generic_min_bidders: int = 3
    text_k: int = 3
    text_num_perm: int = 126
    text_bands: int = 42
    text_rows: int = 3
    text_min_chars: int = 200
    text_medium: float = 0.5
    text_high: float = 0.7
    error_gram: int = 4
    error_common_bidders: int = 3
    errors_min: int = 2
    errors_high: int = 3
    image_phash_distance: int = 6
    image_min_side: int = 32
    images_high: int = 2
    table_row_min_chars: int = 8
    table_min_rows: int = 3
    table_high_rows: int = 10

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None) -> Settings:
        if settings is None:
            from bidwatch.config import default_settings

            settings = default_settings()
        col, doc = settings["collusion"], settings["documents"]
        generic = {comparable_value(v) for v in [*col["generic_fingerprints"], *doc["generic_values"]]}
        return cls(
            generic_values=frozenset(generic), generic_share=float(doc["generic_share"]),
            default_author_stems=tuple(str(v) for v in col.get("default_author_stems", ())),
            generic_min_bidders=int(doc["generic_min_bidders"]), text_k=int(col["text_shingle"]),
            text_num_perm=int(col["text_num_perm"]), text_bands=int(col["text_bands"]), text_rows=int(col["text_rows"]),
            text_min_chars=int(col["text_min_chars"]), text_medium=float(col["text_medium_jaccard"]),
            text_high=float(col["text_high_jaccard"]), error_gram=int(doc["error_gram"]),
            error_common_bidders=int(doc["error_common_bidders"]), errors_min=int(doc["errors_min"]),
            errors_high=int(doc["errors_high"]), image_phash_distance=int(doc["image_phash_distance"]),
            image_min_side=int(doc["image_min_side"]), images_high=int(doc["images_high"]),
            table_row_min_chars=int(doc["table_row_min_chars"]), table_min_rows=int(doc["table_min_rows"]),
            table_high_rows=int(doc["table_high_rows"]),
        )


#: between two blocks (paragraphs, table cells, a PDF page's lines) in :attr:`_Text.segmented`: no comparable text
#: holds it, so nothing that spans it is a run of characters any bidder wrote
SEP = "\n"
#: a PDF page's text breaks its lines with these; a DOCX paragraph holds none
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


@dataclass
class _Text:
    """One bidder's (or the tender's) comparable text, block by block, with where each block is."""

    blocks: list[tuple[str, str, str]] = field(default_factory=list)  # (file, where, comparable text)

    _joined: str | None = None
    _starts: list[int] = field(default_factory=list)
    _segmented: str | None = None
    _seg_starts: list[int] = field(default_factory=list)

    @property
    def joined(self) -> str:
        """The blocks run together (shingles for similar text: a copy's line breaks may fall elsewhere)."""
        if self._joined is None:
            self._joined = "".join(b[2] for b in self.blocks)
            pos, self._starts = 0, []
            for b in self.blocks:
                self._starts.append(pos)
                pos += len(b[2])
        return self._joined

    @property
    def segmented(self) -> str:
        """The blocks joined by :data:`SEP`: the runs of characters looked at for slips never span two
        paragraphs, cells or lines, which a DOCX and a PDF of the same form put in different orders."""
        if self._segmented is None:
            self._segmented = SEP.join(b[2] for b in self.blocks)
            pos, self._seg_starts = 0, []
            for b in self.blocks:
                self._seg_starts.append(pos)
                pos += len(b[2]) + 1
        return self._segmented

    def locate(self, snippet: str) -> dict[str, str] | None:
        """The file and paragraph/page where ``snippet`` (or its first 24 characters) starts."""
        for probe in (snippet, snippet[:24], snippet[-24:]):
            pos = self.joined.find(probe) if probe else -1
            if pos >= 0:
                file, where, _ = self.blocks[bisect.bisect_right(self._starts, pos) - 1]
                return {"file": file, "where": where}
        return None

    def where_at(self, pos: int) -> dict[str, str]:
        """The file and paragraph/page/table row of position ``pos`` of :attr:`segmented`."""
        _ = self.segmented
        if not self.blocks:
            return {}
        file, where, _text = self.blocks[bisect.bisect_right(self._seg_starts, pos) - 1]
        return {"file": file, "where": where}


def _items_in_order(rec: DocumentRecord) -> list[tuple[str, str]]:
    """(where, text) of a file's paragraphs and table cells in the order a reader meets them. A PDF page's
    text already holds its tables where they are; a DOCX's tables go where they sit among its paragraphs
    (``Table.position``), each cell apart, so that a DOCX and a PDF of the same form read alike."""
    items: list[tuple[str, str]] = [(b.where, b.text) for b in rec.blocks]
    if rec.kind != "docx":
        return items
    by_position: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for t in rec.tables:
        at = len(rec.blocks) if t.position is None else t.position
        by_position[at] += [(f"{t.where}第{n}行", cell) for n, row in enumerate(t.rows, start=1) for cell in row]
    out: list[tuple[str, str]] = []
    for i in range(len(items) + 1):
        out += by_position.get(i, [])
        if i < len(items):
            out.append(items[i])
    return out


def _text_of(records: Iterable[DocumentRecord]) -> _Text:
    out = _Text()
    for rec in records:
        for where, text in _items_in_order(rec):
            for line in _LINE_BREAKS.split(text):
                norm = comparable_text(line)
                if norm:
                    out.blocks.append((rec.name, where, norm))
    return out


def _spread(n: int, total: int) -> str:
    return f"{n}/{total}"


def _at(loc: Mapping[str, str]) -> str:
    """A place for a message: 技术标.docx第3段, 投标文件.pdf第2页第1幅图, but 技术标.docx 中的 word/media/image2.png
    (a part's path run into the file's name reads as one name)."""
    file, where = loc.get("file", ""), loc.get("where", "")
    return f"{file}{where}" if not where or where.startswith("第") else f"{file} 中的 {where}"


class _Batch:
    def __init__(self, bidders: Mapping[str, list[DocumentRecord]], tender: list[DocumentRecord],
                 settings: Settings) -> None:
        self.bidders = {b: [r for r in recs if not r.error] for b, recs in bidders.items()}
        self.names = sorted(b for b, recs in self.bidders.items() if recs)
        self.tender = [r for r in tender if not r.error]
        self.s = settings
        self.n = len(self.names)
        #: origin values that two or more bidders share but that identify nobody, with their spread
        self.discounted: dict[tuple[str, str], dict[str, Any]] = {}
        #: the tender was given, but as PDF only: its Word form file's ids are unknown
        self.tender_pdf_only = bool(self.tender) and not any(r.kind == "docx" for r in self.tender)
        self.tenderer_names, self.tender_chars = _tenderer_names(self.tender)
        #: said once in the output (findings.json ``notes``, summary.txt)
        self.notes: list[str] = []

    def tenderers(self, value: str) -> bool:
        """Whether a name-like property's value is the tenderer's or its agency's: named so in the tender's
        document (招标人：…, 招标代理机构：…, or the tender file's own company property), a name of at least
        4 characters that the tender's text contains (a bidder's own name is not in the tender), or an agency's
        name by its words (:data:`AGENCY_WORDS`: a tender given as PDF may not name its agency at all)."""
        if value in self.tenderer_names or any(w in value for w in AGENCY_WORDS):
            return True
        text = comparable_text(value)
        return len(text) >= 4 and bool(self.tender_chars) and text in self.tender_chars

    def batch_generic(self, spread: int, among: int | None = None) -> bool:
        """Whether a value that ``spread`` bidders share is the batch's, not a pair's; ``among``: the bidders
        whose files can carry it (rsids only exist in DOCX: half the bidders sending PDFs must not make
        the DOCX template's rsids look rare)."""
        among = self.n if among is None else among
        return spread >= self.s.generic_min_bidders and spread > self.s.generic_share * among


# ------------------------------------------------------------------------------------------ origin

_TENDERER_LABEL = re.compile(r"(?:招标人|招标代理机构|招标代理人|代理机构|采购人|采购代理机构|招标单位|建设单位)(?:名称)?(?:（盖章）|\(盖章\))?"
                             r"(?:\s*[:：]\s*|为)([^\s:：，,。；;、（）()]{4,60})")
#: words that only a tendering or procurement agency's name holds: its name in a bid file's company property is
#: the form file's it gave out (bidders for works, goods and most services are not agencies)
AGENCY_WORDS = ("招标代理", "采购代理", "招标咨询", "招投标", "招标有限公司", "招标中心", "公共资源交易")


def _tenderer_names(tender: list[DocumentRecord]) -> tuple[set[str], str]:
    """The tenderer's and agency's names as the tender's document gives them (comparable values), and the
    tender's comparable text: a company property naming either is the form file's, not a bidder's."""
    names: set[str] = set()
    texts: list[str] = []
    for rec in tender:
        lines = [b.text for b in rec.blocks] + ["：".join(row) for t in rec.tables for row in t.rows]
        for line in lines:
            for m in _TENDERER_LABEL.finditer(undisguise(line)):
                names.add(comparable_value(m.group(1)))
        texts.append(comparable_text(rec.text))
        company = comparable_value(rec.meta.get("company"))
        if len(company) >= 4:  # the tender's own file's company property: the agency that wrote it
            names.add(company)
    return names, SEP.join(texts)


def _origin_values(records: Iterable[DocumentRecord]) -> dict[tuple[str, str], list[dict[str, str]]]:
    """(field, comparable value) -> where it occurs: [{file, where, raw}]."""
    out: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for rec in records:
        for rsid, where in rec.rsids.items():
            out[("rsid", rsid)].append({"file": rec.name, "where": where, "raw": rsid})
        for key, value in [*rec.ids.items(), *rec.meta.items()]:
            if key == "rsid_root":
                key = "rsid"
            if key not in ORIGIN_FIELDS and key not in SUPPORTING_FIELDS:
                continue
            norm = comparable_value(value).strip("{}") if key in _ID_FIELDS else comparable_value(value)
            if norm:
                out[(key, norm)].append({"file": rec.name, "where": "文档属性" if key not in _ID_FIELDS else
                                         ("settings.xml" if key == "rsid" else "文件标识"), "raw": str(value)})
    return out


def _same_origin(batch: _Batch) -> list[dict[str, Any]]:
    """Shared origin values per pair. Beyond the tender's, the generic and the batch's: a default user name
    (雨林木风-PC) is a low lead, as the scan's ``same_preparer`` weighs it; the tenderer's or agency's name in
    the company property is the form file's; Word ids with only a PDF of the tender are at most medium."""
    per_bidder = {b: _origin_values(batch.bidders[b]) for b in batch.names}
    tender_values = set(_origin_values(batch.tender))
    spread = Counter(k for values in per_bidder.values() for k in values)
    carriers = Counter(f for values in per_bidder.values() for f in {fld for fld, _ in values})
    findings = []
    word_ids_shared = False
    for a, b in combinations(batch.names, 2):
        shared = sorted(set(per_bidder[a]) & set(per_bidder[b]))
        matches: dict[str, dict[str, Any]] = {}
        weak: dict[str, dict[str, Any]] = {}
        supporting, discounted = [], []
        for key in shared:
            fld, value = key
            n = spread[key]
            if key in tender_values:
                reason = "招标文件中已有 / in the tender's own document"
            elif value in batch.s.generic_values:
                reason = "通用值 / generic value (settings)"
            elif batch.batch_generic(n, carriers[fld]):
                reason = f"{n}/{carriers[fld]}家投标人均有 / shared by {n} of the {carriers[fld]} bidders with a {fld}"
            elif fld in NAME_FIELDS and batch.tenderers(value):
                reason = TENDERER_REASON
            else:
                reason = ""
            label = ORIGIN_FIELDS.get(fld) or SUPPORTING_FIELDS[fld]
            if reason:
                if fld in ORIGIN_FIELDS:
                    batch.discounted.setdefault(key, {"field": fld, "field_zh": ORIGIN_FIELDS[fld],
                                                      "value": per_bidder[a][key][0]["raw"],
                                                      "spread": _spread(n, carriers[fld]), "reason": reason})
                if fld != "rsid" or len([d for d in discounted if d["field"] == "rsid"]) < 5:
                    discounted.append({"field": fld, "field_zh": label, "value": per_bidder[a][key][0]["raw"],
                                       "spread": _spread(n, carriers[fld]), "reason": reason})
                continue
            occ = {"value": per_bidder[a][key][0]["raw"], "spread": _spread(n, carriers[fld]),
                   "a": per_bidder[a][key][0], "b": per_bidder[b][key][0]}
            if fld in SUPPORTING_FIELDS:
                supporting.append({"field": fld, "field_zh": label, **occ})
                continue
            into = weak if fld in NAME_FIELDS and is_default_author(value, batch.s.default_author_stems) else matches
            m = into.setdefault(fld, {"field": fld, "field_zh": label, "count": 0, "values": []})
            m["count"] += 1
            if len(m["values"]) < 20:
                m["values"].append({**occ, "reason": WEAK_REASON} if into is weak else occ)
        if not matches and not weak:
            continue
        order = list(ORIGIN_FIELDS)
        found = sorted(matches.values(), key=lambda m: order.index(m["field"]))
        lows = sorted(weak.values(), key=lambda m: order.index(m["field"]))
        # only the tender's Word file tells a shared form file's ids from one editor's
        strong = [m for m in found if not (batch.tender_pdf_only and m["field"] in WORD_ID_FIELDS)]
        word_ids_shared |= len(strong) < len(found)
        evidence = {"matches": found, "supporting": supporting, "discounted": discounted, "weak": lows}
        summary = "、".join(
            f"{m['field_zh']}{'共' + str(m['count']) + '个' if m['count'] > 1 else ''}“{m['values'][0]['value']}”"
            for m in (found or lows))
        if strong:
            severity, score = "high", min(1.0, 0.9 + 0.05 * (len(found) - 1))
            message = (f"{a}与{b}的投标文件{summary}相同（不属于{'招标文件模板或' if batch.tender else '多数投标人共有值或'}通用值），"
                       f"视为同一单位或个人编制")
        elif found:
            severity, score = "medium", min(1.0, 0.6 + 0.05 * (len(found) - 1))
            evidence["note"] = PDF_TENDER_NOTE
            message = (f"{a}与{b}的投标文件{summary}相同；招标文件仅有PDF，无法排除这些Word标识来自招标人或代理机构"
                       f"提供的同一Word格式文件，须核对后认定")
        else:
            severity, score = "low", min(1.0, 0.35 + 0.05 * (len(lows) - 1))
            message = (f"{a}与{b}的投标文件{summary}相同，但为系统、品牌机或装机镜像的默认用户名，许多无关电脑相同，"
                       f"单独仅为弱线索")
        findings.append(_finding("doc_same_origin", a, b, severity, score, evidence, message))
    if word_ids_shared:
        batch.notes.append(PDF_TENDER_NOTE)
    return findings


# ------------------------------------------------------------------------------------------ errors

def _grams(text: str, g: int) -> dict[str, int]:
    """Each run of ``g`` characters of ``text`` (a :attr:`_Text.segmented`) with its first position; runs
    across :data:`SEP` (two blocks) are nobody's writing and left out."""
    out: dict[str, int] = {}
    for i in range(len(text) - g + 1):
        x = text[i:i + g]
        if SEP not in x:
            out.setdefault(x, i)
    return out


#: Lawful variants (规范的异形词、通用的自称、的/地/得的用法): both forms are correct written Chinese, a house
#: style rather than a slip, so two bidders who write the rarer one share no "error". Pairs of words of equal
#: length (the changed character at the same place) and sets of characters that stand for each other.
LAWFUL_WORDS: tuple[tuple[str, str], ...] = (
    ("我司", "我方"), ("我司", "本司"), ("我方", "本方"), ("我公", "本公"), ("贵司", "贵方"), ("其它", "其他"),
    ("作出", "做出"), ("图象", "图像"), ("好象", "好像"), ("唯一", "惟一"), ("身分", "身份"), ("部份", "部分"),
    ("计划", "计画"),
)
LAWFUL_CHARS: tuple[frozenset[str], ...] = (frozenset("的地得"), frozenset("账帐"), frozenset("和与"))
#: characters of context beyond the run on each side that must read as the usual form does
_SLIP_CONTEXT = 2


def lawful_variant(written: str, usual: str, i: int) -> bool:
    """Whether ``written`` differs from ``usual`` (same length) at ``i`` by a lawful variant (我司/我方,
    其它/其他, 的/地/得…), not a slip."""
    w, u = written[i], usual[i]
    if any(w in chars and u in chars for chars in LAWFUL_CHARS):
        return True
    for one, other in LAWFUL_WORDS + tuple((y, x) for x, y in LAWFUL_WORDS):
        for k, (c1, c2) in enumerate(zip(one, other, strict=True)):
            start = i - k
            if c1 == w and c2 == u and start >= 0 and written[start:start + len(one)] == one \
                    and usual[start:start + len(other)] == other:
                return True
    return False


def _window(text: str, start: int, g: int) -> tuple[int, int]:
    """The run at ``start`` widened by :data:`_SLIP_CONTEXT` characters on each side, within its block."""
    lo = max(text.rfind(SEP, 0, start) + 1, start - _SLIP_CONTEXT)
    end = text.find(SEP, start)
    hi = min(len(text) if end < 0 else end, start + g + _SLIP_CONTEXT)
    return lo, hi


def _same_errors(batch: _Batch, texts: dict[str, _Text], tender_text: _Text) -> list[dict[str, Any]]:
    """The same slips. A run of ``error_gram`` characters that only the pair writes is a slip when, with one
    character changed, it and the characters next to it read as the usual form does: the tender's that other
    bidders follow too, or that of a clear majority (at least ``error_common_bidders`` bidders and twice the
    pair). A rewording (日历天内完成 for 期限内完成) differs around the run, or is the tender's text that no bidder
    kept; a lawful variant (:data:`LAWFUL_WORDS`) is no slip at all."""
    s, g = batch.s, batch.s.error_gram
    seg = {b: texts[b].segmented for b in batch.names}
    grams = {b: _grams(seg[b], g) for b in batch.names}
    tender_seg = tender_text.segmented
    tender_grams = set(_grams(tender_seg, g))
    df = Counter(x for b in batch.names for x in grams[b])
    bigram_df = Counter(x for b in batch.names for x in set(_grams(seg[b], 2)))
    tender_bigrams = set(_grams(tender_seg, 2))
    majority = max(s.error_common_bidders, 4)  # a clear majority: at least twice the pair
    # the usual forms: in the tender, or written by a clear majority; indexed with one position wildcarded
    common: dict[str, set[str]] = defaultdict(set)
    for x in tender_grams | {x for x, n in df.items() if n >= majority}:
        for i in range(g):
            common[x[:i] + "\0" + x[i + 1:]].add(x)
    pair_hits: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for x, n in df.items():
        if n != 2 or x in tender_grams:
            continue
        owners = [b for b in batch.names if x in grams[b]]
        a, b = owners
        for i in range(g):
            forms = common.get(x[:i] + "\0" + x[i + 1:])
            if not forms:
                continue
            hit = None
            for right in sorted(forms):
                hit = _slip(batch, seg, tender_seg, a, b, x, i, right, grams, bigram_df, tender_bigrams, majority)
                if hit:
                    break
            if not hit:
                continue
            key = f"{hit['wrong']}>{hit['right']}:{hit['context']}"
            if key not in pair_hits[(a, b)]:
                hit["a"], hit["b"] = texts[a].where_at(hit.pop("pos_a")), texts[b].where_at(hit.pop("pos_b"))
                pair_hits[(a, b)][key] = hit
            break
    _same_wrong_figures(batch, pair_hits)
    findings = []
    for (a, b), hits in sorted(pair_hits.items()):
        errors = _dedupe_errors(list(hits.values()))
        if len(errors) < s.errors_min:
            continue
        severity = "high" if len(errors) >= s.errors_high else "medium"
        shown = "；".join(f"“{e['context']}”（应为“{e['right']}”）" for e in errors[:3])
        others = "其他投标人及招标文件均无此错误" if batch.tender else "其他投标人均无此错误"
        findings.append(_finding("doc_same_errors", a, b, severity, min(1.0, 0.6 + 0.1 * len(errors)),
                                 {"errors": errors[:30], "count": len(errors)},
                                 f"{a}与{b}的投标文件出现{len(errors)}处相同的罕见错误，如{shown}，{others}，投标文件异常一致"))
    return findings


def _slip(batch: _Batch, seg: dict[str, str], tender_seg: str, a: str, b: str, x: str, i: int, right: str,
          grams: dict[str, dict[str, int]], bigram_df: Counter[str], tender_bigrams: set[str],
          majority: int) -> dict[str, Any] | None:
    """The evidence of one slip of the pair (``x`` written for ``right``, changed at ``i``), or None when it is
    no slip: a figure, a lawful variant, a common pair of characters, or a rewording rather than a slip."""
    wrong_c, right_c = x[i], right[i]
    if wrong_c.isdigit() or right_c.isdigit():
        return None  # figures run into each other across table cells: compared as labelled figures below
    # the changed character must make odd pairs with both its neighbours, pairs that nobody else writes (设记,
    # 记遵): a character that reads well with one neighbour (项目 of 本项目施工) is another wording, not a slip
    start = grams[a][x]
    pos = start + i
    text = seg[a]
    pairs = [text[pos - 1:pos + 1]] if pos > 0 and text[pos - 1] != SEP else []
    pairs += [text[pos:pos + 2]] if pos + 1 < len(text) and text[pos + 1] != SEP else []
    if not pairs or not all(bigram_df[p] == 2 and p not in tender_bigrams for p in pairs):
        return None
    lo, hi = _window(seg[a], start, len(x))
    written = seg[a][lo:hi]
    at = start + i - lo
    usual = written[:at] + right_c + written[at + 1:]
    if lawful_variant(written, usual, at):
        return None
    # on one side at least, the characters next to the run must read as the usual form does (施工组织设记 →
    # 施工组织设计: a slip in the bidder's own sentence still has the word's usual neighbours; 日历天内完成 for
    # 期限内完成 is a rewording), and that usual form be the tender's and other bidders', or a clear majority's
    run_lo, run_hi = start - lo, start - lo + len(x)  # the run within the window
    sides = [usual[:run_hi]] if run_lo == _SLIP_CONTEXT else []
    sides += [usual[run_lo:]] if len(usual) - run_hi == _SLIP_CONTEXT else []
    in_tender, writers = False, 0
    for side in sides:
        in_tender |= side in tender_seg
        writers = max(writers, sum(1 for o in batch.names if o not in (a, b) and side in seg[o]))
    if not in_tender and writers < majority:
        return None
    if written in tender_seg:  # the tender itself writes so: a form the bidders copied, no slip
        return None
    block_lo, block_hi = seg[a].rfind(SEP, 0, pos) + 1, seg[a].find(SEP, pos)
    block_hi = len(seg[a]) if block_hi < 0 else block_hi
    spread = _spread(writers, batch.n) + ("，招标文件亦同" if in_tender else "")
    return {"wrong": wrong_c, "right": right_c, "context": seg[a][max(block_lo, pos - 3):min(block_hi, pos + 4)],
            "usual_form": usual, "written": written, "usual_spread": spread,
            "pos_a": pos, "pos_b": grams[b][x] + i}


_FIGURE = re.compile(r"([\u4e00-\u9fff]{2,8})[：:为是]?(\d+(?:\.\d+)?)([\u4e00-\u9fff%]?)")


def _figures(records: Iterable[DocumentRecord]) -> dict[tuple[str, str], dict[str, str]]:
    """(label, figure) -> where: the figures that the text states with a label (工期180日历天)."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for rec in records:
        for block in rec.blocks:
            text = undisguise(block.text)
            for m in _FIGURE.finditer(text):
                label = m.group(1)[-4:] + "|" + m.group(3)
                out.setdefault((label, m.group(2)), {"file": rec.name, "where": block.where, "context": m.group(0)})
    return out


def _same_wrong_figures(batch: _Batch, pair_hits: dict[tuple[str, str], dict[str, dict[str, Any]]]) -> None:
    """The same wrong figure: two bidders state a labelled figure that the tender states otherwise, that
    nobody else writes, while the tender's figure is written by the tender (and usually the others)."""
    tender = _figures(batch.tender)
    if not tender:
        return
    tender_by_label = defaultdict(set)
    for label, value in tender:
        tender_by_label[label].add(value)
    per = {b: _figures(batch.bidders[b]) for b in batch.names}
    df = Counter(k for b in batch.names for k in per[b])
    for key, n in df.items():
        label, value = key
        if n != 2 or label not in tender_by_label or value in tender_by_label[label] or len(tender_by_label[label]) != 1:
            continue
        a, b = [x for x in batch.names if key in per[x]]
        (right,) = tender_by_label[label]
        pair_hits[(a, b)][f"figure:{label}:{value}"] = {
            "wrong": value, "right": right, "context": per[a][key]["context"], "usual_form": right, "written": value,
            "usual_spread": _spread(df.get((label, right), 0), batch.n) + "，招标文件亦同",
            "a": {k: per[a][key][k] for k in ("file", "where")}, "b": {k: per[b][key][k] for k in ("file", "where")},
        }


def _dedupe_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One slip seen through several overlapping runs counts once (the same wrong character in one place)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for e in errors:
        k = (e["wrong"], e["right"], e["context"])
        if any(e["wrong"] == w and e["right"] == r and (c in e["context"] or e["context"] in c) for w, r, c in seen):
            continue
        seen.add(k)
        out.append(e)
    return out


# ------------------------------------------------------------------------------------------ images

def _image_rows(records: Iterable[DocumentRecord], min_side: int) -> list[dict[str, Any]]:
    rows = []
    for rec in records:
        for im in rec.images:
            if not im.sha256 or (im.width and im.height and min(im.width, im.height) < min_side):
                continue
            ph = int(im.phash, 16) if im.phash else None
            if ph is not None and bin(ph).count("1") in (0, 1, 63, 64):
                ph = None  # a blank or one-colour picture: its hash says nothing
            rows.append({"file": rec.name, "where": im.where, "sha256": im.sha256, "phash": ph,
                         "dhash": int(im.dhash, 16) if im.dhash else None,
                         "colours": bytes.fromhex(im.colours) if im.colours else None,
                         "size": f"{im.width}×{im.height}"})
    return rows


#: a picture's perceptual hash within this many bits (and within ``image_phash_distance``) may be the same
#: picture; 6 bits let two round logos of the same layout or two red seals through (different text, colour)
PHASH_SAME = 4
#: and then its gradient hash within this many bits and its 4×4 colours within this mean difference (0–255):
#: a re-encoded, scaled or DOCX↔PDF copy stays within 1 bit and 2 levels, two logos of the same shape in
#: another colour or with other characters differ by 8 bits or 7 levels (our calibration, tests/documents)
DHASH_SAME = 6
COLOURS_SAME = 6.0


def _near(a: dict[str, Any], b: dict[str, Any], dist: int) -> int | None:
    """The pHash distance of two pictures that are the same picture, else None: identical bytes, or all of
    pHash, gradient hash and colours close (a hash missing from an older record is not held against it)."""
    if a["sha256"] == b["sha256"]:
        return 0
    if a["phash"] is None or b["phash"] is None:
        return None
    d = bin(a["phash"] ^ b["phash"]).count("1")
    if d > min(dist, PHASH_SAME):
        return None
    if a["dhash"] is not None and b["dhash"] is not None and bin(a["dhash"] ^ b["dhash"]).count("1") > DHASH_SAME:
        return None
    ca, cb = a["colours"], b["colours"]
    if ca and cb and len(ca) == len(cb):
        if sum(abs(x - y) for x, y in zip(ca, cb, strict=True)) / len(ca) > COLOURS_SAME:
            return None
    return d


def _same_images(batch: _Batch) -> list[dict[str, Any]]:
    s = batch.s
    rows = {b: _image_rows(batch.bidders[b], s.image_min_side) for b in batch.names}
    tender_rows = _image_rows(batch.tender, s.image_min_side)
    flat = [(b, r) for b in batch.names for r in rows[b]]
    if not flat:
        return []
    with_images = sum(1 for b in batch.names if rows[b])
    hashes = np.array([r["phash"] if r["phash"] is not None else 0 for _, r in flat], dtype=np.uint64)
    has = np.array([r["phash"] is not None for _, r in flat])
    # which bidders hold a near copy of each image (the spread), by a vectorised Hamming distance
    by_sha: dict[str, list[int]] = defaultdict(list)
    for i, (_, r) in enumerate(flat):
        by_sha[r["sha256"]].append(i)
    holders: list[set[str]] = []
    for i, (b, r) in enumerate(flat):
        if r["phash"] is not None:  # candidates by pHash, then each confirmed by the second look (_near)
            d = np.bitwise_count(np.bitwise_xor(hashes, np.uint64(r["phash"])))
            near = (d <= min(s.image_phash_distance, PHASH_SAME)) & has
            for j in np.flatnonzero(near):
                near[j] = _near(r, flat[j][1], s.image_phash_distance) is not None
        else:
            near = np.zeros(len(flat), dtype=bool)
        near[by_sha[r["sha256"]]] = True
        holders.append({flat[j][0] for j in np.flatnonzero(near)})
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    discounted = 0
    for i, (b, r) in enumerate(flat):
        who = holders[i]
        if len(who) < 2:
            continue
        if batch.batch_generic(len(who), with_images) or any(_near(r, t, s.image_phash_distance) is not None for t in tender_rows):
            discounted += 1
            continue
        for other in who:
            if other <= b:
                continue
            match = next((r2 for b2, r2 in flat if b2 == other and _near(r, r2, s.image_phash_distance) is not None), None)
            if match is None:
                continue
            d = _near(r, match, s.image_phash_distance)
            key = (b, other)
            if any(m["a"]["where"] == r["where"] and m["a"]["file"] == r["file"] for m in pairs[key]):
                continue
            pairs[key].append({"a": {k: r[k] for k in ("file", "where", "size")},
                               "b": {k: match[k] for k in ("file", "where", "size")},
                               "phash_distance": d, "identical_bytes": r["sha256"] == match["sha256"],
                               "sha256_a": r["sha256"], "sha256_b": match["sha256"],
                               "spread": _spread(len(who), with_images)})
    findings = []
    for (a, b), matches in sorted(pairs.items()):
        severity = "high" if len(matches) >= s.images_high else "medium"
        findings.append(_finding("doc_same_images", a, b, severity, min(1.0, 0.6 + 0.1 * len(matches)),
                                 {"images": matches[:30], "count": len(matches), "discounted_common": discounted},
                                 f"{a}与{b}的投标文件含{len(matches)}幅相同图片（如{_at(matches[0]['a'])}与"
                                 f"{_at(matches[0]['b'])}），{'招标文件及' if batch.tender else ''}其他投标人均无，"
                                 f"投标文件异常一致"))
    return findings


# -------------------------------------------------------------------------------------------- text

def _similar_text(batch: _Batch, texts: dict[str, _Text], tender_text: _Text) -> list[dict[str, Any]]:
    s = batch.s
    joined = {b: texts[b].joined for b in batch.names}
    sets = {b: shingles(t, s.text_k) for b, t in joined.items() if len(t) >= s.text_min_chars}
    if len(sets) < 2:
        return []
    tender_sh = shingles(tender_text.joined, s.text_k)
    common = None
    if len(sets) >= 3:  # what every bidder writes is the tender's, even when its document is not given
        for x in sets.values():
            common = x if common is None else np.intersect1d(common, x, assume_unique=True)
    remove = tender_sh if common is None else np.union1d(tender_sh, common)
    own = {b: np.setdiff1d(x, remove, assume_unique=True) for b, x in sets.items()}
    bidders = [b for b in own if len(own[b])]
    if len(bidders) < 2:
        return []
    sigs = np.stack([minhash_signature(own[b], s.text_num_perm) for b in bidders])
    keys = band_keys(sigs, s.text_bands, s.text_rows)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(len(bidders)):
        for band, key in enumerate(keys[i]):
            buckets[(band, int(key))].append(i)
    candidates = {(bidders[i], bidders[j]) for members in buckets.values() if len(members) > 1
                  for i, j in combinations(members, 2)}
    findings = []
    removed = "招标文件内容" if batch.tender else "全部投标人共有内容"
    for a, b in sorted(tuple(sorted(p)) for p in candidates):
        j = jaccard(own[a], own[b])
        if j < s.text_medium:
            continue
        both = np.intersect1d(own[a], own[b], assume_unique=True)
        passages = shared_passages(joined[a], both, s.text_k)
        located = [{"text": p[:200], "a": texts[a].locate(p) or {}, "b": texts[b].locate(p) or {}} for p in passages]
        evidence = {"jaccard": round(j, 4), "shingles": [int(len(own[a])), int(len(own[b]))],
                    "removed_tender_shingles": int(len(remove)), "passages": located}
        first = located[0] if located else {"text": "", "a": {}, "b": {}}
        findings.append(_finding("doc_similar_text", a, b, "high" if j >= s.text_high else "medium", min(1.0, j), evidence,
                                 f"{a}与{b}的投标文件正文（去除{removed}后）相似度{j:.0%}，相同段落如："
                                 f"“{first['text'][:40]}”（{_at(first['a'])}；{_at(first['b'])}）"))
    return findings


# ------------------------------------------------------------------------------------------ tables

def _table_rows(records: Iterable[DocumentRecord], s: Settings) -> dict[str, dict[str, str]]:
    """comparable row -> {file, where, raw}: rows with a figure and enough content."""
    out: dict[str, dict[str, str]] = {}
    for rec in records:
        for t in rec.tables:
            for n, row in enumerate(t.rows, start=1):
                cells = [comparable_text(c) for c in row]
                cells = [c for c in cells if c]
                key = "|".join(cells)
                if len(cells) < 2 or len(key) < s.table_row_min_chars or not any(ch.isdigit() for ch in key):
                    continue
                out.setdefault(key, {"file": rec.name, "where": f"{t.where}第{n}行", "raw": " | ".join(row)})
    return out


def _same_tables(batch: _Batch) -> list[dict[str, Any]]:
    s = batch.s
    rows = {b: _table_rows(batch.bidders[b], s) for b in batch.names}
    tender_rows = set(_table_rows(batch.tender, s))
    spread = Counter(k for r in rows.values() for k in r)
    with_rows = sum(1 for r in rows.values() if r)
    findings = []
    for a, b in combinations(batch.names, 2):
        shared = [k for k in rows[a] if k in rows[b] and k not in tender_rows
                  and not batch.batch_generic(spread[k], with_rows)]
        if len(shared) < s.table_min_rows:
            continue
        smaller = max(1, min(len(rows[a]), len(rows[b])))
        share = len(shared) / smaller
        severity = "high" if len(shared) >= s.table_high_rows or share >= 0.5 else "medium"
        examples = [{"row": rows[a][k]["raw"], "a": {"file": rows[a][k]["file"], "where": rows[a][k]["where"]},
                     "b": {"file": rows[b][k]["file"], "where": rows[b][k]["where"]},
                     "spread": _spread(spread[k], with_rows)} for k in shared[:20]]
        findings.append(_finding("doc_same_tables", a, b, severity, min(1.0, 0.5 + share / 2),
                                 {"identical_rows": len(shared), "rows_a": len(rows[a]), "rows_b": len(rows[b]),
                                  "share": round(share, 4), "examples": examples},
                                 f"{a}与{b}的投标文件有{len(shared)}行表格内容完全相同（如“{examples[0]['row'][:60]}”，"
                                 f"{_at(examples[0]['a'])}），{'招标文件中没有，' if batch.tender else ''}投标文件异常一致"))
    return findings


# --------------------------------------------------------------------------------------------- all

def _finding(code: str, a: str, b: str, severity: str, score: float, evidence: dict[str, Any],
             message: str) -> dict[str, Any]:
    meta = INDICATORS[code]
    ident = hashlib.sha1(f"{code}|{a}|{b}".encode()).hexdigest()[:12]
    return {"finding_id": ident, "indicator": code, "family": "collusion", "severity": severity,
            "score": round(float(score), 4), "bidders": [a, b], "legal_basis": meta["legal_basis"],
            "name_zh": meta["name_zh"], "name_en": meta["name_en"], "message": message, "evidence": evidence}


def compare_bidders(bidders: Mapping[str, list[DocumentRecord]], tender: list[DocumentRecord] | None = None,
                    settings: Mapping[str, Any] | Settings | None = None,
                    discounted: list[dict[str, Any]] | None = None,
                    notes: list[str] | None = None) -> list[dict[str, Any]]:
    """All findings for the bidders of one tender (bidder -> its files' records; broken files are skipped).

    ``discounted``, when given, receives the editing-origin values that several bidders share but that
    identify nobody (generic, the tender's, or most of the batch's), each with its spread: what a reader
    needs to see why a shared "Administrator" raised nothing. ``notes`` receives what limits the findings
    as a whole (a tender given as PDF only cannot tell a shared Word form file from one editor).
    """
    s = settings if isinstance(settings, Settings) else Settings.from_settings(settings)
    batch = _Batch(bidders, tender or [], s)
    if batch.n < 2:
        return []
    texts = {b: _text_of(batch.bidders[b]) for b in batch.names}
    tender_text = _text_of(batch.tender)
    findings = (_same_origin(batch) + _same_errors(batch, texts, tender_text) + _same_images(batch)
                + _similar_text(batch, texts, tender_text) + _same_tables(batch))
    if notes is not None:
        notes += [n for n in batch.notes if n not in notes]
    if discounted is not None:
        rsids = [d for d in batch.discounted.values() if d["field"] == "rsid"]
        discounted += [d for d in batch.discounted.values() if d["field"] != "rsid"]
        if rsids:  # a template carries dozens: one line for all
            discounted.append({**rsids[0], "value": f"{len(rsids)}个（如{rsids[0]['value']}）",
                               "count": len(rsids)})
    order = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda f: (order[f["severity"]], -f["score"], f["bidders"], f["indicator"]))
    return findings

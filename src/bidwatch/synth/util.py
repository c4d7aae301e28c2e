"""Vectorised helpers: ids, check digits, hex strings, unique string draws, dates.

Everything works on whole numpy arrays; string columns are built as pyarrow arrays (cheap to build
and to turn into pandas' default ``str`` dtype without per-value Python objects).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714 organisation code
EPOCH = np.datetime64("1970-01-01", "D")
_HEX_UPPER = np.array([f"{i:02X}" for i in range(256)], dtype="S2")
_HEX_LOWER = np.array([f"{i:02x}" for i in range(256)], dtype="S2")


def ids(prefix: str, n: int, width: int, start: int = 1) -> pa.Array:
    """``prefix`` + zero-padded running number, e.g. ``ids("T", 3, 7)`` -> T0000001..T0000003."""
    nums = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width, "0"), "")


def take(arr: pa.Array, idx: np.ndarray) -> pa.Array:
    """``arr[idx]``; negative indices give null."""
    idx = np.asarray(idx, dtype=np.int64)
    if (idx < 0).any():
        return arr.take(pa.array(idx, mask=idx < 0))
    return arr.take(pa.array(idx))


def hex_strings(rng: np.random.Generator, n: int, nbytes: int, upper: bool = True) -> np.ndarray:
    """``n`` random hex strings of ``2*nbytes`` characters as a numpy ``U`` array."""
    raw = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    table = _HEX_UPPER if upper else _HEX_LOWER
    return table[raw].view(f"S{2 * nbytes}").ravel().astype(f"U{2 * nbytes}")


def mac_notation(mac12: np.ndarray, style: np.ndarray) -> pa.Array:
    """Format 12-hex-digit MACs: style 0 ``AA-BB-..``, 1 ``aa:bb:..``, 2 ``AABBCC..``, 3 ``aabb..``."""
    raw = np.frombuffer(np.asarray(mac12, dtype="U12").astype("S12").tobytes(), dtype=np.uint8).reshape(-1, 12)
    lower = np.where(raw >= ord("A"), raw + 32, raw).astype(np.uint8)
    style = np.asarray(style)
    low = (style == 1) | (style == 3)
    chars = np.where(low[:, None], lower, raw)
    sep = np.where(style == 0, ord("-"), ord(":")).astype(np.uint8)
    out = np.zeros((len(raw), 17), dtype=np.uint8)
    pos = np.arange(6) * 3
    out[:, pos] = chars[:, 0::2]
    out[:, pos + 1] = chars[:, 1::2]
    out[:, pos[:5] + 2] = sep[:, None]
    plain = (style >= 2)
    out[plain, :12] = chars[plain]
    out[plain, 12:] = 0
    flat = out.view("S17").ravel()  # NUL padding is dropped by the S dtype
    return pa.array(flat, type=pa.binary()).cast(pa.string())


def org_codes(numbers: np.ndarray) -> np.ndarray:
    """9-character GB 11714 organisation codes (8 digits + check) as an (n, 9) array of values 0..35."""
    body = (numbers[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    c9 = 11 - (body * ORG_WEIGHTS).sum(axis=1) % 11
    # 10 -> 'X', 11 -> '0'
    c9 = np.where(c9 == 11, 0, np.where(c9 == 10, USCC_CHARSET.index("X"), c9))
    return np.column_stack([body, c9])


def uscc(prefix2: np.ndarray, region: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Unified social credit codes with a valid GB 32100-2015 check digit.

    ``prefix2``: registration authority + type ("91" enterprise, "11" government body,
    "12" public institution); ``region``: 6-digit region codes; ``numbers``: distinct ints < 1e8
    giving the organisation-code body.
    """
    n = len(region)
    vals = np.zeros((n, 17), dtype=np.int64)
    p = np.asarray(prefix2, dtype="U2")
    vals[:, 0] = _digit(p, 0)
    vals[:, 1] = _digit(p, 1)
    vals[:, 2:8] = (np.asarray(region)[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    vals[:, 8:17] = org_codes(np.asarray(numbers, dtype=np.int64))
    check = (31 - (vals * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    allv = np.column_stack([vals, check])
    chars = np.frombuffer(USCC_CHARSET.encode(), dtype="S1")[allv]
    return chars.view("S18").ravel().astype("U18")


def _digit(p: np.ndarray, k: int) -> np.ndarray:
    return np.frombuffer(p.astype("S2").tobytes(), dtype=np.uint8).reshape(-1, 2)[:, k].astype(np.int64) - 48


def uscc_valid(code: str) -> bool:
    if len(code) != 18 or any(ch not in USCC_CHARSET for ch in code):
        return False
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31] == code[17]


def dup_mask(values: np.ndarray) -> np.ndarray:
    """True for every repeat of an earlier value (object hashing: no string-dtype inference)."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object).duplicated().to_numpy()


def days(d: np.ndarray) -> np.ndarray:
    """int day numbers -> datetime64[s] (midnight)."""
    return (EPOCH + np.asarray(d, dtype=np.int64)).astype("datetime64[s]")


def day_number(date: str) -> int:
    return int((np.datetime64(date, "D") - EPOCH).astype(np.int64))


def group_starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def position_in_group(counts: np.ndarray) -> np.ndarray:
    """For rows laid out group after group: the 0-based position of each row in its group."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(group_starts(counts), counts)


def str_add(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of object/str arrays (and scalars)."""
    out = np.asarray(parts[0]).astype(object) if not isinstance(parts[0], str) else parts[0]
    for p in parts[1:]:
        out = out + (np.asarray(p).astype(object) if not isinstance(p, str) else p)
    return np.asarray(out, dtype=object)


def roll_forward_days(days: np.ndarray) -> np.ndarray:
    """Day numbers moved to the first working day on or after each (民法典 第203条: a period whose last day is a
    rest day ends on the next working day), by the State Council's schedule that the scan uses
    (:func:`bidwatch.workdays.roll_forward_table`): lawful synthetic periods are lawful as the scan reads them."""
    from datetime import date

    from bidwatch.workdays import WorkCalendar, roll_forward_table

    days = np.asarray(days, dtype=np.int64)
    if days.size == 0:
        return days
    lo, hi = int(days.min()), int(days.max())
    first = date.fromordinal(date(1970, 1, 1).toordinal() + lo)
    last = date.fromordinal(date(1970, 1, 1).toordinal() + hi)
    epoch = date(1970, 1, 1).toordinal()
    due = np.array([d.toordinal() - epoch for _, d, _ in roll_forward_table(first, last, WorkCalendar())],
                   dtype=np.int64)
    return due[days - lo]


"""Cardinal's arithmetic, bit for bit: ``statrs`` type-8 quantiles, Rust's ``mul_add`` and
``f64 /``, and the 4-decimal rounding of ``Meta`` values."""

from __future__ import annotations

import math
from fractions import Fraction


def statrs_quantile(sorted_values, tau: float) -> float:
    """``statrs::statistics::Data::quantile`` (Hyndman–Fan type 8) on already sorted values."""
    n = len(sorted_values)
    if not 0.0 <= tau <= 1.0 or n == 0:
        return math.nan
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return float(sorted_values[0])
    if hf >= n or abs(tau - 1.0) <= 2.220446049250313e-16 * 4:  # ulps_eq!(tau, 1.0)
        return float(sorted_values[n - 1])
    a = float(sorted_values[hf - 1])
    b = float(sorted_values[hf])
    return a + (h - hf) * (b - a)


def quartiles(values) -> tuple[float, float]:
    """First and third quartiles, as Cardinal's ``lower_quartile`` / ``upper_quartile``."""
    s = sorted(values)
    return statrs_quantile(s, 0.25), statrs_quantile(s, 0.75)


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` with a single rounding, as Rust's ``f64::mul_add``."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        return float(Fraction(a) * Fraction(b) + Fraction(c))
    except OverflowError:
        return math.copysign(math.inf, a * b + c)


def fdiv(a: float, b: float) -> float:
    """IEEE division (Rust ``f64 /``): no ZeroDivisionError."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def round4(v: float) -> float:
    """Cardinal's ``(v * 10_000.0).round() / 10_000.0`` (round half away from zero)."""
    if not math.isfinite(v):
        return v
    y = v * 10_000.0
    r = math.trunc(y)
    if abs(y - r) >= 0.5:
        r += 1 if y > 0 else -1
    return r / 10_000.0

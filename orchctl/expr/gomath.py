"""Go's math.Exp and math.Log as linux/amd64 runs them, operation by operation.

math.Pow with a fractional exponent computes ``Exp(yf * Log(x))``; on amd64 both are assembly
(src/math/exp_amd64.s, src/math/log_amd64.s), not the C library's functions, and they differ
from a correctly rounded exp/log by an ulp now and then. Python floats are IEEE doubles with
correctly rounded + - * /, so each SSE instruction is one Python operation here.

exp_amd64.s takes its FMA path when the CPU has AVX and FMA (every x86-64 server since 2013;
``useFMA`` in exp_amd64.go); that is the path ported. A fused multiply-add is rounded once,
computed exactly with integers (Python 3.11 has no math.fma).
"""

from __future__ import annotations

import math
import struct

_LN2U = 0.69314718055966295651160180568695068359375
_LN2L = 0.28235290563031577122588448175013436025525412068e-12
_LOG2E = 1.4426950408889634073599246810018920
_OVERFLOW = 7.09782712893384e02
_T0 = 0.5
_T1 = 1.0
_T2 = 2.0
_T3 = 1.6666666666666666667e-1
_T4 = 4.1666666666666666667e-2
_T5 = 8.3333333333333333333e-3
_T6 = 1.3888888888888888889e-3
_T7 = 1.9841269841269841270e-4
_T8 = 2.4801587301587301587e-5

_HSQRT2 = 7.07106781186547524401e-01
_LN2HI = 6.93147180369123816490e-01
_LN2LO = 1.90821492927058770002e-10
_L1 = 6.666666666666735130e-01
_L2 = 3.999999999940941908e-01
_L3 = 2.857142874366239149e-01
_L4 = 2.222219843214978396e-01
_L5 = 1.818357216161805012e-01
_L6 = 1.531383769920937332e-01
_L7 = 1.479819860511658591e-01

_INT32_MIN = -(1 << 31)


def _bits(x: float) -> int:
    return int.from_bytes(struct.pack("<d", x), "little")


def _from_bits(b: int) -> float:
    return float(struct.unpack("<d", b.to_bytes(8, "little"))[0])


def fma(a: float, b: float, c: float) -> float:
    """a * b + c rounded once (IEEE 754 fusedMultiplyAdd, round to nearest even)."""
    if a == 0 or b == 0 or not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c  # a*b is exact (or not finite): one rounding, as fused
    if c == 0:
        return a * b  # the exact product plus a zero, rounded once
    na, da = a.as_integer_ratio()
    nb, db = b.as_integer_ratio()
    nc, dc = c.as_integer_ratio()
    num = na * nb * dc + nc * da * db
    if num == 0:
        return 0.0
    try:
        return num / (da * db * dc)  # int / int is correctly rounded in CPython
    except OverflowError:
        return math.inf if num > 0 else -math.inf


def _cvtsd2sl(x: float) -> int:
    """CVTSD2SL: round to nearest even; out of range or NaN gives the integer indefinite."""
    if not math.isfinite(x):
        return _INT32_MIN
    r = round(x)  # Python rounds half to even, as MXCSR's default mode
    if r < _INT32_MIN or r >= 1 << 31:
        return _INT32_MIN
    return r


def go_exp(x: float) -> float:
    """math.Exp: exp_amd64.s (FMA path)."""
    if math.isnan(x) or math.isinf(x):
        return 0.0 if x < 0 else x
    if x > _OVERFLOW:
        return math.inf
    k = _cvtsd2sl(_LOG2E * x)
    if k + 0x3FF < -52:
        return 0.0  # the asm's underflow branch (taken after the series; it ignores its value)
    fk = float(k)
    x0 = fma(-_LN2U, fk, x)
    x0 = fma(-_LN2L, fk, x0)
    x0 *= 0.0625
    x1 = _T8
    for c in (_T7, _T6, _T5, _T4, _T3, _T0, _T1):
        x1 = fma(x0, x1, c)
    x0 *= x1
    for _ in range(3):
        x1 = x0 + _T2
        x0 *= x1
    x1 = x0 + _T2
    x0 = fma(x1, x0, _T1)
    e = k + 0x3FF
    if e <= 0:
        if e < -52:
            return 0.0
        x0 *= _from_bits((e + 0x3FE) << 52)
        e = 1
    elif e >= 0x7FF:
        return math.inf
    return x0 * _from_bits(e << 52)


def go_log(x: float) -> float:
    """math.Log: log_amd64.s (its Frexp reads the exponent bits, so subnormals take k=-1022)."""
    b = _bits(x)
    if b & ~(1 << 63) == 0:
        return -math.inf
    if b >> 63:
        return math.nan
    if b >= 0x7FF0000000000000:
        return x
    f1 = _from_bits((b & 0x000FFFFFFFFFFFFF) | 0x3FE0000000000000)
    k = float(((b >> 52) & 0x7FF) - 0x3FE)
    if f1 <= _HSQRT2:  # CMPSD $5, "not less than" (Go's log.go has f1 < Sqrt2/2)
        k -= 1.0
        f1 *= 2.0
    f = f1 - 1.0
    s = f / (2.0 + f)
    s2 = s * s
    s4 = s2 * s2
    t1 = s2 * (((_L7 * s4 + _L5) * s4 + _L3) * s4 + _L1)
    t2 = s4 * ((_L6 * s4 + _L4) * s4 + _L2)
    r = t1 + t2
    hfsq = 0.5 * f * f
    x3 = s * (r + hfsq) + _LN2LO * k
    x0 = (hfsq - x3) - f
    return k * _LN2HI - x0

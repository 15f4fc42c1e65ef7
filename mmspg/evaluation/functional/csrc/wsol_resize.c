/*
 * Score-map preprocessing of the WSOL benchmark in C, bit-identical to its
 * numpy/OpenCV steps (part of the extension module _wsol_box_ext, see
 * wsol_box_ext.h): cv2.resize INTER_CUBIC, min-max normalisation, the
 * float32 rounding of a score-map dump and the uint8 quantisation
 * (mmspg/evaluation/functional/scoremap.py holds the numpy reference).
 */
#include "wsol_box_ext.h"

#include <math.h>
#include <string.h>

/* out = (uint8)(float64(float32((x - lo) / (hi - lo))) * 255), lo < hi the
 * map's minimum and maximum: numpy's "cam -= cam.min(); cam /= cam.max()"
 * (max(x - lo) is (hi - lo) rounded: rounding is monotonic), the float32
 * of a dump, then quantize_scoremap. Vectorised by the compiler. */
static void quantize_range(const double *x, uint8_t *out, Py_ssize_t n,
                           double lo, double hi) {
    const double den = hi - lo;
    for (Py_ssize_t i = 0; i < n; ++i)
        out[i] = (uint8_t)(int32_t)((double)(float)((x[i] - lo) / den) *
                                    255.0);
}

/* out = (uint8)(float64(float32(x)) * 255): quantize_scoremap of the
 * float32 map a dump writes, without normalisation (a map the model
 * normalised, scored as given, scoremap.py frame_scoremap). Returns 0 (out
 * partly written) if a value is outside [0, 1] or NaN, which the
 * benchmark's evaluators refuse (GenDisc/IVR util.py:58-63); the caller's
 * numpy path then raises the error. */
int quantize_given(const double *x, Py_ssize_t n, uint8_t *out) {
    int bad = 0;
    for (Py_ssize_t i = 0; i < n; ++i) {
        const double v = x[i];
        const int out_of_range = !(v >= 0.0 && v <= 1.0); /* NaN too */
        bad |= out_of_range;
        out[i] = (uint8_t)(int32_t)((double)(float)(out_of_range ? 0.0 : v) *
                                    255.0);
    }
    return !bad;
}

/* See py_normalize_quantize. Branch-free loops, so that they vectorise.
 * Returns 0 (out untouched) if a value is not finite. */
static int normalize_quantize(const double *x, uint8_t *out, Py_ssize_t n) {
    /* Four independent min/max chains and an integer test of the exponent
     * bits: a single floating-point chain (which the compiler may not
     * reorder) made this pass ten times slower than the division pass. */
    double lo4[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    double hi4[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    uint64_t nonfinite = 0;
    Py_ssize_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; ++j) {
            const double v = x[i + j];
            uint64_t bits;
            memcpy(&bits, &v, sizeof(bits));
            nonfinite |= ((bits >> 52) & 0x7ff) == 0x7ff; /* inf or NaN */
            lo4[j] = v < lo4[j] ? v : lo4[j];
            hi4[j] = v > hi4[j] ? v : hi4[j];
        }
    for (; i < n; ++i) {
        uint64_t bits;
        memcpy(&bits, &x[i], sizeof(bits));
        nonfinite |= ((bits >> 52) & 0x7ff) == 0x7ff;
        lo4[0] = x[i] < lo4[0] ? x[i] : lo4[0];
        hi4[0] = x[i] > hi4[0] ? x[i] : hi4[0];
    }
    if (nonfinite) return 0;
    double lo = lo4[0], hi = hi4[0];
    for (int j = 1; j < 4; ++j) {
        lo = lo4[j] < lo ? lo4[j] : lo;
        hi = hi4[j] > hi ? hi4[j] : hi;
    }
    if (n == 0 || lo == hi) {
        memset(out, 0, (size_t)n);
        return 1;
    }
    quantize_range(x, out, n, lo, hi);
    return 1;
}

/*
 * cv2.resize(src, (dw, dh), interpolation=cv2.INTER_CUBIC) of a float64
 * map, written by hand to fuse it with normalize_quantize without a copy
 * through numpy (OpenCV's resize plus the separate pass cost 1.5x more).
 * It repeats OpenCV's generic separable resize operation for operation, so
 * the result is bit-identical (tests compare with cv2): source position
 * f = float((d + 0.5) * (ssize / dsize) - 0.5), the 4-tap coefficients of
 * interpolateCubic (A = -0.75) in float, indices clamped at the borders,
 * each pass summed left to right in double.
 */
static void cubic_taps(Py_ssize_t ssize, Py_ssize_t dsize, int32_t *ofs,
                       float *alpha) {
    const double scale = 1. / ((double)dsize / (double)ssize);
    for (Py_ssize_t d = 0; d < dsize; ++d) {
        float f = (float)((d + 0.5) * scale - 0.5);
        const int32_t s0 = (int32_t)floorf(f);
        f -= (float)s0;
        const float A = -0.75f;
        float *c = alpha + 4 * d;
        c[0] = ((A * (f + 1) - 5 * A) * (f + 1) + 8 * A) * (f + 1) - 4 * A;
        c[1] = ((A + 2) * f - (A + 3)) * f * f + 1;
        c[2] = ((A + 2) * (1 - f) - (A + 3)) * (1 - f) * (1 - f) + 1;
        c[3] = 1.f - c[0] - c[1] - c[2];
        ofs[d] = s0 - 1;
    }
}

static inline Py_ssize_t clamp_index(Py_ssize_t i, Py_ssize_t size) {
    return i < 0 ? 0 : (i >= size ? size - 1 : i);
}

/* Bytes of scratch resize_normalize_quantize needs. */
Py_ssize_t resize_workspace_bytes(Py_ssize_t sh, Py_ssize_t dh,
                                  Py_ssize_t dw) {
    return sizeof(double) * (dw * sh + dw * dh + 4 * dw) +
           (sizeof(float) * 4 + sizeof(int32_t)) * (dw + dh);
}

/* dst (dh, dw) = cv2.resize(src (sh, sw), INTER_CUBIC); tmp: dw * sh + 4 dw
 * doubles, ofs: dw + dh ints, alpha: 4 * (dw + dh) floats. */
static void cubic_resize(const double *src, Py_ssize_t sh, Py_ssize_t sw,
                         double *dst, Py_ssize_t dh, Py_ssize_t dw,
                         double *tmp, int32_t *ofs, float *alpha,
                         double *min_out, double *max_out) {
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    int32_t *xofs = ofs, *yofs = ofs + dw;
    float *xa = alpha, *ya = alpha + 4 * dw;
    cubic_taps(sw, dw, xofs, xa);
    cubic_taps(sh, dh, yofs, ya);
    /* the taps as doubles (exact), and the range of x whose four taps
     * all lie inside the row (xofs grows with x) */
    double *xd = tmp + dw * sh;
    Py_ssize_t inner0 = dw, inner1 = dw;
    for (Py_ssize_t x = 0; x < dw; ++x) {
        for (int j = 0; j < 4; ++j) xd[4 * x + j] = xa[4 * x + j];
        const int inside = xofs[x] >= 0 && xofs[x] + 3 < sw;
        if (inside && inner0 == dw) inner0 = x;
        if (inside) inner1 = x + 1;
    }
    if (inner0 == dw) inner1 = dw;
    for (Py_ssize_t y = 0; y < sh; ++y) { /* horizontal pass */
        const double *row = src + y * sw;
        double *out = tmp + y * dw;
        for (Py_ssize_t x = 0; x < dw; ++x) {
            if (x == inner0) { /* no clamping: a branch-free loop */
                for (; x < inner1; ++x) {
                    const double *r = row + xofs[x], *a = xd + 4 * x;
                    out[x] = r[0] * a[0] + r[1] * a[1] + r[2] * a[2] +
                             r[3] * a[3];
                }
                if (x == dw) break;
            }
            const Py_ssize_t s0 = xofs[x];
            const double *a = xd + 4 * x;
            double v = 0;
            for (int j = 0; j < 4; ++j)
                v += row[clamp_index(s0 + j, sw)] * a[j];
            out[x] = v;
        }
    }
    for (Py_ssize_t y = 0; y < dh; ++y) { /* vertical pass */
        const double *r[4];
        for (int j = 0; j < 4; ++j)
            r[j] = tmp + clamp_index(yofs[y] + j, sh) * dw;
        const double b0 = ya[4 * y], b1 = ya[4 * y + 1], b2 = ya[4 * y + 2],
                     b3 = ya[4 * y + 3];
        double *out = dst + y * dw;
        Py_ssize_t x = 0;
        /* two lanes of min / max: the map's range comes free of a pass */
        for (; x + 2 <= dw; x += 2)
            for (int j = 0; j < 2; ++j) {
                const double v = r[0][x + j] * b0 + r[1][x + j] * b1 +
                                 r[2][x + j] * b2 + r[3][x + j] * b3;
                out[x + j] = v;
                lo[j] = v < lo[j] ? v : lo[j];
                hi[j] = v > hi[j] ? v : hi[j];
            }
        for (; x < dw; ++x) {
            const double v =
                r[0][x] * b0 + r[1][x] * b1 + r[2][x] * b2 + r[3][x] * b3;
            out[x] = v;
            lo[0] = v < lo[0] ? v : lo[0];
            hi[0] = v > hi[0] ? v : hi[0];
        }
    }
    *min_out = lo[1] < lo[0] ? lo[1] : lo[0];
    *max_out = hi[1] > hi[0] ? hi[1] : hi[0];
}

/* q (dh, dw) = normalize_quantize(cv2.resize(src (sh, sw), INTER_CUBIC)),
 * in resize_workspace_bytes(sh, dh, dw) bytes of 8-aligned workspace.
 * Returns 0 (q untouched) if a value is not finite. */
int resize_quantize(const double *src, Py_ssize_t sh, Py_ssize_t sw,
                    Py_ssize_t dh, Py_ssize_t dw, char *workspace,
                    uint8_t *q) {
    uint64_t nonfinite = 0;
    for (Py_ssize_t i = 0; i < sh * sw; ++i) {
        uint64_t bits;
        memcpy(&bits, &src[i], sizeof(bits));
        nonfinite |= ((bits >> 52) & 0x7ff) == 0x7ff;
    }
    if (nonfinite) return 0;
    double *resized = (double *)workspace;
    double *tmp = resized + dw * dh; /* then cubic_resize's double taps */
    float *alpha = (float *)(tmp + dw * sh + 4 * dw);
    int32_t *ofs = (int32_t *)(alpha + 4 * (dw + dh));
    double lo, hi;
    cubic_resize(src, sh, sw, resized, dh, dw, tmp, ofs, alpha, &lo, &hi);
    /* finite inputs can still overflow (|x| near DBL_MAX) */
    if (!isfinite(lo) || !isfinite(hi)) return 0;
    if (lo == hi) /* a constant map normalises to zeros */
        memset(q, 0, (size_t)(dh * dw));
    else
        quantize_range(resized, q, dh * dw, lo, hi);
    return 1;
}

/* Python: resize_normalize_quantize(src, sh, sw, dst, dh, dw, workspace)
 * -> bool. src: float64 (sh, sw); dst: writable uint8 (dh, dw); workspace:
 * writable, 8-aligned, resize_workspace_bytes(sh, dh, dw) bytes. dst =
 * normalize_quantize(cv2.resize(src, (dw, dh), INTER_CUBIC)): resize_scoremap,
 * the float32 of a score-map dump, then quantize_scoremap. Returns False
 * (dst untouched) if a value is not finite. The GIL is released. */
PyObject *py_resize_normalize_quantize(PyObject *self,
                                       PyObject *args) {
    Py_buffer src, dst, ws;
    Py_ssize_t sh, sw, dh, dw;
    if (!PyArg_ParseTuple(args, "y*nnw*nnw*", &src, &sh, &sw, &dst, &dh, &dw,
                          &ws))
        return NULL;
    PyObject *result = NULL;
    if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || src.len != sh * sw * 8 ||
        dst.len != dh * dw || ws.len < resize_workspace_bytes(sh, dh, dw) ||
        ((uintptr_t)ws.buf) % 8 != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "resize_normalize_quantize: bad sizes or workspace");
        goto done;
    }
    int finite;
    Py_BEGIN_ALLOW_THREADS
    finite = resize_quantize((const double *)src.buf, sh, sw, dh, dw,
                             (char *)ws.buf, (uint8_t *)dst.buf);
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(finite);
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    PyBuffer_Release(&ws);
    return result;
}

/* Python: resize_workspace_bytes(sh, dh, dw) -> int */
PyObject *py_resize_workspace_bytes(PyObject *self, PyObject *args) {
    Py_ssize_t sh, dh, dw;
    if (!PyArg_ParseTuple(args, "nnn", &sh, &dh, &dw)) return NULL;
    if (sh < 1 || dh < 1 || dw < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "resize_workspace_bytes: sizes >= 1");
        return NULL;
    }
    return PyLong_FromSsize_t(resize_workspace_bytes(sh, dh, dw));
}

/* Python: normalize_quantize(src, dst) -> bool. src: contiguous float64
 * map, dst: writable uint8 of the same number of elements. Writes
 * (float64(float32((x - min) / (max - min))) * 255) truncated to uint8,
 * i.e. resize_scoremap's min-max normalisation, the float32 of a score-map
 * dump, then quantize_scoremap, with the same IEEE operations as numpy.
 * A constant map gives zeros (as normalize_scoremap). Returns False (dst
 * untouched) if a value is not finite: the caller's numpy path reports it.
 * The GIL is released. */
PyObject *py_normalize_quantize(PyObject *self, PyObject *args) {
    Py_buffer src, dst;
    if (!PyArg_ParseTuple(args, "y*w*", &src, &dst)) return NULL;
    PyObject *result = NULL;
    if (dst.len * 8 != src.len) {
        PyErr_SetString(PyExc_ValueError,
                        "normalize_quantize: expected C-contiguous float64 "
                        "input and a uint8 output of as many elements");
        goto done;
    }
    const double *x = (const double *)src.buf;
    uint8_t *out = (uint8_t *)dst.buf;
    Py_ssize_t n = dst.len;
    int finite;
    Py_BEGIN_ALLOW_THREADS
    finite = normalize_quantize(x, out, n);
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(finite);
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    return result;
}

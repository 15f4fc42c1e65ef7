/*
 * The extension module mmspg.evaluation.functional._wsol_box_ext: the
 * per-image pipeline of WSOLEvaluator (resize and quantise, wsol_resize.c,
 * then the boxes at all levels, wsol_box_levels.c), batched over OpenMP
 * threads without the GIL, and the module's method table.
 */
#include "wsol_box_ext.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

/*
 * The whole per-image reduction of WSOLEvaluator in the benchmark frame,
 * in one call without the GIL (the Python glue around the other calls cost
 * as much as a sweep, and held the GIL):
 *   map (sh, sw) float32 or float64 -> bicubic resize to (dh, dw),
 *   normalisation, float32 rounding, quantisation (resize_normalize_quantize)
 *   or, with as_given (a map the model normalised, already (dh, dw)), only
 *   the float32 rounding and quantisation, as the benchmark's evaluators
 *   score the map they are given (scoremap.py, frame_scoremap)
 *   -> box_levels -> hit flags per level (v1 at iou[0], v2 at iou[1..]) ->
 *   per threshold t, level int(t * max) -> bits packed as np.packbits does.
 * Returns the hit flag at the last threshold, or -1 if a level needs the
 * findContours fallback, a value is not finite or, as_given, a value is
 * outside [0, 1] (the caller then takes the step-by-step path, which names
 * the fault).
 */
static int wsol_record(const void *src, int src_is_double, int as_given,
                       Py_ssize_t sh,
                       Py_ssize_t sw, Py_ssize_t dh, Py_ssize_t dw,
                       const int64_t *gt, Py_ssize_t k,
                       const double *thresholds, Py_ssize_t num_t,
                       const double *iou, Py_ssize_t num_iou, uint8_t *bits,
                       char *workspace) {
    double *srcd = (double *)workspace; /* a float32 map as float64 */
    workspace += sizeof(double) * sh * sw;
    uint8_t *q = (uint8_t *)workspace;
    workspace += (dh * dw + 7) / 8 * 8;
    char *resize_ws = workspace;
    workspace += (resize_workspace_bytes(sh, dh, dw) + 7) / 8 * 8;
    if (!src_is_double)
        for (Py_ssize_t i = 0; i < sh * sw; ++i)
            srcd[i] = (double)((const float *)src)[i];
    if (as_given) {
        if (!quantize_given(src_is_double ? (const double *)src : srcd,
                            sh * sw, q))
            return -1;
    } else if (!resize_quantize(src_is_double ? (const double *)src : srcd,
                                sh, sw, dh, dw, resize_ws, q))
        return -1;
    double v1[NUM_LEVELS], v2[NUM_LEVELS];
    uint8_t undecided[NUM_LEVELS];
    const int max_value =
        box_levels(q, dh, dw, gt, k, v1, v2, undecided, workspace);
    for (int l = 0; l < NUM_LEVELS; ++l)
        if (undecided[l]) return -1;
    /* hits per level, then per threshold; quirk: IoU thresholds compared
     * with >= */
    const Py_ssize_t row_bytes = (num_t - 1 + 7) / 8;
    memset(bits, 0, (size_t)(row_bytes * num_iou));
    int last_hit = 0;
    for (Py_ssize_t t = 0; t < num_t; ++t) {
        /* quirk: the threshold is int(t * max of the uint8 map) */
        const int64_t l = (int64_t)(thresholds[t] * (double)max_value);
        const int level = l < NUM_LEVELS ? (int)l : NUM_LEVELS - 1;
        for (Py_ssize_t i = 0; i < num_iou; ++i) {
            const int hit = (i == 0 ? v1[level] : v2[level]) >= iou[i];
            if (t == num_t - 1) {
                if (i == 0) last_hit = hit;
                continue;
            }
            bits[i * row_bytes + t / 8] |= (uint8_t)(hit << (7 - t % 8));
        }
    }
    return last_hit;
}

static Py_ssize_t record_workspace_bytes(Py_ssize_t sh, Py_ssize_t sw,
                                         Py_ssize_t dh, Py_ssize_t dw) {
    return sizeof(double) * sh * sw + (dh * dw + 7) / 8 * 8 +
           (resize_workspace_bytes(sh, dh, dw) + 7) / 8 * 8 +
           workspace_bytes(dh, dw);
}

/* Python: max_threads() -> int: the OpenMP threads wsol_records may use
 * (torch's intra-op threads, when torch shares the OpenMP runtime), 1
 * without OpenMP. */
static PyObject *py_max_threads(PyObject *self, PyObject *args) {
#ifdef _OPENMP
    return PyLong_FromLong(omp_get_max_threads());
#else
    return PyLong_FromLong(1);
#endif
}

/* Python: wsol_records(tasks, dh, dw, thresholds, iou, workspaces) ->
 * list[int], wsol_record's result per task. tasks: list of (map, sh, sw,
 * is_double, gt, bits, as_given): map C-contiguous float32/float64
 * (sh, sw) ((dh, dw) when as_given), gt int64
 * (k, 4) in the (dh, dw) frame, bits writable uint8 (I, ceil((T-1)/8));
 * thresholds: float64 (T,), the last one the fixed threshold; iou: float64
 * (I,); workspaces: list of writable 8-aligned buffers of
 * record_workspace_bytes for the largest map, one per thread. The images
 * are spread over OpenMP threads without the GIL: in a test loop these are
 * torch's own threads, which otherwise spin idle after each forward pass
 * while Python threads would compete with them for the cores. */
static PyObject *py_wsol_records(PyObject *self, PyObject *args) {
    PyObject *tasks, *workspaces;
    Py_ssize_t dh, dw;
    Py_buffer thr, iou;
    if (!PyArg_ParseTuple(args, "O!nny*y*O!", &PyList_Type, &tasks, &dh, &dw,
                          &thr, &iou, &PyList_Type, &workspaces))
        return NULL;
    const Py_ssize_t n = PyList_GET_SIZE(tasks);
    const Py_ssize_t num_ws = PyList_GET_SIZE(workspaces);
    const Py_ssize_t num_t = thr.len / 8, num_iou = iou.len / 8;
    PyObject *result = NULL;
    Py_buffer *bufs = (Py_buffer *)calloc((size_t)(3 * n + num_ws + 1),
                                          sizeof(Py_buffer));
    Py_ssize_t *dims = (Py_ssize_t *)calloc((size_t)(4 * n + 1),
                                            sizeof(Py_ssize_t));
    int *ret = (int *)calloc((size_t)(n + 1), sizeof(int));
    Py_ssize_t acquired = 0; /* buffers in bufs to release */
    if (!bufs || !dims || !ret) {
        PyErr_NoMemory();
        goto done;
    }
    if (num_ws < 1 || dh < 1 || dw < 1 || dh > 65535 || dw > 65535 ||
        num_t < 2 || num_iou < 1) {
        PyErr_SetString(PyExc_ValueError, "wsol_records: bad arguments");
        goto done;
    }
    for (Py_ssize_t i = 0; i < num_ws; ++i) {
        if (PyObject_GetBuffer(PyList_GET_ITEM(workspaces, i),
                               &bufs[3 * n + i], PyBUF_WRITABLE) < 0)
            goto done;
        acquired = 3 * n + i + 1;
    }
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject *task = PyList_GET_ITEM(tasks, i);
        PyObject *map, *gt, *bits;
        Py_ssize_t sh, sw;
        int is_double, as_given;
        if (!PyArg_ParseTuple(task, "OnnpOOp", &map, &sh, &sw, &is_double,
                              &gt, &bits, &as_given))
            goto done;
        dims[4 * i] = sh;
        dims[4 * i + 1] = sw;
        dims[4 * i + 2] = is_double;
        dims[4 * i + 3] = as_given;
        /* acquired counts a prefix only for the workspaces; the task
         * buffers are released one by one below */
        if (PyObject_GetBuffer(map, &bufs[3 * i], PyBUF_SIMPLE) < 0)
            goto done;
        if (PyObject_GetBuffer(gt, &bufs[3 * i + 1], PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(&bufs[3 * i]);
            goto done;
        }
        if (PyObject_GetBuffer(bits, &bufs[3 * i + 2], PyBUF_WRITABLE) < 0) {
            PyBuffer_Release(&bufs[3 * i]);
            PyBuffer_Release(&bufs[3 * i + 1]);
            goto done;
        }
        ret[n] = (int)(i + 1); /* tasks with buffers held */
        if (sh < 1 || sw < 1 || (as_given && (sh != dh || sw != dw)) ||
            bufs[3 * i].len != sh * sw * (is_double ? 8 : 4) ||
            bufs[3 * i + 1].len < 32 || bufs[3 * i + 1].len % 32 != 0 ||
            bufs[3 * i + 2].len != num_iou * ((num_t - 1 + 7) / 8)) {
            PyErr_Format(PyExc_ValueError, "wsol_records: bad task %zd", i);
            goto done;
        }
        for (Py_ssize_t j = 0; j < num_ws; ++j)
            if (bufs[3 * n + j].len < record_workspace_bytes(sh, sw, dh, dw) ||
                ((uintptr_t)bufs[3 * n + j].buf) % 8 != 0) {
                PyErr_SetString(PyExc_ValueError,
                                "wsol_records: workspace too small");
                goto done;
            }
    }
    {
        const double *thresholds = (const double *)thr.buf;
        const double *ious = (const double *)iou.buf;
        Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
        int threads = omp_get_max_threads();
        if (threads > num_ws) threads = (int)num_ws;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
        for (Py_ssize_t i = 0; i < n; ++i) {
#ifdef _OPENMP
            const int tid = omp_get_thread_num();
#else
            const int tid = 0;
#endif
            ret[i] = wsol_record(bufs[3 * i].buf, (int)dims[4 * i + 2],
                                 (int)dims[4 * i + 3], dims[4 * i],
                                 dims[4 * i + 1], dh, dw,
                                 (const int64_t *)bufs[3 * i + 1].buf,
                                 bufs[3 * i + 1].len / 32, thresholds, num_t,
                                 ious, num_iou, (uint8_t *)bufs[3 * i + 2].buf,
                                 (char *)bufs[3 * n + tid].buf);
        }
        Py_END_ALLOW_THREADS
    }
    result = PyList_New(n);
    if (result)
        for (Py_ssize_t i = 0; i < n; ++i)
            PyList_SET_ITEM(result, i, PyLong_FromLong(ret[i]));
done:
    if (bufs) {
        const Py_ssize_t held = ret ? ret[n] : 0;
        for (Py_ssize_t i = 0; i < held; ++i)
            for (int j = 0; j < 3; ++j) PyBuffer_Release(&bufs[3 * i + j]);
        for (Py_ssize_t i = 3 * n; i < acquired; ++i)
            PyBuffer_Release(&bufs[i]);
    }
    free(bufs);
    free(dims);
    free(ret);
    PyBuffer_Release(&thr);
    PyBuffer_Release(&iou);
    return result;
}

/* Python: record_workspace_bytes(sh, sw, dh, dw) -> int */
static PyObject *py_record_workspace_bytes(PyObject *self, PyObject *args) {
    Py_ssize_t sh, sw, dh, dw;
    if (!PyArg_ParseTuple(args, "nnnn", &sh, &sw, &dh, &dw)) return NULL;
    if (sh < 1 || sw < 1 || dh < 1 || dw < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "record_workspace_bytes: sizes >= 1");
        return NULL;
    }
    return PyLong_FromSsize_t(record_workspace_bytes(sh, sw, dh, dw));
}

static PyMethodDef methods[] = {
    {"box_levels", py_box_levels, METH_VARARGS,
     "Best v1/v2 IoU of a uint8 score map at each of the 256 levels."},
    {"resize_normalize_quantize", py_resize_normalize_quantize, METH_VARARGS,
     "cv2.resize INTER_CUBIC (bit-identical), then normalize_quantize."},
    {"resize_workspace_bytes", py_resize_workspace_bytes, METH_VARARGS,
     "Scratch bytes resize_normalize_quantize needs."},
    {"wsol_records", py_wsol_records, METH_VARARGS,
     "wsol_record over a batch, on OpenMP threads."},
    {"max_threads", py_max_threads, METH_NOARGS,
     "OpenMP threads wsol_records may use (1 without OpenMP)."},
    {"record_workspace_bytes", py_record_workspace_bytes, METH_VARARGS,
     "Scratch bytes wsol_record needs."},
    {"workspace_bytes", py_workspace_bytes, METH_VARARGS,
     "Scratch bytes box_levels needs for an (h, w) map."},
    {"normalize_quantize", py_normalize_quantize, METH_VARARGS,
     "Min-max normalise, round to float32 and quantise to uint8."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_wsol_box_ext",
                                    NULL, -1, methods};

/* Raised with each change of a Python-visible signature (2: the as_given
 * task field of wsol_records); wsol_box.py ignores a build of another
 * version (a stale in-place build) and says so. */
#define WSOL_EXT_API_VERSION 2

PyMODINIT_FUNC PyInit__wsol_box_ext(void) {
    build_tables();
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "API_VERSION",
                                     WSOL_EXT_API_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

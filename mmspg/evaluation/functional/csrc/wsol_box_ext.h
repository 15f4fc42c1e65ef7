/*
 * Shared declarations of the files of mmspg's compiled WSOL box core, the
 * extension module mmspg.evaluation.functional._wsol_box_ext:
 *   wsol_box_levels.c  the boxes of a uint8 map at all 256 levels (two
 *                      union-find sweeps) and their best IoUs;
 *   wsol_resize.c      bicubic resize (bit-identical to cv2.resize),
 *                      min-max normalisation and uint8 quantisation;
 *   wsol_box_ext.c     the per-image pipeline of WSOLEvaluator over both,
 *                      on OpenMP threads, and the module's method table.
 * The functions below cross files only inside the module: hidden, so the
 * shared object exports nothing but PyInit__wsol_box_ext.
 */
#ifndef MMSPG_WSOL_BOX_EXT_H
#define MMSPG_WSOL_BOX_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#define NUM_LEVELS 256

#if defined(__GNUC__)
#define WSOL_INTERNAL __attribute__((visibility("hidden")))
#else
#define WSOL_INTERNAL
#endif

/* wsol_box_levels.c */
WSOL_INTERNAL void build_tables(void);
WSOL_INTERNAL Py_ssize_t workspace_bytes(Py_ssize_t h, Py_ssize_t w);
WSOL_INTERNAL int box_levels(const uint8_t *q, Py_ssize_t h, Py_ssize_t w,
                             const int64_t *gt, Py_ssize_t k, double *v1,
                             double *v2, uint8_t *undecided,
                             void *workspace);
WSOL_INTERNAL PyObject *py_box_levels(PyObject *self, PyObject *args);
WSOL_INTERNAL PyObject *py_workspace_bytes(PyObject *self, PyObject *args);

/* wsol_resize.c */
WSOL_INTERNAL Py_ssize_t resize_workspace_bytes(Py_ssize_t sh, Py_ssize_t dh,
                                                Py_ssize_t dw);
WSOL_INTERNAL int resize_quantize(const double *src, Py_ssize_t sh,
                                  Py_ssize_t sw, Py_ssize_t dh, Py_ssize_t dw,
                                  char *workspace, uint8_t *q);
WSOL_INTERNAL int quantize_given(const double *x, Py_ssize_t n, uint8_t *out);
WSOL_INTERNAL PyObject *py_resize_normalize_quantize(PyObject *self,
                                                     PyObject *args);
WSOL_INTERNAL PyObject *py_resize_workspace_bytes(PyObject *self,
                                                  PyObject *args);
WSOL_INTERNAL PyObject *py_normalize_quantize(PyObject *self, PyObject *args);

#endif /* MMSPG_WSOL_BOX_EXT_H */

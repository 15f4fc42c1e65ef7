/*
 * Exact WSOL box evaluation of a uint8 score map at every threshold level at
 * once (extension module mmspg.evaluation.functional._wsol_box_ext).
 *
 * The benchmark protocol (see wsol_box.py) binarises the uint8 map q at a
 * level l (foreground: q > l) and takes the bounding boxes of the contours
 * of cv2.findContours(RETR_TREE). Calling findContours for each of the up to
 * 255 levels costs ~20 us a level; this file gets the same boxes for all
 * levels in two union-find sweeps over the pixels (O(pixels), no per-level
 * image scan). It is written by hand because neither OpenCV nor numpy offers
 * an incremental (component-tree) labelling; wsol_box.py keeps the
 * findContours path as the reference and as the fallback.
 *
 * Why the boxes are the same as findContours' (Suzuki-Abe border following
 * on a zero-padded image, 8-connected foreground, 4-connected background):
 *   - each 8-connected foreground component has one outer border; its
 *     bounding rectangle is the component's bounding box;
 *   - each 4-connected background component that does not reach the image
 *     border (the padding) is a hole with one hole border, traced through
 *     the foreground pixels around it: its bounding rectangle is the hole's
 *     bounding box grown by one pixel on every side.
 * So, for the level l:
 *   - descending sweep (values M..1, 8-connected): the components of q > l;
 *   - ascending sweep (values 0..M-1, 4-connected, padding pre-joined as one
 *     "border" set): the holes of q > l are the sets not joined to it.
 *
 * MaxBoxAcc (v1) keeps the first contour of largest cv2.contourArea. The
 * polygon through the pixel centres of an outer border encloses, for a
 * component without holes, exactly the fully-foreground 2x2 pixel windows
 * plus half of the 3-foreground windows: area = Q4 + Q3 / 2. A hole border
 * lies inside its component's outer border, so it never encloses more.
 * Hence the v1 box is known here when the level has one component (its
 * box), or several and no hole (largest Q4 + Q3 / 2, if unique). Other
 * levels (several components and a hole, or a tie) are flagged and left to
 * the findContours path, which also decides ties by contour order.
 *
 * All IoUs use the benchmark's +1 pixel convention and are computed in
 * int64 then divided in double, as numpy does in wsol_box.multiple_iou.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

#define NUM_LEVELS 256

typedef struct {
    int32_t x0, y0, x1, y1; /* inclusive pixel extent of the set */
    int32_t size;
    int32_t window; /* 2 * Q4 + Q3 of the set (descending sweep only) */
    int32_t first;  /* first pixel of the set in raster order */
    int32_t slot;   /* position in Sweep.live */
    int32_t root;   /* the set's root pixel */
} Set;

/* One union-find sweep. Only `parent` is per pixel; the bookkeeping lives
 * in a compact pool of sets (a pixel joining an existing set allocates
 * nothing), which keeps the random accesses of the sweep in cache. */
typedef struct {
    int32_t *parent; /* per pixel: -1 not yet swept, else the parent pixel */
    int32_t *set_of; /* per root pixel: its index in `sets` */
    Set *sets;
    int32_t num_sets;
    int32_t *live; /* indices of the current sets, in any order */
    int32_t num_live;
    int32_t keep; /* root pixel that always survives a join, or -1 */
    int32_t row_stride; /* of the zero-framed map: width + 2 */
} Sweep;

/* Bytes of scratch memory box_levels needs for an (h, w) map. The caller
 * owns it and reuses it: a fresh allocation per map costs page faults. */
static Py_ssize_t workspace_bytes(Py_ssize_t h, Py_ssize_t w) {
    const Py_ssize_t n = (h + 2) * (w + 2), m = h * w + 1;
    return m * (sizeof(Set) + 2 * sizeof(double) + sizeof(int32_t) +
                sizeof(uint64_t) + sizeof(uint16_t)) +
           (n + 1) * (2 * sizeof(int32_t)) + n;
}

static inline int32_t find_root(int32_t *parent, int32_t p) {
    while (parent[p] != p) {
        parent[p] = parent[parent[p]]; /* path halving */
        p = parent[p];
    }
    return p;
}

/* Root of pixel `nbr`, shortening its path on the way. Pixels not yet swept
 * point to the sentinel (a root of its own), so that this needs no
 * "swept?" branch: those branches are unpredictable and cost more than all
 * the rest of a sweep. */
static inline int32_t root_of(int32_t *parent, int32_t nbr) {
    int32_t a = parent[nbr];
    if (parent[a] == a) return a;
    a = find_root(parent, a);
    parent[nbr] = a;
    return a;
}

static inline int32_t new_set(Sweep *s, int32_t p, int32_t x, int32_t y) {
    const int32_t id = s->num_sets++;
    Set *e = &s->sets[id];
    e->x0 = e->x1 = x;
    e->y0 = e->y1 = y;
    e->size = 1;
    e->window = 0;
    e->first = p;
    e->root = p;
    e->slot = s->num_live;
    s->live[s->num_live++] = id;
    s->parent[p] = p;
    s->set_of[p] = id;
    return id;
}

/* Join the sets of roots a != b (union by size); returns the survivor. */
static inline int32_t join(Sweep *s, int32_t a, int32_t b) {
    Set *ea = &s->sets[s->set_of[a]], *eb = &s->sets[s->set_of[b]];
    /* union by size: 2 Q4 + Q3 in the descending sweep (which does not
     * count pixels), pixels in the ascending one */
    if (b == s->keep ||
        (a != s->keep &&
         (ea->window < eb->window ||
          (ea->window == eb->window && ea->size < eb->size)))) {
        int32_t t = a;
        a = b;
        b = t;
        Set *te = ea;
        ea = eb;
        eb = te;
    }
    s->parent[b] = a;
    ea->size += eb->size;
    ea->window += eb->window;
    if (eb->first < ea->first) ea->first = eb->first;
    if (eb->x0 < ea->x0) ea->x0 = eb->x0;
    if (eb->y0 < ea->y0) ea->y0 = eb->y0;
    if (eb->x1 > ea->x1) ea->x1 = eb->x1;
    if (eb->y1 > ea->y1) ea->y1 = eb->y1;
    if (b != s->keep) { /* drop b's set from the live list */
        const int32_t last = s->live[--s->num_live];
        s->live[eb->slot] = last;
        s->sets[last].slot = eb->slot;
    }
    return a;
}

/* Best IoU of the box (x0, y0, x1, y1) with the K boxes of gt. */
static inline double best_iou(int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                              const int64_t *gt, Py_ssize_t k) {
    double best = 0.0;
    int64_t area = (x1 - x0 + 1) * (y1 - y0 + 1);
    for (Py_ssize_t i = 0; i < k; ++i) {
        const int64_t *g = gt + 4 * i;
        int64_t iw = (x1 < g[2] ? x1 : g[2]) - (x0 > g[0] ? x0 : g[0]) + 1;
        int64_t ih = (y1 < g[3] ? y1 : g[3]) - (y0 > g[1] ? y0 : g[1]) + 1;
        if (iw < 0) iw = 0;
        if (ih < 0) ih = 0;
        int64_t inter = iw * ih;
        int64_t uni = area + (g[2] - g[0] + 1) * (g[3] - g[1] + 1) - inter;
        double iou = uni <= 0 ? 0.0 : (double)inter / (double)uni;
        if (iou > best) best = iou;
    }
    return best;
}

/* Neighbour steps in OpenCV's chain-code order: E, NE, N, NW, W, SW, S, SE
 * (counter-clockwise on screen, rows growing downwards). */
static const int32_t step_dx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
static const int32_t step_dy[8] = {0, -1, -1, -1, 0, 1, 1, 1};

/*
 * Twice the polygon area (cv2.contourArea) of the outer border of the
 * component whose first raster pixel is `start`, foreground being qp > l
 * in the zero-padded map qp of row stride pw. Suzuki-Abe outer border
 * following (as findContours), with the shoelace sum taken on the way.
 */
static int64_t outer_area2(const uint8_t *qp, int32_t pw, int32_t start,
                           int l) {
    int32_t off[8];
    for (int d = 0; d < 8; ++d) off[d] = step_dy[d] * pw + step_dx[d];
    /* look clockwise around the start from its west neighbour */
    int d1 = -1;
    for (int t = 0; t < 8; ++t) {
        int d = (4 - t) & 7;
        if (qp[start + off[d]] > l) {
            d1 = d;
            break;
        }
    }
    if (d1 < 0) return 0; /* an isolated pixel */
    const int32_t p1 = start + off[d1];
    int32_t p3 = start, x3 = start % pw, y3 = start / pw;
    int d2 = d1; /* direction from p3 to the previous pixel */
    int64_t sum = 0;
    for (;;) {
        int d4 = d2;
        for (int t = 1; t <= 8; ++t) {
            d4 = (d2 + t) & 7; /* counter-clockwise after the previous */
            if (qp[p3 + off[d4]] > l) break;
        }
        const int32_t p4 = p3 + off[d4];
        const int32_t x4 = x3 + step_dx[d4], y4 = y3 + step_dy[d4];
        sum += (int64_t)x3 * y4 - (int64_t)x4 * y3;
        if (p4 == start && p3 == p1) break;
        d2 = (d4 + 4) & 7;
        p3 = p4;
        x3 = x4;
        y3 = y4;
    }
    return sum < 0 ? -sum : sum;
}

/* Neighbours of a pixel in the descending sweep, bit j of a mask:
 * NW, N, NE, W, E, SW, S, SE. */
enum { NW, N, NE, W, E, SW, S, SE };

/* Per mask of swept neighbours (256 entries, built once):
 *   window_grow: growth of 2 * Q4 + Q3 of p's component when p joins;
 *   euler_step: change of 4 * (components - holes) of the whole image
 *     (Gray's bit-quad formula for 8-connected foreground: 4 E =
 *     Q1 - Q3 - 2 QD over all 2x2 windows of the zero-padded image);
 *   clusters / cluster_rep: the groups of swept neighbours that are 8-
 *     adjacent to each other (so already in one component) and one
 *     neighbour of each: p needs one root look-up per group, not per
 *     neighbour. */
static int8_t window_grow[256], euler_step[256];
static uint8_t clusters[256], cluster_rep[256][4];
/* The same for the ascending sweep (4-connected background), mask bits N,
 * W, E, S, NW, NE, SW, SE: two swept edge neighbours are already in one set
 * when the corner between them is swept too. W, when swept, represents
 * its group (it is often the previous pixel, whose set is known). */
static uint8_t up_clusters[256], up_cluster_rep[256][4];

static void build_tables(void) {
    /* each 2x2 window around p: its horizontal, vertical and diagonal
     * neighbour of p */
    static const int quad[4][3] = {
        {W, N, NW}, {E, N, NE}, {W, S, SW}, {E, S, SE}};
    /* 8-adjacency among the neighbours: consecutive on the ring, and the
     * edge neighbours N-E, E-S, S-W, W-N */
    static const int ring[8] = {NW, N, NE, E, SE, S, SW, W};
    for (int mask = 0; mask < 256; ++mask) {
        int grow = 0, euler = 0;
        for (int i = 0; i < 4; ++i) {
            const int hz = (mask >> quad[i][0]) & 1,
                      vt = (mask >> quad[i][1]) & 1,
                      dg = (mask >> quad[i][2]) & 1, c = hz + vt + dg;
            grow += c >= 2;
            if (c == 0 || c == 3)
                euler += 1;
            else if (c == 1)
                euler += dg ? -3 : -1;
            else
                euler += (hz && vt) ? 1 : -1;
        }
        window_grow[mask] = (int8_t)grow;
        euler_step[mask] = (int8_t)euler;
        int group[8];
        for (int j = 0; j < 8; ++j) group[j] = j;
        for (int i = 0; i < 8; ++i) {
            const int a = ring[i], b = ring[(i + 1) % 8];
            if (((mask >> a) & 1) && ((mask >> b) & 1)) {
                int ga = group[a], gb = group[b];
                for (int j = 0; j < 8; ++j)
                    if (group[j] == gb) group[j] = ga;
            }
        }
        static const int edge[4][2] = {{N, E}, {E, S}, {S, W}, {W, N}};
        for (int i = 0; i < 4; ++i) {
            const int a = edge[i][0], b = edge[i][1];
            if (((mask >> a) & 1) && ((mask >> b) & 1)) {
                int ga = group[a], gb = group[b];
                for (int j = 0; j < 8; ++j)
                    if (group[j] == gb) group[j] = ga;
            }
        }
        int num = 0;
        for (int j = 0; j < 8; ++j) {
            if (!((mask >> j) & 1)) continue;
            int seen = 0;
            for (int i = 0; i < j; ++i)
                seen |= ((mask >> i) & 1) && group[i] == group[j];
            if (!seen) cluster_rep[mask][num++] = (uint8_t)j;
        }
        clusters[mask] = (uint8_t)num;
        /* ascending: edges 0 N, 1 W, 2 E, 3 S; corners 4 NW, 5 NE, 6 SW,
         * 7 SE joining (N, W), (N, E), (W, S), (E, S) */
        static const int corner[4][3] = {{4, 0, 1}, {5, 0, 2}, {6, 1, 3},
                                         {7, 2, 3}};
        int up_group[4] = {0, 1, 2, 3};
        for (int i = 0; i < 4; ++i) {
            const int c = corner[i][0], a = corner[i][1], b = corner[i][2];
            if (((mask >> c) & 1) && ((mask >> a) & 1) && ((mask >> b) & 1)) {
                const int ga = up_group[a], gb = up_group[b];
                for (int j = 0; j < 4; ++j)
                    if (up_group[j] == gb) up_group[j] = ga;
            }
        }
        static const int up_order[4] = {1, 0, 2, 3}; /* W first */
        int up_num = 0, seen_groups = 0;
        for (int t = 0; t < 4; ++t) {
            const int j = up_order[t];
            if (!((mask >> j) & 1) || (seen_groups >> up_group[j] & 1))
                continue;
            seen_groups |= 1 << up_group[j];
            up_cluster_rep[mask][up_num++] = (uint8_t)j;
        }
        up_clusters[mask] = (uint8_t)up_num;
    }
}

/* the sweeps, for 4-byte entries (maps up to 256 x 256) and 8-byte ones */
#define ENTRY_T uint32_t
#define XBITS 8
#define SUFFIX narrow
#include "wsol_box_sweeps.h"
#undef ENTRY_T
#undef XBITS
#undef SUFFIX
#define ENTRY_T uint64_t
#define XBITS 16
#define SUFFIX wide
#include "wsol_box_sweeps.h"
#undef ENTRY_T
#undef XBITS
#undef SUFFIX

/*
 * Core. q: (h, w) uint8, gt: (k, 4) int64. Writes for every level l in
 * [0, 256): v1[l], v2[l] (best IoUs, as wsol_box.scoremap_max_ious returns
 * per threshold) and undecided[l] = 1 where v1[l] must come from
 * findContours. workspace: workspace_bytes(h, w) bytes, 8-aligned.
 * Returns the map's maximum value.
 */
static int box_levels(const uint8_t *q, Py_ssize_t h, Py_ssize_t w,
                      const int64_t *gt, Py_ssize_t k, double *v1, double *v2,
                      uint8_t *undecided, void *workspace) {
    const int32_t pw = (int32_t)(w + 2);
    const Py_ssize_t n = (h + 2) * (w + 2), m = h * w + 1;
    Py_ssize_t count[NUM_LEVELS + 1] = {0};
    /* carve the workspace, widest elements first (alignment) */
    char *cursor = (char *)workspace;
    double *live_iou = (double *)cursor;
    cursor += sizeof(double) * m;
    int64_t *live_area = (int64_t *)cursor;
    cursor += sizeof(int64_t) * m;
    Sweep s;
    s.row_stride = pw;
    s.sets = (Set *)cursor;
    cursor += sizeof(Set) * m;
    s.live = (int32_t *)cursor;
    cursor += sizeof(int32_t) * m;
    /* pixels sorted by value, with their neighbour masks (see
     * wsol_box_sweeps.h): 4-byte entries for maps up to 256 x 256 */
    const int narrow = h <= 256 && w <= 256;
    void *order = cursor;
    cursor += sizeof(uint64_t) * m;
    s.parent = (int32_t *)cursor;
    cursor += sizeof(int32_t) * (n + 1);
    s.set_of = (int32_t *)cursor;
    cursor += sizeof(int32_t) * (n + 1);
    /* per pixel in raster order: which neighbours each sweep has already
     * reached when it reaches the pixel (descending | ascending << 8) */
    uint16_t *masks_px = (uint16_t *)cursor;
    cursor += sizeof(uint16_t) * m;
    uint8_t *qp = (uint8_t *)cursor; /* q with a zero frame */
    /* the sentinel: parent of every pixel not (yet) in a sweep */
    const int32_t none = (int32_t)n;

    memset(qp, 0, (size_t)pw);
    memset(qp + (h + 1) * pw, 0, (size_t)pw);
    int max_value = 0;
    Py_ssize_t part[4][NUM_LEVELS]; /* top even/odd, bottom even/odd */
    memset(part, 0, sizeof(part));
    /* Counting sort, stable (raster order within a value): the sweeps rely
     * on it. The top and bottom halves of the map are counted and placed
     * with separate counters, two per half: runs of equal values would
     * otherwise chain each increment to the previous one's store. */
    const Py_ssize_t half = h / 2;
    for (Py_ssize_t y = 0; y < h; ++y) {
        const uint8_t *row = q + y * w;
        uint8_t *prow = qp + (y + 1) * pw;
        prow[0] = prow[w + 1] = 0;
        memcpy(prow + 1, row, (size_t)w);
        Py_ssize_t *even = part[y < half ? 0 : 2], *odd = even + NUM_LEVELS;
        Py_ssize_t x = 0;
        for (; x + 2 <= w; x += 2) {
            even[row[x]]++;
            odd[row[x + 1]]++;
        }
        if (x < w) even[row[x]]++;
    }
    /* Neighbour masks, in one raster pass (sequential, vectorisable): the
     * sweeps then never read the neighbours' values, whose scattered
     * reads cost more than the rest of a sweep. A neighbour of equal value
     * is reached first iff it precedes the pixel in raster order (NW, N,
     * NE, W), as the sort keeps raster order within a value. Descending
     * (bit order NW, N, NE, W, E, SW, S, SE): the neighbour is above, or
     * equal and first; the zero frame never is (pixels of value 0 are not
     * swept). Ascending (N, W, E, S): below, or equal and first, or the
     * frame. */
    for (Py_ssize_t y = 0; y < h; ++y) {
        const uint8_t *up = qp + y * pw, *row = up + pw, *dn = row + pw;
        uint16_t *mk = masks_px + y * w;
        for (Py_ssize_t x = 1; x <= w; ++x) {
            const uint8_t c = row[x];
            const uint16_t dm = (uint16_t)(
                (up[x - 1] >= c) | (up[x] >= c) << 1 | (up[x + 1] >= c) << 2 |
                (row[x - 1] >= c) << 3 | (row[x + 1] > c) << 4 |
                (dn[x - 1] > c) << 5 | (dn[x] > c) << 6 |
                (dn[x + 1] > c) << 7);
            const uint16_t am = (uint16_t)(
                (up[x] <= c) | (row[x - 1] <= c) << 1 |
                (row[x + 1] < c) << 2 | (dn[x] < c) << 3 |
                (up[x - 1] <= c) << 4 | (up[x + 1] <= c) << 5 |
                (dn[x - 1] < c) << 6 | (dn[x + 1] < c) << 7);
            mk[x - 1] = (uint16_t)(dm | am << 8);
        }
        /* the frame is always swept (N, NW, NE, W of the first row and
         * column already are: 0 <= c) */
        mk[w - 1] |= (1 << 2 | 1 << 5 | 1 << 7) << 8; /* E, NE, SE */
        mk[0] |= (1 << 6) << 8;                        /* SW */
    }
    for (Py_ssize_t x = 0; x < w; ++x) /* S, SW, SE */
        masks_px[(h - 1) * w + x] |= (1 << 3 | 1 << 6 | 1 << 7) << 8;
    Py_ssize_t next_top[NUM_LEVELS], next_bottom[NUM_LEVELS];
    for (int v = 0; v < NUM_LEVELS; ++v) {
        const Py_ssize_t top = part[0][v] + part[1][v];
        count[v + 1] = count[v] + top + part[2][v] + part[3][v];
        next_top[v] = count[v];
        next_bottom[v] = count[v] + top;
        if (count[v + 1] > count[v]) max_value = v;
    }
    if (narrow)
        scatter_narrow((uint32_t *)order, q, masks_px, h, w, half, next_top,
                       next_bottom);
    else
        scatter_wide((uint64_t *)order, q, masks_px, h, w, half, next_top,
                     next_bottom);
    /* quirk: no contour -> the box (0, 0, 0, 0), which still has IoU > 0
     * with a GT box touching the top-left pixel. */
    const double empty_iou = best_iou(0, 0, 0, 0, gt, k);
    for (int l = 0; l < NUM_LEVELS; ++l) {
        v1[l] = v2[l] = empty_iou;
        undecided[l] = 0;
    }

    /* Descending sweep: 8-connected foreground q > l = v - 1. Within a
     * value, pixels come in raster order, so a neighbour of equal value is
     * already swept iff it precedes p (NW, N, NE, W). */
    for (Py_ssize_t p = 0; p <= n; ++p) s.parent[p] = none;
    s.num_sets = s.num_live = 0;
    s.keep = -1;
    int32_t euler4 = 0; /* 4 * (components - holes) of q > l */
    int max_hole_level = -1;
    for (int v = max_value; v >= 1; --v) {
        euler4 = narrow ? sweep_down_value_narrow(
                              &s, (const uint32_t *)order + count[v],
                              (const uint32_t *)order + count[v + 1], euler4)
                        : sweep_down_value_wide(
                              &s, (const uint64_t *)order + count[v],
                              (const uint64_t *)order + count[v + 1], euler4);
        const int l = v - 1;
        const int32_t holes = s.num_live - euler4 / 4;
        if (holes > 0 && l > max_hole_level) max_hole_level = l;
        double best = 0.0;
        for (int32_t i = 0; i < s.num_live; ++i) {
            const Set *e = &s.sets[s.live[i]];
            /* quirk: x1 = x + w, y1 = y + h, clipped to size - 1 */
            int64_t x1 = e->x1 + 1, y1 = e->y1 + 1;
            if (x1 > w - 1) x1 = w - 1;
            if (y1 > h - 1) y1 = h - 1;
            live_iou[i] = best_iou(e->x0, e->y0, x1, y1, gt, k);
            if (live_iou[i] > best) best = live_iou[i];
        }
        v2[l] = best; /* hole boxes are added by the ascending sweep */
        if (s.num_live == 1) {
            v1[l] = live_iou[0];
            continue;
        }
        /* Twice the outer contour areas. Without holes, exact: 2 Q4 + Q3.
         * With holes, 2 Q4 + Q3 is only a lower bound (a hole's windows
         * count in its component's outer contour) and twice the area of
         * the box through the extreme pixel centres an upper bound; the
         * components that may be the largest are traced. */
        int32_t top = 0;
        for (int32_t i = 1; i < s.num_live; ++i)
            if (s.sets[s.live[i]].window > s.sets[s.live[top]].window) top = i;
        const int32_t top_window = s.sets[s.live[top]].window;
        for (int32_t i = 0; i < s.num_live; ++i) {
            const Set *e = &s.sets[s.live[i]];
            if (holes == 0) {
                live_area[i] = e->window;
                continue;
            }
            const int64_t upper =
                2 * (int64_t)(e->x1 - e->x0) * (int64_t)(e->y1 - e->y0);
            live_area[i] = (i == top || upper >= top_window)
                               ? outer_area2(qp, pw, e->first, l)
                               : -1; /* cannot be the largest */
        }
        /* quirk: v1 keeps the FIRST contour of largest area. findContours
         * lists top-level contours last-found first (reverse raster order
         * of their first pixel), each followed by its children, so among
         * top-level components of equal area the one found last wins.
         * Without holes every component is top-level. */
        int32_t win = 0, tie_changes_iou = 0;
        for (int32_t i = 1; i < s.num_live; ++i) {
            if (live_area[i] > live_area[win]) {
                win = i;
                tie_changes_iou = 0;
            } else if (live_area[i] == live_area[win]) {
                if (live_iou[i] != live_iou[win]) tie_changes_iou = 1;
                if (s.sets[s.live[i]].first > s.sets[s.live[win]].first)
                    win = i;
            }
        }
        v1[l] = live_iou[win];
        /* with holes, a tied component may be nested (ordered otherwise) */
        if (holes > 0 && tie_changes_iou) undecided[l] = 1;
    }

    /* Ascending sweep, only up to the last level with a hole: 4-connected
     * background q <= l. The zero frame is one set rooted at pixel 0 (a
     * frame pixel) that always survives; the other sets are the holes. */
    if (max_hole_level < 0) return max_value;
    for (Py_ssize_t p = 0; p <= n; ++p) s.parent[p] = none;
    for (int32_t x = 0; x < pw; ++x)
        s.parent[x] = s.parent[(h + 1) * pw + x] = 0;
    for (Py_ssize_t y = 1; y <= h; ++y)
        s.parent[y * pw] = s.parent[y * pw + w + 1] = 0;
    s.num_sets = s.num_live = 0;
    s.keep = -1;
    new_set(&s, 0, -1, -1);
    s.sets[0].size = (int32_t)n;
    s.num_live = 0; /* the frame's set is never a hole */
    s.keep = 0;
    for (int v = 0; v <= max_hole_level; ++v) {
        if (narrow)
            sweep_up_value_narrow(&s, (const uint32_t *)order + count[v],
                                  (const uint32_t *)order + count[v + 1]);
        else
            sweep_up_value_wide(&s, (const uint64_t *)order + count[v],
                                (const uint64_t *)order + count[v + 1]);
        for (int32_t i = 0; i < s.num_live; ++i) {
            const Set *e = &s.sets[s.live[i]];
            /* the hole border runs one pixel outside the hole;
             * quirk: x1 = x + w, y1 = y + h, clipped to size - 1 */
            int64_t x1 = e->x1 + 2, y1 = e->y1 + 2;
            if (x1 > w - 1) x1 = w - 1;
            if (y1 > h - 1) y1 = h - 1;
            const double iou = best_iou(e->x0 - 1, e->y0 - 1, x1, y1, gt, k);
            if (iou > v2[v]) v2[v] = iou;
        }
    }
    return max_value;
}

/* Python: box_levels(q, h, w, gt, v1, v2, undecided, workspace). q:
 * C-contiguous (h, w) uint8; gt: C-contiguous (k, 4) int64, k >= 1; v1,
 * v2: writable float64 (256,); undecided: writable uint8 (256,);
 * workspace: writable, at least workspace_bytes(h, w) bytes, 8-aligned.
 * Returns the maximum of q. The GIL is released. */
static PyObject *py_box_levels(PyObject *self, PyObject *args) {
    Py_buffer q, gt, v1, v2, und, ws;
    Py_ssize_t h, w;
    if (!PyArg_ParseTuple(args, "y*nny*w*w*w*w*", &q, &h, &w, &gt, &v1, &v2,
                          &und, &ws))
        return NULL;
    PyObject *result = NULL;
    if (h < 1 || w < 1 || (h + 2) * (w + 2) > INT32_MAX / 2 || h > 65535 ||
        w > 65535 ||
        q.len != h * w || gt.len < 32 || gt.len % 32 != 0 ||
        v1.len != NUM_LEVELS * 8 || v2.len != NUM_LEVELS * 8 ||
        und.len != NUM_LEVELS || ws.len < workspace_bytes(h, w) ||
        ((uintptr_t)ws.buf) % 8 != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "box_levels: expected an (h, w) uint8 map, (k >= 1, "
                        "4) int64 boxes, 256-long outputs and an 8-aligned "
                        "workspace of workspace_bytes(h, w) bytes");
        goto done;
    }
    int max_value;
    Py_BEGIN_ALLOW_THREADS
    max_value = box_levels((const uint8_t *)q.buf, h, w,
                           (const int64_t *)gt.buf, gt.len / 32,
                           (double *)v1.buf, (double *)v2.buf,
                           (uint8_t *)und.buf, ws.buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLong(max_value);
done:
    PyBuffer_Release(&q);
    PyBuffer_Release(&gt);
    PyBuffer_Release(&v1);
    PyBuffer_Release(&v2);
    PyBuffer_Release(&und);
    PyBuffer_Release(&ws);
    return result;
}

/* Python: workspace_bytes(h, w) -> int */
static PyObject *py_workspace_bytes(PyObject *self, PyObject *args) {
    Py_ssize_t h, w;
    if (!PyArg_ParseTuple(args, "nn", &h, &w)) return NULL;
    if (h < 1 || w < 1) {
        PyErr_SetString(PyExc_ValueError, "workspace_bytes: h, w >= 1");
        return NULL;
    }
    return PyLong_FromSsize_t(workspace_bytes(h, w));
}

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
static Py_ssize_t resize_workspace_bytes(Py_ssize_t sh, Py_ssize_t dh,
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
static int resize_quantize(const double *src, Py_ssize_t sh, Py_ssize_t sw,
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
static PyObject *py_resize_normalize_quantize(PyObject *self,
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
static PyObject *py_resize_workspace_bytes(PyObject *self, PyObject *args) {
    Py_ssize_t sh, dh, dw;
    if (!PyArg_ParseTuple(args, "nnn", &sh, &dh, &dw)) return NULL;
    if (sh < 1 || dh < 1 || dw < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "resize_workspace_bytes: sizes >= 1");
        return NULL;
    }
    return PyLong_FromSsize_t(resize_workspace_bytes(sh, dh, dw));
}

/*
 * The whole per-image reduction of WSOLEvaluator in the benchmark frame,
 * in one call without the GIL (the Python glue around the other calls cost
 * as much as a sweep, and held the GIL):
 *   map (sh, sw) float32 or float64 -> bicubic resize to (dh, dw),
 *   normalisation, float32 rounding, quantisation (resize_normalize_quantize)
 *   -> box_levels -> hit flags per level (v1 at iou[0], v2 at iou[1..]) ->
 *   per threshold t, level int(t * max) -> bits packed as np.packbits does.
 * Returns the hit flag at the last threshold, or -1 if a level needs the
 * findContours fallback or a value is not finite (the caller then takes
 * the step-by-step path).
 */
static int wsol_record(const void *src, int src_is_double, Py_ssize_t sh,
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
    if (!resize_quantize(src_is_double ? (const double *)src : srcd, sh, sw,
                         dh, dw, resize_ws, q))
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
 * is_double, gt, bits): map C-contiguous float32/float64 (sh, sw), gt int64
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
    Py_ssize_t *dims = (Py_ssize_t *)calloc((size_t)(3 * n + 1),
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
        int is_double;
        if (!PyArg_ParseTuple(task, "OnnpOO", &map, &sh, &sw, &is_double,
                              &gt, &bits))
            goto done;
        dims[3 * i] = sh;
        dims[3 * i + 1] = sw;
        dims[3 * i + 2] = is_double;
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
        if (sh < 1 || sw < 1 ||
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
            ret[i] = wsol_record(bufs[3 * i].buf, (int)dims[3 * i + 2],
                                 dims[3 * i], dims[3 * i + 1], dh, dw,
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

/* Python: normalize_quantize(src, dst) -> bool. src: contiguous float64
 * map, dst: writable uint8 of the same number of elements. Writes
 * (float64(float32((x - min) / (max - min))) * 255) truncated to uint8,
 * i.e. resize_scoremap's min-max normalisation, the float32 of a score-map
 * dump, then quantize_scoremap, with the same IEEE operations as numpy.
 * A constant map gives zeros (as normalize_scoremap). Returns False (dst
 * untouched) if a value is not finite: the caller's numpy path reports it.
 * The GIL is released. */
static PyObject *py_normalize_quantize(PyObject *self, PyObject *args) {
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

PyMODINIT_FUNC PyInit__wsol_box_ext(void) {
    build_tables();
    return PyModule_Create(&module);
}

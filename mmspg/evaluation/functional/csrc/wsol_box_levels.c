/*
 * Exact WSOL box evaluation of a uint8 score map at every threshold level at
 * once (part of the extension module _wsol_box_ext, see wsol_box_ext.h).
 * One algorithm, hence one file past 400 lines: the sweeps, the sets they
 * build and the level-by-level reading of those sets share the Set / Sweep
 * bookkeeping and the neighbourhood tables below.
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
#include "wsol_box_ext.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
Py_ssize_t workspace_bytes(Py_ssize_t h, Py_ssize_t w) {
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

void build_tables(void) {
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
int box_levels(const uint8_t *q, Py_ssize_t h, Py_ssize_t w,
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
PyObject *py_box_levels(PyObject *self, PyObject *args) {
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
PyObject *py_workspace_bytes(PyObject *self, PyObject *args) {
    Py_ssize_t h, w;
    if (!PyArg_ParseTuple(args, "nn", &h, &w)) return NULL;
    if (h < 1 || w < 1) {
        PyErr_SetString(PyExc_ValueError, "workspace_bytes: h, w >= 1");
        return NULL;
    }
    return PyLong_FromSsize_t(workspace_bytes(h, w));
}

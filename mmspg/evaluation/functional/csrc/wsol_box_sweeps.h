/*
 * Sweeps and sort scatter of wsol_box_levels.c, included twice as a
 * template over the entry of the sorted pixel stream:
 *   ENTRY_T  the entry type: x | y << XBITS | down mask << 2 XBITS |
 *            up mask << (2 XBITS + 8)
 *   XBITS    bits of a coordinate (8: maps up to 256 x 256 in 4-byte
 *            entries, half the memory traffic of the general 8-byte ones)
 *   SUFFIX   appended to the function names
 */
#define SWEEP_CAT2(a, b) a##_##b
#define SWEEP_CAT(a, b) SWEEP_CAT2(a, b)
#define SWEEP_NAME(name) SWEEP_CAT(name, SUFFIX)
#define ENTRY_X(e) ((int32_t)((e) & ((1u << XBITS) - 1)))
#define ENTRY_Y(e) ((int32_t)((e) >> XBITS & ((1u << XBITS) - 1)))
#define ENTRY_KEY(e) ((uint32_t)((e) & (((ENTRY_T)1 << 2 * XBITS) - 1)))
#define ENTRY_DOWN(e) ((int)((e) >> 2 * XBITS & 0xff))
#define ENTRY_UP(e) ((int)((e) >> (2 * XBITS + 8) & 0xff))
#define MAKE_ENTRY(x, y, masks)                                          \
    ((ENTRY_T)(x) | (ENTRY_T)(y) << XBITS | (ENTRY_T)(masks) << 2 * XBITS)

/*
 * Descending sweep over the pixels of value v (raster order), given the
 * sets of the pixels above v. Returns the updated 4 * Euler number. Kept
 * apart from box_levels, with few live variables, so that the compiler
 * keeps them in registers: spilled accumulators chained every pixel to the
 * previous one's stores and tripled the cost of the sweep.
 */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static NOINLINE int32_t SWEEP_NAME(sweep_down_value)(
    Sweep *s, const ENTRY_T *begin, const ENTRY_T *end, int32_t euler4) {
    int32_t *const parent = s->parent;
    const int32_t pw = s->row_stride;
    const int32_t nb8[8] = {-pw - 1, -pw, -pw + 1, -1, 1, pw - 1, pw, pw + 1};
    int32_t prev_p = -1, prev_r = -1, root = -1, window = 0;
    Set *e = NULL; /* the set of `root`, whose window is held in `window` */
    for (const ENTRY_T *it = begin; it != end; ++it) {
        const int32_t x = ENTRY_X(*it), y = ENTRY_Y(*it);
        const int32_t p = (y + 1) * pw + x + 1;
        const int mask = ENTRY_DOWN(*it);
        euler4 += euler_step[mask];
        if (mask == 0) { /* a new component (a regional maximum) */
            if (e) e->window = window;
            e = NULL;
            root = -1;
            new_set(s, p, x, y);
            prev_p = prev_r = p;
            continue;
        }
        /* Two thirds of the pixels continue a run of their value: their
         * west neighbour, the previous pixel, gives the root without a
         * look-up. */
        int32_t r = p - 1 == prev_p
                        ? prev_r
                        : root_of(parent, p + nb8[cluster_rep[mask][0]]);
        if (clusters[mask] > 1) { /* p may join several components */
            if (e) e->window = window;
            e = NULL;
            root = -1;
            for (int j = 0; j < clusters[mask]; ++j) {
                const int32_t a =
                    root_of(parent, p + nb8[cluster_rep[mask][j]]);
                if (a != r) r = join(s, r, a);
            }
        }
        if (r != root) {
            if (e) e->window = window;
            e = &s->sets[s->set_of[r]];
            window = e->window;
            root = r;
        }
        parent[p] = r;
        /* 2 * Q4 + Q3 grows by one per 2x2 window around p that had 2 or 3
         * swept pixels (2 -> 3: a new Q3; 3 -> 4: a Q3 becomes a Q4) */
        window += window_grow[mask];
        /* rarely taken: predicted branches, no store per pixel */
        if (p < e->first) e->first = p;
        if (x < e->x0) e->x0 = x;
        if (y < e->y0) e->y0 = y;
        if (y > e->y1) e->y1 = y;
        /* The run of value v goes on to the right (two thirds of the
         * pixels): same row, so same root as long as every swept
         * neighbour is connected to W, the previous pixel; only the
         * window and Euler sums and the right end change. */
        uint32_t next_key = ENTRY_KEY(*it) + 1; /* x + 1, same y */
        int32_t q = p;
        while (it + 1 != end && ENTRY_KEY(it[1]) == next_key &&
               clusters[ENTRY_DOWN(it[1])] == 1) {
            ++it;
            const int m = ENTRY_DOWN(*it);
            euler4 += euler_step[m];
            window += window_grow[m];
            parent[++q] = r;
            ++next_key;
        }
        const int32_t x_end = x + (q - p);
        if (x_end > e->x1) e->x1 = x_end;
        prev_p = q;
        prev_r = r;
    }
    if (e) e->window = window;
    return euler4;
}

/*
 * Ascending sweep over the pixels of one value (raster order), given the
 * sets of the pixels below it: 4-connected, the frame's set (pixel 0)
 * always survives. Same register-friendly layout as sweep_down_value.
 */
static NOINLINE void SWEEP_NAME(sweep_up_value)(Sweep *s,
                                                const ENTRY_T *begin,
                                                const ENTRY_T *end) {
    int32_t *const parent = s->parent;
    const int32_t pw = s->row_stride;
    const int32_t nb4[4] = {-pw, -1, 1, pw}; /* bit order N, W, E, S */
    int32_t prev_p = -1, prev_r = -1, root = -1, size = 0;
    Set *e = NULL; /* the set of `root`, whose size is held in `size` */
    for (const ENTRY_T *it = begin; it != end; ++it) {
        const int32_t x = ENTRY_X(*it), y = ENTRY_Y(*it);
        const int32_t p = (y + 1) * pw + x + 1;
        const int mask = ENTRY_UP(*it);
        if ((mask & 0xf) == 0) { /* a new set (no swept edge neighbour) */
            if (e) e->size = size;
            e = NULL;
            root = -1;
            new_set(s, p, x, y);
            prev_p = prev_r = p;
            continue;
        }
        /* W is the previous pixel when the run of the value goes on; one
         * look-up per group of already connected neighbours otherwise */
        const int run = p - 1 == prev_p;
        int32_t r = -1;
        for (int j = 0; j < up_clusters[mask]; ++j) {
            const int nb = up_cluster_rep[mask][j];
            const int32_t a =
                nb == 1 && run ? prev_r : root_of(parent, p + nb4[nb]);
            if (r < 0) {
                r = a;
            } else if (a != r) {
                if (e) e->size = size;
                e = NULL;
                root = -1;
                r = join(s, r, a);
            }
        }
        if (r != root) {
            if (e) e->size = size;
            e = &s->sets[s->set_of[r]];
            size = e->size;
            root = r;
        }
        parent[p] = r;
        size++;
        /* the run goes on to the right while W is the only group */
        uint32_t next_key = ENTRY_KEY(*it) + 1; /* x + 1, same y */
        int32_t q = p;
        while (it + 1 != end && ENTRY_KEY(it[1]) == next_key &&
               up_clusters[ENTRY_UP(it[1])] == 1) {
            ++it;
            parent[++q] = r;
            ++next_key;
        }
        size += q - p;
        prev_p = q;
        prev_r = r;
        if (r == 0) continue; /* the frame's set: its box is never used */
        if (x < e->x0) e->x0 = x;
        if (x + (q - p) > e->x1) e->x1 = x + (q - p);
        if (y < e->y0) e->y0 = y;
        if (y > e->y1) e->y1 = y;
    }
    if (e) e->size = size;
}

/*
 * The counting sort's scatter: pixels by value (raster order within a
 * value), each with its neighbour masks. The top and bottom halves of the
 * map have separate counters: runs of equal values would otherwise chain
 * each increment to the previous one's store.
 */
static void SWEEP_NAME(scatter)(ENTRY_T *order, const uint8_t *q,
                                const uint16_t *masks_px, Py_ssize_t h,
                                Py_ssize_t w, Py_ssize_t half,
                                Py_ssize_t *next_top,
                                Py_ssize_t *next_bottom) {
    for (Py_ssize_t y = 0; y < h - half; ++y) {
        const Py_ssize_t ib = (y + half) * w;
        const uint8_t *row_b = q + ib;
        const uint16_t *mk_b = masks_px + ib;
        if (y < half) {
            const Py_ssize_t it = y * w;
            const uint8_t *row_t = q + it;
            const uint16_t *mk_t = masks_px + it;
            for (Py_ssize_t x = 0; x < w; ++x) {
                order[next_top[row_t[x]]++] = MAKE_ENTRY(x, y, mk_t[x]);
                order[next_bottom[row_b[x]]++] =
                    MAKE_ENTRY(x, y + half, mk_b[x]);
            }
        } else {
            for (Py_ssize_t x = 0; x < w; ++x)
                order[next_bottom[row_b[x]]++] =
                    MAKE_ENTRY(x, y + half, mk_b[x]);
        }
    }
}

#undef SWEEP_CAT2
#undef SWEEP_CAT
#undef SWEEP_NAME
#undef ENTRY_X
#undef ENTRY_Y
#undef ENTRY_KEY
#undef ENTRY_DOWN
#undef ENTRY_UP
#undef MAKE_ENTRY

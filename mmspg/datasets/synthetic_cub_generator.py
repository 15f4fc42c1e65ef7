"""A small synthetic stand-in for CUB-200-2011, for demos and smoke tests.

Each image shows one "bird" on a cluttered background. The bird is a large
textured body (ellipse + tail + wing) whose shape, brown base colours and
textures are shared by every class, with a small "head" attached at one
end whose saturated colour and shape tell the class -- like a real bird,
whose species is told best by a few parts. The body holds only hints of
the class (``body_class_bias``: with that probability the body hue comes
from a narrow class-specific band of the shared brown range and the
texture from the class's preferred kind), as a bird's plumage hints at its
species; and the body colour (hence its texture and wing) is blended part
of the way (``body_tint``, 30-55 %) towards the class colour of the head,
as a species' colour often tints its whole plumage. Without the tint
(version 2) a CAM trained from scratch finds the head only and localises
worse than a centred box; with it a classifier still learns most from the
saturated head, so a plain CAM peaks on the head and is weaker on the
body: the situation SPG addresses.
The box is the tight box of body + head + tail.

Backgrounds hold low-frequency colour noise, stripes, soft blobs (sometimes
in body-like colours) and distractor shapes drawn from the head shapes but
in neutral colours, so neither the background nor a shape alone identifies
a class. Everything is drawn with numpy + OpenCV from one seed, so the same
arguments give byte-identical files (for a given OpenCV/libjpeg build).

The output follows the official CUB layout (``images/``, ``images.txt``,
``image_class_labels.txt``, ``train_test_split.txt``,
``bounding_boxes.txt``, ``classes.txt``) plus the WSOL benchmark metadata
of both splits under ``metadata/{train,test}/`` and ``synthetic_cub.json``
recording the arguments.
"""
import json
import math
import os
import os.path as osp
import shutil
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

__all__ = [
    'generate_synthetic_cub', 'ensure_synthetic_cub',
    'resolve_synthetic_cub_cfg', 'SYNTHETIC_META_FILE'
]

SYNTHETIC_META_FILE = 'synthetic_cub.json'
# Bump when the drawing changes, so a stale folder is detected.
GENERATOR_VERSION = 3

# (name, head colour BGR, head shape); one distinct colour and shape each.
CLASS_SPECS = [
    ('Red_Roundhead', (40, 40, 220), 'circle'),
    ('Blue_Trianglehead', (220, 90, 30), 'triangle'),
    ('Yellow_Squarehead', (30, 220, 240), 'square'),
    ('Magenta_Diamondhead', (200, 40, 210), 'diamond'),
    ('Cyan_Starhead', (230, 230, 40), 'star'),
    ('Orange_Crosshead', (20, 140, 250), 'cross'),
    ('Lime_Hexhead', (40, 240, 120), 'hexagon'),
    ('White_Ringhead', (250, 250, 250), 'ring'),
]
SHAPES = [spec[2] for spec in CLASS_SPECS]

DEFAULT_CFG = dict(
    seed=0,
    num_classes=8,
    train_per_class=60,
    test_per_class=20,
    min_side=120,
    max_side=260,
    object_area_range=(0.05, 0.6),
    jpeg_quality=88,
    write_wsol_metadata=True,
    body_class_bias=0.8,
    body_tint=(0.3, 0.55),
)


def resolve_synthetic_cub_cfg(**cfg) -> dict:
    """Fill defaults and validate generator arguments.

    Returns:
        dict: JSON-friendly arguments (tuples as lists), as recorded in
        ``synthetic_cub.json``.
    """
    unknown = set(cfg) - set(DEFAULT_CFG)
    if unknown:
        raise TypeError(f'Unknown synthetic CUB option(s) {sorted(unknown)}; '
                        f'known: {sorted(DEFAULT_CFG)}.')
    out = {**DEFAULT_CFG, **cfg}
    if not 2 <= out['num_classes'] <= len(CLASS_SPECS):
        raise ValueError(f'num_classes must be in [2, {len(CLASS_SPECS)}], '
                         f'got {out["num_classes"]}.')
    if out['train_per_class'] < 1 or out['test_per_class'] < 1:
        raise ValueError('train_per_class and test_per_class must be >= 1.')
    if not 32 <= out['min_side'] <= out['max_side']:
        raise ValueError('need 32 <= min_side <= max_side.')
    lo, hi = out['object_area_range']
    if not 0 < lo <= hi <= 0.9:
        raise ValueError('object_area_range must satisfy 0 < lo <= hi <= 0.9')
    tint = out['body_tint']
    if (not isinstance(tint, (list, tuple)) or len(tint) != 2
            or not 0 <= tint[0] <= tint[1] <= 1):
        raise ValueError('body_tint must be (lo, hi) with 0 <= lo <= hi <= 1,'
                         f' got {tint!r}.')
    if not 0 <= out['body_class_bias'] <= 1:
        raise ValueError('body_class_bias must be in [0, 1], got '
                         f'{out["body_class_bias"]}.')
    return json.loads(json.dumps(out))


# --------------------------------------------------------------- geometry
def _shape_polygons(shape: str) -> List[np.ndarray]:
    """Unit-radius polygons (float (P, 2)) of a head shape, centred at 0.

    ``ring`` returns the outer and inner circles; the inner one is drawn
    as a hole.
    """

    def regular(n, phase=0.0, r=1.0):
        t = np.arange(n) * 2 * np.pi / n + phase
        return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)

    if shape == 'circle':
        return [regular(32)]
    if shape == 'ring':
        return [regular(32), regular(32, r=0.5)]
    if shape == 'triangle':
        return [regular(3, -np.pi / 2) * 1.15]
    if shape == 'square':
        return [regular(4, np.pi / 4) * 1.05]
    if shape == 'diamond':
        return [regular(4) * np.array([0.8, 1.2])]
    if shape == 'hexagon':
        return [regular(6)]
    if shape == 'star':
        outer = regular(5, -np.pi / 2, 1.2)
        inner = regular(5, -np.pi / 2 + np.pi / 5, 0.5)
        return [np.stack([outer, inner], axis=1).reshape(-1, 2)]
    if shape == 'cross':
        a, b = 1.0, 0.36
        return [
            np.array([[-b, -a], [b, -a], [b, -b], [a, -b], [a, b], [b, b],
                      [b, a], [-b, a], [-b, b], [-a, b], [-a, -b], [-b, -b]])
        ]
    raise ValueError(shape)


def _ellipse(cx, cy, ax, ay, n=48) -> np.ndarray:
    t = np.arange(n) * 2 * np.pi / n
    return np.stack([cx + ax * np.cos(t), cy + ay * np.sin(t)], axis=1)


def _bird_parts(rng: np.random.Generator, shape: str) -> Dict[str, list]:
    """Polygons of one bird in a local frame (body semi-major axis = 1)."""
    e = rng.uniform(0.42, 0.62)  # body thickness
    body = _ellipse(0, 0, 1.0, e)
    tail_len = rng.uniform(0.35, 0.6)
    spread = rng.uniform(0.15, 0.35)
    tail = np.array([[-0.8, -0.18 * e], [-0.8 - tail_len, -spread - 0.1],
                     [-0.8 - 0.7 * tail_len, 0.0],
                     [-0.8 - tail_len, spread + 0.1], [-0.8, 0.18 * e]])
    wing = _ellipse(
        rng.uniform(-0.25, 0.05),
        rng.uniform(-0.1, 0.15) * e, rng.uniform(0.45, 0.65),
        e * rng.uniform(0.35, 0.55))
    r = rng.uniform(0.24, 0.32)  # head radius: a small part of the object
    hx, hy = 0.93 + 0.55 * r, rng.uniform(-0.25, 0.05) * e
    rot = rng.uniform(0, 2 * np.pi) if shape == 'circle' else \
        rng.uniform(-0.3, 0.3)
    c, s = math.cos(rot), math.sin(rot)
    head = [(p @ np.array([[c, s], [-s, c]])) * r + [hx, hy]
            for p in _shape_polygons(shape)]
    return dict(body=[body], tail=[tail], wing=[wing], head=head)


def _transform(parts: Dict[str, list], scale: float, angle: float, flip: bool,
               offset: Sequence[float]) -> Dict[str, list]:
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, s], [-s, c]])
    out = {}
    for k, polys in parts.items():
        out[k] = []
        for p in polys:
            q = p * [(-1.0 if flip else 1.0), 1.0]
            out[k].append(q @ rot * scale + offset)
    return out


def _bounds(parts: Dict[str, list]) -> Tuple[float, float, float, float]:
    pts = np.concatenate(
        [p for k in ('body', 'tail', 'head') for p in parts[k]])
    return (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())


_SHIFT = 4  # sub-pixel bits for cv2.fillPoly


def _fill(img, polys, colour, line_type=cv2.LINE_AA):
    pts = [np.round(p * (1 << _SHIFT)).astype(np.int32) for p in polys]
    cv2.fillPoly(img, pts, colour, line_type, _SHIFT)


# ---------------------------------------------------------------- drawing
def _hsv_colour(h, s, v) -> np.ndarray:
    """One BGR colour (float) from OpenCV HSV (h in [0, 180))."""
    px = np.uint8(
        [[[int(h) % 180,
           int(np.clip(s, 0, 255)),
           int(np.clip(v, 0, 255))]]])
    return cv2.cvtColor(px, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)


def _body_colour(rng, hue_range=(5, 35)) -> np.ndarray:
    # Browns, olives and greys: shared by every class.
    return _hsv_colour(
        rng.uniform(*hue_range), rng.uniform(40, 150), rng.uniform(80, 190))


def _class_body_hues(label: int, num_classes: int) -> Tuple[float, float]:
    """The narrow hue band inside the shared (5, 35) range that a class's
    body prefers."""
    centre = 5 + 30 * (label + 0.5) / num_classes
    half = 15 / num_classes
    return centre - half, centre + half


def _ramp(h: int, w: int, angle: float) -> np.ndarray:
    """(h, w) float32 distance along direction ``angle`` (radians)."""
    x = np.arange(w, dtype=np.float32) * np.float32(math.cos(angle))
    y = np.arange(h, dtype=np.float32) * np.float32(math.sin(angle))
    return y[:, None] + x[None, :]


def _background(rng, h: int, w: int) -> np.ndarray:
    base = _hsv_colour(
        rng.uniform(0, 180), rng.uniform(20, 110), rng.uniform(90, 210))
    gh, gw = max(2, h // 24), max(2, w // 24)
    noise = rng.normal(0, 28, (gh, gw, 3)).astype(np.float32)
    img = base + cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    if rng.random() < 0.6:  # stripes in a random direction
        t = rng.uniform(0, np.pi)
        period = rng.uniform(8, 40)
        wave = np.sin(
            _ramp(h, w, t) * (2 * np.pi / period) + rng.uniform(0, 2 * np.pi))
        img += (
            wave[..., None] * rng.uniform(8, 25) *
            rng.uniform(0.5, 1.0, 3).astype(np.float32))
    for _ in range(rng.integers(3, 9)):  # soft blobs
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        axes = (int(rng.uniform(0.05, 0.3) * w),
                int(rng.uniform(0.05, 0.3) * h))
        angle, sigma = rng.uniform(0, 180), rng.uniform(1, 4)
        colour = (
            _body_colour(rng) if rng.random() < 0.35 else _hsv_colour(
                rng.uniform(0, 180), rng.uniform(20, 140), rng.uniform(
                    60, 220)))
        opacity = rng.uniform(0.4, 0.9)
        # Blend only the window the blurred blob can reach (speed).
        r = max(axes) + int(3 * sigma) + 2
        x0, y0 = max(0, cx - r), max(0, cy - r)
        x1, y1 = min(w, cx + r + 1), min(h, cy + r + 1)
        layer = np.zeros((y1 - y0, x1 - x0), np.float32)
        cv2.ellipse(layer, (cx - x0, cy - y0), axes, angle, 0, 360, 1.0, -1,
                    cv2.LINE_AA)
        alpha = cv2.GaussianBlur(layer, (0, 0), sigma)[..., None] * opacity
        roi = img[y0:y1, x0:x1]
        roi += (colour - roi) * alpha
    return img


def _distractors(rng, img: np.ndarray) -> None:
    h, w = img.shape[:2]
    for _ in range(rng.integers(1, 5)):
        shape = SHAPES[rng.integers(len(SHAPES))]
        r = rng.uniform(0.03, 0.08) * min(h, w)
        centre = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        polys = [p * r + centre for p in _shape_polygons(shape)]
        # Neutral colours only: a head colour would give the class away.
        grey = rng.uniform(40, 170)  # darker than the white ring head
        colour = tuple(
            float(np.clip(grey + d, 0, 255)) for d in rng.normal(0, 12, 3))
        _fill(img, polys[:1], colour)
        if len(polys) > 1:  # ring: a darker hole
            _fill(img, polys[1:], tuple(0.6 * c for c in colour))


def _draw_bird(rng, img: np.ndarray, parts: Dict[str, list],
               head_colour: Tuple[int, int, int], label: int,
               num_classes: int, body_class_bias: float,
               body_tint: Sequence[float]) -> None:
    h, w = img.shape[:2]
    # The weak class hints of the body (see the module docstring).
    biased = rng.random() < body_class_bias
    body_col = _body_colour(
        rng, _class_body_hues(label, num_classes) if biased else (5, 35))
    tint = rng.uniform(*body_tint)
    body_col = (1 - tint) * body_col + tint * np.float32(head_colour)
    spots = (label % 2 == 0) if biased else (rng.random() < 0.5)
    dark = body_col * rng.uniform(0.55, 0.8)
    light = np.clip(body_col * rng.uniform(1.1, 1.35), 0, 255)

    # Body + tail with a shared texture (spots or bars), confined to the
    # body by a mask.
    layer = np.empty_like(img)
    layer[:] = body_col
    body_pts = np.concatenate(parts['body'] + parts['tail'])
    bx0, by0 = body_pts.min(axis=0)
    bx1, by1 = body_pts.max(axis=0)
    scale = max(3.0, np.ptp(parts['body'][0][:, 0]) / 2)
    if spots:
        for _ in range(rng.integers(8, 20)):
            pt = (int(rng.uniform(bx0, bx1)), int(rng.uniform(by0, by1)))
            cv2.circle(
                layer, pt, max(1, int(scale * rng.uniform(0.05, 0.15))),
                tuple(map(float, dark if rng.random() < 0.6 else light)), -1,
                cv2.LINE_AA)
    else:
        t = rng.uniform(0, np.pi)
        bars = np.sin(
            _ramp(h, w, t) * (2 * np.pi /
                              (scale * rng.uniform(0.2, 0.4)))) > 0.3
        layer[bars] = dark
    mask = np.zeros((h, w), np.float32)
    _fill(mask, parts['body'] + parts['tail'], 1.0)
    alpha = mask[..., None]
    img[:] = img * (1 - alpha) + layer * alpha

    _fill(img, parts['wing'], tuple(map(float, dark)))
    # Head: the only class-specific part.
    _fill(img, parts['head'][:1], tuple(map(float, head_colour)))
    if len(parts['head']) > 1:  # ring: body colour in the hole
        _fill(img, parts['head'][1:], tuple(map(float, body_col)))
    # A small dark eye on the head, shared by all classes.
    hc = parts['head'][0].mean(axis=0)
    er = max(1.0, 0.12 * np.ptp(parts['head'][0][:, 0]))
    cv2.circle(img, (int(round(hc[0] * 16)), int(round(hc[1] * 16))),
               int(round(er * 16)), (20.0, 20.0, 20.0), -1, cv2.LINE_AA, 4)


def _render(seed: int, index: int, label: int,
            cfg: dict) -> Tuple[np.ndarray, List[int], float]:
    """Draw one image; returns (BGR uint8 image, [x, y, w, h], box area
    fraction)."""
    rng = np.random.default_rng([seed, index])
    w = int(rng.integers(cfg['min_side'], cfg['max_side'] + 1))
    h = int(rng.integers(cfg['min_side'], cfg['max_side'] + 1))
    img = _background(rng, h, w)
    _distractors(rng, img)

    name, head_colour, shape = CLASS_SPECS[label]
    parts = _bird_parts(rng, shape)
    angle = rng.uniform(-0.7, 0.7)
    flip = bool(rng.random() < 0.5)
    unit = _transform(parts, 1.0, angle, flip, (0.0, 0.0))
    x0, y0, x1, y1 = _bounds(unit)
    lo, hi = cfg['object_area_range']
    # Log-uniform area: as many small objects as large ones.
    target = math.exp(rng.uniform(math.log(lo), math.log(hi))) * w * h
    scale = math.sqrt(target / ((x1 - x0) * (y1 - y0)))
    scale = min(scale, (w - 4) / (x1 - x0), (h - 4) / (y1 - y0))
    bw, bh = (x1 - x0) * scale, (y1 - y0) * scale
    ox = rng.uniform(1, w - 1 - bw) - x0 * scale
    oy = rng.uniform(1, h - 1 - bh) - y0 * scale
    parts = _transform(parts, scale, angle, flip, (ox, oy))
    _draw_bird(rng, img, parts, head_colour, label, cfg['num_classes'],
               cfg['body_class_bias'], cfg['body_tint'])

    img += rng.standard_normal(img.shape, dtype=np.float32) * 4
    img = np.clip(img, 0, 255).astype(np.uint8)

    bx0, by0, bx1, by1 = _bounds(parts)
    x = max(0, int(math.floor(bx0)))
    y = max(0, int(math.floor(by0)))
    box = [
        x, y,
        min(w, int(math.ceil(bx1))) - x,
        min(h, int(math.ceil(by1))) - y
    ]
    return img, box, box[2] * box[3] / (w * h)


# ------------------------------------------------------------------ files
def generate_synthetic_cub(root: str, **cfg) -> dict:
    """Write a synthetic CUB-layout data set into ``root``.

    Args:
        root (str): Output folder (created; existing files are overwritten).
        **cfg: ``seed`` (0), ``num_classes`` (8, at most 8),
            ``train_per_class`` (60), ``test_per_class`` (20), ``min_side``
            / ``max_side`` (120 / 260 px, drawn independently for w and h),
            ``object_area_range`` ((0.05, 0.6), box area / image area,
            log-uniform), ``jpeg_quality`` (88), ``write_wsol_metadata``
            (True: also write ``metadata/{train,test}/`` in the WSOL
            benchmark format), ``body_class_bias`` (0.8, probability that
            the body hue band and texture follow the class),
            ``body_tint`` ((0.3, 0.55), range of the blend of the body
            colour towards the class colour).

    Returns:
        dict: Summary: ``num_images``, ``num_train``, ``num_test``,
        ``total_bytes``, ``area_fractions`` (list, box area / image area per
        image), ``sizes`` (list of (w, h)).
    """
    cfg = resolve_synthetic_cub_cfg(**cfg)
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    lines = dict(images=[], labels=[], split=[], boxes=[])
    meta = {
        s: dict(ids=[], labels=[], sizes=[], boxes=[])
        for s in ('train', 'test')
    }
    summary = dict(area_fractions=[], sizes=[], total_bytes=0)
    per_class = cfg['train_per_class'] + cfg['test_per_class']
    img_id = 0
    for label in range(cfg['num_classes']):
        name = CLASS_SPECS[label][0]
        folder = f'{label + 1:03d}.{name}'
        os.makedirs(osp.join(root, 'images', folder), exist_ok=True)
        for j in range(per_class):
            img_id += 1
            img, box, frac = _render(cfg['seed'], img_id, label, cfg)
            rel = f'{folder}/{name}_{j + 1:04d}.jpg'
            ok, buf = cv2.imencode(
                '.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, cfg['jpeg_quality']])
            assert ok, 'JPEG encoding failed'
            with open(osp.join(root, 'images', rel), 'wb') as f:
                f.write(buf.tobytes())
            is_train = int(j < cfg['train_per_class'])
            split = 'train' if is_train else 'test'
            lines['images'].append(f'{img_id} {rel}')
            lines['labels'].append(f'{img_id} {label + 1}')
            lines['split'].append(f'{img_id} {is_train}')
            lines['boxes'].append(f'{img_id} ' + ' '.join(f'{v:.1f}'
                                                          for v in box))
            h, w = img.shape[:2]
            m = meta[split]
            m['ids'].append(rel)
            m['labels'].append(f'{rel},{label}')
            m['sizes'].append(f'{rel},{w},{h}')
            m['boxes'].append(f'{rel},{box[0]},{box[1]},{box[0] + box[2]},'
                              f'{box[1] + box[3]}')
            summary['area_fractions'].append(frac)
            summary['sizes'].append((w, h))
            summary['total_bytes'] += len(buf)

    def write(path, rows):
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(rows) + '\n')

    write(osp.join(root, 'images.txt'), lines['images'])
    write(osp.join(root, 'image_class_labels.txt'), lines['labels'])
    write(osp.join(root, 'train_test_split.txt'), lines['split'])
    write(osp.join(root, 'bounding_boxes.txt'), lines['boxes'])
    write(
        osp.join(root, 'classes.txt'), [
            f'{i + 1} {i + 1:03d}.{CLASS_SPECS[i][0]}'
            for i in range(cfg['num_classes'])
        ])
    if cfg['write_wsol_metadata']:
        for split, m in meta.items():
            d = osp.join(root, 'metadata', split)
            os.makedirs(d, exist_ok=True)
            write(osp.join(d, 'image_ids.txt'), m['ids'])
            write(osp.join(d, 'class_labels.txt'), m['labels'])
            write(osp.join(d, 'image_sizes.txt'), m['sizes'])
            write(osp.join(d, 'localization.txt'), m['boxes'])
    # Written last: its presence marks a complete data set.
    with open(osp.join(root, SYNTHETIC_META_FILE), 'w', encoding='utf-8') as f:
        json.dump(
            dict(generator_version=GENERATOR_VERSION, cfg=cfg),
            f,
            indent=2,
            sort_keys=True)
    summary.update(
        num_images=img_id,
        num_train=cfg['num_classes'] * cfg['train_per_class'],
        num_test=cfg['num_classes'] * cfg['test_per_class'])
    return summary


def _read_meta(root: str) -> Optional[dict]:
    path = osp.join(root, SYNTHETIC_META_FILE)
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def ensure_synthetic_cub(root: str, **cfg) -> bool:
    """Generate the synthetic data in ``root`` unless it is already there.

    Safe when several processes (e.g. distributed ranks) call it at once:
    each generates into a temporary folder beside ``root`` and moves it in
    place with one atomic ``os.rename``; a process that loses the race
    discards its copy and uses the winner's.

    Args:
        root (str): Target folder.
        **cfg: Generator arguments (see :func:`generate_synthetic_cub`).

    Returns:
        bool: True if this call generated the data, False if it existed.

    Raises:
        ValueError: ``root`` holds synthetic data made with other arguments.
        FileExistsError: ``root`` is a non-empty folder of something else.
    """
    cfg = resolve_synthetic_cub_cfg(**cfg)
    wanted = dict(generator_version=GENERATOR_VERSION, cfg=cfg)

    def check_existing() -> bool:
        meta = _read_meta(root)
        if meta is None:
            return False
        if meta != wanted:
            raise ValueError(
                f'"{root}" holds synthetic CUB data generated with '
                f'{meta} but {wanted} was asked for. Delete the folder '
                f'(or choose another data_root) to regenerate it.')
        return True

    if check_existing():
        return False
    if osp.isdir(root) and os.listdir(root):
        raise FileExistsError(
            f'"{root}" is not empty and holds no {SYNTHETIC_META_FILE}: '
            f'refusing to generate synthetic CUB data over it. Point '
            f'data_root at an empty or missing folder.')
    parent = osp.dirname(osp.abspath(root))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(
        prefix=f'.{osp.basename(osp.abspath(root))}.tmp-', dir=parent)
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the data is not
    try:
        generate_synthetic_cub(tmp, **cfg)
        try:
            # Replaces a missing or empty root atomically; fails if another
            # process already moved its (complete) copy in.
            os.rename(tmp, root)
            return True
        except OSError:
            if check_existing():
                return False
            raise
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)

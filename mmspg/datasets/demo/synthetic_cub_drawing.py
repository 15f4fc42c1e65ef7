"""Drawing of the synthetic CUB images, one per call from one seed.

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

:mod:`.synthetic_cub_generator` writes the images and their annotations.
"""
import math
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

__all__ = ['CLASS_SPECS', 'GENERATOR_VERSION', 'render_image']

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
               head_colour: Tuple[int, int, int], label: int, num_classes: int,
               body_class_bias: float, body_tint: Sequence[float]) -> None:
    h, w = img.shape[:2]
    # The weak class hints of the body (see the module docstring).
    biased = rng.random() < body_class_bias
    body_col = _body_colour(
        rng,
        _class_body_hues(label, num_classes) if biased else (5, 35))
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


def render_image(seed: int, index: int, label: int,
                 cfg: dict) -> Tuple[np.ndarray, List[int], float]:
    """Draw one image of class ``label``.

    Args:
        seed (int): The data set's seed.
        index (int): 1-based image id; with ``seed`` it seeds this image
            alone, so images do not depend on each other.
        label (int): 0-based class, an index of :data:`CLASS_SPECS`.
        cfg (dict): Generator arguments as returned by
            :func:`~.synthetic_cub_generator.resolve_synthetic_cub_cfg`.

    Returns:
        tuple: BGR uint8 image (H, W, 3) with H, W in [min_side, max_side];
        the object's box [x, y, w, h] in pixels (CUB's
        ``bounding_boxes.txt`` form); its area / the image's, in (0, 1].
    """
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

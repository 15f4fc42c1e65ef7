"""A tiny generated data set in the WSOL benchmark's OpenImages layout."""
import os
import os.path as osp

import cv2
import numpy as np


def make_openimages(root: str,
                    num_per_class: int = 3,
                    num_classes: int = 2,
                    size=(40, 48),
                    seed: int = 0) -> dict:
    """Write ``<root>/{images,masks,metadata}`` like clovaai/wsolevaluation.

    Each image (h, w) = ``size`` has one bright rectangle (its instance
    mask), some images a second mask line, and an ignore mask on the first
    line of every test image (a corner, overlapping nothing). Returns the
    folders.
    """
    rng = np.random.default_rng(seed)
    h, w = size
    out = dict(
        images=osp.join(root, 'images'),
        masks=osp.join(root, 'masks'),
        metadata=osp.join(root, 'metadata'))
    for split in ('train', 'test'):
        meta = osp.join(out['metadata'], split)
        os.makedirs(meta, exist_ok=True)
        ids, labels, sizes, loc = [], [], [], []
        for c in range(num_classes):
            for i in range(num_per_class):
                image_id = f'{split}/c{c:02d}/{i:04d}.jpg'
                img = rng.integers(0, 60, (h, w, 3), dtype=np.uint8)
                x0, y0 = rng.integers(0, w // 2), rng.integers(0, h // 2)
                x1, y1 = x0 + w // 3, y0 + h // 3
                img[y0:y1, x0:x1] = 220 if c == 0 else 120
                path = osp.join(out['images'], image_id)
                os.makedirs(osp.dirname(path), exist_ok=True)
                cv2.imwrite(path, img)
                ids.append(image_id)
                labels.append(c)
                sizes.append((w, h))
                if split == 'train':
                    continue
                stem = image_id[:-4]
                mask = np.zeros((h, w), np.uint8)
                mask[y0:y1, x0:x1] = 255
                m0 = f'{stem}_m{c:02d}_a.png'
                ignore = f'{stem}_ignore.png'
                ign = np.zeros((h, w), np.uint8)
                ign[-4:, -4:] = 255
                for rel, arr in ((m0, mask), (ignore, ign)):
                    p = osp.join(out['masks'], rel)
                    os.makedirs(osp.dirname(p), exist_ok=True)
                    cv2.imwrite(p, arr)
                loc.append(f'{image_id},{m0},{ignore}')
                if i % 2 == 0:  # a second instance, empty ignore field
                    m1 = f'{stem}_m{c:02d}_b.png'
                    second = np.zeros((h, w), np.uint8)
                    second[:5, :5] = 255
                    cv2.imwrite(osp.join(out['masks'], m1), second)
                    loc.append(f'{image_id},{m1},')
        with open(osp.join(meta, 'image_ids.txt'), 'w') as f:
            f.writelines(f'{i}\n' for i in ids)
        with open(osp.join(meta, 'class_labels.txt'), 'w') as f:
            f.writelines(f'{i},{lb}\n' for i, lb in zip(ids, labels))
        with open(osp.join(meta, 'image_sizes.txt'), 'w') as f:
            f.writelines(f'{i},{sw},{sh}\n' for i, (sw, sh) in zip(ids, sizes))
        # the benchmark's train split has an empty localization.txt
        with open(osp.join(meta, 'localization.txt'), 'w') as f:
            f.writelines(f'{line}\n' for line in loc)
    return out

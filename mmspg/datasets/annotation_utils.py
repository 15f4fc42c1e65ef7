"""Helpers shared by the WSOL dataset parsers.

Every parser reports bad input the same way: a ``ValueError`` naming the file
and the 1-based line number at fault, and a ``FileNotFoundError`` that says
where the data should be and what layout is expected. The helpers here keep
those messages uniform and keep the box checks (positive size, inside the
image up to a small tolerance) in one place.

Every read goes through mmengine's fileio with the dataset's
``backend_args``, so the same datasets read local disks, petrel/S3, HTTP
or any registered backend (as mmpretrain's ``CUB`` / ``ImageNet`` do).
Text files may start with a UTF-8 byte order mark (Windows editors write
one); it is dropped.
"""
import io
import os.path as osp
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np
from mmengine import fileio
from PIL import Image, UnidentifiedImageError

__all__ = [
    'missing_data_error', 'iter_annotation_lines', 'parse_number', 'check_box',
    'boxes_to_array', 'read_image_size', 'list_images', 'IMG_EXTENSIONS',
    'is_local'
]

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif',
                  '.tiff', '.webp')


def missing_data_error(dataset: str,
                       missing: str,
                       expected_root: str,
                       layout: str,
                       hint: str = '') -> FileNotFoundError:
    """Build the one-paragraph error raised when data is not where expected.

    Args:
        dataset (str): Dataset class name, e.g. ``'CUBWSOLDataset'``.
        missing (str): The path that does not exist.
        expected_root (str): The folder the user should fill.
        layout (str): The expected layout, one item per line.
        hint (str): Optional extra advice (download page, generator...).

    Returns:
        FileNotFoundError: The error to raise.
    """
    msg = (f'{dataset}: "{missing}" does not exist. Put the data under '
           f'"{expected_root}" (the `data_root` of the dataset config) with '
           f'this layout:\n{layout}')
    if hint:
        msg += f'\n{hint}'
    return FileNotFoundError(msg)


def is_local(path: str, backend_args: Optional[dict] = None) -> bool:
    """Whether ``path`` is read by mmengine's local-disk backend."""
    return isinstance(
        fileio.get_file_backend(path, backend_args=backend_args),
        fileio.LocalBackend)


def iter_annotation_lines(
        path: str,
        sep: Optional[str] = None,
        maxsplit: int = -1,
        backend_args: Optional[dict] = None
) -> Iterator[Tuple[int, List[str]]]:
    """Yield ``(line_number, fields)`` for each non-blank line of a file.

    Args:
        path (str): Text file to read (UTF-8, a leading byte order mark is
            dropped).
        sep (str, optional): Field separator; ``None`` splits on whitespace.
        maxsplit (int): As in ``str.split``; -1 splits every separator.
        backend_args (dict, optional): mmengine fileio backend arguments.

    Yields:
        tuple: 1-based line number and the stripped fields of the line.
    """
    data = fileio.get(path, backend_args=backend_args)
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as err:
        # Python's message gives only a byte offset: name file and line
        line = data.count(b'\n', 0, err.start) + 1
        raise ValueError(
            f'{path}, line {line}: not valid UTF-8 (byte '
            f'{data[err.start:err.start + 1]!r} at offset {err.start}); '
            'annotation files are read as UTF-8.') from None
    # newline=None: universal newlines, as open() in text mode
    with io.StringIO(text, newline=None) as f:
        for lineno, line in enumerate(f, start=1):
            line = line.strip()
            if not line:
                continue
            fields = line.split(sep, maxsplit)
            if sep is not None:
                fields = [x.strip() for x in fields]
            yield lineno, fields


def _where(path: str, lineno: Optional[int]) -> str:
    return path if lineno is None else f'{path}, line {lineno}'


def parse_number(token: str,
                 path: str,
                 lineno: Optional[int],
                 what: str,
                 kind: type = float):
    """Parse ``token`` as ``kind`` or raise naming file, line and field.

    Args:
        token (str): Text to parse.
        path (str): File the token came from (for the message).
        lineno (int, optional): 1-based line number (for the message);
            None where the format has no lines (XML).
        what (str): Name of the field, e.g. ``'image id'``.
        kind (type): ``int`` or ``float``.

    Returns:
        int | float: The parsed value.
    """
    try:
        value = kind(token)
    except ValueError:
        raise ValueError(f'{_where(path, lineno)}: {what} must be '
                         f'{"an integer" if kind is int else "a number"}, '
                         f'got {token!r}.') from None
    if kind is float and not np.isfinite(value):
        raise ValueError(f'{_where(path, lineno)}: {what} must be finite, '
                         f'got {token!r}.')
    return value


def check_box(box: Sequence[float],
              path: str,
              lineno: Optional[int],
              img_size: Optional[Tuple[int, int]] = None,
              tolerance: float = 0.02) -> List[float]:
    """Validate one x1, y1, x2, y2 box and clip small overshoots.

    Annotation tools often put a box edge a pixel or two beyond the image
    (CUB has such boxes); those are clipped. A box that leaves the image by
    more than ``max(1 px, tolerance * side)`` means the annotation or the
    image is wrong, so it is rejected instead of silently mangled.

    Args:
        box (Sequence[float]): x1, y1, x2, y2 in original pixels.
        path (str): Annotation file (for the message).
        lineno (int, optional): 1-based line number (for the message).
        img_size (tuple, optional): (w, h) of the image; ``None`` skips the
            in-image check (only the positive size is checked).
        tolerance (float): Allowed overshoot as a fraction of the image side.

    Returns:
        list[float]: The (possibly clipped) box.
    """
    x1, y1, x2, y2 = (float(v) for v in box)
    if not (x2 > x1 and y2 > y1):
        raise ValueError(f'{_where(path, lineno)}: box {list(box)} has a '
                         f'non-positive size (need x2 > x1 and y2 > y1).')
    if img_size is None:
        return [x1, y1, x2, y2]
    w, h = img_size
    tol_x = max(1.0, tolerance * w)
    tol_y = max(1.0, tolerance * h)
    if (x1 < -tol_x or y1 < -tol_y or x2 > w + tol_x or y2 > h + tol_y
            or x1 >= w or y1 >= h or x2 <= 0 or y2 <= 0):
        raise ValueError(
            f'{_where(path, lineno)}: box x1,y1,x2,y2 = '
            f'{[x1, y1, x2, y2]} lies outside the {w}x{h} (w x h) image by '
            f'more than the tolerance ({tolerance:.0%} of the side); the '
            f'annotation or the image file is wrong.')
    x1, x2 = min(max(x1, 0.), w), min(max(x2, 0.), w)
    y1, y2 = min(max(y1, 0.), h), min(max(y2, 0.), h)
    return [x1, y1, x2, y2]


def boxes_to_array(boxes: Sequence[Sequence[float]]) -> np.ndarray:
    """Stack boxes into a float32 (K, 4) array, (0, 4) when there are none."""
    if len(boxes) == 0:
        return np.zeros((0, 4), dtype=np.float32)
    return np.asarray(boxes, dtype=np.float32).reshape(-1, 4)


def read_image_size(path: str,
                    backend_args: Optional[dict] = None) -> Tuple[int, int]:
    """Read (w, h) of an image from its header only.

    PIL's ``Image.open`` parses the header lazily and does not decode pixels,
    so on a local disk this costs a file open and a few hundred bytes read;
    other backends fetch the file's bytes.

    Args:
        path (str): Image file.
        backend_args (dict, optional): mmengine fileio backend arguments.

    Returns:
        tuple[int, int]: Width and height in pixels.
    """
    local = is_local(path, backend_args)
    if local and osp.isdir(path):
        raise IsADirectoryError(
            f'Image file "{path}" is a directory, not an image.')
    if not (osp.isfile(path) if local else fileio.isfile(
            path, backend_args=backend_args)):
        raise FileNotFoundError(f'Image file "{path}" does not exist.')
    try:
        source = path if local else io.BytesIO(
            fileio.get(path, backend_args=backend_args))
        with Image.open(source) as img:
            return img.size
    except (UnidentifiedImageError, OSError) as e:
        raise ValueError(f'Cannot read the size of image "{path}": {e}') \
            from None


def list_images(folder: str,
                recursive: bool = True,
                backend_args: Optional[dict] = None) -> List[str]:
    """Sorted image files under ``folder``, relative to it, '/'-separated.

    The extension test ignores case (``.JPEG`` of ImageNet).
    """
    names = fileio.list_dir_or_file(
        folder, list_dir=False, recursive=recursive, backend_args=backend_args)
    return sorted(
        n.replace('\\', '/') for n in names
        if n.lower().endswith(IMG_EXTENSIONS))

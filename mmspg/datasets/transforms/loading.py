"""Image loading that names the file at fault, can skip broken images, and
decodes in the stored frame (never EXIF-rotated), as both sources do."""
import io
import logging
from typing import Optional

import cv2
import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.logging import print_log
from PIL import Image

from mmspg.registry import TRANSFORMS

# Flags with which mmcv's cv2 and pillow decoders apply the EXIF orientation
# tag (mmcv/image/io.py: imread_flags, _pillow2array). The boxes, the
# benchmark's image_sizes.txt and the OpenImages masks are all in the
# stored frame, which both sources read with a plain PIL Image.open
# (clovaai/wsolevaluation data_loaders.py:196-197; xiaomengyc/SPG
# utils/mydataset.py:37).
_EXIF_ROTATING = ('color', 'grayscale')


def _jpeg_truncated(data: bytes) -> bool:
    """True for JPEG bytes that a full decode reports as truncated.

    OpenCV 5 returns None for a truncated JPEG, but OpenCV 4 builds decode
    it with a grey bottom and only print a warning. A JPEG that ends with
    its EOI marker (FF D9) is complete; for the rest (truncated, or with
    trailing bytes after EOI, which is legal) PIL's decoder, which raises on
    truncation, decides. So the common case costs a 2-byte comparison.
    """
    if data[:2] != b'\xff\xd8' or data.rstrip(b'\x00\r\n ')[-2:] == \
            b'\xff\xd9':
        return False
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
    except OSError:
        return True
    return False


def decode_image(img_bytes: bytes,
                 color_type: str = 'color_ignore_orientation',
                 backend: str = 'cv2') -> Optional[np.ndarray]:
    """Decode image bytes in their stored frame, as mmspg's loading does.

    Args:
        img_bytes (bytes): The file's content.
        color_type (str): mmcv's flag. Defaults to
            ``'color_ignore_orientation'`` (no EXIF rotation).
        backend (str): mmcv's decoder: ``'cv2'`` or ``'pillow'`` (and
            mmcv's others). With ``'pillow'`` and a colour flag, exactly
            the sources' ``Image.open(f).convert('RGB')``.

    Returns:
        np.ndarray | None: (H, W, 3) uint8 BGR for the colour flags; None
        when OpenCV cannot decode the bytes.
    """
    if backend == 'pillow' and color_type == 'color_ignore_orientation':
        # The sources' decode written out: mmcv's pillow path differs on
        # 'LA' images (see LoadImageFromFileWSOL's docstring).
        with Image.open(io.BytesIO(img_bytes)) as img:
            # convert('RGB') of an 'RGB' image is a copy: skipped
            rgb = np.asarray(img if img.mode == 'RGB' else img.convert('RGB'))
        # OpenCV's channel swap: a SIMD copy, several times faster than
        # numpy's strided rgb[..., ::-1] copy on photo-sized images
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    return mmcv.imfrombytes(img_bytes, flag=color_type, backend=backend)


@TRANSFORMS.register_module()
class LoadImageFromFileWSOL(LoadImageFromFile):
    """Load an image; fail clearly or skip when it is unreadable.

    Same as mmcv's ``LoadImageFromFile`` (``img``, ``img_shape``,
    ``ori_shape``), plus:

    - the image is decoded in its stored frame: ``color_type`` defaults to
      ``'color_ignore_orientation'``, and the flags with which mmcv applies
      the EXIF orientation (``'color'``, ``'grayscale'``) are refused with
      the cv2 and pillow decoders, because every annotation (boxes,
      ``image_sizes.txt``, masks) is in the stored frame, as the sources
      read it;
    - ``imdecode_backend='pillow'`` decodes exactly as both sources do,
      ``PIL.Image.open(f).convert('RGB')`` (then BGR, as mmcv): mmcv's own
      pillow path is the same except for grey+alpha (``'LA'``) images,
      which it pastes on a (124, 117, 104) canvas instead of dropping the
      alpha (mmcv/image/io.py, ``_pillow2array``). The default ``'cv2'``
      differs from PIL by one grey level on CMYK JPEGs;
    - a missing, empty, undecodable or truncated file raises an ``OSError``
      naming the file (``on_error='raise'``), or is logged with its path and
      a running count and makes the transform return ``None``
      (``on_error='skip'``), so that mmengine's ``BaseDataset`` fetches
      another random index (training only: with ``test_mode=True`` mmengine
      refuses ``None``, after our log line has named the file);
    - when the data info has ``img_size`` (w, h) from the annotation and the
      decoded image has another size, the boxes would be in the wrong frame:
      treated as an unreadable image (``check_img_size=True``);
    - ``ori_gt_bboxes`` is added as a copy of ``gt_bboxes`` when the dataset
      did not set it.

    Args:
        on_error (str): ``'raise'`` or ``'skip'``. Defaults to ``'raise'``.
        check_img_size (bool): Compare with ``img_size``. Defaults to True.
        fast_decode (bool): Opt-in speed-up, NOT the protocol: decode with
            OpenCV whatever ``imdecode_backend`` says (still in the stored
            frame): 8-17 % more images/s per loader worker on the protocol
            pipelines (docs/benchmarks.md, "Input pipeline"); the pixels
            equal PIL's on the JPEGs measured except CMYK ones (one grey
            level). A warning says so in the log. Defaults to False.
        color_type (str): mmcv's flag; ``'color_ignore_orientation'``
            (default) or ``'grayscale_ignore_orientation'`` with the cv2 and
            pillow decoders. Defaults to ``'color_ignore_orientation'``.
        **kwargs: Arguments of mmcv's ``LoadImageFromFile`` (``to_float32``,
            ``imdecode_backend``, ``backend_args``...). ``ignore_empty`` is
            replaced by ``on_error``.
    """

    def __init__(self,
                 on_error: str = 'raise',
                 check_img_size: bool = True,
                 fast_decode: bool = False,
                 color_type: str = 'color_ignore_orientation',
                 **kwargs) -> None:
        if on_error not in ('raise', 'skip'):
            raise ValueError(f"on_error must be 'raise' or 'skip', got "
                             f'{on_error!r}.')
        if kwargs.pop('ignore_empty', False):
            raise ValueError("Use on_error='skip' instead of ignore_empty.")
        backend = kwargs.get('imdecode_backend', 'cv2')
        if color_type in _EXIF_ROTATING and backend in ('cv2', 'pillow'):
            raise ValueError(
                f'LoadImageFromFileWSOL: color_type={color_type!r} with the '
                f'{backend} decoder applies the EXIF orientation tag, but '
                'the annotations are in the stored frame (as both sources '
                f"read images); use '{color_type}_ignore_orientation'.")
        super().__init__(color_type=color_type, **kwargs)
        self.fast_decode = fast_decode
        if fast_decode and self.imdecode_backend != 'cv2':
            print_log(
                'LoadImageFromFileWSOL(fast_decode=True): images are decoded '
                f'with OpenCV instead of {self.imdecode_backend!r}. This is '
                "NOT the protocol's decode (CMYK JPEGs differ by one grey "
                'level); do not report numbers of this run as the '
                "protocol's.",
                logger='current',
                level=logging.WARNING)
            self.imdecode_backend = 'cv2'
        self.on_error = on_error
        self.check_img_size = check_img_size
        # Per process: each dataloader worker counts its own skips.
        self.num_skipped = 0

    def _fail(self, filename: str, reason: str) -> None:
        msg = f'Cannot use image "{filename}": {reason}'
        if self.on_error == 'raise':
            raise OSError(msg)
        self.num_skipped += 1
        print_log(
            f'{msg}. Skipped it ({self.num_skipped} image(s) skipped so far '
            f'in this process); another sample is fetched instead.',
            logger='current',
            level=logging.WARNING)

    def transform(self, results: dict) -> Optional[dict]:
        """Load the image of ``results['img_path']``.

        Args:
            results (dict): A data info; ``img_path`` is required.

        Returns:
            dict | None: ``results`` with ``img`` (H, W, 3) uint8 BGR (or
            float32 if ``to_float32``), ``img_shape`` = ``ori_shape`` =
            (H, W); None if the image was skipped.
        """
        filename = results['img_path']
        try:
            img_bytes = self._get_bytes(filename)
        except Exception as e:  # any backend error: missing, permission...
            return self._fail(filename, f'{type(e).__name__}: {e}')
        if not img_bytes:
            return self._fail(filename, 'the file is empty')
        try:
            img = self._decode(img_bytes)
        except Exception as e:
            return self._fail(filename, f'decoding failed ({e})')
        if _jpeg_truncated(img_bytes):
            return self._fail(filename, 'the JPEG data is truncated')
        if img is None:
            return self._fail(filename, 'not a decodable image')
        h, w = img.shape[:2]
        if self.check_img_size and results.get('img_size') is not None:
            aw, ah = results['img_size']
            if (aw, ah) != (w, h):
                hint = ''
                if (aw, ah) == (h, w):
                    # The image is decoded in its stored frame (never
                    # EXIF-rotated), so the annotation is what is rotated.
                    hint = ('; width and height are swapped: the annotation '
                            'was probably made on an EXIF-rotated view of '
                            'the file, while images are read in their '
                            'stored frame')
                return self._fail(
                    filename, f'it is {w}x{h} (w x h) but the annotation '
                    f'says {aw}x{ah}, so its boxes would be misplaced{hint}')
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = (h, w)
        results['ori_shape'] = (h, w)
        if 'gt_bboxes' in results and 'ori_gt_bboxes' not in results:
            results['ori_gt_bboxes'] = np.array(
                results['gt_bboxes'], dtype=np.float32, copy=True)
        return results

    def _get_bytes(self, filename: str) -> bytes:
        # Same backend resolution as mmcv's LoadImageFromFile.transform,
        # which cannot be reused as is: it raises bare errors without the
        # file name and turns a failed decode into an assert.
        if self.file_client_args is not None:
            client = fileio.FileClient.infer_client(self.file_client_args,
                                                    filename)
            return client.get(filename)
        return fileio.get(filename, backend_args=self.backend_args)

    def _decode(self, img_bytes: bytes) -> Optional[np.ndarray]:
        return decode_image(img_bytes, self.color_type, self.imdecode_backend)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(on_error={self.on_error!r}, '
                f'check_img_size={self.check_img_size}, '
                f'fast_decode={self.fast_decode}, '
                f'to_float32={self.to_float32}, '
                f"color_type='{self.color_type}', "
                f"imdecode_backend='{self.imdecode_backend}', "
                f'backend_args={self.backend_args})')

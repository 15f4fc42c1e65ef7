from .scoremap import (benchmark_quantized_scoremap, normalize_scoremap,
                       resize_scoremap)
from .scoremap_norm import (SCOREMAP_NORMS, IVRNorm, MaxNorm, MinMaxNorm,
                            PaSNorm, build_scoremap_norm)
from .wsol_box import (BENCHMARK_SIZE, BOX_BACKENDS, box_accuracy_summary,
                       box_backends, boxes_from_binary, cam_threshold_grid,
                       check_boxes, check_scoremap, compiled_extension,
                       hits_from_ious, level_max_ious, multiple_iou,
                       quantize_scoremap, quantized_max_ious, rescale_boxes,
                       scoremap_max_ious, scoremap_max_ious_slow,
                       thread_scratch)
from .wsol_layout import evaluate_scoremap_folder
from .wsol_mask import (load_benchmark_mask, piou_summary, pxap_histograms,
                        pxap_summary)
from .wsol_metadata import (read_boxes, read_class_labels, read_image_ids,
                            read_image_sizes, read_mask_paths, scoremap_path,
                            write_metadata)

__all__ = [
    'normalize_scoremap', 'resize_scoremap', 'benchmark_quantized_scoremap',
    'SCOREMAP_NORMS', 'MinMaxNorm', 'MaxNorm', 'PaSNorm', 'IVRNorm',
    'build_scoremap_norm', 'BENCHMARK_SIZE', 'BOX_BACKENDS', 'box_backends',
    'quantized_max_ious', 'level_max_ious', 'compiled_extension',
    'thread_scratch', 'box_accuracy_summary', 'boxes_from_binary',
    'cam_threshold_grid', 'check_boxes', 'check_scoremap', 'hits_from_ious',
    'multiple_iou', 'quantize_scoremap', 'rescale_boxes', 'scoremap_max_ious',
    'scoremap_max_ious_slow', 'evaluate_scoremap_folder',
    'load_benchmark_mask', 'piou_summary', 'pxap_histograms', 'pxap_summary',
    'read_boxes', 'read_class_labels', 'read_image_ids', 'read_image_sizes',
    'read_mask_paths', 'scoremap_path', 'write_metadata'
]

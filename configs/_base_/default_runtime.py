# Runtime shared by every mmspg config: mmpretrain's runtime + the plugin
# import.
_base_ = ['mmpretrain::_base_/default_runtime.py']

# mmspg's child registries (mmspg/registry.py): mmspg types resolve unprefixed
# and every mmpretrain/mmengine type through the parent registries.
default_scope = 'mmspg'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    # Keep the last checkpoints and select none: the val split of several
    # recipes is the split they report (CUB test, ILSVRC val), and picking
    # the best epoch there would tune on the reported numbers. Recipes with
    # a separate validation split (the WSOL benchmark's train-fullsup,
    # metadata `val`) set save_best themselves; the benchmark reports the
    # last checkpoint (clovaai/wsolevaluation config.py line 183).
    # WSOLCheckpointHook: atomic checkpoint writes, new checkpoints before
    # old ones are removed, strict checks of loaded checkpoints.
    # _scope_: the default_hooks dict inherited through mmpretrain:: carries
    # _scope_='mmpretrain', under which mmspg's hooks are not found.
    checkpoint=dict(
        _scope_='mmspg',
        type='WSOLCheckpointHook',
        interval=1,
        max_keep_ckpts=3),
    visualization=dict(
        _scope_='mmspg', type='WSOLVisualizationHook', enable=False),
    # mmengine's SyncBuffersHook, as mmdet's configs use it: DDP is built
    # with broadcast_buffers=False, so without it each rank validates with
    # its own BatchNorm statistics and only rank 0's are saved; with it a
    # distributed validation scores exactly the checkpoint it saves.
    sync_buffers=dict(_scope_='mmspg', type='SyncBuffersHook'),
    # The mmspg hooks below are switched off with `<name>.enable=False`
    # (mmengine refuses `<name>=None` for default hooks it does not define).
    # mmspg: a non-finite loss stops training at once, and no checkpoint
    # with non-finite weights is written (nor any good one rotated out).
    non_finite_check=dict(_scope_='mmspg', type='NonFiniteCheckHook'),
    # mmspg: a resume whose final validation never completed runs it; a
    # run that ends without validating its last checkpoint fails.
    final_validation=dict(_scope_='mmspg', type='FinalValidationHook'),
    # mmspg: model.head.num_classes must be the data set's class count,
    # checked once the data sets are built, before the first iteration.
    num_classes_check=dict(_scope_='mmspg', type='NumClassesCheckHook'),
    # every image/mask file of the run's datasets exists (a stat each, when
    # the run starts; tools/misc/check_data.py checks the contents)
    data_files=dict(_scope_='mmspg', type='DataFilesCheckHook'),
)

log_processor = dict(by_epoch=True)

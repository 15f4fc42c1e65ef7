# Runtime shared by every mmspg config: mmpretrain's runtime + the plugin import.
_base_ = ['mmpretrain::_base_/default_runtime.py']

# mmspg registers into mmpretrain's registries (see mmspg/registry.py), so the
# scope stays 'mmpretrain' and every mmpretrain type resolves unchanged.
default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    # Keep the last checkpoints and select none: the val split of several
    # recipes is the split they report (CUB test, ILSVRC val), and picking
    # the best epoch there would tune on the reported numbers. Recipes with
    # a separate validation split (the WSOL benchmark's train-fullsup,
    # metadata `val`) set save_best themselves; the benchmark reports the
    # last checkpoint (clovaai/wsolevaluation config.py line 183).
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    visualization=dict(type='WSOLVisualizationHook', enable=False),
)

# Atomic checkpoint writes and strict checks of loaded checkpoints.
runner_type = 'WSOLRunner'

log_processor = dict(by_epoch=True)

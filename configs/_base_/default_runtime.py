# Runtime shared by every mmspg config: mmpretrain's runtime + the plugin import.
_base_ = ['mmpretrain::_base_/default_runtime.py']

# mmspg registers into mmpretrain's registries (see mmspg/registry.py), so the
# scope stays 'mmpretrain' and every mmpretrain type resolves unchanged.
default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmspg'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    # Keep the best localization checkpoint (MaxBoxAccV2) and the last ones.
    checkpoint=dict(
        type='WSOLCheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='wsol/maxboxacc_v2',
        rule='greater'),
    visualization=dict(type='WSOLVisualizationHook', enable=False),
)

# Atomic checkpoint writes and strict checks of loaded checkpoints.
runner_type = 'WSOLRunner'

log_processor = dict(by_epoch=True)

""".dev_scripts/benchmark_wsol_eval.py: every box backend against the plain
per-threshold protocol, on a few generated maps."""
from mmspg.evaluation.functional import box_backends


def test_backends_equal_the_plain_protocol(dev_script):
    out = dev_script('benchmark_wsol_eval', '--num-maps', '4',
                     '--cam-curve-interval', '0.02', '--workers', '1')
    assert out.returncode == 0, out.stdout[-2000:]
    for backend in box_backends():
        assert f'mmspg_{backend}_1proc' in out.stdout
        assert f"-- backend '{backend}'" in out.stdout
    assert 'max abs diff over all metrics and curves: 0.0' in out.stdout
    assert 'MISMATCH' not in out.stdout

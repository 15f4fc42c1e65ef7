""".dev_scripts/benchmark_method_step.py: times a step of configs with
different heads and batch augments."""


def test_times_every_config(dev_script):
    out = dev_script('benchmark_method_step', 'configs/demo/cam_demo.py',
                     'configs/demo/acol_demo.py', 'configs/demo/has_demo.py',
                     '--batch-size', '2', '--input-size', '32', '--iters', '1',
                     '--warmup', '0')
    assert out.returncode == 0, out.stdout[-2000:]
    rows = [
        line.split() for line in out.stdout.splitlines()
        if line.startswith('configs/demo/')
    ]
    assert [r[0] for r in rows] == [
        'configs/demo/cam_demo.py', 'configs/demo/acol_demo.py',
        'configs/demo/has_demo.py'
    ]
    assert all(float(r[1]) > 0 and float(r[2]) > 0 for r in rows)

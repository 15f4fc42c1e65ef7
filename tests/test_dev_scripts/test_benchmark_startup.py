""".dev_scripts/benchmark_startup.py: start-up time of a tool and the heavy
packages it imports."""


def test_eval_scoremaps_starts_without_heavy_packages(dev_script):
    out = dev_script('benchmark_startup', '--runs', '1')
    assert out.returncode == 0, out.stdout[-2000:]
    assert 'tools/eval_scoremaps.py --help: median' in out.stdout
    # the figure docs/benchmarks.md reports: numpy/OpenCV only
    assert 'heavy packages imported: none' in out.stdout

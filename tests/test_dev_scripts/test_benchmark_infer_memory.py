""".dev_scripts/benchmark_infer_memory.py: peak memory of tools/infer.py on
a generated image (fails if infer.py fails), and the per-step peaks."""


def test_measures_infer_py(dev_script):
    out = dev_script('benchmark_infer_memory', '--size', '64', '48')
    assert out.returncode == 0, out.stdout[-2000:]
    assert 'image 64 x 48' in out.stdout
    assert 'peak RSS, imports only: ' in out.stdout
    assert 'peak RSS, infer.py: ' in out.stdout


def test_stages_run_the_steps_of_infer_py(dev_script):
    out = dev_script('benchmark_infer_memory', '--size', '64', '48',
                     '--stages')
    assert out.returncode == 0, out.stdout[-2000:]
    for step in ('decode the image', 'network + top-1 map',
                 'overlay at --max-overlay-side 2048'):
        assert step in out.stdout

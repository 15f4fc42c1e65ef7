""".dev_scripts/benchmark_train_step.py: one training step of a config's
model and of its plain twin."""


def test_times_spg_and_its_plain_twin(dev_script):
    out = dev_script('benchmark_train_step', 'configs/demo/spg_demo.py',
                     '--batch-size', '2', '--input-size', '32', '--iters', '1',
                     '--warmup', '0', '--device', 'cpu')
    assert out.returncode == 0, out.stdout[-2000:]
    rows = {
        line.split()[0]: line.split()
        for line in out.stdout.splitlines()
        if line.startswith(('SPG ', 'SPG-plain '))
    }
    assert sorted(rows) == ['SPG', 'SPG-plain']
    for row in rows.values():
        assert row[1] == 'cpu'
        assert float(row[2]) > 0 and float(row[3]) > 0

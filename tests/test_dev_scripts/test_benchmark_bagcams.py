""".dev_scripts/benchmark_bagcams.py: times the CAM and BagCAMs maps of a
small model, each in its own process."""


def test_times_both_modes(dev_script):
    out = dev_script('benchmark_bagcams', '--depth', '18', '--input-size',
                     '32', '--num-classes', '3', '--topk', '2', '--iters', '1',
                     '--warmup', '0', '--threads', '1')
    assert out.returncode == 0, out.stdout[-2000:]
    rows = {
        line.split()[0]: line.split()
        for line in out.stdout.splitlines()
        if line.startswith(('cam ', 'bagcams '))
    }
    assert set(rows) == {'cam', 'bagcams'}
    for row in rows.values():
        assert float(row[1]) > 0 and float(row[2]) > 0

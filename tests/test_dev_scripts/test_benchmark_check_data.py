""".dev_scripts/benchmark_check_data.py: rates of tools/misc/check_data.py
and of the start-of-run existence check on generated JPEGs."""
import re


def test_rates_and_extrapolation(dev_script, tmp_path):
    out = dev_script('benchmark_check_data', '--num', '12', '--size', '64',
                     '48', '--nproc', '1', '--root', str(tmp_path))
    assert out.returncode == 0, out.stdout[-2000:]
    assert len(list(tmp_path.glob('images/test/*/*.jpg'))) == 12
    check = re.search(
        r'check_data.py --nproc 1: (\d+) files/s -> '
        r'ILSVRC2012 \(1331167 files\) (\d+) min', out.stdout)
    exist = re.search(r'existence check \(one rank\): (\d+) files/s',
                      out.stdout)
    assert check and exist, out.stdout[-2000:]
    assert int(check.group(1)) > 0 and int(exist.group(1)) > 0
